// "Restore from a backup": here rather than in the popup, because a file dialog can close the popup (and
// the chosen file with it) in some browsers; the popup's Keys tab links to options.html#restore. The file
// goes to the worker as base64 with the passphrase; the worker restores all or nothing, so a wrong
// passphrase or a damaged file changes no key. The native file input is visually hidden: its button would
// speak the browser's language ("Choose File" on a Chinese page), so a button in the page's language opens it
// and the chosen file's name is shown beside it.
import { useEffect, useRef, useState } from "preact/hooks";
import { TextField } from "../ui/fields";
import { Done, ErrorNotice } from "../ui/notices";
import { useT } from "../ui/locale";
import { useAction } from "../ui/use-action";
import type { WorkerApi } from "../ui/worker-api";
import type { ErrorData } from "../core/errors";

/** Larger than any backup of a vault's worth of keys; the worker's payload limit is 20,000,000 base64 characters. */
const MAX_BACKUP_BYTES = 10 * 1024 * 1024;

/** The worker names fields by their protocol names; the page shows the labels the user sees. */
const FIELD_LABELS: Record<string, string> = { passphrase: "ui_restore_passphrase", backup: "ui_restore_file", data: "ui_restore_file" };

function withFieldLabel(error: ErrorData | null, tr: (key: string) => string): ErrorData | null {
  const label = error?.field ? FIELD_LABELS[error.field] : undefined;
  return error && label ? { ...error, field: tr(label) } : error;
}

function bytesToBase64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function RestoreSection(props: { api: WorkerApi; focus?: boolean }) {
  const tr = useT();
  const [file, setFile] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState("");
  const [tooLarge, setTooLarge] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const fileButton = useRef<HTMLButtonElement>(null);
  const passInput = useRef<HTMLDivElement>(null);
  const restore = useAction(async (f: File, p: string) => {
    const data = bytesToBase64(new Uint8Array(await f.arrayBuffer()));
    return props.api.send("keys.restore", { data, passphrase: p });
  });

  useEffect(() => {
    if (!props.focus) return;
    fileButton.current?.closest("section")?.scrollIntoView({ block: "start" });
    fileButton.current?.focus();
  }, [props.focus]);

  const onFile = (e: Event) => {
    const chosen = (e.currentTarget as HTMLInputElement).files?.[0] ?? null;
    setTooLarge(!!chosen && chosen.size > MAX_BACKUP_BYTES);
    setFile(chosen);
    restore.reset();
  };
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (!file || tooLarge || passphrase === "") return;
    const out = await restore.run(file, passphrase);
    // The passphrase is not kept either way; after a failure the field takes the focus for another try.
    setPassphrase("");
    if (!out) passInput.current?.querySelector("input")?.focus();
  };

  const restored = restore.result;
  return (
    <section class="stack card" aria-labelledby="restore-title" id="restore">
      <h2 id="restore-title">{tr("ui_restore_title")}</h2>
      <p class="hint">{tr("ui_restore_hint")}</p>
      <form class="stack" onSubmit={onSubmit} noValidate>
        <div class={`field${tooLarge ? " field-invalid" : ""}`}>
          <label for="restore-file" id="restore-file-label">
            {tr("ui_restore_file")}
            <span class="required" aria-hidden="true"> *</span>
          </label>
          <div class="file-pick">
            <input ref={fileInput} type="file" id="restore-file" name="restore-file" class="visually-hidden" tabIndex={-1} aria-hidden="true"
              accept=".ksb,.json,application/octet-stream,application/json" onChange={onFile} />
            <button ref={fileButton} type="button" class="secondary small" id="restore-file-button" onClick={() => fileInput.current?.click()}
              aria-labelledby="restore-file-label restore-file-button" aria-invalid={tooLarge ? "true" : undefined}
              aria-describedby={tooLarge ? "restore-file-name restore-file-error" : "restore-file-name"}>
              {tr("ui_restore_choose_file")}
            </button>
            <span id="restore-file-name" class="file-name">{file ? file.name : tr("ui_restore_no_file")}</span>
          </div>
          {tooLarge ? <p class="error-text" id="restore-file-error" role="alert">{tr("ui_restore_file_too_large", { max: MAX_BACKUP_BYTES / 1024 / 1024 })}</p> : null}
        </div>
        <div ref={passInput}>
          <TextField id="restore-passphrase" label={tr("ui_restore_passphrase")} type="password" autocomplete="current-password" required
            value={passphrase} onInput={(v) => { setPassphrase(v); restore.reset(); }} />
        </div>
        <ErrorNotice error={withFieldLabel(restore.error, tr)} id="restore-error" />
        {restored ? (
          <Done id="restore-done" text={restored.restored > 0
            ? tr("ui_restore_done", { count: restored.restored, names: restored.keys.map((k) => k.commonName || k.label).join(", ") })
            : tr("ui_restore_nothing_new")} />
        ) : null}
        <div class="actions">
          <button type="submit" id="restore-keys" disabled={restore.busy || !file || tooLarge || passphrase === ""}>{tr("ui_restore_button")}</button>
        </div>
      </form>
    </section>
  );
}
