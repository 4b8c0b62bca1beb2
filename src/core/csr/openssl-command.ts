// The `openssl req` command that makes an equivalent key and CSR, for people who must document what they
// did (OpenSSL 3). The subject goes in -subj form (most significant first, "/" and "+" escaped).
import type { KeySpecId } from "../key-spec";
import type { San } from "../san";
import type { Rdn } from "../subject";
import { SM2_DEFAULT_USER_ID } from "./oids";

const NEWKEY: Record<KeySpecId, string[]> = {
  RSA_2048: ["-newkey", "rsa:2048", "-sha256"],
  RSA_3072: ["-newkey", "rsa:3072", "-sha256"],
  RSA_4096: ["-newkey", "rsa:4096", "-sha256"],
  EC_P256: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-sha256"],
  EC_P384: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-sha384"],
  // OpenSSL 3.0 signs SM2 with an empty id unless told: name the default id explicitly.
  EC_SM2: ["-newkey", "sm2", "-sm3", "-sigopt", `distid:${SM2_DEFAULT_USER_ID}`],
};

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=,@+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function opensslSubj(subject: readonly Rdn[]): string {
  const esc = (v: string) => v.replace(/[\\/+]/g, (c) => `\\${c}`);
  return [...subject].reverse().map((rdn) => "/" + rdn.map((a) => `${a.type}=${esc(a.value)}`).join("+")).join("");
}

const SAN_PREFIX = { dns: "DNS", ip: "IP", email: "email" } as const;

export function openSslReqCommand(options: {
  spec: KeySpecId;
  subject: readonly Rdn[];
  sans: readonly San[];
  keyUsage?: readonly string[];
  extKeyUsage?: readonly string[];
  keyOut: string;
  csrOut: string;
  passphraseFile?: string;
}): string {
  const args = ["openssl", "req", "-new", ...NEWKEY[options.spec]];
  args.push(...(options.passphraseFile ? ["-passout", `file:${options.passphraseFile}`] : ["-nodes"]));
  args.push("-keyout", options.keyOut, "-out", options.csrOut, "-utf8", "-subj", opensslSubj(options.subject));
  if (options.subject.some((rdn) => rdn.length > 1)) args.push("-multivalue-rdn");
  if (options.sans.length) args.push("-addext", `subjectAltName=${options.sans.map((s) => `${SAN_PREFIX[s.type]}:${s.value}`).join(",")}`);
  if (options.keyUsage?.length) args.push("-addext", `keyUsage=critical,${options.keyUsage.join(",")}`);
  if (options.extKeyUsage?.length) args.push("-addext", `extendedKeyUsage=${options.extKeyUsage.join(",")}`);
  return args.map(shellQuote).join(" ");
}
