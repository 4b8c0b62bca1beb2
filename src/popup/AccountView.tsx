// Account: every certificate of the Alibaba Cloud account (account.watch: cas orders and uploads, KMS, what CDN
// serves), soonest to expire first, with its days left and the CDN domains serving it; a refresh; without
// stored credentials a notice pointing to the settings instead (nothing is asked of the cloud then).
// `data-state` on #account-view says what is shown: loading, no-credentials, empty, listed or error.
import { useEffect, useState } from "preact/hooks";
import type { AccountCertificate, AccountWatch } from "../messages";
import { Busy, Empty, ErrorNotice } from "../ui/notices";
import { localizeError, useLocale, useT } from "../ui/locale";
import { useAction } from "../ui/use-action";
import type { WorkerApi } from "../ui/worker-api";
import { localDate } from "../ui/dates";

/** Days left under which a row is marked (the notifier's widest threshold). */
const WARN_DAYS = 30;

function Row(props: { row: AccountCertificate }) {
  const tr = useT();
  const locale = useLocale();
  const r = props.row;
  const days = r.daysLeft < 0 ? tr("ui_account_expired", { days: -r.daysLeft }) : tr("ui_account_days_left", { days: r.daysLeft });
  return (
    <li class="card" data-id={r.id} data-source={r.source} data-days={r.daysLeft}>
      <div class="card-head static">
        <span class="card-title account-name">{r.name}</span>
        {/* The order states' colours (styles.css): warn within WARN_DAYS, danger once expired. */}
        <span class="badges"><span class={`badge account-days ${r.daysLeft < 0 ? "state-failed" : r.daysLeft <= WARN_DAYS ? "state-process" : "badge-ok"}`}>{days}</span></span>
      </div>
      <div class="hint">
        {tr("ui_account_not_after", { date: localDate(r.notAfter, locale) })} · {tr(`ui_account_source_${r.source.replace(/-/g, "_")}`)}
      </div>
      {r.sans.length > 0 && !(r.sans.length === 1 && r.sans[0] === r.name) ? <div class="hint account-sans">{r.sans.join(", ")}</div> : null}
      <div class="account-deployed">
        {r.deployedTo.length > 0 ? tr("ui_account_deployed", { where: r.deployedTo.join(", ") }) : tr("ui_account_not_deployed")}
      </div>
    </li>
  );
}

export function AccountView(props: { api: WorkerApi }) {
  const tr = useT();
  const locale = useLocale();
  const [report, setReport] = useState<AccountWatch | null>(null);
  const load = useAction(() => props.api.send("account.watch", {}));
  const refresh = async () => {
    const next = await load.run();
    if (next) setReport(next);
  };
  useEffect(() => {
    void refresh();
  }, []);

  const state = load.busy && !report ? "loading" : load.error && !report ? "error" : !report ? "loading" : !report.configured ? "no-credentials" : report.rows.length === 0 ? "empty" : "listed";
  return (
    <div class="stack" id="account-view" data-state={state} aria-busy={load.busy}>
      <div class="row spread">
        <h2 id="account-title">{tr("ui_account_title")}</h2>
        <button type="button" class="secondary small" id="account-refresh" onClick={refresh} disabled={load.busy}>{tr("ui_refresh")}</button>
      </div>
      <ErrorNotice error={load.error} id="account-error" />
      {state === "loading" ? <Busy label={tr("ui_account_loading")} /> : null}
      {state === "no-credentials" ? (
        <div class="notice" id="account-no-credentials">
          {tr("ui_account_no_credentials")}{" "}
          <a href="options.html" target="_blank" id="account-open-settings">{tr("ui_account_open_settings")}</a>
        </div>
      ) : null}
      {state === "empty" ? <Empty text={tr("ui_account_empty")} /> : null}
      {report?.configured && report.errors.length > 0 ? (
        <ul class="notice notice-error" id="account-source-errors">
          {report.errors.map((e) => (
            <li key={e.source} data-source={e.source}>
              {tr("ui_account_source_error", { source: e.source.toUpperCase(), reason: localizeError(locale, { code: e.code, ...(e.field ? { field: e.field } : {}), params: e.params ?? {}, message: e.message }) })}
            </li>
          ))}
        </ul>
      ) : null}
      {report?.configured && report.rows.length > 0 ? (
        <>
          <p class="hint" id="account-summary">{tr("ui_account_summary", { count: report.rows.length, soon: report.rows.filter((r) => r.daysLeft <= WARN_DAYS).length, days: WARN_DAYS })}</p>
          <ul class="cards" id="account-list" aria-labelledby="account-title">
            {report.rows.map((r) => <Row key={`${r.source}:${r.id}`} row={r} />)}
          </ul>
        </>
      ) : null}
    </div>
  );
}
