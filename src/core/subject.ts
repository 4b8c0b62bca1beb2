// Distinguished names: parse and format RFC 4514 / RFC 2253 text, build from form fields, validate per
// operation, and encode to ASN.1. An `Rdn[]` is in the text's order (most significant LAST, as RFC 4514
// writes "CN=www.example.com,O=Example,C=CN"); the ASN.1 Name is the reverse (C first), as X.501 stores it.
import { AsnConvert } from "@peculiar/asn1-schema";
import { AttributeTypeAndValue, AttributeValue, Name as AsnName, RelativeDistinguishedName } from "@peculiar/asn1-x509";
import { KeysmithError, fail } from "./errors";
import { domainToALabel, looksLikeDomainName } from "./san";

/** One attribute of an RDN. `raw` holds the DER of a value given as `#hex` (kept verbatim). */
export interface Ava {
  /** Short name from the attribute catalogue (CN, O, …) or the dotted OID when it has none. */
  type: string;
  oid: string;
  value: string;
  raw?: Uint8Array;
}
/** A relative distinguished name: one or more attributes (several only for multi-valued RDNs, "A=1+B=2"). */
export type Rdn = Ava[];

type StringEncoding = "utf8" | "printable" | "ia5";

interface AttributeInfo {
  oid: string;
  /** X.520 / PKCS#9 upper bound, in characters. */
  max?: number;
  encoding: StringEncoding;
  aliases?: string[];
}

// The attribute catalogue. C and serialNumber must be PrintableString (X.520), emailAddress and DC
// IA5String; everything else is UTF8String, as RFC 5280 4.1.2.6 asks of new names and as OpenSSL's default
// `string_mask = utf8only` writes them (CAs reject requests with PrintableString everywhere; docs/csr.md).
export const SUBJECT_ATTRIBUTES: Record<string, AttributeInfo> = {
  CN: { oid: "2.5.4.3", max: 64, encoding: "utf8" },
  C: { oid: "2.5.4.6", max: 2, encoding: "printable" },
  L: { oid: "2.5.4.7", max: 128, encoding: "utf8" },
  ST: { oid: "2.5.4.8", max: 128, encoding: "utf8", aliases: ["S"] },
  street: { oid: "2.5.4.9", max: 128, encoding: "utf8" },
  O: { oid: "2.5.4.10", max: 64, encoding: "utf8" },
  OU: { oid: "2.5.4.11", max: 64, encoding: "utf8" },
  title: { oid: "2.5.4.12", max: 64, encoding: "utf8" },
  serialNumber: { oid: "2.5.4.5", max: 64, encoding: "printable" },
  emailAddress: { oid: "1.2.840.113549.1.9.1", max: 255, encoding: "ia5", aliases: ["E", "email"] },
  DC: { oid: "0.9.2342.19200300.100.1.25", max: 63, encoding: "ia5" },
  UID: { oid: "0.9.2342.19200300.100.1.1", max: 256, encoding: "utf8" },
};

const BY_NAME = new Map<string, string>();
const BY_OID = new Map<string, string>();
for (const [name, info] of Object.entries(SUBJECT_ATTRIBUTES)) {
  BY_NAME.set(name.toLowerCase(), name);
  for (const alias of info.aliases ?? []) BY_NAME.set(alias.toLowerCase(), name);
  BY_OID.set(info.oid, name);
}

/** ISO 3166-1 alpha-2: the 249 officially assigned codes. */
const ISO3166_ALPHA2 = new Set(
  (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
    "KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
    "MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
    "UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
  ).split(" "),
);

export function isCountryCode(text: string): boolean {
  return ISO3166_ALPHA2.has(text);
}
export const COUNTRY_CODES: readonly string[] = [...ISO3166_ALPHA2];

/**
 * A dotted OID that DER can carry as written. X.660: under arcs 0 and 1 the second arc is below 40 (BER
 * packs the first two arcs into 40·a + b, so "0.40" would be written as, and read back as, 1.0 — another
 * attribute); every arc below 2^32.
 */
