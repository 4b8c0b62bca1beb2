// The extension's webhook (options page "Webhook notifications"; messages webhook.get / webhook.set /
// webhook.test). One config, kept in chrome.storage.local under WEBHOOK_KEY apart from the settings, so
// `settings.get` never carries it and pages see only `hasSecret`, never the secret itself.
// The signing secret is stored in that storage entry as text: unlike the AccessKey secret it cannot be kept as
// a non-extractable HMAC key (DingTalk signs `timestamp\nsecret`, Feishu keys by `timestamp\nsecret`: both need
// the secret's text at every post), and it is not sealed under the vault passphrase (a locked vault would
// silence the notices). docs/extension.md says so.
// post(): never throws and never blocks a renewal (callers do not await it); a delivery goes only to an origin
// the browser granted (the options page asks for it on save), is retried by the core (sendWebhook), and its
// outcome is stored (`last`, shown by the options page); a failed one also raises a notification.
import { KeysmithError } from "../../core/errors";
import { t, type Locale } from "../../core/i18n";
import { sendWebhook, validateWebhook, type FetchLike, type NotifyMessage, type WebhookConfig } from "../../core/notify/webhook";
import type { WebhookDeliveryView, WebhookSetRequest, WebhookView } from "../../messages";
import { hostPermissionPattern, permissionsIgnorePorts } from "../../platform/host-pattern";
import type { Platform } from "../../platform/platform";

export const WEBHOOK_KEY = "webhook";

interface StoredWebhook {
  config?: WebhookConfig;
  last?: WebhookDeliveryView;
}

export interface WebhookNotifierDeps {
  platform: Pick<Platform, "storage" | "notify" | "hasHostPermission">;
  locale: () => Promise<Locale>;
  now: () => Date;
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  /** The core's pause after a first failure (default 1000 ms, doubling). */
  backoffMs?: number;
}

const originOf = (url: string) => new URL(url).origin;
const hrefOf = (url: string) => {
  try {
    return new URL(url.trim()).href;
  } catch {
    return "";
  }
};

export function createWebhookNotifier(deps: WebhookNotifierDeps) {
  const fetchImpl: FetchLike = deps.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  const load = async (): Promise<StoredWebhook> => ((await deps.platform.storage.get(WEBHOOK_KEY)) as StoredWebhook | undefined) ?? {};
  const store = (value: StoredWebhook) => deps.platform.storage.set(WEBHOOK_KEY, value);

  const view = (s: StoredWebhook): WebhookView => ({
    kind: s.config?.kind ?? "off",
    url: s.config?.url ?? "",
    ...(s.config?.format ? { format: s.config.format } : {}),
    hasSecret: !!s.config?.secret,
    ...(s.last ? { last: s.last } : {}),
  });

  /** One delivery, recorded; refused (not thrown) without a config or the host permission. */
  async function deliver(message: Omit<NotifyMessage, "locale">): Promise<WebhookDeliveryView> {
    const stored = await load();
    const config = stored.config;
    const at = deps.now().toISOString();
    let outcome: WebhookDeliveryView;
    if (!config) {
      outcome = { at, event: message.event, ok: false, attempts: 0, error: new KeysmithError("notify.webhook.not_configured", { field: "kind" }).toData() };
      return outcome; // nothing to record
    }
    if (!(await deps.platform.hasHostPermission(originOf(config.url)).catch(() => false))) {
      outcome = { at, event: message.event, ok: false, attempts: 0, error: new KeysmithError("notify.webhook.no_permission", { field: "url", params: { permission: hostPermissionPattern(originOf(config.url), permissionsIgnorePorts()) } }).toData() };
    } else {
      const locale = await deps.locale();
      const result = await sendWebhook(config, { ...message, locale }, { fetch: fetchImpl, now: deps.now, sleep, ...(deps.backoffMs !== undefined ? { backoffMs: deps.backoffMs } : {}) });
      outcome = result.ok ? { at, event: message.event, ok: true, attempts: result.attempts } : { at, event: message.event, ok: false, attempts: result.attempts, error: result.error.toData() };
    }
    // Stored against the config it was for (a save meanwhile keeps its own, fresh state).
    const now = await load();
    if (now.config?.url === config.url) await store({ ...now, last: outcome });
    return outcome;
  }

  return {
    async get(): Promise<WebhookView> {
      return view(await load());
    },

    /** Validated by the core; `kind: "off"` removes it (secret included); an absent secret keeps the stored one for the same robot. */
    async set(req: WebhookSetRequest): Promise<WebhookView> {
      const before = await load();
      if (req.kind === "off") {
        await store({});
        return view({});
      }
      // The stored secret belongs to one robot: kept only for the same kind and URL.
      const sameRobot = before.config?.kind === req.kind && before.config.url === hrefOf(req.url);
      const keep = !req.clearSecret && req.secret === undefined && sameRobot ? before.config?.secret : undefined;
      const secret = req.clearSecret ? undefined : (req.secret || keep);
      const config = validateWebhook({ kind: req.kind, url: req.url, ...(secret ? { secret } : {}), ...(req.format ? { format: req.format } : {}) });
      const next: StoredWebhook = { config };
      await store(next);
      return view(next);
    },

    /** "Send a test message": the outcome, as stored. */
    async test(): Promise<WebhookDeliveryView> {
      return deliver({ event: "test", certificates: [] });
    },

    /** A renewal outcome or an expiry warning; never throws (a failure is recorded and notified). */
    async post(message: Omit<NotifyMessage, "locale">): Promise<void> {
      try {
        const stored = await load();
        if (!stored.config) return;
        const outcome = await deliver(message);
        if (!outcome.ok && outcome.error) {
          const locale = await deps.locale();
          await deps.platform.notify("webhook:failed", t(locale, "notify_webhook_failed_title"), t(locale, "notify_webhook_failed_message", { reason: KeysmithError.fromData(outcome.error).localized(locale) }));
        }
      } catch {
        // Storage or notification trouble: a webhook never breaks what raised it.
      }
    },
  };
}

export type WebhookNotifier = ReturnType<typeof createWebhookNotifier>;
