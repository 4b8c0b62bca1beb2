// What a context-menu click already did in the worker (inspect a CSR), shown on top; a certificate to import
// ("Import certificate") is shown parsed and stored only once its card is confirmed.
import { useState } from "preact/hooks";
import { Done, ErrorNotice } from "../ui/notices";
import { useT } from "../ui/locale";
import type { KeyView, PendingForm, WorkerApi } from "../ui/worker-api";
import { CertificateImportCard } from "./CertificateImportCard";
import { DecodedCsrView, LintList } from "./DecodedCsrView";

export function PendingNotice(props: { pending: PendingForm; onClose: () => void; api?: WorkerApi }) {
  const tr = useT();
  const p = props.pending;
  const [imported, setImported] = useState<KeyView | null>(null);
  const candidate = p.action === "import-certificate" && p.certificate && p.certificatePem && props.api && !imported;
  if (!p.error && !(p.action === "inspect" && p.inspection) && !(p.action === "import-certificate" && (p.key || p.certificate))) return null;
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
      {candidate ? (
        <CertificateImportCard api={props.api!} pem={p.certificatePem!} preview={p.certificate!} onImported={setImported} onCancel={props.onClose} />
      ) : null}
      {imported ? <Done text={tr("ui_imported", { name: imported.commonName || imported.label })} id="pending-imported" /> : null}
      <div class="actions">
        <button type="button" class="secondary small" onClick={props.onClose}>{tr("ui_close")}</button>
      </div>
    </section>
  );
}