export function isValidOid(text: string): boolean {
  if (!/^[0-2](\.(0|[1-9][0-9]*))+$/.test(text)) return false;
  const arcs = text.split(".").map(Number);
  // Arcs of 2^32 and more (UUID arcs under 2.25) are refused: the ASN.1 library writes arcs from 2^49 on
  // as garbage, and no attribute type in a certificate subject needs one.
  if (arcs.some((arc) => arc > 0xffffffff)) return false;
  return arcs[0] === 2 || arcs[1]! < 40;
}

/** The catalogue name for a type written as a short name, "OID.x.y" or a dotted OID. */
function resolveType(text: string, position: number): { type: string; oid: string } {
  const oidText = /^oid\./i.test(text) ? text.slice(4) : text;
  if (/^[0-2](\.(0|[1-9][0-9]*))+$/.test(oidText)) {
    if (!isValidOid(oidText)) fail("subject.attribute.oid_invalid", "subject", { type: text });
    const name = BY_OID.get(oidText);
    return { type: name ?? oidText, oid: oidText };
  }
  if (/^[A-Za-z][A-Za-z0-9-]*$/.test(text)) {
    const name = BY_NAME.get(text.toLowerCase());
    if (name) return { type: name, oid: SUBJECT_ATTRIBUTES[name]!.oid };
    fail("subject.attribute.unknown", "subject", { type: text });
  }
  return fail("subject.dn.malformed", "subject", { position });
}

const HEX = /^[0-9A-Fa-f]{2}$/;
const SPECIAL_AFTER_BACKSLASH = new Set([",", "=", "+", "<", ">", "#", ";", "\\", '"', " "]);

/**
 * Parse an RFC 4514 (or RFC 2253: ";" separators, quoted values) DN. Spaces around separators and "="
 * are tolerated. Only KeysmithError is thrown ("subject.dn.*", "subject.attribute.unknown").
 */
