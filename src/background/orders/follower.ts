// Follows open cas orders with alarms. Each tick asks DescribeCertificateState for every open order,
// stores what it learns (state, validation record), raises a notification once per state change that
// needs the user (validation record ready, issued, failed), and when a certificate is issued fetches it
// and pairs it with its key. A DV order placed for a cloud CSR (KMS CreateCertificate, cas CreateCsr) hands
// its certificate to that parent order instead: KMS gets it through UploadCertificate (a failed upload stays
// on the parent as its error and is tried again on the next tick), a CreateCsr order simply takes it. Keys
// whose certificate expires within the warning window raise one notification each. Everything is read
// from and written to storage, so a stopped worker resumes here. A CreateCertificateRequest order (the cloud
// made the key) that is issued gets the key DescribeCertificateState returns imported into the vault, paired
// with the certificate; the key itself is never put on the order (storage.local is not a vault).
// Each tick first reconciles creates whose answer was lost (orders/creates.ts: the ledger entries whose
// turn has come are looked for in the cloud's lists; a result found is recorded and then followed like any
// order); while any create is unresolved the alarm comes every RECONCILE_PERIOD_MINUTES.
// What an endpoint that is not Alibaba Cloud returns (an endpoint override whose host is not `*.aliyuncs.com`,
// unless the user chose to import from it without asking) goes into the vault only after the user confirms:
// the order is stored `issued` with its certificate and `importPending { endpoint, what }`, nothing imported;
// `check(order, { confirmedEndpoint })` (orders.confirmImport) asks that endpoint again and imports.
// Every order is looked at with the client and endpoint of the profile it was placed under (its profileId,
// "default" when it has none), whichever profile is selected.
import { KeysmithError, type ErrorData } from "../../core/errors";
import { t, type Locale } from "../../core/i18n";
import { certificatePems } from "../../core/pem";
import { profileOrDefault, type OrderState, type ValidationRecord } from "../../messages";
import type { Platform } from "../../platform/platform";
import type { CertificateState, CloudPort } from "../cloud-port";
import { toErrorData } from "../router";
import { OPEN_STATES, type OrderStore, type StoredOrder } from "./order-store";

export const FOLLOW_ALARM = "keysmith.orders.follow";
export const EXPIRY_ALARM = "keysmith.certificates.expiry";
export const EXPIRY_NOTIFIED_KEY = "expiryNotified";
/** Alarm period while a create is unresolved: Chrome's shortest (30 s) in production. */
export const RECONCILE_PERIOD_MINUTES = 0.5;

export interface FollowerDeps {
  platform: Pick<Platform, "alarms" | "notify" | "storage">;
  orders: OrderStore;
  /** A client for profile `profileId`: each order is looked at with the profile it was placed under. */
  cloud: (profileId: string) => Promise<CloudPort>;
  /** Pairs an issued certificate (leaf + chain PEM) with its key; returns the key id. */
  pairCertificate: (pem: string) => Promise<string>;
  /** Stores the key the cloud made for a CreateCertificateRequest order with its certificate; returns the key id. */
  importCloudKey: (req: { privateKeyPem: string; certificatePem: string; orderId: string }) => Promise<string>;
  /**
   * The endpoint whose answers need the user's confirmation before a key or certificate from them goes into
   * the vault, or undefined when they are imported at once (settings-store.ts importConfirmationEndpoint).
   */
  importEndpoint: (profileId: string) => Promise<string | undefined>;
  /** Keys with a certificate: id, label and notAfter (ISO). */
  certificates: () => Promise<{ id: string; label: string; notAfter: string }[]>;
  locale: () => Promise<Locale>;
  now: () => Date;
  expiryWarningDays: () => Promise<number>;
  /** The "follow orders in the background" setting: off, no follow alarm (a refresh from the popup still looks). */
  followOrders: () => Promise<boolean>;
  /** The vault is locked: a tick looks at nothing (every call would fail to sign) and `onVaultLocked` notifies once. */
  vaultLocked?: () => Promise<boolean>;
  onVaultLocked?: () => Promise<void>;
  /** Minutes between looks at open orders. */
  periodMinutes?: number;
  /** Pending creates (orders/creates.ts): reconciled first on each tick; unresolved ones keep the alarm armed. */
  creates?: {
    reconcile(): Promise<{ waiting: number }>;
    unresolved(): Promise<boolean>;
  };
}

