// Keys and certificates: what is stored, importing an issued certificate (paired with its key by public
// key in the worker), exporting where the key allows it, deleting after a confirmation that says what
// else goes with it; backing up every exportable key (restore is in the options page: BackupView.tsx).
import { CertificateImportCard } from "./CertificateImportCard";
import { useEffect, useState } from "preact/hooks";
import { TextField } from "../ui/fields";
import { Busy, Done, Empty, ErrorNotice } from "../ui/notices";
import { useLocale, useT } from "../ui/locale";
import { keySpecName } from "../ui/key-spec-names";
import { expiryPhrase } from "../ui/dates";
import { useAction } from "../ui/use-action";
import type { KeyView, WorkerApi } from "../ui/worker-api";
import { KeyDetails } from "./KeyDetails";
import { parseRoute } from "./route";
import { BackupView } from "./BackupView";
import { RenewView } from "./RenewView";
import { defaultSettings } from "../ui/settings-defaults";

/**
 * The "expires in N days" badge: shown when the certificate has `warningDays` (the expiryWarningDays setting,
 * the same the worker's notification uses) or fewer whole days left and has not expired yet.
 */
export function expiryBadgeDays(k: KeyView, warningDays: number, now: number): number | undefined {
  const end = k.notAfter ?? k.certificate?.notAfter;
  if (!end || k.state === "expired") return undefined;
  const ms = Date.parse(end) - now;
  if (Number.isNaN(ms) || ms <= 0) return undefined;
  const days = Math.floor(ms / 86_400_000);
  return days <= warningDays ? days : undefined;
}


export function KeysView(props: { api: WorkerApi; expiryWarningDays?: number; onOrder?: (keyId: string) => void }) {
  const tr = useT();
  const locale = useLocale();
  // `#keys?open=<id>` (an issued order's link to its key): that key's details, exports included, open.
  const [openId, setOpenId] = useState<string | null>(() => parseRoute(location.hash).openKeyId ?? null);
  const [renewing, setRenewing] = useState<KeyView | null>(null);
  const warningDays = props.expiryWarningDays ?? defaultSettings().expiryWarningDays;
  const [importPem, setImportPem] = useState("");
  const list = useAction(() => props.api.send("keys.list", {}));
  // Import = preview first (CertificateImportCard shows it), stored only when confirmed there.
  const importer = useAction((pem: string) => props.api.send("keys.previewCertificate", { pem }));
  const [imported, setImported] = useState<KeyView | null>(null);
  const reload = () => void list.run();
  useEffect(reload, []);

  const doImport = async (e: Event) => {
    e.preventDefault();
    setImported(null);
    await importer.run(importPem.trim());
  };
  const onImported = (key: KeyView) => {
    importer.reset();
    setImportPem("");
    setImported(key);
    setOpenId(key.id);
    reload();
  };

  const keys: KeyView[] = list.result ?? [];
  if (renewing) {
    return (
      <RenewView api={props.api} keyInfo={renewing} onClose={() => { setRenewing(null); reload(); }}
        onOrder={(keyId) => { setRenewing(null); if (props.onOrder) props.onOrder(keyId); else reload(); }} />
    );
  }
  const now = Date.now();
  const expiryBadge = (k: KeyView) => {
    const days = expiryBadgeDays(k, warningDays, now);
    const end = k.notAfter ?? k.certificate?.notAfter;
    return days === undefined || !end ? null : <span class="badge state-failed expiry-badge" data-days={days}>{expiryPhrase(end, locale, now)}</span>;
  };
  return (
    <div class="stack">
      <ErrorNotice error={list.error} />
      {list.busy && !list.result ? <Busy label={tr("ui_loading")} /> : null}
      {list.result && keys.length === 0 ? <Empty text={tr("ui_no_keys")} /> : null}
      <ul class="cards" id="key-list">
        {keys.map((k) => (
          <li key={k.id} class="card" data-key-id={k.id}>
            <button
              type="button"
              class="card-head"
              aria-expanded={openId === k.id}
              aria-controls={`key-${k.id}`}
              onClick={() => setOpenId(openId === k.id ? null : k.id)}
            >
              <span class="card-title">{k.commonName || k.label}</span>
              <span class="badges">
                <span class="badge">{keySpecName(k.spec, locale)}</span>
                <span class={`badge key-state-${k.state}`}>{tr(`ui_key_state_${k.state}`)}</span>
                {expiryBadge(k)}
              </span>
            </button>
            {openId === k.id ? (
              <div id={`key-${k.id}`}>
                <KeyDetails api={props.api} keyInfo={k} onDeleted={() => { setOpenId(null); reload(); }} onRenew={() => setRenewing(k)} />
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      {list.result ? <BackupView api={props.api} exportableCount={keys.filter((k) => k.exportable).length} /> : null}
      <form class="stack subtle" onSubmit={doImport}>
        <h2>{tr("ui_import_certificate")}</h2>
        <TextField
          id="import-pem"
          label={tr("ui_certificate_pem")}
          hint={tr("ui_import_hint")}
          multiline
          rows={4}
          value={importPem}
          onInput={(v) => { setImportPem(v); importer.reset(); setImported(null); }}
        />
        <ErrorNotice error={importer.error} id="import-error" />
        {importer.result ? (
          <CertificateImportCard api={props.api} pem={importPem.trim()} preview={importer.result} onImported={onImported} onCancel={() => importer.reset()} />
        ) : null}
        {imported ? <Done text={tr("ui_imported", { name: imported.commonName || imported.label })} id="import-done" /> : null}
        <div class="actions">
          <button type="submit" id="import-certificate" disabled={importer.busy || importPem.trim() === ""}>{tr("ui_import")}</button>
        </div>
      </form>
    </div>
  );
}
