// What a context-menu click already did in the worker (inspect a CSR, import a certificate), shown on top.
import { Done, ErrorNotice } from "../ui/notices";
import { useT } from "../ui/locale";
import type { PendingForm } from "../ui/worker-api";
import { DecodedCsrView, LintList } from "./DecodedCsrView";

export function PendingNotice(props: { pending: PendingForm; onClose: () => void }) {
  const tr = useT();
  const p = props.pending;
  if (!p.error && !(p.action === "inspect" && p.inspection) && !(p.action === "import-certificate" && p.key)) return null;
  return (
    <section class="stack subtle pending" aria-labelledby="pending-title" id="pending-result">
      <h2 id="pending-title">{tr(`ui_pending_${p.action.replace(/-/g, "_")}`)}</h2>
      <ErrorNotice error={p.error} />
      {p.action === "inspect" && p.inspection ? (
        <>
          <DecodedCsrView inspection={p.inspection} />
          <LintList findings={p.inspection.findings} />
        </>
      ) : null}
      {p.action === "import-certificate" && p.key ? <Done text={tr("ui_imported", { name: p.key.commonName })} /> : null}
      <div class="actions">
        <button type="button" class="secondary small" onClick={props.onClose}>{tr("ui_close")}</button>
      </div>
    </section>
  );
}
