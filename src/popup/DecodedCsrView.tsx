// A CSR as a person reads it, and the lint findings with their severity spelled out (not only a colour).
import { KeysmithError } from "../core/errors";
import { useLocale, useT } from "../ui/locale";
import type { DecodedCsr, LintFinding } from "../ui/worker-api";

export function DecodedCsrView(props: { decoded: DecodedCsr }) {
  const tr = useT();
  const d = props.decoded;
  return (
    <dl class="facts" id="csr-decoded">
      <dt>{tr("ui_decoded_subject")}</dt>
      <dd>{d.subject}</dd>
      <dt>{tr("ui_decoded_sans")}</dt>
      <dd>{d.sans.length ? d.sans.join(", ") : tr("ui_none")}</dd>
      <dt>{tr("ui_decoded_public_key")}</dt>
      <dd>{d.publicKey}</dd>
      <dt>{tr("ui_decoded_signature")}</dt>
      <dd>
        {d.signatureAlgorithm} · {d.signatureValid ? tr("ui_signature_valid") : tr("ui_signature_invalid")}
      </dd>
    </dl>
  );
}

export function LintList(props: { findings: LintFinding[] }) {
  const tr = useT();
  const locale = useLocale();
  if (props.findings.length === 0) return <p class="lint-clean" id="lint-findings">{tr("ui_lint_clean")}</p>;
  return (
    <ul class="lint" id="lint-findings" aria-label={tr("ui_lint_title")}>
      {props.findings.map((f, i) => (
        <li key={i} class={`lint-${f.severity}`}>
          <strong>{tr(`ui_severity_${f.severity}`)}</strong>{" "}
          {new KeysmithError(f.code, { field: f.field, params: f.params }).localized(locale)}
        </li>
      ))}
    </ul>
  );
}
