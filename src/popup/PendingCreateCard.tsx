// One create sent to the cloud whose result is not recorded yet (`orders.pending`, kept by the worker in
// src/background/orders/pending-store.ts), in words: when it was placed, that no answer came and why, that
// the worker is looking for it in the cloud's list (and when it looks next), or that it was not found in the
// window. "Check again" always; after the window "Place it anyway (may duplicate)" behind a confirmation;
// when several new orders match, each candidate with its fields in words and "This one is mine".
import { Fragment } from "preact";
import { useState } from "preact/hooks";
import { ErrorNotice } from "../ui/notices";
import { useLocale, useT } from "../ui/locale";
import { pickLocale } from "../core/i18n";
import { describeReason } from "../core/reason";
import { useAction } from "../ui/use-action";
import { localDate, localDateTime } from "../ui/dates";
import { productDetail, productName } from "../ui/product-names";
import type { Locale } from "../core/i18n";
import type { OrderView, PendingCreateView, WorkerApi } from "../ui/worker-api";

/**
 * The fields a candidate is told apart by (each operation's describe() in src/core/aliyun/operations/), under
 * their names in words; the API's own name stays as the label's tooltip.
 */
const CANDIDATE_FIELD: Record<string, string> = {
  OrderId: "ui_pending_field_order_id",
  Domain: "ui_pending_field_domain",
  DomainName: "ui_pending_field_domain",
  ProductCode: "ui_pending_field_product",
  Status: "ui_pending_field_status",
  DomainStatus: "ui_pending_field_status",
  BuyDate: "ui_pending_field_placed",
  GmtCreated: "ui_pending_field_created",
  CertificateId: "ui_pending_field_certificate_id",
  Name: "ui_pending_field_name",
  CommonName: "ui_pending_field_common_name",
  Subject: "ui_pending_field_subject",
  SerialNo: "ui_pending_field_serial",
  EndDate: "ui_pending_field_end_date",
  CsrId: "ui_pending_field_csr_id",
  Algorithm: "ui_pending_field_algorithm",
  CdnType: "ui_pending_field_cdn_type",
  RecordId: "ui_pending_field_record_id",
  RR: "ui_pending_field_host_record",
  Type: "ui_pending_field_record_type",
  Value: "ui_pending_field_record_value",
};

export interface CandidateField {
  /** The API's name of the field (for the tooltip). */
  name: string;
  label: string;
  value: string;
  /** What the value stands for when it is shown in words (a product's code). */
  valueTitle?: string;
}

/** A candidate's summary in words: labels from the catalogue (an unknown field keeps its name), products and dates as the pages show them. */
export function candidateFields(summary: Record<string, string>, tr: (key: string) => string, locale: Locale): CandidateField[] {
  return Object.entries(summary).map(([name, raw]) => {
    const key = CANDIDATE_FIELD[name];
    const label = key ? tr(key) : name;
    if (name === "ProductCode" && raw) return { name, label, value: productName(raw, locale), valueTitle: productDetail(raw, locale) };
    if ((name === "BuyDate" || name === "GmtCreated") && raw) return { name, label, value: localDateTime(raw, locale) };
    if (name === "EndDate" && raw) return { name, label, value: localDate(raw, locale) };
    return { name, label, value: raw };
  });
}

function clock(iso: string, locale: string): string {
  return new Date(iso).toLocaleTimeString(locale === "zh_CN" ? "zh-CN" : "en-GB", { hour: "2-digit", minute: "2-digit" });
}

/** What is known, in one sentence (exported for the unit tests of the wording). */
export function pendingStatus(e: PendingCreateView, tr: (key: string, params?: Record<string, string | number>) => string, locale: string, nowMs = Date.now()): string {
  const at = clock(e.startedAt, locale);
  const reason = e.reason ? describeReason(pickLocale(locale), e.reason) : tr("ui_pending_reason_none");
  switch (e.state) {
    case "pending":
      return tr("ui_pending_state_pending", { time: at });
    case "committed":
      return tr("ui_pending_state_committed", { time: at });
    case "ambiguous":
      return tr("ui_pending_state_ambiguous", { time: at, reason, count: e.candidates?.length ?? 0 });
    case "unknown": {
      if (e.windowOver) {
        const minutes = Math.max(1, Math.round((Date.parse(e.windowEndsAt) - Date.parse(e.startedAt)) / 60_000));
        return tr("ui_pending_state_not_found", { time: at, reason, minutes });
      }
      if (!e.nextCheckAt) return tr("ui_pending_state_looking", { time: at, reason });
      const seconds = Math.max(1, Math.ceil((Date.parse(e.nextCheckAt) - nowMs) / 1000));
      return tr("ui_pending_state_looking_next", { time: at, reason, seconds });
    }
  }
}

