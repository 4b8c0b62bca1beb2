// One key: its facts, its certificate, export (with a passphrase where the format carries the private
// key), renew (a new CSR for the same key: RenewView), its renewal policy (RenewalSection), and delete (confirmation names the open orders that
// would lose their key).
import { useRef, useState } from "preact/hooks";
import { CopyButton, DownloadButton } from "../ui/actions";
import { downloadExport } from "../ui/export-download";
import { SelectField, TextField } from "../ui/fields";
import { Done, ErrorNotice } from "../ui/notices";
import { localizeError, useLocale, useT } from "../ui/locale";
import { useAction } from "../ui/use-action";
import type { ExportFormat, KeyView, WorkerApi } from "../ui/worker-api";
import { checkNewPassphrase, EXPORT_PASSPHRASE_MIN } from "../ui/passphrase-rules";
import { keySpecName } from "../ui/key-spec-names";
import { endDateText, localDate, localDateTime } from "../ui/dates";
import { useFocusInvalid } from "../ui/focus-invalid";
import { RenewalSection } from "./RenewalSection";

const NEEDS_PASSPHRASE: ReadonlySet<ExportFormat> = new Set(["pkcs8-encrypted", "pkcs12", "pkcs12-legacy"]);
/** Formats that carry the private key in clear: chosen explicitly, with the hint saying so. */
const UNENCRYPTED: ReadonlySet<ExportFormat> = new Set(["pkcs8", "pkcs1", "sec1", "pem-bundle"]);

function formatsFor(k: KeyView): ExportFormat[] {
  const chain: ExportFormat[] = k.certificate ? ["certificate"] : [];
  if (!k.exportable) return chain;
  const keyOnly: ExportFormat[] = k.spec.startsWith("RSA") ? ["pkcs8-encrypted", "pkcs8", "pkcs1"] : ["pkcs8-encrypted", "pkcs8", "sec1"];
  const withCert: ExportFormat[] = k.certificate ? ["pkcs12", "pkcs12-legacy", "pem-bundle"] : [];
  return [...withCert, ...keyOnly, ...chain];
}

