// A CSR as a person reads it, and the lint findings (rendered by the worker in the page's language) with
// their severity spelled out, not only shown as a colour.
import { useLocale, useT } from "../ui/locale";
import { keySpecName } from "../ui/key-spec-names";
import type { CsrInspection, LintFinding } from "../ui/worker-api";

export function DecodedCsrView(props: { inspection: CsrInspection }) {
  const tr = useT();
  const locale = useLocale();
  const d = props.inspection;
  return (
    <dl class="facts" id="csr-decoded">
      <dt>{tr("ui_decoded_subject")}</dt>
      <dd>{d.subject}</dd>
      <dt>{tr("ui_decoded_sans")}</dt>
      <dd>{d.sans.length ? d.sans.join(", ") : tr("ui_none")}</dd>
      {d.keySpec ? (
        <>
          <dt>{tr("ui_decoded_public_key")}</dt>
          <dd>{keySpecName(d.keySpec, locale)}</dd>
        </>
      ) : null}
      <dt>{tr("ui_decoded_key_usage")}</dt>
      <dd id="csr-key-usage">{d.keyUsage?.length ? d.keyUsage.join(", ") : tr("ui_none")}</dd>
      <dt>{tr("ui_decoded_ext_key_usage")}</dt>
      <dd id="csr-ext-key-usage">{d.extKeyUsage?.length ? d.extKeyUsage.join(", ") : tr("ui_none")}</dd>
      <dt>{tr("ui_decoded_signature")}</dt>
      <dd>
        {d.signatureAlgorithm} · <span id="csr-signature-status">{d.signatureValid ? tr("ui_signature_valid") : tr("ui_signature_invalid")}</span>
      </dd>
    </dl>
  );
}

export function LintList(props: { findings: LintFinding[] }) {
  const tr = useT();
  if (props.findings.length === 0) return <p class="lint-clean" id="lint-findings">{tr("ui_lint_clean")}</p>;
  return (
    <ul class="lint" id="lint-findings" aria-label={tr("ui_lint_title")}>
      {props.findings.map((f, i) => (
        <li key={i} class={`lint-${f.severity}`} data-code={f.code}>
          <strong>{tr(`ui_severity_${f.severity}`)}</strong> {f.message}
        </li>
      ))}
    </ul>
  );
}
