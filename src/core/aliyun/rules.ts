// Named validation rules, one per distinct constraint in the API docs. Each failure is a KeysmithError
// `api.param.<rule>` naming the field; the text (both languages) states the rule.
import { fail } from "../errors";
import { requireCasCsrKey, summarizeCsr } from "./csr-check";

const DOMAIN = /^(\*\.)?(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,62}$/;
const LABEL_OR_AT = /^(@|\*|[A-Za-z0-9_*](?:[A-Za-z0-9_.*-]{0,252}))$/;

function isDomain(text: string, wildcard = true): boolean {
  return DOMAIN.test(text) && (wildcard || !text.startsWith("*."));
}

export const RULES = {
  email: (v: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
  phone: (v: string) => /^\+?[0-9][0-9 -]{4,19}$/.test(v),
  domain: (v: string) => isDomain(v),
  /** CreateCertificateForPackageRequest: up to 5 comma-separated names. */
  domain_list: (v: string) => {
    const names = v.split(",");
    return names.length <= 5 && names.every((n) => isDomain(n));
  },
  /** CreateCsr Sans: comma-separated domain names. */
  sans_csv: (v: string) => v.split(",").every((n) => isDomain(n.trim())),
  /** KMS SubjectAlternativeNames: a JSON array of at most 10 domain names. */
  sans_json: (v: string) => {
    try {
      const list: unknown = JSON.parse(v);
      return Array.isArray(list) && list.length <= 10 && list.every((n) => typeof n === "string" && isDomain(n));
    } catch {
      return false;
    }
  },
  /** KMS Subject: an RFC 2253 DN with CN, C, O and OU (ST and L optional), C two letters. */
  kms_subject: (v: string) => {
    const parts = new Map<string, string>();
    for (const rdn of v.split(/(?<!\\),/)) {
      const eq = rdn.indexOf("=");
      if (eq <= 0) return false;
      parts.set(rdn.slice(0, eq).trim().toUpperCase(), rdn.slice(eq + 1).trim());
    }
    return ["CN", "C", "O", "OU"].every((k) => (parts.get(k) ?? "") !== "") && /^[A-Za-z]{2}$/.test(parts.get("C")!);
  },
  country: (v: string) => /^[A-Za-z]{2}$/.test(v),
  /** CreateCsr Name: up to 50 letters, digits, `_ - .` */
  csr_name: (v: string) => /^[A-Za-z0-9_.-]{1,50}$/.test(v),
  /** Any PEM CSR (ForPackage also refuses SM2 below). */
  csr_pem: (v: string, field: string) => summarizeCsr(v, field) !== undefined,
  /** CreateCertificateWithCsrRequest / ForPackage: RSA >= 2048 or ECC, not SM2 (throws its own code). */
  csr_cas: (v: string, field: string) => requireCasCsrKey(v, field) !== undefined,
  certificate_pem: (v: string) => /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(v),
  /** A PEM private key (PKCS#8, PKCS#1 RSA, SEC1 EC): cas UploadUserCertificate Key, CDN SSLPri. */
  private_key_pem: (v: string) => /-----BEGIN ((RSA|EC|ENCRYPTED) )?PRIVATE KEY-----[\s\S]+-----END ((RSA|EC|ENCRYPTED) )?PRIVATE KEY-----/.test(v),
  /** cas UploadUserCertificate Name: 1 to 64 characters, not blank. */
  cert_name: (v: string) => v.trim() !== "" && [...v].length <= 64,
  /** A CDN accelerated domain: a domain name, or a wildcard written `.example.com` (or `*.example.com`). */
  cdn_domain: (v: string) => isDomain(v.startsWith(".") ? `*${v}` : v),
  /** CDN Sources: a JSON array of origins, each an object with `content` and `type`. */
  cdn_sources: (v: string) => {
    try {
      const list: unknown = JSON.parse(v);
      return (
        Array.isArray(list) && list.length > 0 &&
        list.every((o) => o !== null && typeof o === "object" && typeof (o as Record<string, unknown>).content === "string" && typeof (o as Record<string, unknown>).type === "string")
      );
    } catch {
      return false;
    }
  },
  /** Alidns RR: a host record, `@` for the apex. */
  host_record: (v: string) => LABEL_OR_AT.test(v),
  not_blank: (v: string) => v.trim() !== "",
  /** Page numbers and sizes: a whole number from 1. */
  positive: (v: string) => /^[1-9][0-9]{0,8}$/.test(v),
} satisfies Record<string, (value: string, field: string) => boolean>;

export type RuleId = keyof typeof RULES;

export function applyRule(rule: RuleId, value: string, field: string): void {
  if (!RULES[rule](value, field)) fail(`api.param.${rule}`, field);
}
