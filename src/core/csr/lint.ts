// Lint rules over a decoded CSR: one entry per rule in RULES, each returning its findings. A finding's text
// lives in the locale catalogues under `lint_<code>` (dots as underscores), with `{field}` and params.
import { acceptsSpec, isSpecOperation, KEY_SPECS, type SpecOperation } from "../key-spec";
import { fail } from "../errors";
import { translate, type Locale } from "../i18n";
import { SAN_LIMITS, domainToALabel } from "../san";
import { SUBJECT_ATTRIBUTES, SUBJECT_RULES, isCountryCode, isPrintableString, type SubjectRulesName } from "../subject";
import type { CsrInfo } from "./inspect";

export interface LintFinding {
  code: string;
  severity: "error" | "warning";
  field?: string;
  params: Record<string, string | number>;
}

export interface LintOptions {
  /** The operation the CSR is meant for: its key-spec, subject and SAN rules apply. */
  operation?: SpecOperation;
}

/** Subject rules per operation (SUBJECT_RULES has one entry per SpecOperation). */
export function subjectRulesFor(operation: SpecOperation | undefined): SubjectRulesName {
  return operation ?? "offline";
}

/** A text operation name checked against the catalogue (CLI --operation, worker payloads). */
export function parseOperation(text: string, field = "operation"): SpecOperation {
  if (isSpecOperation(text)) return text;
  return fail("csr.operation.unknown", field, { value: text });
}

type Rule = (info: CsrInfo, options: LintOptions) => LintFinding[];
const finding = (code: string, severity: LintFinding["severity"], field?: string, params: LintFinding["params"] = {}): LintFinding => ({
  code,
  severity,
  field,
  params,
});

/** Why a DNS name is not what a CSR should carry, or undefined when it is a valid A-label name. */
function dnsNameProblem(name: string): "wildcard" | "not_a_label" | undefined {
  const rest = name.startsWith("*.") ? name.slice(2) : name;
  if (rest.includes("*")) return "wildcard";
  try {
    return domainToALabel(name) === name ? undefined : "not_a_label";
  } catch {
    return "not_a_label";
  }
}

const RULES: Rule[] = [
  (info) => (info.signatureValid ? [] : [finding("signature.invalid", "error", "signature")]),
  (info) => (/sha1|md5/i.test(info.signatureAlgorithm) ? [finding("signature.weak", "error", "signature", { algorithm: info.signatureAlgorithm })] : []),
  (info) => {
    if (info.key.algorithm === "RSA" && (info.key.bits ?? 0) < 2048) return [finding("key.rsa_too_small", "error", "key", { bits: info.key.bits ?? 0, min: 2048 })];
    if (!info.keySpec) return [finding("key.unsupported", "warning", "key", { algorithm: info.key.algorithm, bits: info.key.bits ?? "?" })];
    return [];
  },
  (info, { operation }) =>
    operation && info.keySpec && !acceptsSpec(operation, info.keySpec)
      ? [finding("spec.refused", "error", "key", { spec: info.keySpec, operation, family: KEY_SPECS[info.keySpec].family })]
      : [],
  (info, { operation }) => {
    const present = new Set(info.subject.flat().map((a) => a.type));
    const rules = subjectRulesFor(operation);
    return SUBJECT_RULES[rules].filter((t) => !present.has(t)).map((t) => finding("subject.required", "error", `subject.${t}`, { operation: operation ?? "offline" }));
  },
  (info) =>
    info.subject.flat().flatMap((ava) => {
      const out: LintFinding[] = [];
      const field = `subject.${ava.type}`;
      if (ava.stringType === "printableString" && !isPrintableString(ava.value)) out.push(finding("subject.not_printable", "error", field));
      if (ava.type === "C" && !isCountryCode(ava.value)) out.push(finding("subject.country_invalid", "error", field, { value: ava.value }));
      const max = SUBJECT_ATTRIBUTES[ava.type]?.max;
      const length = [...ava.value].length;
      if (max !== undefined && length > max) out.push(finding("subject.too_long", "error", field, { max, length }));
      return out;
    }),
  (info) => {
    const cn = info.subject.flat().find((a) => a.type === "CN")?.value;
    const out: LintFinding[] = [];
    if (info.sans.length === 0) out.push(finding("san.missing", "warning", "san"));
    if (cn === undefined) return out;
    const cnProblem = /^[^\s@]+\.[^\s@]+$/.test(cn) ? dnsNameProblem(cn) : undefined;
    if (cnProblem === "wildcard") out.push(finding("name.wildcard_invalid", "error", "subject.CN", { value: cn }));
    if (cnProblem === "not_a_label") out.push(finding("name.not_a_label", "error", "subject.CN", { value: cn }));
    const lower = cn.toLowerCase();
    if (!info.sans.some((s) => s.value.toLowerCase() === lower)) out.push(finding("cn.not_in_sans", "warning", "subject.CN", { value: cn }));
    return out;
  },
  (info) =>
    info.sans.flatMap((san, i) => {
      if (san.type !== "dns") return [];
      const problem = dnsNameProblem(san.value);
      if (problem === "wildcard") return [finding("name.wildcard_invalid", "error", `san[${i}]`, { value: san.value })];
      if (problem === "not_a_label") return [finding("name.not_a_label", "error", `san[${i}]`, { value: san.value })];
      return [];
    }),
  (info, { operation }) =>
    operation === "kms" && info.sans.length > SAN_LIMITS.kms ? [finding("san.limit_exceeded", "error", "san", { max: SAN_LIMITS.kms, count: info.sans.length })] : [],
];

export function lintCsr(info: CsrInfo, options: LintOptions = {}): LintFinding[] {
  return RULES.flatMap((rule) => rule(info, options));
}

export function lintMessageKey(code: string): string {
  return `lint_${code.replace(/[^A-Za-z0-9]/g, "_")}`;
}

/** The finding's text in `locale` (the code itself if the catalogue lacks it). */
export function renderFinding(f: LintFinding, locale: Locale): string {
  return translate(locale, lintMessageKey(f.code), { ...f.params, field: f.field ?? "-" }) ?? f.code;
}

/** Same as renderFinding. */
export const lintMessage = renderFinding;

export function hasErrors(findings: readonly LintFinding[]): boolean {
  return findings.some((f) => f.severity === "error");
}