export function stateFromCas(type: string): OrderState {
  switch (type) {
    case "payed":
      return "submitted";
    case "domain_verify":
      return "validation";
    case "process":
      return "review";
    case "verify_fail":
      return "failed";
    case "certificate":
      return "issued";
    default:
      return "unknown";
  }
}

export function validationFrom(state: CertificateState, domain: string): ValidationRecord | undefined {
  if (state.type !== "domain_verify") return undefined;
  if (state.validateType === "FILE" || (state.uri && !state.recordValue)) {
    return { type: "FILE", domain: state.domain ?? domain, uri: state.uri ?? "", content: state.content ?? "" };
  }
  if (state.recordValue) {
    return {
      type: "DNS",
      recordType: state.recordType ?? "TXT",
      recordDomain: state.recordDomain ?? "",
      recordValue: state.recordValue,
      domain: state.domain ?? domain,
    };
  }
  return undefined;
}

export function createFollower(deps: FollowerDeps) {
  const period = deps.periodMinutes ?? 1;

  async function notifyOnce(
    order: StoredOrder,
    event: "validation" | "issued" | "failed" | "upload_failed",
    orderId = order.orderId ?? order.id,
  ): Promise<StoredOrder> {
    if (order.notified.includes(event)) return order;
    const locale = await deps.locale();
    await deps.platform.notify(
      `order:${order.id}:${event}`,
      t(locale, `notify_order_${event}_title`),
      t(locale, `notify_order_${event}_message`, { domain: order.domain || "-", orderId }),
    );
    return { ...order, notified: [...order.notified, event] };
  }

  /**
   * The DV order `child` placed for `parent`'s cloud CSR is issued: KMS gets the certificate
   * (UploadCertificate: leaf, then the rest as the chain), a cas CreateCsr order takes it as it is, and the
   * parent becomes `issued` and is notified. A refused or failed upload is kept as the parent's error (the
   * certificate stays on the child) and tried again on the next tick.
   */
  async function completeParent(parent: StoredOrder, child: StoredOrder): Promise<StoredOrder> {
    if (parent.state === "issued" || child.state !== "issued" || !child.certificatePem) return parent;
    let next: StoredOrder = { ...parent, childId: child.id, updatedAt: deps.now().toISOString() };
    if (parent.operation === "KmsCreateCertificate") {
      const [leaf, ...chain] = certificatePems(child.certificatePem);
      try {
        const cloud = await deps.cloud(profileOrDefault(parent.profileId));
        await cloud.kmsUploadCertificate({ certificateId: parent.cloudId ?? "", certificate: leaf ?? child.certificatePem, certificateChain: chain.join("") || undefined });
      } catch (err) {
        next.error = toErrorData(err);
        next = await notifyOnce(next, "upload_failed", child.orderId);
        return deps.orders.put(next);
      }
    }
    next.state = "issued";
    next.certificatePem = child.certificatePem;
    delete next.error;
    next = await notifyOnce(next, "issued", child.orderId);
    return deps.orders.put(next);
  }

  /** For `orders.refresh` on a cloud-CSR order: complete it if its DV order is issued, else return it. */
  async function completeParentOf(parent: StoredOrder): Promise<StoredOrder> {
    const child = parent.childId ? await deps.orders.find(parent.childId) : undefined;
    return child ? completeParent(parent, child) : parent;
  }

  /** Issued DV orders whose cloud-CSR parent still waits for the certificate (an upload to retry). */
  function waitingParents(all: StoredOrder[]): { parent: StoredOrder; child: StoredOrder }[] {
    const byId = new Map(all.map((o) => [o.id, o]));
    return all.flatMap((child) => {
      const parent = child.parentId ? byId.get(child.parentId) : undefined;
      return parent && child.state === "issued" && parent.state !== "issued" && parent.childId === child.id ? [{ parent, child }] : [];
    });
  }

  /**
   * The key the cloud made for a CreateCertificateRequest order, into the vault with its certificate. Any
   * failure comes back as a typed error for the order (the certificate stays on it; `orders.refresh` asks the
   * cloud again and retries); nothing about the key itself goes into the error.
   */
  async function importCloudKey(order: StoredOrder, certificatePem: string, privateKeyPem: string | undefined): Promise<{ keyId?: string; error?: ErrorData }> {
    if (!privateKeyPem) return { error: new KeysmithError("orders.cloud_key.missing", { field: "PrivateKey", params: { orderId: order.orderId ?? order.id } }).toData() };
    try {
      return { keyId: await deps.importCloudKey({ privateKeyPem, certificatePem, orderId: order.id }) };
    } catch (err) {
      const reason = err instanceof KeysmithError ? err.localized(await deps.locale()) : err instanceof Error ? err.name : "error";
      const cause = err instanceof KeysmithError ? err.code : "worker.unexpected";
      return { error: new KeysmithError("orders.cloud_key.import_failed", { field: "PrivateKey", params: { orderId: order.orderId ?? order.id, cause, reason } }).toData() };
    }
  }

  /**
   * Look at one order once; returns the stored result. Errors are kept on the order, not thrown.
   * `confirmedEndpoint`: the user confirmed importing what that endpoint returns for this order
   * (orders.confirmImport); it counts only if the endpoint asked about is still the one that answers.
   */
  async function check(order: StoredOrder, options: { confirmedEndpoint?: string } = {}): Promise<StoredOrder> {
    if (!order.orderId) return order;
    let next: StoredOrder = { ...order };
    try {
      // Read before the client is made and again after the answer: a settings change in between counts as
      // an endpoint that asks, and a confirmation holds only when both name the endpoint confirmed.
      const profileId = profileOrDefault(order.profileId);
      const askBefore = await deps.importEndpoint(profileId);
      const cloud = await deps.cloud(profileId);
      const state = await cloud.describeCertificateState(order.orderId);
      next.state = stateFromCas(state.type);
      next.validation = validationFrom(state, order.domain) ?? (next.state === "validation" ? order.validation : undefined);
      delete next.error;
      // Only a CSR made here has its key here: CreateCertificateRequest orders have a key made by the cloud,
      // and a DV order for a cloud CSR (parentId) has its key in KMS or cas.
      const pairs = order.operation === "CreateCertificateWithCsrRequest" && !order.parentId;
      const importsKey = order.operation === "CreateCertificateRequest";
      let asking: string | undefined;
      if (next.state === "issued" && state.certificate && (pairs || importsKey)) {
        const askAfter = await deps.importEndpoint(profileId);
        const ask = askBefore ?? askAfter;
        const confirmed = ask !== undefined && options.confirmedEndpoint === ask && askBefore === askAfter;
        if (ask !== undefined && !confirmed) asking = ask;
      }
      if (asking !== undefined) {
        // Nothing goes into the vault: the certificate (public) stays on the order, the key is dropped here
        // and fetched again from the endpoint if the user says Import.
        next.certificatePem = state.certificate;
        next.importPending = { endpoint: asking, what: importsKey ? "key" : "certificate" };
      } else if (next.state === "issued" && state.certificate) {
        next.certificatePem = state.certificate;
        delete next.importPending;
        if (pairs) {
          try {
            next.keyId = await deps.pairCertificate(state.certificate);
          } catch (err) {
            // The key is gone (deleted meanwhile): keep the certificate on the order for the user.
            if (!(err instanceof KeysmithError)) throw err;
            next.error = err.toData();
          }
        } else if (importsKey) {
          const imported = await importCloudKey(order, state.certificate, state.privateKey);
          if (imported.keyId) next.keyId = imported.keyId;
          if (imported.error) next.error = imported.error;
        }
      }
    } catch (err) {
      next.error = toErrorData(err);
    }
    if (next.state === "validation" && next.validation) next = await notifyOnce(next, "validation");
    if (next.state === "issued") {
      const parent = next.parentId ? await deps.orders.find(next.parentId) : undefined;
      if (parent?.childId === next.id) {
        // The parent's "issued" (or "upload failed") notification speaks for both orders.
        await completeParent(parent, next);
        if (!next.notified.includes("issued")) next.notified = [...next.notified, "issued"];
      } else {
        next = await notifyOnce(next, "issued");
      }
    }
    if (next.state === "failed") next = await notifyOnce(next, "failed");
    next.updatedAt = deps.now().toISOString();
    if (!OPEN_STATES.has(next.state)) delete next.nextCheckAt;
    else next.nextCheckAt = new Date(deps.now().getTime() + period * 60_000).toISOString();
    return deps.orders.put(next);
  }

  /**
   * Arm or disarm the follow alarm: armed while an order is open and following is on, and — whatever that
   * setting says — every RECONCILE_PERIOD_MINUTES while a create is unresolved (a lost answer is the
   * worker's own business to settle, not "following").
   */
  async function schedule(): Promise<void> {
    const all = await deps.orders.list();
    const open = all.some((o) => OPEN_STATES.has(o.state) && o.orderId) || waitingParents(all).length > 0;
    const unresolved = (await deps.creates?.unresolved()) ?? false;
    const want = unresolved ? Math.min(RECONCILE_PERIOD_MINUTES, period) : open && (await deps.followOrders()) ? period : undefined;
    if (want !== undefined) {
      const armed = await deps.platform.alarms.get(FOLLOW_ALARM);
      // chrome.alarms.Alarm carries periodInMinutes; the Platform type leaves it out.
      if (!armed || (armed as { periodInMinutes?: number }).periodInMinutes !== want) {
        await deps.platform.alarms.create(FOLLOW_ALARM, { delayInMinutes: want, periodInMinutes: want });
      }
    } else {
      await deps.platform.alarms.clear(FOLLOW_ALARM);
    }
    if (!(await deps.platform.alarms.get(EXPIRY_ALARM))) {
      await deps.platform.alarms.create(EXPIRY_ALARM, { delayInMinutes: 1, periodInMinutes: 12 * 60 });
    }
  }

  async function tick(): Promise<StoredOrder[]> {
    const results: StoredOrder[] = [];
    if (await deps.vaultLocked?.().catch(() => false)) {
      await deps.onVaultLocked?.().catch(() => undefined);
      await schedule(); // the alarm stays armed; unlocking also starts a tick
      return results;
    }
    try {
      await deps.creates?.reconcile();
    } catch {
      // A failed look leaves the entries as they were; the next tick tries again.
    }
    const all = await deps.orders.list();
    for (const order of all) {
      if (OPEN_STATES.has(order.state) && order.orderId) results.push(await check(order));
    }
    for (const { parent, child } of waitingParents(all)) results.push(await completeParent(parent, child));
    await schedule();
    return results;
  }

  /** One notification per key whose certificate ends within the warning window. */
  async function checkExpiry(): Promise<string[]> {
    const days = await deps.expiryWarningDays();
    const now = deps.now().getTime();
    const notified = ((await deps.platform.storage.get(EXPIRY_NOTIFIED_KEY)) as Record<string, string> | undefined) ?? {};
    const raised: string[] = [];
    const locale = await deps.locale();
    for (const cert of await deps.certificates()) {
      const end = Date.parse(cert.notAfter);
      if (Number.isNaN(end) || end - now > days * 86_400_000) continue;
      if (notified[cert.id] === cert.notAfter) continue;
      const daysLeft = Math.max(0, Math.ceil((end - now) / 86_400_000));
      await deps.platform.notify(
        `expiry:${cert.id}`,
        t(locale, "notify_expiring_title"),
        t(locale, "notify_expiring_message", { label: cert.label, days: daysLeft, date: cert.notAfter.slice(0, 10) }),
      );
      notified[cert.id] = cert.notAfter;
      raised.push(cert.id);
    }
    if (raised.length > 0) await deps.platform.storage.set(EXPIRY_NOTIFIED_KEY, notified);
    return raised;
  }

  async function onAlarm(name: string): Promise<void> {
    if (name === FOLLOW_ALARM) await tick();
    else if (name === EXPIRY_ALARM) await checkExpiry();
  }

  return { check, tick, schedule, checkExpiry, onAlarm, completeParentOf };
}

export type Follower = ReturnType<typeof createFollower>;
