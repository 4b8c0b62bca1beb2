// Webhook notifications: kind, URL, optional signing secret, saved on their own (webhook.set) and checked by
// the worker (src/core/notify/webhook.ts: https, the robot's host). Saving asks for the URL's origin as an
// optional host permission in the same click (browsers grant it only in a user gesture), as the endpoint
// override does (./endpoint.ts). The secret is write-only: the worker answers `hasSecret`, never the secret.
// "Send a test message" posts one message now; the last delivery's outcome is shown under the form.
import { useEffect, useState } from "preact/hooks";
import { SelectField, TextField } from "../ui/fields";
import { Done } from "../ui/notices";
import { localizeError, useLocale, useT } from "../ui/locale";
import { useAction } from "../ui/use-action";
import type { WorkerApi } from "../ui/worker-api";
import type { WebhookKindSetting, WebhookView } from "../messages";
import { requestEndpointPermission } from "./endpoint";
import { FocusableError, useFocusOnFailure } from "./section";

const KINDS: WebhookKindSetting[] = ["off", "dingtalk", "feishu", "wecom", "generic"];

export function WebhookSection(props: { api: WorkerApi }) {
  const tr = useT();
  const locale = useLocale();
  const [view, setView] = useState<WebhookView | null>(null);
  const [kind, setKind] = useState<WebhookKindSetting>("off");
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState("");
  const [permissionDenied, setPermissionDenied] = useState(false);
  const focus = useFocusOnFailure<HTMLElement>();
  const save = useAction((clearSecret: boolean) =>
    props.api.send("webhook.set", { kind, url: url.trim(), ...(secret ? { secret } : {}), ...(clearSecret ? { clearSecret: true } : {}) }));
  const test = useAction(() => props.api.send("webhook.test", {}));
  /** The worker's refusal of the URL is shown on the URL field (and focused there). */
  const urlRefused = save.error?.field?.split(".").pop() === "url" ? save.error : null;
  const show = (v: WebhookView) => {
    setView(v);
    setKind(v.kind);
    setUrl(v.url);
  };
  useEffect(() => void props.api.send("webhook.get", {}).then(show, () => undefined), []);

  const submit = async (clearSecret: boolean) => {
    test.reset();
    // Asked within the click; the worker posts only to a granted origin.
    const permission = kind !== "off" && url.trim() ? requestEndpointPermission(url.trim()) : Promise.resolve(true);
    const next = await save.run(clearSecret);
    setSecret("");
    if (next) show(next);
    else focus.failed();
    setPermissionDenied(!(await permission));
  };
  const onSubmit = (e: Event) => {
    e.preventDefault();
    void submit(false);
  };
  const onTest = async () => {
    save.reset();
    const sent = await test.run();
    if (!sent?.ok) focus.failed();
    const v = await props.api.send("webhook.get", {}).catch(() => null);
    if (v) setView(v);
  };

  const last = view?.last;
  const configured = view !== null && view.kind !== "off";
  return (
    <section class="stack card" aria-labelledby="webhook-title" ref={focus.ref}>
      <h2 id="webhook-title">{tr("ui_webhook_title")}</h2>
      <p class="hint">{tr("ui_webhook_hint")}</p>
      <form class="stack" onSubmit={onSubmit} autocomplete="off" id="webhook-form">
        <SelectField id="webhook-kind" label={tr("ui_webhook_kind")} value={kind}
          choices={KINDS.map((k) => ({ value: k, label: tr(`ui_webhook_kind_${k}`) }))}
          onChange={(v) => { setKind(v as WebhookKindSetting); save.reset(); setPermissionDenied(false); }} />
        {kind !== "off" ? (
          <>
            <TextField id="webhook-url" label={tr("ui_webhook_url")} type="url" placeholder="https://" value={url}
              error={urlRefused ? localizeError(locale, urlRefused) : undefined}
              onInput={(v) => { setUrl(v); save.reset(); setPermissionDenied(false); }} />
            {kind === "dingtalk" || kind === "feishu" ? (
              <TextField id="webhook-secret" label={tr("ui_webhook_secret")} hint={tr("ui_webhook_secret_hint")} type="password"
                autocomplete="new-password" value={secret} onInput={setSecret} />
            ) : null}
            {view?.hasSecret && view.kind === kind && view.url === url ? <p class="hint" id="webhook-secret-stored">{tr("ui_webhook_secret_stored")}</p> : null}
          </>
        ) : null}
        {permissionDenied ? <p class="error-text" role="alert" id="webhook-permission">{tr("ui_webhook_permission_denied")}</p> : null}
        <FocusableError error={urlRefused ? null : save.error} id="webhook-error" />
        {save.result ? <Done text={tr("ui_webhook_saved")} id="webhook-saved" /> : null}
        <div class="actions">
          <button type="submit" id="save-webhook" disabled={save.busy || (kind !== "off" && url.trim() === "")}>{tr("ui_webhook_save")}</button>
          {view?.hasSecret && view.kind === kind ? (
            <button type="button" class="secondary" id="clear-webhook-secret" onClick={() => void submit(true)}>{tr("ui_webhook_secret_clear")}</button>
          ) : null}
          <button type="button" class="secondary" id="test-webhook" onClick={() => void onTest()} disabled={!configured || test.busy}>{tr("ui_webhook_test")}</button>
        </div>
      </form>
      <FocusableError error={test.error ?? (test.result && !test.result.ok ? test.result.error : undefined)} id="webhook-test-error" />
      {test.result?.ok ? <Done text={tr("ui_webhook_test_sent")} id="webhook-test-ok" /> : null}
      {last ? (
        <p id="webhook-last" class={last.ok ? "hint" : "error-text"}>
          {last.ok
            ? tr("ui_webhook_last_ok", { at: last.at.slice(0, 16).replace("T", " ") })
            : tr("ui_webhook_last_failed", { at: last.at.slice(0, 16).replace("T", " "), reason: last.error ? localizeError(locale, last.error) : "-" })}
        </p>
      ) : null}
    </section>
  );
}