export function PendingCreateCard(props: { api: WorkerApi; entry: PendingCreateView; onChanged: (order?: OrderView) => void }) {
  const tr = useT();
  const locale = useLocale();
  const e = props.entry;
  const [confirmAnyway, setConfirmAnyway] = useState(false);
  const check = useAction(() => props.api.send("orders.pendingCheck", { id: e.id }));
  const choose = useAction((candidateId: string) => props.api.send("orders.pendingChoose", { id: e.id, candidateId }));
  const anyway = useAction(() => props.api.send("orders.pendingPlaceAnyway", { id: e.id, confirm: true }));
  const busy = check.busy || choose.busy || anyway.busy;
  const title = e.operation === "AddDomainRecord" || e.operation === "UploadUserCertificate" ? tr(`ui_pending_op_${e.operation}`) : tr(`ui_op_${e.operation}`);

  return (
    <li class="card stack" id={`pending-${e.id}`} data-state={e.state} aria-labelledby={`pending-title-${e.id}`}>
      <div class="row">
        <strong id={`pending-title-${e.id}`}>{e.domain || "-"}</strong>
        <span class="badge" data-state={e.state}>{tr(`ui_pending_badge_${e.state}`)}</span>
      </div>
      <p class="hint">{title}</p>
      <p id={`pending-status-${e.id}`} role="status">{pendingStatus(e, tr, locale)}</p>
      {e.checks > 0 && e.lastCheckedAt ? (
        <p class="hint">{tr("ui_pending_checks", { checks: e.checks, time: clock(e.lastCheckedAt, locale) })}</p>
      ) : null}
      {e.state === "ambiguous" && e.candidates ? (
        <ul class="stack" id={`pending-candidates-${e.id}`}>
          {e.candidates.map((c) => (
            <li class="subtle stack" key={c.id}>
              <dl class="facts">
                {candidateFields(c.summary, tr, locale).map((f) => (
                  <Fragment key={f.name}>
                    <dt title={f.name}>{f.label}</dt>
                    <dd title={f.valueTitle}>{f.value}</dd>
                  </Fragment>
                ))}
              </dl>
              <button type="button" class="small" id={`pending-choose-${e.id}-${c.id}`} disabled={busy}
                onClick={async () => { const o = await choose.run(c.id); if (o) props.onChanged(o); }}>
                {tr("ui_pending_this_one")}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorNotice error={check.error ?? choose.error ?? anyway.error} id={`pending-error-${e.id}`} />
      {confirmAnyway ? (
        <div class="confirm" role="alertdialog" aria-labelledby={`pending-anyway-q-${e.id}`}>
          <p id={`pending-anyway-q-${e.id}`}>{tr("ui_pending_anyway_confirm")}</p>
          <div class="actions">
            <button type="button" class="danger small" id={`pending-anyway-confirm-${e.id}`} disabled={busy}
              onClick={async () => { const o = await anyway.run(); setConfirmAnyway(false); props.onChanged(o); }}>
              {tr("ui_pending_anyway")}
            </button>
            <button type="button" class="secondary small" onClick={() => setConfirmAnyway(false)} autoFocus>{tr("ui_cancel")}</button>
          </div>
        </div>
      ) : e.state === "unknown" || e.state === "ambiguous" ? (
        <div class="actions">
          <button type="button" class="secondary small" id={`pending-check-${e.id}`} disabled={busy}
            onClick={async () => { const r = await check.run(); if (r) props.onChanged(r.order); }}>
            {tr("ui_pending_check_again")}
          </button>
          {e.state === "unknown" && e.windowOver ? (
            <button type="button" class="danger small" id={`pending-anyway-${e.id}`} disabled={busy} onClick={() => setConfirmAnyway(true)}>
              {tr("ui_pending_anyway")}
            </button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
