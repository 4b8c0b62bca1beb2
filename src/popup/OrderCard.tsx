// One order: its state in words, the validation record with a copy button per value (the host record with the
// zone it belongs to), and the actions that make sense in that state (add the record through Alidns; cancel,
// after a confirmation that says the certificate goes back to the package; delete; for a CSR the cloud made —
// KMS or cas CreateCsr — a DV order for it). Refreshing is the Orders tab's one Refresh (OrdersView.tsx). Once issued, every order offers its certificate
// (copy; download as leaf + chain PEM), and an order paired with a vault key links to that key's exports.
// One whose key or certificate came from an endpoint that is not Alibaba Cloud asks before anything is
// imported (ImportConfirmCard.tsx).
import { useEffect, useState } from "preact/hooks";
import { OrderProfileName } from "./ProfileSwitcher";
import { CopyButton, DownloadButton } from "../ui/actions";
import { ContactFields, contactErrors, toContactInput, type ContactInput } from "../ui/contact-fields";
import { Done, ErrorNotice } from "../ui/notices";
import { useLocale, useT } from "../ui/locale";
import { useAction } from "../ui/use-action";
import type { OrderView, WorkerApi } from "../ui/worker-api";
import { certificatePems } from "../core/pem";
import { dnsRecordPlacement } from "../core/aliyun/dns-placement";
import { localDateTime } from "../ui/dates";
import { ImportConfirmCard } from "./ImportConfirmCard";

const KNOWN_STATES = new Set(["submitted", "validation", "review", "issued", "failed", "cancelled", "csr_ready", "pending_csr", "unknown"]);
/** States in which the cloud order can still move (the worker follows these; only these can be cancelled). */
export const OPEN = new Set(["submitted", "validation", "review"]);

/** The host record relative to its Alidns zone ("_dnsauth.www" in "example.com"), or undefined when it cannot be placed. */
function hostRecordPlace(domain: string, recordDomain: string): { zone: string; rr: string } | undefined {
  try {
    return dnsRecordPlacement(domain, recordDomain);
  } catch {
    return undefined;
  }
}

function ValueRow(props: { label: string; value: string; id: string }) {
  return (
    <div class="value-row">
      <span class="value-label">{props.label}</span>
      <code id={props.id}>{props.value}</code>
      <CopyButton text={props.value} />
    </div>
  );
}

/** The certificates of a PEM (cas sends CRLF and blank lines) as one PEM: leaf first, no blank lines. */
export function certificateBundle(pem: string): string {
  return certificatePems(pem).join("");
}

/** "*.example.com" → "wildcard.example.com.crt.pem": the same names as the Keys tab's certificate export. */
export function certificateFileName(o: Pick<OrderView, "domain" | "orderId" | "id">): string {
  const base = (o.domain || o.orderId || o.id).replace(/^\*\./, "wildcard.").replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "");
  return `${base.slice(0, 100) || o.id}.crt.pem`;
}

/** What the "issued" note says: where the key is (KMS, cas, or this vault, and whose making); null: the import card speaks. */
function issuedNote(o: OrderView): string | null {
  if (o.importPending) return o.importPending.declined ? null : "ui_order_issued_import_pending";
  if (o.operation === "KmsCreateCertificate") return "ui_order_issued_kms";
  if (o.operation === "CreateCertificateRequest") return o.keyId ? "ui_order_issued_cloud_key_imported" : "ui_order_issued_cloud_key";
  return o.keyId ? "ui_order_issued_note" : "ui_order_issued_cloud_key";
}

/** Certificate copy and download for an issued order; with a vault key, a link to that key's exports. */
function IssuedActions(props: { order: OrderView }) {
  const tr = useT();
  const o = props.order;
  const bundle = certificateBundle(o.certificatePem ?? "");
  if (!bundle && !o.keyId) return null;
  return (
    <div class="actions" id={`issued-actions-${o.id}`}>
      {bundle ? <CopyButton text={bundle} label={tr("ui_copy_certificate")} id={`copy-cert-${o.id}`} /> : null}
      {bundle ? <DownloadButton filename={certificateFileName(o)} text={bundle} label={tr("ui_download_certificate")} id={`download-cert-${o.id}`} /> : null}
      {o.keyId ? <a class="header-link" href={`#keys?open=${encodeURIComponent(o.keyId)}`} id={`key-exports-${o.id}`}>{tr("ui_order_key_exports")}</a> : null}
    </div>
  );
}

/** A CSR the cloud made and whose certificate is still to come: a DV order can be placed for it. */
function awaitsCertificate(o: OrderView): boolean {
  return Boolean(o.csrPem) && ((o.operation === "KmsCreateCertificate" && o.state === "pending_csr") || (o.operation === "CreateCsr" && o.state === "csr_ready"));
}

/**
 * "Order a DV certificate for this CSR": with the contact saved in the options it is placed at once,
 * otherwise the contact is asked for here. SM2 CSRs are shown the action disabled, with the reason
 * (CreateCertificateWithCsrRequest takes RSA >= 2048 or ECC); the worker refuses them too.
 */
