// `--webhook-config FILE` for `keysmith renew` and `keysmith watch`: the file (YAML or JSON: one `{ kind, url, secret?, format? }` or a
// list) is checked before anything is sent (exit 2 naming the field), and after the run one message per event
// (renewed, renewal failed, deploy failed, due under `mode: notify`) is posted to every webhook
// (src/core/notify/webhook.ts). A delivery that fails after its retries is one line on stderr; it never
// changes the run's outcome or exit code. Messages carry names, domains and dates: never a key or a secret.
import { t, type Locale } from "../../src/core/i18n";
import { readYamlFile } from "../yaml-file";
import { sendWebhook, validateWebhooks, type CertificateNotice, type NotifyEvent, type SendDeps, type WebhookConfig } from "../../src/core/notify/webhook";

export function loadWebhookConfig(path: string, flag = "--webhook-config"): WebhookConfig[] {
  return readYamlFile(path, { flag, unreadable: "notify.webhook.config_unreadable", syntax: "notify.webhook.config_syntax" }, validateWebhooks);
}

/** What the renew run knows of one certificate (cli/commands/renew.ts Result). */
export interface RenewOutcome {
  name: string;
  outcome: string;
  domains: string[];
  notAfter?: string;
  detail?: string;
  deployed: string[];
  /** The failure happened in the upload or a deploy (the certificate itself may be current or new). */
  stage?: "deploy";
}

export interface WebhookReport {
  event: NotifyEvent;
  host: string;
  delivered: boolean;
  attempts: number;
  error?: string;
}

/** The events of a run: certificates grouped by what happened to them (nothing for current / off ones). */
export function renewEvents(results: readonly RenewOutcome[]): { event: NotifyEvent; certificates: CertificateNotice[] }[] {
  const groups = new Map<NotifyEvent, CertificateNotice[]>();
  const add = (event: NotifyEvent, r: RenewOutcome, withReason: boolean) => {
    const notice: CertificateNotice = { name: r.name, domains: r.domains, ...(r.notAfter ? { notAfter: r.notAfter } : {}) };
    if (r.deployed.length > 0) notice.deployed = r.deployed;
    if (withReason && r.detail) notice.reason = r.detail;
    groups.set(event, [...(groups.get(event) ?? []), notice]);
  };
  for (const r of results) {
    if (r.outcome === "renewed") add("renewed", r, false);
    else if (r.outcome === "failed") add(r.stage === "deploy" ? "deploy_failed" : "renewal_failed", r, true);
    else if (r.outcome === "notify") add("expiring", r, false);
  }
  return [...groups].map(([event, certificates]) => ({ event, certificates }));
}

/** Posts the run's events to every webhook; reports each delivery (never throws for a failed one). */
export function postRenewOutcomes(configs: readonly WebhookConfig[], results: readonly RenewOutcome[], locale: Locale, deps: Partial<SendDeps> = {}): Promise<WebhookReport[]> {
  return postEvents(configs, renewEvents(results), locale, deps);
}

/** Posts each event to every webhook; reports each delivery (never throws for a failed one). */
export async function postEvents(
  configs: readonly WebhookConfig[],
  events: readonly { event: NotifyEvent; certificates: CertificateNotice[] }[],
  locale: Locale,
  deps: Partial<SendDeps> = {},
): Promise<WebhookReport[]> {
  const send: SendDeps = {
    fetch: deps.fetch ?? ((url, init) => fetch(url, init)),
    now: deps.now ?? (() => new Date()),
    sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    ...(deps.attempts ? { attempts: deps.attempts } : {}),
    ...(deps.backoffMs ? { backoffMs: deps.backoffMs } : {}),
  };
  const reports: WebhookReport[] = [];
  for (const { event, certificates } of events) {
    for (const config of configs) {
      const result = await sendWebhook(config, { event, certificates, locale }, send);
      const host = new URL(config.url).host;
      reports.push(result.ok ? { event, host, delivered: true, attempts: result.attempts } : { event, host, delivered: false, attempts: result.attempts, error: result.error.localized(locale) });
    }
  }
  return reports;
}

export function webhookReportLine(locale: Locale, r: WebhookReport): string {
  return r.delivered ? t(locale, "notify_cli_webhook_sent", { event: r.event, host: r.host }) : t(locale, "notify_cli_webhook_failed", { reason: r.error ?? "-" });
}
