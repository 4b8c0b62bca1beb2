// "Back up exportable keys": one passphrase-protected file with every exportable key (the worker makes it;
// the page only downloads it). Restore lives in the options page, which opens in a tab: in some browsers
// the popup closes as soon as a file dialog takes the focus, and the chosen file would be lost with it.
import { useRef, useState } from "preact/hooks";
import { useFocusInvalid } from "../ui/focus-invalid";
import { downloadExport } from "../ui/export-download";
import { TextField } from "../ui/fields";
import { Done, ErrorNotice } from "../ui/notices";
import { localizeError, useLocale, useT } from "../ui/locale";
import { useAction } from "../ui/use-action";
import { BACKUP_PASSPHRASE_MIN, checkNewPassphrase } from "../ui/passphrase-rules";
import type { WorkerApi } from "../ui/worker-api";

export function BackupView(props: { api: WorkerApi; exportableCount: number }) {
  const tr = useT();
  const locale = useLocale();
  const [passphrase, setPassphrase] = useState("");
  const [confirm, setConfirm] = useState("");
  const [attempted, setAttempted] = useState(false);
  const backup = useAction((p: string) => props.api.send("keys.backup", { passphrase: p }));
  const issues = checkNewPassphrase(passphrase, confirm);
  // Errors show once there is something to judge (or after a press of the button), the rule always.
  const passError = issues.passphrase && (attempted || passphrase !== "") ? localizeError(locale, issues.passphrase) : undefined;
  const confirmError = issues.confirm && (attempted || confirm !== "") ? localizeError(locale, issues.confirm) : undefined;
  const none = props.exportableCount === 0;
  const form = useRef<HTMLFormElement>(null);
  const refused = useFocusInvalid(form);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setAttempted(true);
    if (none) return;
    if (issues.passphrase || issues.confirm) {
      refused();
      return;
    }
    const out = await backup.run(passphrase);
    if (!out) return;
    downloadExport(out);
    setPassphrase("");
    setConfirm("");
    setAttempted(false);
  };

  return (
    <section class="stack subtle" aria-labelledby="backup-title" id="backup-section">
      <h2 id="backup-title">{tr("ui_backup_title")}</h2>
      <p class="hint" id="backup-scope">{none ? tr("ui_backup_none") : tr("ui_backup_count", { count: props.exportableCount })}</p>
      <p class="hint" id="backup-non-exportable">{tr("ui_backup_non_exportable")}</p>
      <form class="stack" onSubmit={onSubmit} noValidate ref={form}>
        <TextField id="backup-passphrase" label={tr("ui_backup_passphrase")} hint={tr("ui_backup_passphrase_rule", { min: BACKUP_PASSPHRASE_MIN })}
          type="password" autocomplete="new-password" required value={passphrase} error={passError}
          onInput={(v) => { setPassphrase(v); backup.reset(); }} />
        <TextField id="backup-confirm" label={tr("ui_backup_confirm")} type="password" autocomplete="new-password" required
          value={confirm} error={confirmError} onInput={(v) => { setConfirm(v); backup.reset(); }} />
        <ErrorNotice error={backup.error?.field === "passphrase" ? { ...backup.error, field: tr("ui_backup_passphrase") } : backup.error} id="backup-error" />
        {backup.result ? <Done id="backup-done" text={tr("ui_backup_done", { file: backup.result.filename })} /> : null}
        <div class="actions">
          <button type="submit" id="backup-keys" disabled={backup.busy || none}>{tr("ui_backup_button")}</button>
        </div>
      </form>
      <p>
        <a href="options.html#restore" target="_blank" id="open-restore" aria-describedby="open-restore-hint">{tr("ui_restore_link")}</a>
      </p>
      <p class="hint" id="open-restore-hint">{tr("ui_restore_link_hint")}</p>
    </section>
  );
}