function CloudCsrOrder(props: { api: WorkerApi; order: OrderView; onChanged: (o: OrderView) => void }) {
  const tr = useT();
  const o = props.order;
  const [keySpec, setKeySpec] = useState<string | undefined>(undefined);
  const [contact, setContact] = useState<ContactInput | null>(null);
  const [showErrors, setShowErrors] = useState(false);
  // The DV order already placed for this CSR, if any: while it is neither failed nor cancelled (nor deleted)
  // another one would be refused, so the action waits for it.
  const [childOpen, setChildOpen] = useState(false);
  useEffect(() => {
    props.api.send("csr.inspect", { csrPem: o.csrPem!, operation: "CreateCertificateWithCsrRequest" }).then((i) => setKeySpec(i.keySpec ?? ""), () => setKeySpec(""));
  }, [o.csrPem]);
  useEffect(() => {
    if (!o.childId) return setChildOpen(false);
    props.api.send("orders.get", { id: o.childId }).then((c) => setChildOpen(c.state !== "failed" && c.state !== "cancelled"), () => setChildOpen(false));
  }, [o.childId, o.updatedAt]);
  const place = useAction(async (c: ContactInput) => {
    const child = await props.api.send("orders.orderForCloudCsr", { ...c, id: o.id });
    setChildOpen(true);
    props.onChanged(await props.api.send("orders.get", { id: o.id }));
    return child;
  });
  const start = async () => {
    const saved = toContactInput((await props.api.send("settings.get", {})).contact);
    if (Object.keys(contactErrors(saved)).length === 0) await place.run(saved);
    else setContact(saved);
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setShowErrors(true);
    if (!contact || Object.keys(contactErrors(contact)).length) return;
    if (await place.run(contact)) setContact(null);
  };
  const sm2 = keySpec === "EC_SM2";
  const hint = o.operation === "KmsCreateCertificate" ? "ui_cloud_csr_order_kms_hint" : "ui_cloud_csr_order_cas_hint";
  return (
    <div class="stack" id={`cloud-csr-${o.id}`}>
      {childOpen && !place.result ? <p class="hint" id={`cloud-csr-under-way-${o.id}`}>{tr("ui_cloud_csr_under_way")}</p> : null}
      {place.result ? <Done text={tr("ui_cloud_csr_ordered", { orderId: place.result.orderId ?? place.result.id })} id={`cloud-csr-ordered-${o.id}`} /> : null}
      {contact ? (
        <form class="stack" id={`cloud-csr-form-${o.id}`} onSubmit={submit} noValidate>
          <p class="hint">{tr("ui_cloud_csr_contact_needed")}</p>
          <ContactFields idPrefix={`cloud-csr-${o.id}`} value={contact} onChange={setContact} showErrors={showErrors} />
          <div class="actions">
            <button type="submit" class="small" id={`cloud-csr-submit-${o.id}`} disabled={place.busy}>{tr("ui_submit_order")}</button>
            <button type="button" class="secondary small" onClick={() => setContact(null)}>{tr("ui_cancel")}</button>
          </div>
        </form>
      ) : (
        <div class="actions">
          <button type="button" class="small" id={`order-dv-${o.id}`} onClick={start} disabled={place.busy || keySpec === undefined || sm2 || childOpen}
            aria-describedby={`order-dv-why-${o.id}`}>
            {tr("ui_cloud_csr_order")}
          </button>
        </div>
      )}
      <p class="hint" id={`order-dv-why-${o.id}`}>{tr(sm2 ? "ui_cloud_csr_sm2_reason" : hint)}</p>
      <ErrorNotice error={place.error} id={`cloud-csr-error-${o.id}`} />
    </div>
  );
}

