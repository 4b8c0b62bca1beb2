// The rules of each destination for subject fields and SANs, checked as the user types. A profile is
// data (which fields are required, how many SANs); the checks are small pure functions returning the
// same ErrorData the worker would, so the page shows one kind of message whichever side found it.
import { isKeysmithError, type ErrorData } from "../core/errors";
import { cnGoesIntoSans, domainToALabel, normalizeSan, SAN_LIMITS } from "../core/san";
import type { KeySpecId, SubjectField, SubjectInput } from "./worker-api";

export type ProfileId = "generic" | "dv" | "kms";

export interface SubjectProfile {
  id: ProfileId;
  required: readonly SubjectField[];
  maxSans: number;
  /** Key specs this destination accepts (cas DV orders take RSA >= 2048 or ECC, not SM2). */
  keySpecs: readonly KeySpecId[] | "any";
  cnMustBeDomain: boolean;
  /** The rule set the worker checks the same subject against (csr.create `operation`). */
  workerOperation?: string;
}

export const PROFILES: Record<ProfileId, SubjectProfile> = {
  generic: { id: "generic", required: ["CN"], maxSans: 100, keySpecs: "any", cnMustBeDomain: false },
  dv: { id: "dv", required: ["CN"], maxSans: 1, keySpecs: ["RSA_2048", "RSA_3072", "RSA_4096", "EC_P256", "EC_P384"], cnMustBeDomain: true, workerOperation: "CreateCertificateWithCsrRequest" },
  kms: { id: "kms", required: ["CN", "C", "O", "OU"], maxSans: SAN_LIMITS.kms, keySpecs: ["RSA_2048", "EC_P256", "EC_SM2"], cnMustBeDomain: true, workerOperation: "kms" },
};

const MAX_LENGTH: Record<SubjectField, number> = { CN: 64, O: 64, OU: 64, C: 2, ST: 128, L: 128, emailAddress: 128 };

function err(code: string, field: string, params: Record<string, string | number> = {}): ErrorData {
  return { code, field, params, message: code };
}

/** A DNS name as CAs accept it (the core's rules: LDH labels, one leading `*.`, IDN to A-labels), with a dot. */
export function isDomainName(value: string): boolean {
  if (!value.includes(".") || value.endsWith(".")) return false;
  try {
    domainToALabel(value);
    return true;
  } catch {
    return false;
  }
}

/** Country names (and a few common short forms) that people type for C, to their ISO 3166 code. */
const COUNTRY_ALIASES: Record<string, string> = { USA: "US", UK: "GB", PRC: "CN", "中华人民共和国": "CN", "美国": "US", "英国": "GB" };
/** Codes the engine names that are not countries (unknown region, EU, UN, the euro area, outlying Oceania). */
const NOT_COUNTRIES = new Set(["ZZ", "EU", "EZ", "UN", "QO"]);
let countryNames: Map<string, string> | undefined;

/** The two-letter code for a country typed by name ("China", "中国", "Germany"), or undefined. */
export function countryCodeFor(name: string): string | undefined {
  const key = name.trim().toUpperCase();
  if (COUNTRY_ALIASES[key]) return COUNTRY_ALIASES[key];
  if (!countryNames) {
    countryNames = new Map();
    // The engine's own region names (en and zh), built once: every two-letter code it knows by a name.
    const names = ["en", "zh-CN"].map((l) => new Intl.DisplayNames([l], { type: "region", fallback: "none" }));
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        for (const dn of names) {
          let n: string | undefined;
          try {
            n = dn.of(code);
          } catch {
            n = undefined; // a code the engine refuses: not a region
          }
          // A retired code (UK, BU, ZR) canonicalizes to today's (GB, MM, CD): only those are suggested.
          if (n && n !== code && !NOT_COUNTRIES.has(code) && new Intl.Locale(`und-${code}`).region === code) countryNames.set(n.toUpperCase(), code);
        }
      }
    }
  }
  return countryNames.get(key);
}

/** Whether a CN would go into the SANs (the core's rule in normalizeSans, cnGoesIntoSans, on the trimmed text). */
export function cnIsName(cn: string): boolean {
  const v = cn.trim();
  return v !== "" && cnGoesIntoSans(v);
}

