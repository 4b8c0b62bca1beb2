// An issued order whose certificate (and, for CreateCertificateRequest, the private key the service made)
// came from an endpoint that is not Alibaba Cloud: nothing is in the vault yet (the worker keeps the order's
// `importPending`). The card names the endpoint and asks; Import sends `orders.confirmImport` (the worker asks
// that endpoint for the order again and imports), Don't import sends `orders.declineImport`, after which the
// card says nothing was imported and still offers Import.
import { useT } from "../ui/locale";
import { ErrorNotice } from "../ui/notices";
import { useAction } from "../ui/use-action";
import type { OrderView, WorkerApi } from "../ui/worker-api";

export function ImportConfirmCard(props: { api: WorkerApi; order: OrderView; onChanged: (o: OrderView) => void }) {
  const tr = useT();
  const o = props.order;
  const pending = o.importPending;
  const act = useAction(async (answer: "import" | "decline") =>
    props.api.send(answer === "import" ? "orders.confirmImport" : "orders.declineImport", { id: o.id }));
  if (!pending) return null;
  const run = async (answer: "import" | "decline") => {
    const next = await act.run(answer);
    if (next) props.onChanged(next);
  };
  const endpoint = pending.endpoint;
  const question = pending.what === "key"
    ? tr("ui_order_import_ask_key", { endpoint })
    : tr("ui_order_import_ask_certificate", { endpoint });
  return (
    <div class="confirm" role={pending.declined ? "note" : "alertdialog"} aria-labelledby={`import-ask-${o.id}`} id={`import-confirm-${o.id}`}
      data-declined={pending.declined ? "true" : "false"}>
      <p id={`import-ask-${o.id}`}>{pending.declined ? tr("ui_order_import_declined", { endpoint }) : question}</p>
      {pending.declined ? null : <p class="hint">{tr("ui_order_import_ask_hint", { endpoint })}</p>}
      <div class="actions">
        <button type="button" class="small" id={`import-accept-${o.id}`} onClick={() => run("import")} disabled={act.busy}>{tr("ui_order_import_accept")}</button>
        {pending.declined ? null : (
          <button type="button" class="secondary small" id={`import-decline-${o.id}`} onClick={() => run("decline")} disabled={act.busy}>{tr("ui_order_import_decline")}</button>
        )}
      </div>
      <ErrorNotice error={act.error} id={`import-error-${o.id}`} />
    </div>
  );
}
