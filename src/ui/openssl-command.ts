// The `openssl req` command that would make an equivalent key and CSR, for people who must document what
// they did or want to reproduce it on a server: the CLI's own command (core `openSslReqCommand`, light: no
// ASN.1), fed from the form's fields. Quoted for a POSIX shell.
import { openSslReqCommand } from "../core/csr/openssl-command";
import type { San } from "../core/san";
import type { Rdn } from "../core/subject";
import type { KeySpecId, SubjectInput } from "./worker-api";

/** Text order, most significant last (as the worker's subjectFromFields): -subj prints it reversed, C first. */
const ORDER: readonly (keyof SubjectInput)[] = ["emailAddress", "CN", "OU", "O", "L", "ST", "C"];

function sanOf(name: string): San {
  if (name.includes("@")) return { type: "email", value: name };
  if (/^[\d.]+$/.test(name) || name.includes(":")) return { type: "ip", value: name };
  return { type: "dns", value: name };
}

export function opensslCommand(
  keySpec: KeySpecId,
  subject: SubjectInput,
  sans: readonly string[],
  usages: { keyUsage?: readonly string[]; extKeyUsage?: readonly string[] } = {},
): string {
  const rdns: Rdn[] = ORDER.filter((f) => subject[f].trim() !== "").map((f) => [{ type: f, oid: "", value: subject[f].trim() }]);
  return openSslReqCommand({
    spec: keySpec,
    subject: rdns,
    sans: sans.map(sanOf),
    keyUsage: usages.keyUsage,
    extKeyUsage: usages.extKeyUsage,
    keyOut: "key.pem",
    csrOut: "request.csr",
  });
}