export function KeyDetails(props: { api: WorkerApi; keyInfo: KeyView; onDeleted: () => void; onRenew?: () => void }) {
  const tr = useT();
  const locale = useLocale();
  const k = props.keyInfo;
  const formats = formatsFor(k);
  const [format, setFormat] = useState<ExportFormat | "">(formats[0] ?? "");
  const [passphrase, setPassphrase] = useState("");
  const [passConfirm, setPassConfirm] = useState("");
  const [attempted, setAttempted] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const exportForm = useRef<HTMLFormElement>(null);
  const refused = useFocusInvalid(exportForm);
  const exporter = useAction(() => {
    const f = format as ExportFormat;
    return props.api.send("keys.export", {
      keyId: k.id,
      format: f,
      ...(NEEDS_PASSPHRASE.has(f) ? { passphrase } : {}),
      ...(UNENCRYPTED.has(f) ? { unencrypted: true } : {}),
    });
  });
  const remover = useAction(async () => {
    await props.api.send("keys.delete", { keyId: k.id, confirm: true, force: k.openOrders > 0 });
    return true;
  });
  const needsPass = format !== "" && NEEDS_PASSPHRASE.has(format);
  // The same rule as the backup (src/ui/passphrase-rules.ts), with a confirmation; the worker refuses a shorter one too.
  const issues = needsPass ? checkNewPassphrase(passphrase, passConfirm, "export") : {};
  // The worker's refusal of the passphrase is shown on the field, not in a box of its own.
  const workerPassError = exporter.error?.field?.endsWith("passphrase") ? exporter.error : null;
  const passError = issues.passphrase && (attempted || passphrase !== "") ? localizeError(locale, issues.passphrase)
    : workerPassError ? localizeError(locale, { ...workerPassError, field: tr("ui_export_passphrase") }) : undefined;
  const confirmError = issues.confirm && (attempted || passConfirm !== "") ? localizeError(locale, issues.confirm) : undefined;

  const doExport = async (e: Event) => {
    e.preventDefault();
    setAttempted(true);
    if (issues.passphrase || issues.confirm) {
      refused();
      return;
    }
    const out = await exporter.run();
    if (!out) {
      refused();
      return;
    }
    downloadExport(out);
    setPassphrase("");
    setPassConfirm("");
    setAttempted(false);
  };
  const doDelete = async () => {
    if (await remover.run()) props.onDeleted();
  };

  return (
    <div class="stack details">
      <dl class="facts">
        <dt>{tr("ui_key_spec")}</dt>
        <dd>{keySpecName(k.spec, locale)}</dd>
        <dt>{tr("ui_exportable_short")}</dt>
        <dd>{k.exportable ? tr("ui_yes") : tr("ui_no_stays_here")}</dd>
        <dt>{tr("ui_key_origin")}</dt>
        <dd id={`key-origin-${k.id}`} data-origin={k.origin ?? "local"}>{tr(k.origin === "cloud" ? "ui_key_origin_cloud" : "ui_key_origin_local")}</dd>
        <dt>{tr("ui_created")}</dt>
        <dd id={`key-created-${k.id}`}>{localDateTime(k.createdAt, locale)}</dd>
        {k.certificate ? (
          <>
            <dt>{tr("ui_cert_subject")}</dt>
            <dd>{k.certificate.subject}</dd>
            <dt>{tr("ui_cert_issuer")}</dt>
            <dd>{k.certificate.issuer}</dd>
            <dt>{tr("ui_cert_valid")}</dt>
            <dd id={`key-valid-${k.id}`}>{tr("ui_cert_valid_range", { from: localDate(k.certificate.notBefore, locale), to: endDateText(k.certificate.notAfter, locale, Date.now()) })}</dd>
          </>
        ) : null}
      </dl>
      {k.csrPem || (k.certificate && props.onRenew) ? (
        <div class="actions">
          {k.csrPem ? <CopyButton text={k.csrPem} label={tr("ui_copy_csr")} /> : null}
          {k.csrPem ? <DownloadButton filename={`${k.commonName || k.id}.csr`} text={k.csrPem} label={tr("ui_download_csr")} /> : null}
          {k.certificate && props.onRenew ? (
            <button type="button" class="small" id={`renew-${k.id}`} aria-describedby={`renew-hint-${k.id}`} onClick={props.onRenew}>{tr("ui_renew")}</button>
          ) : null}
        </div>
      ) : null}
      {k.certificate && props.onRenew ? <p class="hint" id={`renew-hint-${k.id}`}>{tr("ui_renew_button_hint")}</p> : null}
      {k.certificate ? <RenewalSection api={props.api} keyInfo={k} /> : null}
      {formats.length > 0 ? (
        <form class="stack" onSubmit={doExport} noValidate ref={exportForm}>
          <SelectField
            id={`export-format-${k.id}`}
            label={tr("ui_export_format")}
            hint={format ? tr(`ui_export_${format.replace(/-/g, "_")}_hint`) : undefined}
            value={format}
            choices={formats.map((f) => ({ value: f, label: tr(`ui_export_${f.replace(/-/g, "_")}`) }))}
            onChange={(v) => { setFormat(v as ExportFormat); exporter.reset(); }}
          />
          {needsPass ? (
            <>
              <TextField
                id={`export-passphrase-${k.id}`}
                label={tr("ui_export_passphrase")}
                hint={tr("ui_passphrase_hint", { min: EXPORT_PASSPHRASE_MIN })}
                type="password"
                autocomplete="new-password"
                required
                value={passphrase}
                error={passError}
                onInput={(v) => { setPassphrase(v); exporter.reset(); }}
              />
              <TextField
                id={`export-confirm-${k.id}`}
                label={tr("ui_backup_confirm")}
                type="password"
                autocomplete="new-password"
                required
                value={passConfirm}
                error={confirmError}
                onInput={(v) => { setPassConfirm(v); exporter.reset(); }}
              />
            </>
          ) : null}
          <ErrorNotice error={workerPassError ? null : exporter.error} id={`export-error-${k.id}`} />
          {exporter.result ? <Done text={tr("ui_exported", { file: exporter.result.filename })} /> : null}
          <div class="actions">
            <button type="submit" class="small" id={`export-${k.id}`} disabled={exporter.busy}>{tr("ui_export")}</button>
          </div>
        </form>
      ) : (
        <p class="hint">{tr("ui_not_exportable_note")}</p>
      )}
      <ErrorNotice error={remover.error} />
      {confirming ? (
        <div class="confirm" role="alertdialog" aria-labelledby={`confirm-${k.id}`}>
          <p id={`confirm-${k.id}`}>
            {k.openOrders > 0 ? tr("ui_delete_key_confirm_orders", { count: k.openOrders }) : tr("ui_delete_key_confirm")}
          </p>
          <div class="actions">
            <button type="button" class="danger small" id={`confirm-delete-${k.id}`} onClick={doDelete} disabled={remover.busy}>{tr("ui_delete")}</button>
            <button type="button" class="secondary small" onClick={() => setConfirming(false)} autoFocus>{tr("ui_cancel")}</button>
          </div>
        </div>
      ) : (
        <div class="actions">
          <button type="button" class="danger small" id={`delete-${k.id}`} onClick={() => setConfirming(true)}>{tr("ui_delete_key")}</button>
        </div>
      )}
    </div>
  );
}