export function checkSubjectField(profile: SubjectProfile, field: SubjectField, raw: string): ErrorData | undefined {
  const value = raw.trim();
  if (value === "") return profile.required.includes(field) ? err("ui.subject.required", field) : undefined;
  if (field === "C" && !/^[A-Z]{2}$/.test(value)) {
    const code = countryCodeFor(value);
    if (code) return err("ui.subject.country_name", field, { value, code });
  }
  if (value.length > MAX_LENGTH[field]) return err("ui.subject.too_long", field, { max: MAX_LENGTH[field] });
  if (field === "C" && !/^[A-Z]{2}$/.test(value)) return err("ui.subject.country", field);
  if (field === "emailAddress" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return err("ui.subject.email", field);
  if (field === "CN" && profile.cnMustBeDomain && !isDomainName(value)) return err("ui.subject.cn_domain", field, { value });
  if (field !== "emailAddress" && /[\u0000-\u001f]/.test(value)) return err("ui.subject.control_chars", field);
  // Any CA: a CN that looks like a host name goes into the SANs too, so it must be a valid one (said here, on the CN).
  if (field === "CN" && !profile.cnMustBeDomain && cnIsName(value)) return badNames([value], field);
  return undefined;
}

export function checkSubject(profile: SubjectProfile, subject: SubjectInput): Partial<Record<SubjectField, ErrorData>> {
  const out: Partial<Record<SubjectField, ErrorData>> = {};
  for (const field of Object.keys(subject) as SubjectField[]) {
    const e = checkSubjectField(profile, field, subject[field]);
    if (e) out[field] = e;
  }
  return out;
}

/** SANs typed one per line or separated by commas or spaces. */
export function parseNames(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim().toLowerCase())
    .filter((s, i, all) => s !== "" && all.indexOf(s) === i);
}

/** Every name that the core's normalizer refuses (DNS, IP or e-mail: the worker's own rules), as one error naming them all. */
function badNames(names: readonly string[], field: string): ErrorData | undefined {
  const bad: { name: string; error: ErrorData }[] = [];
  for (const name of names) {
    try {
      normalizeSan(name, field);
    } catch (e) {
      if (isKeysmithError(e)) bad.push({ name, error: e.toData() });
      else throw e;
    }
  }
  if (bad.length === 0) return undefined;
  if (bad.length === 1) return bad[0].error;
  return err("ui.san.invalid_many", field, { count: bad.length, names: bad.map((b) => b.name).join(", ") });
}

/** How many names the SAN box may hold besides the Common Name (which takes one of the destination's places). */
export function sanBoxLimit(profile: SubjectProfile): number {
  return Math.max(0, profile.maxSans - 1);
}

/**
 * The SAN box as the user typed it, apart from the CN (which its own field reports): every bad name named,
 * and the count of what was typed (a name equal to the CN not counted twice) against sanBoxLimit.
 */
export function checkSanBox(profile: SubjectProfile, cn: string, typed: string[]): ErrorData | undefined {
  const first = cn.trim().toLowerCase();
  const others = typed.filter((s) => s !== first);
  const bad = badNames(others, "SAN");
  if (bad) return bad;
  const max = sanBoxLimit(profile);
  if (others.length > 0 && max === 0) return err("ui.san.cn_only", "SAN", { count: others.length });
  if (others.length > max) return err("ui.san.box_too_many", "SAN", { max, count: others.length });
  return undefined;
}

export function checkKeySpec(profile: SubjectProfile, spec: KeySpecId): ErrorData | undefined {
  if (profile.keySpecs === "any" || profile.keySpecs.includes(spec)) return undefined;
  return err("ui.keyspec.not_accepted", "keySpec", { spec, profile: profile.id });
}

/**
 * The names to request: CN first, then the SANs without repeating it (CAs want the CN among the SANs). A CN
 * that is not a host name or an address ("My Device", for any other CA) stays out, as the core's normalizeSans does.
 */
export function namesForRequest(cn: string, sans: string[]): string[] {
  const first = cn.trim().toLowerCase();
  return first && cnIsName(first) ? [first, ...sans.filter((s) => s !== first)] : sans.filter((s) => s !== first);
}
