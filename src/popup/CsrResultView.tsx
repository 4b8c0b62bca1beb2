// The made CSR: its PEM to copy or download, what it says when decoded, what the linter found, and the
// openssl command that would make the same kind of request (key usages included).
import { CopyButton, DownloadButton } from "../ui/actions";
import { Done } from "../ui/notices";
import { useT } from "../ui/locale";
import { opensslCommand } from "../ui/openssl-command";
import type { CsrMade, KeySpecId, SubjectInput } from "../ui/worker-api";
import { DecodedCsrView, LintList } from "./DecodedCsrView";

export function CsrResultView(props: {
  made: CsrMade;
  keySpec: KeySpecId;
  subject: SubjectInput;
  sans: string[];
  onAnother: () => void;
  onOrder?: (keyId: string) => void;
}) {
  const tr = useT();
  // The usages as the made CSR carries them (the worker's inspection), so the command says what the CSR says.
  const command = opensslCommand(props.keySpec, props.subject, props.sans, props.made.inspection);
  const base = (props.subject.CN || "request").replace(/[^a-z0-9.-]+/gi, "_").replace(/^\*/, "wildcard");
  return (
    <section class="stack" aria-labelledby="csr-result-title">
      <h2 id="csr-result-title">{tr("ui_csr_ready")}</h2>
      <Done text={tr("ui_csr_ready_detail")} id="csr-done" />
      <label for="csr-pem" class="block-label">{tr("ui_csr_pem")}</label>
      <textarea id="csr-pem" class="pem" readOnly rows={8} value={props.made.csrPem} spellcheck={false} />
      <div class="actions">
        <CopyButton text={props.made.csrPem} id="copy-csr" />
        <DownloadButton filename={`${base}.csr`} text={props.made.csrPem} id="download-csr" />
        {props.onOrder ? (
          <button type="button" class="small" id="order-this-csr" onClick={() => props.onOrder?.(props.made.key.id)}>{tr("ui_order_this_csr")}</button>
        ) : null}
      </div>
      <DecodedCsrView inspection={props.made.inspection} />
      <LintList findings={props.made.inspection.findings} />
      <details>
        <summary>{tr("ui_openssl_equivalent")}</summary>
        <pre class="command" id="openssl-command">{command}</pre>
        <CopyButton text={command} />
      </details>
      <div class="actions">
        <button type="button" class="secondary" id="another-csr" onClick={props.onAnother}>{tr("ui_another_csr")}</button>
      </div>
    </section>
  );
}
