// Renews certificates by themselves, per key, as its renewal policy says (renewal-store.ts). An alarm comes
// every RENEWAL_PERIOD_MINUTES (and on every worker start); while a renewal is under way it comes every
// minute. Each tick looks at every key with a certificate and a policy:
// - `notify`: once per certificate, a notification when it is due ("renew <domain>: due since …");
// - `auto`: the renewal below, one step per look, each step's result stored on the key's `progress` before
//   the next, so a restarted worker resumes where the last one stopped:
//   key     a CSR with the current key's subject, SANs and usages (as the popup's Renew starts from), for a
//           new key of the same spec or, with policy key "reuse", for the same key;
//   ordered a DV order (CreateCertificateWithCsrRequest) with the stored contact and product, placed through
//           the write-ahead creates (orders/creates.ts), so a stopped worker never orders twice: before placing,
//           an order already recorded for the new key, or a ledger entry still open for it, is waited for;
//           the follower follows it; its DNS validation record is added through Alidns (a write-ahead create
//           too) once the order shows it;
//   issued  the follower paired the certificate with the key; the validation record is deleted; the policy
//           moves to the new key (whose certificate is not due, so it is not renewed again);
//   uploaded, deployed: see upload-deploy.ts (only with the key's `uploadToCas` opt-in);
//   then, with the key's `deleteOldUpload`, the renewal is stored finished and the previous upload Keysmith
//           made for the replaced certificate is deleted once nothing serves it (old-upload.ts); a refused or
//           failed delete is kept on the progress and tried again by a later tick, never failing the renewal.
// A failed step keeps the progress, counts the failure, notifies, and is tried again after the core's
// backoff (src/core/lifecycle/renewal.ts nextAttemptAt); a failed DV order is placed again. The current
// certificate and its deployment are never touched before a new one is confirmed. A locked vault: the tick
// waits and the worker's "unlock to continue" notice covers it.
// Profiles: a renewal acts under the profile it recorded (renewal-store.ts profileId; "default" when none):
// its contact and product, its order, DNS record, upload, deploys and old-upload delete all use that
// profile's settings and client, whichever profile is selected.
import { KeysmithError, type ErrorData } from "../../core/errors";
import { EXT_KEY_USAGE_NAMES, KEY_USAGE_NAMES, type ExtKeyUsageName, type KeyUsageName } from "../../core/csr/usages";
import { dnsRecordPlacement } from "../../core/aliyun/dns-placement";
import { t, type Locale } from "../../core/i18n";
import { isDue, nextAttemptAt, renewalDueAt } from "../../core/lifecycle/renewal";
import { profileOrDefault, type Contact, type KeyView, type RenewalProgressView, type Settings } from "../../messages";
import type { Platform } from "../../platform/platform";
import type { Creates } from "../orders/creates";
import type { Follower } from "../orders/follower";
import type { OrderStore, StoredOrder } from "../orders/order-store";
import { toErrorData } from "../router";
import type { Services } from "../services";
import { oldUploadDue, oldUploadToDo, type OldUploadContext } from "./old-upload";
import { renewalSettings, type RenewalStore, type StoredRenewal } from "./renewal-store";

export const RENEWAL_ALARM = "keysmith.renewal.tick";
/** Looks for due certificates every 6 h. */
export const RENEWAL_PERIOD_MINUTES = 6 * 60;
/** While a renewal is under way. */
export const RENEWAL_FOLLOW_MINUTES = 1;

export interface RenewerDeps {
  platform: Pick<Platform, "alarms" | "notify">;
  store: RenewalStore;
  services: Pick<Services, "keys" | "csr" | "cloud">;
  orders: OrderStore;
  creates: Creates;
  follower: Pick<Follower, "check" | "schedule">;
  /** The settings of a profile (a renewal's contact and product are its profile's). */
  settings: (profileId: string) => Promise<Settings>;
  locale: () => Promise<Locale>;
  now: () => Date;
  /** The backoff's jitter (default Math.random). */
  random?: () => number;
  vaultLocked?: () => Promise<boolean>;
  onVaultLocked?: () => Promise<void>;
  /**
   * After issuance, with the key's `uploadToCas`: upload and deploy (upload-deploy.ts); returns the progress
   * to store. Throws RenewalWaiting to look again later without counting a failure.
   */
  afterIssued?: (ctx: AfterIssued) => Promise<RenewalProgressView>;
  /**
   * After a finished renewal, with the key's `deleteOldUpload` (and `uploadToCas`): one attempt to delete the
   * previous upload (old-upload.ts); stores its outcome on the progress and never throws for the cloud's answers.
   */
  deleteOldUpload?: (ctx: OldUploadContext) => Promise<RenewalProgressView>;
  /**
   * Told of each outcome the user is notified of (renewed, failed, due under "notify"): the webhook
   * (src/background/notify/webhook-notifier.ts). Not awaited: a slow or failing webhook never holds a renewal.
   */
  onOutcome?: (outcome: RenewalOutcome) => void;
}

