// AccessKey credentials. The secret is write-only: the page sends it to the worker once and never gets
// it back (the worker answers with a masked id only), so nothing here can display or leak it later.
import { useEffect, useState } from "preact/hooks";
import { TextField } from "../ui/fields";
import { Done, ErrorNotice } from "../ui/notices";
import { useT } from "../ui/locale";
import { useAction } from "../ui/use-action";
import type { CredentialsStatus, WorkerApi } from "../ui/worker-api";

export function CredentialsSection(props: { api: WorkerApi }) {
  const tr = useT();
  const [status, setStatus] = useState<CredentialsStatus | null>(null);
  const [id, setId] = useState("");
  const [secret, setSecret] = useState("");
  const [token, setToken] = useState("");
  const save = useAction(() =>
    props.api.send("credentials.set", { accessKeyId: id.trim(), accessKeySecret: secret, ...(token.trim() ? { securityToken: token.trim() } : {}) }),
  );
  const clear = useAction(() => props.api.send("credentials.clear", {}));
  const test = useAction(() => props.api.send("credentials.test", {}));
  useEffect(() => void props.api.send("credentials.status", {}).then(setStatus, () => setStatus(null)), []);

  const onSave = async (e: Event) => {
    e.preventDefault();
    const next = await save.run();
    // Forget the typed values at once, whatever happened: the secret lives only in the worker.
    setSecret("");
    setToken("");
    if (next) { setStatus(next); setId(""); }
  };
  const onClear = async () => {
    const next = await clear.run();
    if (next) setStatus(next);
  };

  return (
    <section class="stack card" aria-labelledby="cred-title">
      <h2 id="cred-title">{tr("ui_credentials")}</h2>
      <p id="cred-status" class={status?.configured ? "status-ok" : "hint"}>
        {status?.configured
          ? tr(status.hasSecurityToken ? "ui_credentials_set_sts" : "ui_credentials_set", { id: status.accessKeyIdHint })
          : tr("ui_credentials_none")}
      </p>
      <form class="stack" onSubmit={onSave} autocomplete="off">
        <TextField id="access-key-id" label={tr("ui_access_key_id")} required value={id} onInput={setId} />
        <TextField id="access-key-secret" label={tr("ui_access_key_secret")} hint={tr("ui_secret_write_only")} type="password"
          autocomplete="new-password" required value={secret} onInput={setSecret} />
        <TextField id="sts-token" label={tr("ui_sts_token")} hint={tr("ui_sts_token_hint")} type="password" autocomplete="off" value={token} onInput={setToken} />
        <ErrorNotice error={save.error ?? clear.error} id="cred-error" />
        <div class="actions">
          <button type="submit" id="save-credentials" disabled={save.busy || id.trim() === "" || secret === ""}>{tr("ui_save_credentials")}</button>
          {status?.configured ? <button type="button" class="danger" id="clear-credentials" onClick={onClear}>{tr("ui_clear_credentials")}</button> : null}
        </div>
      </form>
      <div class="actions">
        <button type="button" class="secondary" id="test-credentials" onClick={() => test.run()} disabled={test.busy}>{tr("ui_test_credentials")}</button>
      </div>
      <ErrorNotice error={test.error ?? test.result?.error} id="test-error" />
      {test.result?.ok ? (
        <Done id="test-ok" text={tr("ui_test_ok", { packages: test.result.packages?.length ?? 0, remaining: (test.result.packages ?? []).reduce((n, p) => n + p.totalCount - p.usedCount, 0) })} />
      ) : null}
      <p class="hint">{tr("ui_ram_policy_hint")}</p>
    </section>
  );
}
