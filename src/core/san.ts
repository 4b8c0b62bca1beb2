// Subject alternative names: classify each as DNS name, IP address or e-mail, bring DNS names to their
// A-label (punycode) form with the WHATWG URL API (present in Node, browsers and workers alike), check
// the wildcard and length rules CAs apply, put the CN in, and drop duplicates.
import { fail } from "./errors";

export type SanType = "dns" | "ip" | "email";
export interface San {
  type: SanType;
  value: string;
}

/** Per-operation SAN limits (KMS CreateCertificate: up to 10 names). */
export const SAN_LIMITS = { kms: 10 } as const;

const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/;

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

/** Canonical IPv6 text (RFC 5952 via the URL parser), or undefined when `text` is not an IPv6 address. */
export function normalizeIpv6(text: string): string | undefined {
  if (!text.includes(":") || !/^[0-9A-Fa-f:.]+$/.test(text)) return undefined;
  try {
    const host = new URL(`http://[${text}]/`).hostname;
    return host.slice(1, -1);
  } catch {
    return undefined;
  }
}

/** Text that a user would mean as a host name: no spaces, at least one dot, no URL syntax. */
export function looksLikeDomainName(text: string): boolean {
  return /\.[^.]/.test(text) && !/[\s/\\?#@:%<>"',;=+()[\]{}|^`]/.test(text) && !isIpv4(text);
}

const LDH_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * A DNS name (optionally "*." + name) as lower-case A-labels, of at least two labels after any "*.".
 * Throws "san.dns.invalid", "san.wildcard.invalid", "san.wildcard.too_broad", "san.dns.single_label",
 * "san.dns.reserved_hyphens", "san.dns.label_too_long" or "san.dns.too_long" naming `field`.
 */
export function domainToALabel(name: string, field = "san"): string {
  let text = name.trim();
  if (text.endsWith(".")) text = text.slice(0, -1); // the root's dot: example.com. is example.com
  let prefix = "";
  if (text.startsWith("*.")) {
    prefix = "*.";
    text = text.slice(2);
  }
  if (text.includes("*")) fail("san.wildcard.invalid", field, { value: name });
  if (text === "" || /[\s/\\?#@:%<>"[\]^|`{}]/.test(text)) fail("san.dns.invalid", field, { value: name });
  let host: string;
  try {
    host = new URL(`http://${text}/`).hostname;
  } catch {
    return fail("san.dns.invalid", field, { value: name });
  }
  // The URL parser turns "0x7f.1" or "1.2.3" into IPv4 addresses: a DNS name must stay a name.
  if (isIpv4(host)) fail("san.dns.invalid", field, { value: name });
  const labels = host.split(".");
  for (const label of labels) {
    if (label.length > 63) fail("san.dns.label_too_long", field, { value: name, max: 63 });
    if (!LDH_LABEL.test(label)) fail("san.dns.invalid", field, { value: name });
    // RFC 5891 4.2.3.1: "--" in the third and fourth positions is reserved for A-labels ("xn--").
    if (label.slice(2, 4) === "--" && !label.startsWith("xn--")) fail("san.dns.reserved_hyphens", field, { value: name });
  }
  // A wildcard directly on a TLD ("*.com") would cover a whole registry: CAs refuse it (CA/B BR 3.2.2.6).
  if (prefix && labels.length < 2) fail("san.wildcard.too_broad", field, { value: name });
  // A single-label name ("localhost", "intranet") is not in the public DNS and no public CA certifies it.
  if (labels.length < 2) fail("san.dns.single_label", field, { value: name });
  const full = prefix + host;
  if (full.length > 253) fail("san.dns.too_long", field, { value: name, max: 253 });
  return full;
}

/** True when `name` is already in A-label form (what a CSR must carry). */
export function isALabelName(name: string): boolean {
  try {
    return domainToALabel(name) === name.toLowerCase();
  } catch {
    return false;
  }
}

function normalizeEmail(text: string, field: string): string {
  const at = text.lastIndexOf("@");
  const local = text.slice(0, at);
  if (at <= 0 || local.length > 64 || !/^[\x21-\x7e]+$/.test(local) || /[()<>[\]\\,;:"@]/.test(local)) {
    fail("san.email.invalid", field, { value: text });
  }
  return `${local}@${domainToALabel(text.slice(at + 1), field)}`;
}

/** Classify and normalise one name. */
export function normalizeSan(text: string, field = "san"): San {
  const value = text.trim();
  if (value === "") fail("san.empty", field);
  if (isIpv4(value)) return { type: "ip", value };
  const v6 = normalizeIpv6(value);
  if (v6 !== undefined) return { type: "ip", value: v6 };
  if (value.includes("@")) return { type: "email", value: normalizeEmail(value, field) };
  return { type: "dns", value: domainToALabel(value, field) };
}

/** Whether a (trimmed) CN goes into the SANs too: it looks like a host name, a wildcard or an IP address. */
export function cnGoesIntoSans(cn: string): boolean {
  return looksLikeDomainName(cn) || cn.startsWith("*.") || isIpv4(cn) || normalizeIpv6(cn) !== undefined;
}

/**
 * The SAN list a CSR should carry: the CN first when it is a domain name or an IP address, then `names`,
 * each normalised, duplicates removed (names compare case-insensitively). `limit` counts the result.
 */
export function normalizeSans(cn: string | undefined, names: readonly string[], options: { limit?: number } = {}): San[] {
  const out: San[] = [];
  const seen = new Set<string>();
  const add = (san: San) => {
    const key = `${san.type}:${san.type === "email" ? san.value : san.value.toLowerCase()}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(san);
  };
  const cnText = cn?.trim();
  if (cnText && cnGoesIntoSans(cnText)) add(normalizeSan(cnText, "subject.CN"));
  names.forEach((name, i) => add(normalizeSan(name, `san[${i}]`)));
  if (options.limit !== undefined && out.length > options.limit) fail("san.limit.exceeded", "san", { max: options.limit, count: out.length });
  return out;
}
