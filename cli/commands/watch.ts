// `keysmith watch [--days N] [--json]`: every certificate of the account (cas orders and uploads, KMS, what
// CDN serves; src/core/lifecycle/watch.ts) with its days left and where it is deployed, soonest first.
// Exit: 0 nothing expires within N days (default 30); 1 something does (or has expired); 2 invalid input.
// A source that could not be read (KMS, CDN) is reported on stderr and does not change the exit code; a cas
// error ends the command as any API error does. With --webhook-config FILE (cli/lifecycle/webhooks.ts) the
// certificates expiring within N days go to each webhook as one "expiring" message; a failed delivery is a
// stderr line and does not change the exit code.
import { fail } from "../../src/core/errors";
import { t, type Locale } from "../../src/core/i18n";
import { expiringWithin, gatherWatch, parseWatchDays, type WatchRow, type WatchSourceError } from "../../src/core/lifecycle/watch";
import { parseArgs, type FlagSpec } from "../args";
import type { CliContext, Command } from "../context";
import { GLOBAL_API_FLAGS, clientFromArgs } from "../credentials-env";
import { loadWebhookConfig, postEvents, webhookReportLine, type WebhookReport } from "../lifecycle/webhooks";

const FLAGS: FlagSpec[] = [...GLOBAL_API_FLAGS, { name: "days", kind: "string" }, { name: "now", kind: "string" }, { name: "webhook-config", kind: "string" }];
const DEFAULT_DAYS = 30;

const sourceText = (locale: Locale, source: string) => t(locale, `lifecycle_watch_source_${source.replace(/-/g, "_")}`);

/** Columns padded to their widest cell (CJK cells count double). */
function table(rows: string[][]): string {
  const width = (s: string) => [...s].reduce((n, ch) => n + (/[\u1100-\uffff]/.test(ch) ? 2 : 1), 0);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i]!))));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell + " ".repeat(widths[i]! - width(cell)))).join("  ").trimEnd()).join("\n");
}

function render(locale: Locale, rows: WatchRow[]): string {
  const head = ["name", "deployed", "not_after", "days", "source"].map((c) => t(locale, `lifecycle_watch_col_${c}`));
  const body = rows.map((r) => [r.name, r.deployedTo.join(", ") || "-", r.notAfter.replace(/\.\d+Z$/, "Z"), String(r.daysLeft), sourceText(locale, r.source)]);
  return table([head, ...body]);
}

function errorLine(locale: Locale, e: WatchSourceError): string {
  return t(locale, "lifecycle_watch_source_error", { source: e.source, reason: `${e.code}${e.field ? ` (${e.field})` : ""}` });
}

export const watchCommand: Command = {
  name: "watch",
  summary: "List every certificate of the account (cas, KMS, CDN) with its days left; exit 1 when one expires soon",
  usage:
    "keysmith watch [--days N] [--json] [--now TIME] [--webhook-config FILE] [--profile NAME] [--endpoint URL] [--site cn|intl] [--region ID] [--signature-version v1|v3]\n" +
    `  --days: a whole number 0..3650 (default ${DEFAULT_DAYS}); exit 1 when a certificate expires within that many days\n` +
    "  --now: count days left from this ISO 8601 time instead of the system clock\n" +
    "  --webhook-config FILE: as keysmith renew's; the certificates expiring within N days go out as one message\n" +
    "  exit: 0 nothing expires within N days, 1 something does (or has expired), 2 invalid input\n" +
    "        (KMS or CDN unreadable: reported on stderr, the exit code is the other sources')",
  async run(ctx: CliContext): Promise<number> {
    const args = parseArgs(ctx.argv, FLAGS);
    if (args.positionals.length > 0) fail("cli.argument.extra", args.positionals[0]);
    const daysText = args.strings.get("days");
    const days = daysText === undefined ? DEFAULT_DAYS : parseWatchDays(daysText);
    if (days === undefined) fail("lifecycle.watch.days", "--days", { value: daysText ?? "" });
    const nowText = args.strings.get("now");
    const now = nowText === undefined ? new Date() : new Date(nowText);
    if (Number.isNaN(now.getTime()) || (nowText !== undefined && !/^\d{4}-\d\d-\d\dT/.test(nowText))) fail("lifecycle.cli.now", "--now", { value: nowText ?? "" });
    const json = args.booleans.has("json");
    const webhookPath = args.strings.get("webhook-config");
    const webhooks = webhookPath === undefined ? [] : loadWebhookConfig(webhookPath);
    const client = clientFromArgs(args, ctx);

    const report = await gatherWatch((service, action, params) => client.call(service, action, params), { now });
    const expiring = expiringWithin(report.rows, days);
    for (const e of report.errors) ctx.stderr(`keysmith: ${errorLine(ctx.locale, e)}\n`);
    const notices = expiring.map((r) => ({ name: r.name, domains: r.sans.length > 0 ? r.sans : r.commonName ? [r.commonName] : [], notAfter: r.notAfter, ...(r.deployedTo.length > 0 ? { deployed: r.deployedTo } : {}) }));
    const reports: WebhookReport[] = webhooks.length > 0 && notices.length > 0 ? await postEvents(webhooks, [{ event: "expiring", certificates: notices }], ctx.locale) : [];
    for (const r of reports) if (!r.delivered) ctx.stderr(`keysmith: ${webhookReportLine(ctx.locale, r)}\n`);
    if (json) {
      ctx.stdout(`${JSON.stringify({ now: report.now, days, expiring: expiring.length, certificates: report.rows, errors: report.errors, ...(webhooks.length > 0 ? { webhooks: reports } : {}) }, null, 2)}\n`);
    } else {
      ctx.stdout(report.rows.length === 0 ? `${t(ctx.locale, "lifecycle_watch_none")}\n` : `${render(ctx.locale, report.rows)}\n`);
      ctx.stdout(`${t(ctx.locale, expiring.length > 0 ? "lifecycle_watch_expiring" : "lifecycle_watch_ok", { count: expiring.length, days })}\n`);
      for (const r of reports) if (r.delivered) ctx.stdout(`${webhookReportLine(ctx.locale, r)}\n`);
    }
    return expiring.length > 0 ? 1 : 0;
  },
};