/** What a webhook hears of a renewal: names and dates, never key material. */
export interface RenewalOutcome {
  event: "renewed" | "renewal_failed" | "deploy_failed" | "expiring";
  name: string;
  domains: string[];
  notAfter?: string;
  reason?: string;
  deployed?: string[];
}

export interface AfterIssued {
  key: KeyView;
  newKey: KeyView;
  order: StoredOrder;
  renewal: StoredRenewal;
  progress: RenewalProgressView;
  /** Store progress made so far (each step before the next). */
  save: (progress: RenewalProgressView) => Promise<void>;
}

/** A step that cannot go on yet (an order in validation, a lost answer being looked for): no failure. */
export class RenewalWaiting extends Error {}
const Waiting = RenewalWaiting;

const isOpen = (p: RenewalProgressView | undefined): p is RenewalProgressView => !!p && !p.finishedAt;
/** The key's setting to delete the previous upload (only meaningful with the upload). */
const wantsOldUploadDeleted = (r: StoredRenewal): boolean => r.uploadToCas && r.deleteOldUpload;

export function createRenewer(deps: RenewerDeps) {
  const random = deps.random ?? Math.random;
  let running: Promise<void> | undefined;

  const domainOf = (key: KeyView) => key.commonName || key.certificate?.sans[0] || key.label || key.id;

  async function notify(id: string, titleKey: string, messageKey: string, params: Record<string, string | number>): Promise<void> {
    const locale = await deps.locale();
    await deps.platform.notify(id, t(locale, titleKey), t(locale, messageKey, params));
  }

  const tell = (outcome: RenewalOutcome) => {
    try {
      deps.onOutcome?.(outcome);
    } catch {
      // a listener's trouble is not the renewal's
    }
  };
  const domainsOf = (key: KeyView) => (key.certificate?.sans.length ? key.certificate.sans : [key.commonName].filter(Boolean));

  async function save(keyId: string, progress: RenewalProgressView): Promise<void> {
    await deps.store.update(keyId, (c) => ({ ...c, progress }));
  }

  /** The stored contact, complete, or a typed error naming what is missing (before any key is made). */
  function contactOf(settings: Settings): Contact {
    const c = settings.contact;
    for (const field of ["username", "email", "phone"] as const) {
      if (!c[field]?.trim()) throw new KeysmithError("renewal.contact.missing", { field: `contact.${field}` });
    }
    if (c.validateType === "FILE") throw new KeysmithError("renewal.validation.file", { field: "contact.validateType" });
    return { username: c.username!, email: c.email!, phone: c.phone!, validateType: "DNS", ...(c.productCode ? { productCode: c.productCode } : {}) };
  }

  /** A CSR like the current one: its subject, SANs (the certificate's when it has them) and usages. */
  async function makeCsr(key: KeyView, renewal: StoredRenewal, locale: Locale): Promise<KeyView> {
    const found = key.csrPem ? await deps.services.csr.inspect(key.csrPem, "CreateCertificateWithCsrRequest", locale) : undefined;
    const subject = found?.subjectFields ?? { CN: key.commonName };
    const cn = (subject.CN ?? "").trim().toLowerCase();
    const sans = (key.certificate?.sans.length ? key.certificate.sans : (found?.sans ?? key.sans)).filter((n) => n.toLowerCase() !== cn);
    const keyUsage = (found?.keyUsage ?? []).filter((u): u is KeyUsageName => (KEY_USAGE_NAMES as readonly string[]).includes(u));
    const extKeyUsage = (found?.extKeyUsage ?? []).filter((u): u is ExtKeyUsageName => (EXT_KEY_USAGE_NAMES as readonly string[]).includes(u));
    const made = await deps.services.keys.createCsr(
      {
        spec: key.spec,
        subject,
        sans,
        exportable: key.exportable,
        ...(key.label ? { label: key.label } : {}),
        ...(renewal.policy.key === "reuse" ? { keyId: key.id } : {}),
        operation: "CreateCertificateWithCsrRequest",
        // Without a CSR to copy from: the TLS-server set, as a new CSR gets.
        ...(found ? { keyUsage, extKeyUsage } : {}),
      },
      locale,
    );
    return made.key;
  }

  /** The DV order of this renewal: one already recorded for the new key, or a new one (write-ahead). */
  async function placeOrder(progress: RenewalProgressView, newKey: KeyView, contact: Contact, profileId: string): Promise<StoredOrder> {
    const since = progress.startedAt;
    const mine = (o: StoredOrder) => o.keyId === newKey.id && o.operation === "CreateCertificateWithCsrRequest" && o.createdAt >= since && o.state !== "failed" && o.state !== "cancelled";
    const recorded = (await deps.orders.list()).find(mine);
    if (recorded) return recorded;
    // A create for this key still unresolved in the ledger (a stopped worker, a lost answer): reconciliation
    // records it as an order (found above next time), or the user settles it in the popup.
    if ((await deps.creates.list()).some((e) => (e.context as { keyId?: string } | undefined)?.keyId === newKey.id)) throw new Waiting();
    if (!newKey.csrPem) throw new KeysmithError("renewal.csr.missing", { field: "keyId" });
    const domain = newKey.commonName || newKey.sans[0] || "";
    try {
      return await deps.creates.create({
        service: "cas",
        action: "CreateCertificateWithCsrRequest",
        params: {
          Csr: newKey.csrPem,
          Username: contact.username,
          Phone: contact.phone,
          Email: contact.email,
          ValidateType: contact.validateType,
          ProductCode: contact.productCode,
        },
        context: { operation: "CreateCertificateWithCsrRequest", domain, keyId: newKey.id, profileId },
      });
    } catch (err) {
      // A lost answer is the ledger's to settle (reconciliation adopts the order): wait, do not order again.
      if (err instanceof KeysmithError && err.code === "api.create.unknown") throw new Waiting();
      throw err;
    }
  }

  /** The validation record of a DV order, published through Alidns once (write-ahead). */
  async function publishRecord(order: StoredOrder): Promise<StoredOrder> {
    const v = order.validation;
    if (order.state !== "validation" || !v || v.type !== "DNS" || order.dnsRecordId) return order;
    if ((await deps.creates.list()).some((e) => (e.context as { orderLocalId?: string } | undefined)?.orderLocalId === order.id)) throw new Waiting();
    const place = dnsRecordPlacement(v.domain || order.domain, v.recordDomain, undefined);
    try {
      return await deps.creates.create({
        service: "alidns",
        action: "AddDomainRecord",
        params: { DomainName: place.zone, RR: place.rr, Type: v.recordType || "TXT", Value: v.recordValue },
        context: { operation: "AddDomainRecord", domain: order.domain, orderLocalId: order.id, profileId: profileOrDefault(order.profileId) },
      });
    } catch (err) {
      if (err instanceof KeysmithError && err.code === "api.create.unknown") throw new Waiting();
      throw err;
    }
  }

  /** After issuance the validation record has done its job: deleted from Alidns (a failure is kept on the order and tried again). */
  async function removeRecord(order: StoredOrder): Promise<StoredOrder> {
    if (!order.dnsRecordId || order.dnsRecordRemoved) return order;
    try {
      await (await deps.services.cloud({ profileId: profileOrDefault(order.profileId) })).client.call("alidns", "DeleteDomainRecord", { RecordId: order.dnsRecordId });
    } catch (err) {
      // Already gone counts as removed; anything else is tried on the next look.
      if (!(err instanceof KeysmithError && err.params.apiCode === "DomainRecordNotBelongToUser")) throw err;
    }
    return deps.orders.put({ ...(await deps.orders.get(order.id)), dnsRecordRemoved: true, updatedAt: deps.now().toISOString() });
  }

  /** One look at one key's auto renewal: as many steps as can be done now. */
  async function advance(key: KeyView, renewal: StoredRenewal, start: RenewalProgressView): Promise<void> {
    const locale = await deps.locale();
    // The profile the renewal acts under: the one it recorded, "default" for one set before profiles.
    const profileId = profileOrDefault(renewal.profileId);
    let progress: RenewalProgressView = { ...start };
    const put = async (next: RenewalProgressView) => {
      progress = next;
      await save(key.id, next);
    };
    try {
      if (progress.phase === "key" && !progress.newKeyId) {
        contactOf(await deps.settings(profileId)); // refused before a key is made
        const newKey = await makeCsr(key, renewal, locale);
        await put({ ...progress, newKeyId: newKey.id });
      }
      if (progress.phase === "key") {
        const newKey = await deps.services.keys.get(progress.newKeyId!).catch(async (err: unknown) => {
          // The new key was deleted meanwhile: the next attempt makes another one.
          if (err instanceof KeysmithError && err.code === "vault.key.not_found" && progress.newKeyId !== key.id) {
            const next = { ...progress };
            delete next.newKeyId;
            progress = next;
          }
          throw err;
        });
        const order = await placeOrder(progress, newKey, contactOf(await deps.settings(profileId)), profileId);
        await put({ ...progress, phase: "ordered", orderId: order.id });
        if (order.orderId) await deps.follower.check(order);
        await deps.follower.schedule();
      }
      if (progress.phase === "ordered") {
        const orderLocalId = progress.orderId!;
        const found = await deps.orders.find(orderLocalId);
        if (!found) {
          // The order was deleted meanwhile: placed again at the next attempt.
          progress = { ...progress, phase: "key" };
          delete progress.orderId;
          throw new KeysmithError("order.not_found", { field: "orderId", params: { id: orderLocalId } });
        }
        let order = await publishRecord(found);
        if (order.state === "failed" || order.state === "cancelled") {
          // Placed again after the backoff (same key and CSR); this order stays as it is.
          const failed = new KeysmithError("renewal.order.failed", { field: "orderId", params: { orderId: order.orderId ?? order.id, state: order.state } });
          progress = { ...progress, phase: "key" };
          delete progress.orderId;
          throw failed;
        }
        if (order.state !== "issued") throw new Waiting();
        if (order.error) throw KeysmithError.fromData(order.error);
        if (order.keyId !== progress.newKeyId) throw new Waiting(); // not paired yet
        order = await removeRecord(order);
        // The policy goes with the new certificate; this key keeps its finished progress (never renewed again).
        if (progress.newKeyId !== key.id) await deps.store.update(progress.newKeyId!, (c) => ({ ...c, ...renewalSettings(renewal) }));
        await put({ ...progress, phase: "issued" });
      }
      if (progress.phase === "issued" || progress.phase === "uploaded") {
        const order = await deps.orders.get(progress.orderId!);
        const newKey = await deps.services.keys.get(progress.newKeyId!);
        if (renewal.uploadToCas && deps.afterIssued) {
          progress = await deps.afterIssued({ key, newKey, order, renewal, progress, save: put });
        }
        let done: RenewalProgressView = { ...progress, phase: renewal.uploadToCas && deps.afterIssued ? "deployed" : progress.phase, failures: 0, finishedAt: deps.now().toISOString() };
        delete done.lastError;
        delete done.retryAt;
        // Every deploy is confirmed: the old upload is to be deleted (stored first, so a restart still does it).
        if (wantsOldUploadDeleted(renewal)) done = oldUploadToDo(done, deps.now());
        await put(done);
        await notify(`renewal:${key.id}:done`, "notify_renewal_done_title", "notify_renewal_done_message", {
          domain: domainOf(key),
          date: (newKey.certificate?.notAfter ?? "").slice(0, 10),
          deployed: (done.deployed ?? []).join(", ") || "-",
        });
        tell({ event: "renewed", name: domainOf(newKey), domains: domainsOf(newKey), ...(newKey.certificate ? { notAfter: newKey.certificate.notAfter } : {}), ...(done.deployed?.length ? { deployed: done.deployed } : {}) });
      }
      if (progress.finishedAt && wantsOldUploadDeleted(renewal) && deps.deleteOldUpload) {
        progress = await deps.deleteOldUpload({ key, progress, save: put, deploy: renewal.deploy, profileId });
      }
    } catch (err) {
      if (err instanceof Waiting) return;
      const failures = progress.failures + 1;
      const failedAt = deps.now();
      const lastError: ErrorData = toErrorData(err);
      const retryAt = nextAttemptAt(failedAt, failures, random).toISOString();
      await put({ ...progress, failures, lastError, retryAt });
      const reason = err instanceof KeysmithError ? err.localized(locale) : lastError.message;
      await notify(`renewal:${key.id}:failed`, "notify_renewal_failed_title", "notify_renewal_failed_message", {
        domain: domainOf(key),
        reason,
        time: retryAt.slice(0, 16).replace("T", " "),
      });
      // Past issuance the failure is the upload or a deploy (the current certificate is still served).
      tell({ event: progress.phase === "issued" || progress.phase === "uploaded" ? "deploy_failed" : "renewal_failed", name: domainOf(key), domains: domainsOf(key), ...(key.certificate ? { notAfter: key.certificate.notAfter } : {}), reason });
    }
  }

  /** One key: due → notify (once per certificate) or start / resume the renewal. */
  async function look(key: KeyView, renewal: StoredRenewal): Promise<void> {
    const cert = key.certificate;
    const progress = renewal.progress;
    if (renewal.policy.mode === "auto" && isOpen(progress)) {
      if (progress.retryAt && deps.now().getTime() < Date.parse(progress.retryAt)) return;
      return advance(key, renewal, progress);
    }
    if (!cert || renewal.policy.mode === "off") return;
    let due: boolean;
    try {
      due = isDue(deps.now(), new Date(cert.notBefore), new Date(cert.notAfter), renewal.policy);
    } catch {
      return; // unreadable validity: nothing to plan with
    }
    if (!due) return;
    if (renewal.policy.mode === "notify") {
      if (renewal.notifiedDue === cert.fingerprintSha256) return;
      const since = renewalDueAt(new Date(cert.notBefore), new Date(cert.notAfter), renewal.policy).toISOString().slice(0, 10);
      await notify(`renewal:${key.id}:due`, "notify_renewal_due_title", "notify_renewal_due_message", { domain: domainOf(key), date: since, end: cert.notAfter.slice(0, 10) });
      await deps.store.update(key.id, (c) => ({ ...c, notifiedDue: cert.fingerprintSha256 }));
      tell({ event: "expiring", name: domainOf(key), domains: domainsOf(key), notAfter: cert.notAfter });
      return;
    }
    if (progress?.finishedAt && progress.replaces === cert.fingerprintSha256) return; // renewed already
    const fresh: RenewalProgressView = { replaces: cert.fingerprintSha256, phase: "key", startedAt: deps.now().toISOString(), failures: 0 };
    await save(key.id, fresh);
    return advance(key, renewal, fresh);
  }

  /** Every minute while a renewal is under way, else every RENEWAL_PERIOD_MINUTES. */
  async function schedule(): Promise<void> {
    const all = await deps.store.all();
    const busy = Object.values(all).some((r) => r.policy.mode === "auto" && isOpen(r.progress));
    const want = busy ? RENEWAL_FOLLOW_MINUTES : RENEWAL_PERIOD_MINUTES;
    const armed = await deps.platform.alarms.get(RENEWAL_ALARM);
    if (!armed || (armed as { periodInMinutes?: number }).periodInMinutes !== want) {
      await deps.platform.alarms.create(RENEWAL_ALARM, { delayInMinutes: busy ? want : 1, periodInMinutes: want });
    }
  }

  async function runTick(): Promise<void> {
    if (await deps.vaultLocked?.().catch(() => false)) {
      // "Unlock to continue" only when there is something to continue: a key with renewal on.
      if (Object.values(await deps.store.all()).some((r) => r.policy.mode !== "off")) await deps.onVaultLocked?.().catch(() => undefined);
      return schedule(); // unlocking starts a tick too
    }
    const keys = new Map((await deps.services.keys.list()).map((k) => [k.id, k]));
    for (let [keyId, renewal] of Object.entries(await deps.store.all())) {
      const key = keys.get(keyId);
      if (!key) {
        // The key was deleted: its renewal goes with it (a renewal under way for it has nothing left to renew).
        await deps.store.remove(keyId);
        continue;
      }
      if (wantsOldUploadDeleted(renewal) && deps.deleteOldUpload && oldUploadDue(renewal.progress, deps.now())) {
        // A finished renewal's old upload not deleted yet (refused, failed, or a worker stopped before it).
        await deps.deleteOldUpload({ key, progress: renewal.progress!, save: (p) => save(keyId, p), deploy: renewal.deploy, profileId: profileOrDefault(renewal.profileId) });
        renewal = await deps.store.get(keyId);
      }
      if (renewal.policy.mode === "off") continue;
      await look(key, renewal);
    }
    await schedule();
  }

  /** One tick at a time: an alarm while a tick runs joins it. */
  function tick(): Promise<void> {
    running ??= runTick().finally(() => {
      running = undefined;
    });
    return running;
  }

  async function onAlarm(name: string): Promise<void> {
    if (name === RENEWAL_ALARM) await tick();
  }

  return { tick, schedule, onAlarm };
}

export type Renewer = ReturnType<typeof createRenewer>;