export function OrderCard(props: { api: WorkerApi; order: OrderView; onChanged: (o: OrderView | null) => void }) {
  const tr = useT();
  const locale = useLocale();
  const o = props.order;
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const act = useAction(async (what: "dns" | "cancel" | "delete") => {
    if (what === "delete") {
      await props.api.send("orders.delete", { id: o.id });
      return null;
    }
    return props.api.send(what === "dns" ? "orders.addDnsRecord" : "orders.cancel", { id: o.id });
  });
  const run = async (what: "dns" | "cancel" | "delete") => {
    const r = await act.run(what);
    if (what === "cancel") setConfirmCancel(false);
    if (r !== undefined) props.onChanged(r);
  };
  const state = KNOWN_STATES.has(o.state) ? o.state : "unknown";
  const v = o.validation;
  const open = OPEN.has(state);
  const note = state === "issued" ? issuedNote(o) : null;
  const place = v?.type === "DNS" ? hostRecordPlace(v.domain || o.domain, v.recordDomain) : undefined;
  const domainName = o.domain || o.orderId || o.id;
  return (
    <li class="card" data-order-id={o.id} data-state={o.state}>
      <div class="card-head static">
        <span class="card-title">{o.domain || o.orderId || o.id}</span>
        <span class={`badge state-${state}`} data-testid="order-state">{tr(`ui_state_${state}`)}</span>
      </div>
      <p class="hint" id={`order-summary-${o.id}`} title={tr("ui_order_operation_detail", { operation: o.operation })}>
        {tr(`ui_op_${o.operation}`)}
        {o.orderId ? ` · ${tr("ui_order_id")} ${o.orderId}` : ""}
      </p>
      <p class="hint" id={`order-placed-${o.id}`}>{tr("ui_order_placed", { date: localDateTime(o.createdAt, locale) })}</p>
      <OrderProfileName profileId={o.profileId} orderId={o.id} />
      {v && state === "validation" ? (
        <div class="validation" aria-label={tr("ui_validation_record")}>
          <p>{tr(v.type === "DNS" ? "ui_validation_dns_intro" : "ui_validation_file_intro")}</p>
          {v.type === "DNS" ? (
            <>
              <ValueRow label={tr("ui_record_type")} value={v.recordType} id={`rec-type-${o.id}`} />
              <ValueRow label={tr("ui_record_name")} value={place ? place.rr : v.recordDomain} id={`rec-name-${o.id}`} />
              {place ? <p class="hint" id={`rec-zone-${o.id}`}>{tr("ui_record_in_zone", { rr: place.rr, zone: place.zone })}</p> : null}
              <ValueRow label={tr("ui_record_value")} value={v.recordValue} id={`rec-value-${o.id}`} />
            </>
          ) : (
            <>
              <ValueRow label={tr("ui_file_url")} value={`http://${v.domain}${v.uri}`} id={`file-url-${o.id}`} />
              <ValueRow label={tr("ui_file_content")} value={v.content} id={`file-content-${o.id}`} />
            </>
          )}
        </div>
      ) : null}
      {o.csrPem && (o.operation === "CreateCsr" || o.operation === "KmsCreateCertificate") ? (
        <details>
          <summary>{tr("ui_cloud_csr")}</summary>
          <pre class="pem">{o.csrPem}</pre>
          <CopyButton text={o.csrPem} />
        </details>
      ) : null}
      {o.parentId ? <p class="hint" id={`cloud-csr-child-${o.id}`}>{tr("ui_cloud_csr_child")}</p> : null}
      {awaitsCertificate(o) ? <CloudCsrOrder api={props.api} order={o} onChanged={props.onChanged} /> : null}
      {note ? <Done text={tr(note)} id={`issued-${o.id}`} /> : null}
      {state === "issued" && o.importPending ? <ImportConfirmCard api={props.api} order={o} onChanged={props.onChanged} /> : null}
      {state === "issued" ? <IssuedActions order={o} /> : null}
      {o.dnsRecordId && state !== "issued" ? <p class="hint">{tr("ui_record_added")}</p> : null}
      <ErrorNotice error={o.error} />
      <ErrorNotice error={act.error} />
      {confirmDelete ? (
        <div class="confirm" role="alertdialog" aria-labelledby={`del-${o.id}`}>
          <p id={`del-${o.id}`}>{tr("ui_delete_order_confirm")}</p>
          <div class="actions">
            <button type="button" class="danger small" id={`confirm-delete-order-${o.id}`} onClick={() => run("delete")}>{tr("ui_delete")}</button>
            <button type="button" class="secondary small" onClick={() => setConfirmDelete(false)} autoFocus>{tr("ui_cancel")}</button>
          </div>
        </div>
      ) : confirmCancel ? (
        // Cancelling asks first, like deleting: before issuance the certificate the order took goes back to the package.
        <div class="confirm" role="alertdialog" aria-labelledby={`cancel-q-${o.id}`} id={`cancel-confirm-${o.id}`}>
          <p id={`cancel-q-${o.id}`}>{tr("ui_cancel_order_confirm", { domain: domainName })}</p>
          <div class="actions">
            <button type="button" class="danger small" id={`confirm-cancel-order-${o.id}`} onClick={() => run("cancel")} disabled={act.busy}>{tr("ui_cancel_order")}</button>
            <button type="button" class="secondary small" id={`keep-order-${o.id}`} onClick={() => setConfirmCancel(false)} autoFocus>{tr("ui_keep_order")}</button>
          </div>
        </div>
      ) : (
        <>
          {v?.type === "DNS" && state === "validation" ? (
            <div class="actions">
              <button type="button" class="small" id={`add-dns-${o.id}`} onClick={() => run("dns")} disabled={act.busy}>{tr("ui_add_record_alidns")}</button>
            </div>
          ) : null}
          {/* An open cloud order is cancelled first (apart from the main action); deleting a failed or cancelled one gives its quota back. */}
          {open && o.orderId ? (
            <div class="actions card-secondary-actions">
              <button type="button" class="secondary small" id={`cancel-${o.id}`} onClick={() => setConfirmCancel(true)} disabled={act.busy}>{tr("ui_cancel_order_ellipsis")}</button>
            </div>
          ) : (
            <div class="actions">
              <button type="button" class="danger small" id={`delete-order-${o.id}`} onClick={() => setConfirmDelete(true)} disabled={act.busy}>{tr("ui_delete")}</button>
            </div>
          )}
        </>
      )}
    </li>
  );
}
