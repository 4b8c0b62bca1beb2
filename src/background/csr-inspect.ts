// CsrService over the core's inspectCsr + lint: a decoded CSR and its findings rendered in the asker's
// language (the page shows them as they are).
import { inspectCsr, parseOperation, renderFinding } from "../core/csr";
import type { Locale } from "../core/i18n";
import { SUBJECT_FIELD_NAMES, type CsrInspection, type SubjectFields } from "../messages";
import type { CsrService } from "./services";

export async function inspectForPage(csrPem: string, operation: string | undefined, locale: Locale): Promise<CsrInspection> {
  const info = await inspectCsr(csrPem, { operation: operation ? parseOperation(operation) : undefined });
  const subjectFields: SubjectFields = {};
  for (const rdn of info.subject) {
    for (const ava of rdn) {
      const name = SUBJECT_FIELD_NAMES.find((f) => f === ava.type);
      if (name && subjectFields[name] === undefined) subjectFields[name] = ava.value;
    }
  }
  return {
    subject: info.subjectDn,
    subjectFields,
    sans: info.sans.map((s) => s.value),
    keySpec: info.keySpec,
    signatureAlgorithm: info.signatureAlgorithm,
    signatureValid: info.signatureValid,
    ...(info.extensions.keyUsage?.length ? { keyUsage: info.extensions.keyUsage } : {}),
    ...(info.extensions.extKeyUsage?.length ? { extKeyUsage: info.extensions.extKeyUsage } : {}),
    findings: info.findings.map((f) => ({ severity: f.severity, code: f.code, field: f.field, params: f.params, message: renderFinding(f, locale) })),
  };
}

export const coreCsrService: CsrService = { inspect: inspectForPage };
