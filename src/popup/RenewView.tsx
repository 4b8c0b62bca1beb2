// Renew a key's certificate: a new CSR for the same key (same public key), starting from its last CSR's
// subject, SANs and usages, all editable; made, it goes to the order form with the key preselected. The old
// certificate stays on the key, usable and exportable, until the new one is issued and paired (the vault).
import { useEffect } from "preact/hooks";
import { Busy, ErrorNotice } from "../ui/notices";
import { useLocale, useT } from "../ui/locale";
import { endDateText } from "../ui/dates";
import { useAction } from "../ui/use-action";
import { choiceOf } from "../ui/usages";
import { EMPTY_SUBJECT, toSubjectInput, type KeyView, type WorkerApi } from "../ui/worker-api";
import { NewCsrView, type RenewStart } from "./NewCsrView";

/** The form's start from the key's last CSR (the worker decodes it), or from the key's names when it has none. */
export async function renewStart(api: WorkerApi, key: KeyView): Promise<RenewStart> {
  const found = key.csrPem ? await api.send("csr.inspect", { csrPem: key.csrPem }) : undefined;
  const subject = found?.subjectFields ? toSubjectInput(found.subjectFields) : { ...EMPTY_SUBJECT, CN: key.commonName };
  const cn = subject.CN.trim().toLowerCase();
  const sans = (found?.sans ?? key.sans).filter((n) => n.toLowerCase() !== cn);
  return { keyId: key.id, spec: key.spec, subject, sansText: sans.join("\n"), usage: found ? choiceOf(found) : "server" };
}

export function RenewView(props: { api: WorkerApi; keyInfo: KeyView; onOrder: (keyId: string) => void; onClose: () => void }) {
  const tr = useT();
  const locale = useLocale();
  const start = useAction(() => renewStart(props.api, props.keyInfo));
  useEffect(() => void start.run(), [props.keyInfo.id]);
  const name = props.keyInfo.commonName || props.keyInfo.label;
  return (
    <section class="stack" aria-labelledby="renew-title" id="renew">
      <h2 id="renew-title">{tr("ui_renew_title", { name })}</h2>
      <p class="hint">{tr("ui_renew_hint")}</p>
      {props.keyInfo.certificate ? (
        <p class="hint" id="renew-current-end">{tr("ui_renew_current_end", { date: endDateText(props.keyInfo.certificate.notAfter, locale, Date.now()) })}</p>
      ) : null}
      <ErrorNotice error={start.error} id="renew-error" />
      {start.busy ? <Busy label={tr("ui_loading")} /> : null}
      {start.result ? (
        <NewCsrView api={props.api} defaults={start.result.subject} renew={start.result} onOrder={props.onOrder} onCancel={props.onClose} />
      ) : null}
    </section>
  );
}
