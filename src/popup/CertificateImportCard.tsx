// "Import this certificate?": what a certificate is before it is stored (subject, SANs, issuer, validity,
// SHA-256 fingerprint, the key it pairs with) and, when it replaces a certificate of another issuer, that
// warning first. Used by the Keys tab's import (pasted PEM) and the context menu's "Import certificate"
// (PendingNotice). Only "Import" sends keys.importCertificate, with `confirm: true` (and
// `acceptIssuerChange: true` when the warning was shown); the worker refuses an import without them.
import type { CertificatePreview } from "../messages";
import { ErrorNotice } from "../ui/notices";
import { useLocale, useT } from "../ui/locale";
import { expiryPhrase, localDateTime } from "../ui/dates";
import { useAction } from "../ui/use-action";
import type { KeyView, WorkerApi } from "../ui/worker-api";

export function CertificateImportCard(props: {
  api: WorkerApi;
  pem: string;
  preview: CertificatePreview;
  onImported: (key: KeyView) => void;
  onCancel: () => void;
}) {
  const tr = useT();
  const locale = useLocale();
  const p = props.preview;
  const importer = useAction(() =>
    props.api.send("keys.importCertificate", { pem: props.pem, confirm: true, ...(p.issuerChanged ? { acceptIssuerChange: true } : {}) }),
  );
  const confirm = async () => {
    const key = await importer.run();
    if (key) props.onImported(key);
  };
  const row = (label: string, value: string, id: string) => (
    <div class="value-row">
      <span class="value-label">{label}</span>
      <code id={id}>{value}</code>
    </div>
  );
  return (
    <div class="confirm stack" role="alertdialog" aria-labelledby="import-cert-title" id="import-cert-card">
      <p id="import-cert-title"><strong>{tr("ui_import_cert_confirm_title")}</strong></p>
      {row(tr("ui_import_cert_subject"), p.subject || "-", "import-cert-subject")}
      {row(tr("ui_import_cert_sans"), p.sans.join(", ") || "-", "import-cert-sans")}
      {row(tr("ui_import_cert_issuer"), p.issuer || "-", "import-cert-issuer")}
      {row(tr("ui_import_cert_validity"), tr("ui_import_cert_validity_value", { from: localDateTime(p.notBefore, locale), to: tr("ui_date_with_expiry", { date: localDateTime(p.notAfter, locale), expiry: expiryPhrase(p.notAfter, locale, Date.now()) }) }), "import-cert-validity")}
      {row(tr("ui_import_cert_fingerprint"), p.fingerprintSha256, "import-cert-fingerprint")}
      <p class="hint" id="import-cert-key">
        {p.key ? tr("ui_import_cert_key", { name: p.key.label || p.key.commonName || p.key.id }) : tr("ui_import_cert_no_key")}
      </p>
      {p.sameCertificate ? <p class="hint" id="import-cert-same">{tr("ui_import_cert_same")}</p> : null}
      {p.issuerChanged && p.replaces ? (
        <p class="error-text" role="alert" id="import-cert-issuer-changed">
          {tr("ui_import_cert_issuer_changed", { current: p.replaces.issuer, issuer: p.issuer })}
        </p>
      ) : null}
      <ErrorNotice error={importer.error} id="import-cert-error" />
      <div class="actions">
        <button type="button" class={p.issuerChanged ? "danger small" : "small"} id="import-cert-confirm" onClick={confirm} disabled={importer.busy}>
          {tr(p.issuerChanged ? "ui_import_cert_replace" : "ui_import")}
        </button>
        <button type="button" class="secondary small" id="import-cert-cancel" onClick={props.onCancel} autoFocus>{tr("ui_cancel")}</button>
      </div>
    </div>
  );
}