export function parseDn(text: string): Rdn[] {
  const s = String(text);
  let pos = 0;
  const rdns: Rdn[] = [];
  const skipSpaces = () => {
    while (s[pos] === " ") pos++;
  };
  skipSpaces();
  if (pos === s.length) return rdns;
  for (;;) {
    const rdn: Rdn = [];
    for (;;) {
      skipSpaces();
      const typeStart = pos;
      while (pos < s.length && s[pos] !== "=" && s[pos] !== "," && s[pos] !== "+" && s[pos] !== ";") pos++;
      const typeText = s.slice(typeStart, pos).trim();
      if (s[pos] !== "=" || typeText === "") fail("subject.dn.malformed", "subject", { position: pos + 1 });
      const { type, oid } = resolveType(typeText, typeStart + 1);
      pos++;
      skipSpaces();
      rdn.push({ type, oid, ...readValue() });
      skipSpaces();
      if (s[pos] === "+") {
        pos++;
        continue;
      }
      break;
    }
    rdns.push(rdn);
    if (pos === s.length) return rdns;
    if (s[pos] !== "," && s[pos] !== ";") fail("subject.dn.malformed", "subject", { position: pos + 1 });
    pos++;
    skipSpaces();
    if (pos === s.length) fail("subject.dn.malformed", "subject", { position: pos });
  }

  function readValue(): { value: string; raw?: Uint8Array } {
    if (s[pos] === "#") {
      const start = ++pos;
      while (pos < s.length && /[0-9A-Fa-f]/.test(s[pos]!)) pos++;
      const hex = s.slice(start, pos);
      if (hex.length === 0 || hex.length % 2 !== 0) fail("subject.dn.hex_invalid", "subject", { position: start });
      const raw = new Uint8Array(hex.length / 2);
      for (let i = 0; i < raw.length; i++) raw[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
      const value = decodeStringValue(raw);
      if (value === undefined) fail("subject.dn.hex_invalid", "subject", { position: start });
      return { value, raw };
    }
    const bytes: number[] = [];
    const encoder = new TextEncoder();
    let keep = 0; // bytes to keep: trailing unescaped spaces are not part of the value
    const quoted = s[pos] === '"';
    if (quoted) pos++;
    for (;;) {
      if (pos >= s.length) {
        if (quoted) fail("subject.dn.quote_unterminated", "subject", { position: pos });
        break;
      }
      const c = s[pos]!;
      if (quoted && c === '"') {
        pos++;
        keep = bytes.length;
        break;
      }
      if (!quoted && (c === "," || c === "+" || c === ";")) break;
      if (c === "\\") {
        const next = s[pos + 1];
        const pair = s.slice(pos + 1, pos + 3);
        if (next !== undefined && SPECIAL_AFTER_BACKSLASH.has(next)) {
          bytes.push(next.charCodeAt(0));
          pos += 2;
        } else if (HEX.test(pair)) {
          bytes.push(parseInt(pair, 16));
          pos += 3;
        } else {
          fail("subject.dn.escape_invalid", "subject", { position: pos + 1 });
        }
        keep = bytes.length;
        continue;
      }
      if (!quoted && (c === '"' || c === "<" || c === ">")) fail("subject.dn.escape_required", "subject", { position: pos + 1, char: c });
      const cp = s.codePointAt(pos)!;
      // A lone UTF-16 surrogate has no UTF-8 form (TextEncoder would write U+FFFD): refuse it.
      if (cp >= 0xd800 && cp <= 0xdfff) fail("subject.dn.surrogate_unpaired", "subject", { position: pos + 1 });
      const ch = String.fromCodePoint(cp);
      for (const b of encoder.encode(ch)) bytes.push(b);
      pos += ch.length;
      if (quoted || c !== " ") keep = bytes.length;
    }
    try {
      return { value: utf8Decode(new Uint8Array(bytes.slice(0, keep))) };
    } catch {
      return fail("subject.dn.utf8_invalid", "subject", { position: pos });
    }
  }
}

/**
 * Strict UTF-8 that keeps a leading U+FEFF: TextDecoder drops a leading byte-order mark by default, so
 * "\uFEFFx" would come back as "x" and parse(format(dn)) would not be dn.
 */
function utf8Decode(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
}

/** True when `value` holds a UTF-16 surrogate without its pair (it has no UTF-8 or IA5 form). */
function hasUnpairedSurrogate(value: string): boolean {
  return /[\uD800-\uDFFF]/u.test(value);
}

/** IA5String's alphabet: ASCII (X.680). */
export function isIa5String(value: string): boolean {
  return /^[\x00-\x7f]*$/.test(value);
}

/** The text of a DER string value (UTF8String, PrintableString, IA5String, …), or undefined if it is not one. */
function decodeStringValue(raw: Uint8Array): string | undefined {
  if (raw.length < 2) return undefined;
  const tag = raw[0]!;
  let len = raw[1]!;
  let offset = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || raw.length < 2 + n) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + raw[2 + i]!;
    offset = 2 + n;
  }
  if (offset + len !== raw.length) return undefined;
  const body = raw.subarray(offset);
  try {
    switch (tag) {
      case 0x0c: // UTF8String
        return utf8Decode(body);
      case 0x13: // PrintableString
      case 0x16: // IA5String
      case 0x14: {
        // TeletexString, read as Latin-1 like OpenSSL does. One character at a time: spreading a large
        // value into String.fromCharCode's arguments overflows the call stack (a 125 kB #hex value did).
        let out = "";
        for (const b of body) out += String.fromCharCode(b);
        return out;
      }
      case 0x1e: {
        // BMPString
        if (body.length % 2) return undefined;
        let out = "";
        for (let i = 0; i < body.length; i += 2) out += String.fromCharCode((body[i]! << 8) | body[i + 1]!);
        return out;
      }
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

function escapeValue(value: string): string {
  let out = "";
  const chars = [...value];
  chars.forEach((c, i) => {
    const code = c.codePointAt(0)!;
    if (',+"\\<>;'.includes(c)) out += `\\${c}`;
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(16).padStart(2, "0").toUpperCase()}`;
    else if ((i === 0 && (c === " " || c === "#")) || (i === chars.length - 1 && c === " ")) out += `\\${c}`;
    else out += c;
  });
  return out;
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** RFC 4514 text, in the given order. */
export function formatDn(rdns: readonly Rdn[]): string {
  return rdns
    .map((rdn) => rdn.map((ava) => `${ava.type}=${ava.raw ? `#${hex(ava.raw)}` : escapeValue(ava.value)}`).join("+"))
    .join(",");
}

/** Subject as form fields; empty or missing fields are left out of the DN. */
export interface SubjectFields {
  CN?: string;
  O?: string;
  OU?: string;
  C?: string;
  ST?: string;
  L?: string;
  emailAddress?: string;
}

/** Fields (empty ones left out) as RDNs in the usual written order: CN, emailAddress, OU, O, L, ST, C. */
export function subjectFromFields(fields: SubjectFields): Rdn[] {
  const order: (keyof SubjectFields)[] = ["CN", "emailAddress", "OU", "O", "L", "ST", "C"];
  const rdns: Rdn[] = [];
  for (const name of order) {
    const value = fields[name]?.trim();
    if (value) rdns.push([{ type: name, oid: SUBJECT_ATTRIBUTES[name]!.oid, value }]);
  }
  return rdns;
}

/** Which attributes each operation requires (KMS CreateCertificate; cas CreateCsr; the CSR-taking orders and
 * offline CSRs: CN). Keys match key-spec.ts's SpecOperation names. */
export const SUBJECT_RULES = {
  kms: ["CN", "C", "O", "OU"],
  casCreateCsr: ["CN", "C", "ST", "L"],
  CreateCertificateWithCsrRequest: ["CN"],
  CreateCertificateForPackageRequest: ["CN"],
  offline: ["CN"],
} as const satisfies Record<string, readonly string[]>;
export type SubjectRulesName = keyof typeof SUBJECT_RULES;

export function isSubjectRulesName(text: unknown): text is SubjectRulesName {
  return typeof text === "string" && Object.prototype.hasOwnProperty.call(SUBJECT_RULES, text);
}

/** The first value of an attribute, if present. */
export function subjectValue(rdns: readonly Rdn[], type: string): string | undefined {
  for (const rdn of rdns) for (const ava of rdn) if (ava.type === type) return ava.value;
  return undefined;
}

/**
 * Check a subject against X.520 bounds, ISO 3166 and the operation's required fields; returns it with a
 * domain-name CN rewritten to its A-label. Throws KeysmithError("subject.*") naming the attribute.
 */
export function validateSubject(rdns: readonly Rdn[], rulesName: SubjectRulesName = "offline"): Rdn[] {
  const present = new Set<string>();
  const out = rdns.map((rdn) =>
    rdn.map((ava): Ava => {
      const field = `subject.${ava.type}`;
      present.add(ava.type);
      if (ava.raw) return ava;
      let value = ava.value;
      if (value.trim() === "") fail("subject.attribute.empty", field);
      const info = BY_OID.has(ava.oid) ? SUBJECT_ATTRIBUTES[BY_OID.get(ava.oid)!] : undefined;
      if (ava.type === "C") {
        if (!isCountryCode(value)) fail("subject.country.invalid", field, { value });
      } else if (ava.type === "CN" && looksLikeDomainName(value)) {
        value = domainToALabel(value, field);
      } else if (ava.type === "emailAddress" && !/^[\x21-\x7e]+@[\x21-\x7e]+$/.test(value)) {
        fail("subject.email.invalid", field, { value });
      }
      if (hasUnpairedSurrogate(value)) fail("subject.attribute.surrogate_unpaired", field);
      if (info?.encoding === "printable" && !isPrintableString(value)) fail("subject.attribute.not_printable", field);
      if (info?.encoding === "ia5" && !isIa5String(value)) fail("subject.attribute.not_ia5", field);
      const length = [...value].length;
      if (info?.max !== undefined && length > info.max) fail("subject.attribute.too_long", field, { max: info.max, length });
      return { ...ava, value };
    }),
  );
  for (const required of SUBJECT_RULES[rulesName]) {
    if (!present.has(required)) fail("subject.attribute.required", `subject.${required}`, { operation: rulesName });
  }
  return out;
}

/** PrintableString's alphabet (X.680): letters, digits, space and '()+,-./:=? */
export function isPrintableString(value: string): boolean {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value);
}

function attributeValue(ava: Ava): AttributeValue {
  if (ava.raw) return new AttributeValue({ anyValue: ava.raw.slice().buffer });
  const encoding = SUBJECT_ATTRIBUTES[BY_OID.get(ava.oid) ?? ""]?.encoding ?? "utf8";
  // Checked here too, not only in validateSubject: the ASN.1 writer would otherwise store a lone surrogate
  // as U+FFFD and a non-ASCII IA5String value as mangled bytes ("DC=中" came out as "-").
  if (hasUnpairedSurrogate(ava.value)) fail("subject.attribute.surrogate_unpaired", `subject.${ava.type}`);
  if (encoding === "ia5") {
    if (!isIa5String(ava.value)) fail("subject.attribute.not_ia5", `subject.${ava.type}`);
    return new AttributeValue({ ia5String: ava.value });
  }
  if (encoding === "printable") {
    if (!isPrintableString(ava.value)) fail("subject.attribute.not_printable", `subject.${ava.type}`);
    return new AttributeValue({ printableString: ava.value });
  }
  return new AttributeValue({ utf8String: ava.value });
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** DER of the X.501 Name (reverse of the text order; multi-valued RDNs sorted as DER's SET OF requires). */
export function subjectToDer(rdns: readonly Rdn[]): Uint8Array {
  const name = new AsnName(
    [...rdns].reverse().map((rdn) => {
      const avas = rdn.map((ava) => {
        if (!isValidOid(ava.oid)) fail("subject.attribute.oid_invalid", `subject.${ava.type}`, { type: ava.oid });
        return new AttributeTypeAndValue({ type: ava.oid, value: attributeValue(ava) });
      });
      const sorted = avas
        .map((a) => ({ a, der: new Uint8Array(AsnConvert.serialize(a)) }))
        .sort((x, y) => compareBytes(x.der, y.der))
        .map((x) => x.a);
      return new RelativeDistinguishedName(sorted);
    }),
  );
  return new Uint8Array(AsnConvert.serialize(name));
}

/** How each value is stored in a DER Name, for inspection and lint. */
export interface EncodedAva extends Ava {
  /** "utf8String" | "printableString" | "ia5String" | … or "other" */
  stringType: string;
}

/** Parse a DER Name back to RDNs in text order (most significant last). */
export function subjectFromDer(der: Uint8Array | ArrayBuffer): EncodedAva[][] {
  let name: AsnName;
  try {
    name = AsnConvert.parse(der, AsnName);
  } catch (cause) {
    throw new KeysmithError("subject.der.invalid", { field: "subject", cause });
  }
  return [...name].reverse().map((rdn) =>
    [...rdn].map((atv): EncodedAva => {
      // The ASN.1 layer reads an OID it cannot decode (an arc of 2^49 or more) as "" instead of failing.
      if (!isValidOid(atv.type)) throw new KeysmithError("subject.der.invalid", { field: "subject" });
      const type = BY_OID.get(atv.type) ?? atv.type;
      const v = atv.value;
      const kinds = ["utf8String", "printableString", "ia5String", "teletexString", "bmpString", "universalString"] as const;
      for (const kind of kinds) {
        const text = v[kind];
        if (text !== undefined) return { type, oid: atv.type, value: text, stringType: kind };
      }
      const raw = v.anyValue ? new Uint8Array(v.anyValue) : new Uint8Array();
      return { type, oid: atv.type, value: decodeStringValue(raw) ?? "", raw, stringType: "other" };
    }),
  );
}
