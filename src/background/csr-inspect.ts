// CsrService over the core's inspectCsr + lint: a decoded CSR and its findings rendered in the asker's
// language (the page shows them as they are).
import { inspectCsr, parseOperation, renderFinding } from "../core/csr";
import type { Locale } from "../core/i18n";
import type { CsrInspection } from "../messages";
import type { CsrService } from "./services";

export async function inspectForPage(csrPem: string, operation: string | undefined, locale: Locale): Promise<CsrInspection> {
  const info = await inspectCsr(csrPem, { operation: operation ? parseOperation(operation) : undefined });
  return {
    subject: info.subjectDn,
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
