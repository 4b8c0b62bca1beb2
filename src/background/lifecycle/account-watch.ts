// The account-wide expiry watch in the worker: `account.watch` reads every certificate of the account with the
// worker's signed client (src/core/lifecycle/watch.ts), and the notifier, run from the expiry alarm
// (orders/follower.ts EXPIRY_ALARM, every 12 h), reads it at most once a day when credentials are stored and
// raises one notification per certificate per threshold (ACCOUNT_THRESHOLDS days) crossed, never twice: what
// was notified is kept in chrome.storage.local (ACCOUNT_NOTIFIED_KEY), per certificate and notAfter, so a
// renewed certificate (a new notAfter) is notified afresh. The certificates notified in one look also go to the
// webhook as one "expiring" message (`onExpiring`, never awaited). A locked vault skips the look (the
// AccessKey cannot sign): the next alarm tries again. The notifier looks at every profile's account
// (`profiles`), each with its own client; `account.watch` reads the selected profile's.
import { t, type Locale } from "../../core/i18n";
import { gatherWatch } from "../../core/lifecycle/watch";
import type { CertificateNotice } from "../../core/notify/webhook";
import { DEFAULT_PROFILE_ID, type AccountWatch } from "../../messages";
import type { Platform } from "../../platform/platform";
import type { Services } from "../services";

/** Days before notAfter at which a certificate is notified, widest first. */
export const ACCOUNT_THRESHOLDS = [30, 7, 1] as const;
/** storage.local: `${source}:${id}:${notAfter}` → the thresholds already notified. */
export const ACCOUNT_NOTIFIED_KEY = "accountExpiryNotified";
/** storage.local: when the account was last read by the notifier (ISO 8601). */
export const ACCOUNT_LAST_CHECK_KEY = "accountExpiryCheckedAt";
const DAY_MS = 86_400_000;

/** Every certificate of the account; `configured: false` (and no request) without stored credentials. */
export async function watchAccount(services: Pick<Services, "cloud" | "credentials">, now: Date, profileId?: string): Promise<AccountWatch> {
  const status = await services.credentials.status(profileId);
  if (!status.configured) return { configured: false, now: now.toISOString(), rows: [], errors: [] };
  const { client } = await services.cloud(profileId ? { profileId } : undefined);
  const report = await gatherWatch((service, action, params) => client.call(service, action, params), { now });
  return { configured: true, ...report };
}

export interface AccountNotifierDeps {
  platform: Pick<Platform, "notify" | "storage">;
  services: Pick<Services, "cloud" | "credentials">;
  locale: () => Promise<Locale>;
  now: () => Date;
  /** The vault is locked: no look (nothing can be signed). */
  vaultLocked?: () => Promise<boolean>;
  /** The certificates one look notified (the webhook's "expiring" message). */
  onExpiring?: (certificates: CertificateNotice[]) => void;
  /** Every profile's id: each account is watched. */
  profiles: () => Promise<string[]>;
}

/** The tightest threshold a certificate with `daysLeft` has crossed (undefined: none yet). */
export function crossedThreshold(daysLeft: number): number | undefined {
  let crossed: number | undefined;
  for (const th of ACCOUNT_THRESHOLDS) if (daysLeft <= th) crossed = th;
  return crossed;
}

export function createAccountNotifier(deps: AccountNotifierDeps) {
  /**
   * One look at the account: notifies each certificate once per threshold crossed (only the tightest one
   * when several were crossed since the last look; the wider ones are then recorded as passed). `force`
   * skips the once-a-day rule. Returns the notification ids raised.
   */
  async function check(force = false): Promise<string[]> {
    const now = deps.now();
    const last = Date.parse(String((await deps.platform.storage.get(ACCOUNT_LAST_CHECK_KEY)) ?? ""));
    if (!force && !Number.isNaN(last) && now.getTime() - last < DAY_MS) return [];
    if (await deps.vaultLocked?.()) return [];
    const profileIds = await deps.profiles();
    const reports: { profileId: string; report: AccountWatch }[] = [];
    for (const profileId of profileIds) {
      // One account that cannot be read (no credentials, a refused role) does not keep the others from the look.
      const report = profileIds.length === 1 ? await watchAccount(deps.services, now, profileId) : await watchAccount(deps.services, now, profileId).catch(() => undefined);
      if (report?.configured) reports.push({ profileId, report });
    }
    if (reports.length === 0) return [];
    await deps.platform.storage.set(ACCOUNT_LAST_CHECK_KEY, now.toISOString());
    const notified = ((await deps.platform.storage.get(ACCOUNT_NOTIFIED_KEY)) as Record<string, number[]> | undefined) ?? {};
    const next: Record<string, number[]> = {};
    // What was notified for an account not read this time is kept as it is.
    const read = new Set(reports.map((r) => r.profileId));
    for (const [key, done] of Object.entries(notified)) {
      const slash = key.indexOf("/");
      const owner = slash > 0 && slash < key.indexOf(":") ? key.slice(0, slash) : DEFAULT_PROFILE_ID;
      if (!read.has(owner)) next[key] = done;
    }
    const raised: string[] = [];
    const notices: CertificateNotice[] = [];
    const locale = await deps.locale();
    for (const { profileId, report } of reports) for (const row of report.rows) {
      // Another profile's certificates are kept apart (ids are per account); the profile "default" keeps the keys of before profiles.
      const account = profileId !== DEFAULT_PROFILE_ID ? `${profileId}/` : "";
      const key = `${account}${row.source}:${row.id}:${row.notAfter}`;
      const done = notified[key] ?? [];
      const th = crossedThreshold(row.daysLeft);
      if (th === undefined || done.includes(th)) {
        if (done.length > 0) next[key] = done;
        continue;
      }
      const id = `account-expiry:${account}${row.source}:${row.id}:${th}`;
      const params = { name: row.name, days: Math.max(0, row.daysLeft), date: row.notAfter.slice(0, 10), where: row.deployedTo.join(", ") || "-" };
      await deps.platform.notify(
        id,
        t(locale, row.daysLeft < 0 ? "notify_account_expired_title" : "notify_account_expiring_title"),
        t(locale, row.daysLeft < 0 ? "notify_account_expired_message" : "notify_account_expiring_message", params),
      );
      raised.push(id);
      notices.push({ name: row.name, domains: row.sans.length > 0 ? row.sans : row.commonName ? [row.commonName] : [], notAfter: row.notAfter, ...(row.deployedTo.length > 0 ? { deployed: row.deployedTo } : {}) });
      // This threshold and every wider one are passed: none of them is notified again for this notAfter.
      next[key] = [...new Set([...done, ...ACCOUNT_THRESHOLDS.filter((x) => x >= th)])];
    }
    // Certificates gone from the account (or renewed: a new notAfter) drop out of the record.
    await deps.platform.storage.set(ACCOUNT_NOTIFIED_KEY, next);
    if (notices.length > 0) deps.onExpiring?.(notices);
    return raised;
  }

  let running: Promise<string[]> | undefined;
  return {
    check: (force = false) => (running ??= check(force).finally(() => (running = undefined))),
  };
}

export type AccountNotifier = ReturnType<typeof createAccountNotifier>;
