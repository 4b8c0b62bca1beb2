// Reading CSRs and keys with the real OpenSSL 3 (the counterpart CAs and users check ours with).
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const SM2_DISTID = "1234567812345678";

export function openssl(args: string[], input?: string | Uint8Array): { status: number; stdout: string; stderr: string } {
  const r = spawnSync("openssl", args, { input, encoding: "utf8" });
  return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

export function tempDir(prefix = "keysmith-csr-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeTemp(name: string, content: string | Uint8Array): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

export interface OpensslCsrView {
  verified: boolean;
  /** RFC 2253 text, UTF-8 (most significant last), e.g. CN=a,O=b,C=CN */
  subject: string;
  /** Same, with each value prefixed by its ASN.1 string type: CN=PRINTABLESTRING:a */
  subjectTyped: string;
  /** e.g. ["DNS:www.example.com", "IP Address:10.0.0.1"] */
  sans: string[];
  signatureAlgorithm: string;
  text: string;
}

/** `openssl req -verify` plus what it prints about subject and SANs. SM2 CSRs are verified with the default id. */
export function opensslReadCsr(path: string, options: { sm2?: boolean } = {}): OpensslCsrView {
  const vfy = options.sm2 ? ["-vfyopt", `distid:${SM2_DISTID}`] : [];
  const verify = openssl(["req", "-in", path, "-noout", "-verify", ...vfy]);
  const subject = openssl(["req", "-in", path, "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb"]);
  const typed = openssl(["req", "-in", path, "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb,show_type"]);
  const text = openssl(["req", "-in", path, "-noout", "-text", "-reqopt", "no_pubkey"]).stdout;
  const sanLine = /X509v3 Subject Alternative Name:[^\n]*\n\s*([^\n]*)/.exec(text)?.[1] ?? "";
  return {
    // OpenSSL 3.0 exits 0 even when the self-signature fails: read what it says.
    verified: verify.status === 0 && /verify OK/.test(verify.stdout + verify.stderr),
    subject: subject.stdout.trim().replace(/^subject=/, ""),
    subjectTyped: typed.stdout.trim().replace(/^subject=/, ""),
    sans: sanLine.split(",").map((s) => s.trim()).filter(Boolean),
    signatureAlgorithm: /Signature Algorithm: ([^\n]+)/.exec(text)?.[1]?.trim() ?? "",
    text,
  };
}
