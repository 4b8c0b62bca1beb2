// The `openssl req` command that would make an equivalent key and CSR, for people who must document
// what they did or want to reproduce it on a server. Quoted for a POSIX shell.
import type { KeySpecId, SubjectInput } from "./worker-api";

const NEW_KEY: Record<KeySpecId, string> = {
  RSA_2048: "-newkey rsa:2048",
  RSA_3072: "-newkey rsa:3072",
  RSA_4096: "-newkey rsa:4096",
  EC_P256: "-newkey ec -pkeyopt ec_paramgen_curve:P-256",
  EC_P384: "-newkey ec -pkeyopt ec_paramgen_curve:P-384",
  EC_SM2: "-newkey sm2 -sm3 -sigopt distid:1234567812345678",
};

const ORDER: readonly (keyof SubjectInput)[] = ["C", "ST", "L", "O", "OU", "CN", "emailAddress"];

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function escapeDnValue(s: string): string {
  return s.replace(/[\\/]/g, (c) => `\\${c}`);
}

export function opensslCommand(keySpec: KeySpecId, subject: SubjectInput, sans: string[]): string {
  const dn = ORDER.filter((f) => subject[f].trim() !== "")
    .map((f) => `/${f}=${escapeDnValue(subject[f].trim())}`)
    .join("");
  const parts = ["openssl req -new", NEW_KEY[keySpec], "-noenc -keyout key.pem -out request.csr", "-utf8", `-subj ${shellQuote(dn || "/")}`];
  if (sans.length > 0) parts.push(`-addext ${shellQuote(`subjectAltName=${sans.map((s) => `DNS:${s}`).join(",")}`)}`);
  return parts.join(" \\\n  ");
}
