// The rules of each destination for subject fields and SANs, checked as the user types. A profile is
// data (which fields are required, how many SANs); the checks are small pure functions returning the
// same ErrorData the worker would, so the page shows one kind of message whichever side found it.
import { isKeysmithError, type ErrorData } from "../core/errors";
import { domainToALabel, normalizeSan, SAN_LIMITS } from "../core/san";
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

export function checkSubjectField(profile: SubjectProfile, field: SubjectField, raw: string): ErrorData | undefined {
  const value = raw.trim();
  if (value === "") return profile.required.includes(field) ? err("ui.subject.required", field) : undefined;
  if (value.length > MAX_LENGTH[field]) return err("ui.subject.too_long", field, { max: MAX_LENGTH[field] });
  if (field === "C" && !/^[A-Z]{2}$/.test(value)) return err("ui.subject.country", field);
  if (field === "emailAddress" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return err("ui.subject.email", field);
  if (field === "CN" && profile.cnMustBeDomain && !isDomainName(value)) return err("ui.subject.cn_domain", field, { value });
  if (field !== "emailAddress" && /[\u0000-\u001f]/.test(value)) return err("ui.subject.control_chars", field);
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

/** Each SAN through the core's normalizer (DNS, IP or e-mail; the same errors the worker would give), then the destination's limit. */
export function checkSans(profile: SubjectProfile, sans: string[]): ErrorData | undefined {
  for (const san of sans) {
    try {
      normalizeSan(san, "SAN");
    } catch (e) {
      if (isKeysmithError(e)) return e.toData();
      throw e;
    }
  }
  if (sans.length > profile.maxSans) return err("ui.san.too_many", "SAN", { max: profile.maxSans, count: sans.length });
  return undefined;
}

export function checkKeySpec(profile: SubjectProfile, spec: KeySpecId): ErrorData | undefined {
  if (profile.keySpecs === "any" || profile.keySpecs.includes(spec)) return undefined;
  return err("ui.keyspec.not_accepted", "keySpec", { spec, profile: profile.id });
}

/** The names to request: CN first, then the SANs without repeating it (CAs want the CN among the SANs). */
export function namesForRequest(cn: string, sans: string[]): string[] {
  const first = cn.trim().toLowerCase();
  return first ? [first, ...sans.filter((s) => s !== first)] : sans;
}
