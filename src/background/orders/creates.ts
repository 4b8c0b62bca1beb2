// Every create the worker sends (cas CreateCertificateWithCsrRequest, CreateCertificateRequest, CreateCsr;
// KMS CreateCertificate; Alidns AddDomainRecord) goes through the core's write-ahead
// (src/core/aliyun/write-ahead.ts) over the ledger of pending-store.ts: an entry is written before the call,
// a second create with the same identity is refused while one is pending or an order for the same CSR key
// is open, and a lost answer stays `unknown` until reconciliation finds the result in the cloud's list.
//
// `recordResult` is the one way a create's result becomes local state, from its ledger entry (the
// `context` written with it) and the result id: the handler's success path and reconciliation's adoption
// both use it, and it is idempotent (an order with that OrderId / cloud id already stored, or a DNS record
// id already on its order, adds nothing). The entry is settled only after the result is recorded, so a
// worker stopped in between is adopted again on its next start.
//
// Profiles: a create is sent under the profile its context names (default: the selected one), the entry
// and the order it becomes record that profileId, and every later look, choice or placement for the entry
// uses that profile's client (entries written before profiles belong to "default").
import type { ApiResponse } from "../../core/aliyun/client";
import { csrKeyHash } from "../../core/aliyun/create-identity";
import { operation as lookupOperation } from "../../core/aliyun/operations";
import type { ServiceId } from "../../core/aliyun/operation-types";
import type { InputValue } from "../../core/aliyun/validate";
import { createWriteAhead, type CreateLedger, type ExistingOrder, type PendingCreate, type WriteAhead } from "../../core/aliyun/write-ahead";
import { KeysmithError, fail } from "../../core/errors";
import { t, type Locale } from "../../core/i18n";
import { DEFAULT_PROFILE_ID, profileOrDefault, type OrderOperation, type PendingCreateView } from "../../messages";
import type { Platform } from "../../platform/platform";
import type { CloudPort } from "../cloud-port";
import type { Services } from "../services";
import { OPEN_STATES, type OrderStore, type StoredOrder } from "./order-store";

/** What the worker writes with a ledger entry so its result can be recorded later exactly as the handler would. */
export interface CreateContext {
  operation: OrderOperation | "AddDomainRecord" | "UploadUserCertificate";
  /** The order's domain (CN of the CSR, the domain, the CreateCsr / KMS CN; for a DNS record its order's). */
  domain: string;
  /** The vault key of a CSR made here. */
  keyId?: string;
  /** A DV order for a cloud CSR: the local id of the KMS / CreateCsr order. */
  parentId?: string;
  /** AddDomainRecord: the local id of the order whose validation record it publishes; UploadUserCertificate: the order whose certificate it uploads. */
  orderLocalId?: string;
  /** The profile the create is sent under (absent when written: the selected one; entries from before profiles: "default"). */
  profileId?: string;
}

export interface CreateRequest {
  service: ServiceId;
  action: string;
  params: Readonly<Record<string, InputValue>>;
  context: CreateContext;
  extraKeys?: string[];
  allowDuplicate?: boolean;
}

export interface CreatesDeps {
  services: Pick<Services, "cloud" | "keys">;
  orders: OrderStore;
  ledger: CreateLedger;
  platform: Pick<Platform, "notify">;
  now: () => Date;
  /** Local order ids. */
  newId: () => string;
  /** Ledger entry ids (kept apart from order ids). */
  newPendingId?: () => string;
  locale: () => Promise<Locale>;
  /**
   * The vault is locked (passphrase set, not unlocked): no look is made (a look would fail to sign and use
   * up the window); `onVaultLocked` notifies "unlock to continue" once, and the entries wait.
   */
  vaultLocked?: () => Promise<boolean>;
  onVaultLocked?: () => Promise<void>;
  /** The reconcile window, minutes (the `reconcileMinutes` setting). */
  windowMinutes: () => Promise<number>;
  /** First pause between looks and its cap (write-ahead defaults when absent). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A result adopted by reconciliation was recorded (the worker follows a cas order at once). */
  onAdopted?: (order: StoredOrder) => Promise<void>;
  /** A create was left unresolved (lost answer): the worker arms its alarm sooner. */
  onUnresolved?: () => Promise<void>;
  /** The selected profile: a create whose context names none is sent (and recorded) under it. */
  selectedProfile: () => Promise<string>;
}

/** The profile a ledger entry was written under. */
export const entryProfile = (entry: PendingCreate): string => entry.context?.profileId || DEFAULT_PROFILE_ID;

/** A local order for one of `keys` that is still open: a DV order for the same CSR key, or the same parent's. */
export function openOrderFor(all: StoredOrder[], keys: string[]): ExistingOrder | undefined {
  const csrKeys = new Set(keys.filter((k) => k.startsWith("csr:")).map((k) => k.slice(4)));
  const parents = new Set(keys.filter((k) => k.startsWith("parent:")).map((k) => k.slice(7)));
  const open = all.filter((o) => o.orderId && (OPEN_STATES.has(o.state) || o.state === "unknown"));
  const found = open.find((o) => (o.parentId !== undefined && parents.has(o.parentId)) || (csrKeys.size > 0 && csrKeys.has(csrKeyHash(o.csrPem) ?? "")));
  return found ? { id: found.orderId ?? found.id, state: found.state } : undefined;
}

export function pendingView(entry: PendingCreate, now: Date): PendingCreateView {
  const context = (entry.context ?? {}) as Partial<CreateContext>;
  return {
    id: entry.id,
    action: entry.action,
    operation: context.operation ?? (entry.action as OrderOperation),
    domain: context.domain ?? "",
    state: entry.state,
    startedAt: entry.startedAt,
    ...(entry.reason ? { reason: entry.reason } : {}),
    checks: entry.checks,
    ...(entry.lastCheckedAt ? { lastCheckedAt: entry.lastCheckedAt } : {}),
    ...(entry.nextCheckAt ? { nextCheckAt: entry.nextCheckAt } : {}),
    windowEndsAt: entry.windowEndsAt,
    windowOver: now.getTime() >= Date.parse(entry.windowEndsAt),
    ...(entry.candidates ? { candidates: entry.candidates } : {}),
    ...(context.profileId ? { profileId: context.profileId } : {}),
  };
}

const text = (v: unknown): string | undefined => (v === undefined || v === null || v === "" ? undefined : String(v));

export function createCreates(deps: CreatesDeps) {
  const { orders, ledger } = deps;
  const newPendingId = deps.newPendingId ?? (() => globalThis.crypto.randomUUID());
  /** Entries whose create is in flight in this worker instance; a `pending` entry not here is from a stopped worker. */
  const live = new Set<string>();
  // Recording is serialised: the handler's answer and a reconciliation adopting the same result take turns,
  // and the second sees the first's order.
  let recordQueue: Promise<unknown> = Promise.resolve();
  let reconciling: Promise<ReconcileResult> | undefined;

  /** A write-ahead over profile `profileId`'s client; ids of entries it writes go into `live` (and `mine`, for the caller to release). */
  async function writeAhead(profileId: string, mine?: Set<string>, cloud?: CloudPort): Promise<WriteAhead> {
    const port = cloud ?? (await deps.services.cloud({ profileId }));
    return createWriteAhead({
      client: port.client,
      ledger,
      now: deps.now,
      newId: () => {
        const id = newPendingId();
        live.add(id);
        mine?.add(id);
        return id;
      },
      windowMs: Math.max(1, await deps.windowMinutes()) * 60_000,
      ...(deps.backoffMs !== undefined ? { backoffMs: deps.backoffMs } : {}),
      ...(deps.maxBackoffMs !== undefined ? { maxBackoffMs: deps.maxBackoffMs } : {}),
      openOrderFor: async (keys) => openOrderFor((await orders.list()).filter((o) => profileOrDefault(o.profileId) === profileId), keys),
    });
  }

  async function putNew(fields: Omit<StoredOrder, "id" | "createdAt" | "updatedAt" | "notified">): Promise<StoredOrder> {
    const at = deps.now().toISOString();
    return orders.put({ ...fields, id: deps.newId(), createdAt: at, updatedAt: at, notified: [] });
  }

  /** The CSR the cloud made for a CreateCsr / KMS result adopted without its answer (GetCsrDetail / GetCertificate). */
  async function cloudCsr(operation: "CreateCsr" | "KmsCreateCertificate", resultId: string, profileId: string): Promise<string | undefined> {
    try {
      const client = (await deps.services.cloud({ profileId })).client;
      // GetCsrDetail also answers the CSR's private key: only `Csr` is read, nothing else is kept.
      const r = operation === "CreateCsr" ? await client.call("cas", "GetCsrDetail", { CsrId: resultId }) : await client.call("kms", "GetCertificate", { CertificateId: resultId });
      return text(r.Csr);
    } catch {
      // The order is recorded without its CSR; `orders.refresh` cannot fetch it, but nothing is lost in the cloud.
      return undefined;
    }
  }

  /**
   * Records the result `resultId` of the create `entry` describes (its `context`), exactly once. `response` is
   * the create's answer when there was one (CreateCsr and KMS answer with the CSR; adopted results fetch it).
   * Returns the order made or found (for AddDomainRecord, the order that carries the record).
   */
  function recordResult(entry: PendingCreate, resultId: string, response?: ApiResponse): Promise<StoredOrder | undefined> {
    const run = async (): Promise<StoredOrder | undefined> => {
      const context = (entry.context ?? {}) as Partial<CreateContext>;
      // Ids are per account: only this profile's orders can already hold the result.
      const all = (await orders.list()).filter((o) => profileOrDefault(o.profileId) === entryProfile(entry));
      const domain = context.domain ?? "";
      const profile = context.profileId ? { profileId: context.profileId } : {};
      switch (context.operation) {
        case "CreateCertificateWithCsrRequest":
        case "CreateCertificateRequest": {
          const existing = all.find((o) => o.orderId === resultId);
          if (existing) return existing;
          const order = await putNew({
            operation: context.operation,
            orderId: resultId,
            domain,
            state: "submitted",
            ...(context.keyId ? { keyId: context.keyId } : {}),
            ...(entry.params.Csr ? { csrPem: entry.params.Csr } : {}),
            ...(context.parentId ? { parentId: context.parentId } : {}),
            ...profile,
          });
          if (context.keyId) {
            await deps.services.keys.linkOrder(context.keyId, order.id);
            await deps.services.keys.setState(context.keyId, "ordered");
          }
          if (context.parentId) {
            const parent = await orders.find(context.parentId);
            if (parent) await orders.put({ ...parent, childId: order.id, updatedAt: deps.now().toISOString() });
          }
          return order;
        }
        case "CreateCsr":
        case "KmsCreateCertificate": {
          const existing = all.find((o) => o.operation === context.operation && o.cloudId === resultId);
          if (existing) return existing;
          const csrPem = text(response?.Csr) ?? (await cloudCsr(context.operation, resultId, entryProfile(entry)));
          return putNew({
            operation: context.operation,
            cloudId: resultId,
            domain,
            state: context.operation === "CreateCsr" ? "csr_ready" : "pending_csr",
            ...(csrPem ? { csrPem } : {}),
            ...profile,
          });
        }
        case "AddDomainRecord": {
          const order = context.orderLocalId ? await orders.find(context.orderLocalId) : undefined;
          if (!order || order.dnsRecordId === resultId) return order;
          return orders.put({ ...order, dnsRecordId: resultId, updatedAt: deps.now().toISOString() });
        }
        case "UploadUserCertificate": {
          // The renewal's upload (src/background/lifecycle/renewer.ts): the CertId goes on the order it uploads.
          const order = context.orderLocalId ? await orders.find(context.orderLocalId) : undefined;
          if (!order || order.casCertId === resultId) return order;
          return orders.put({ ...order, casCertId: resultId, updatedAt: deps.now().toISOString() });
        }
        default:
          return undefined; // an entry this worker did not write (no context): nothing to record it as
      }
    };
    const next = recordQueue.then(run, run);
    recordQueue = next.catch(() => undefined);
    return next;
  }

  /**
   * Sends one create under a ledger entry, records its answer (recordResult), then settles the entry.
   * Refusals (api.create.pending / api.create.open_order) and a lost answer (api.create.unknown, the entry
   * kept for reconciliation) are thrown as typed errors.
   */
  async function create(req: CreateRequest): Promise<StoredOrder> {
    const mine = new Set<string>();
    const profileId = req.context.profileId ?? (await deps.selectedProfile());
    const wa = await writeAhead(profileId, mine);
    try {
      const { response, entry } = await placeOrReport(() => wa.place(lookupOperation(req.service, req.action), req.params, {
        context: { ...req.context, profileId } as unknown as Record<string, string>, // CreateContext: string fields only
        ...(req.extraKeys ? { extraKeys: req.extraKeys } : {}),
        ...(req.allowDuplicate ? { allowDuplicate: true } : {}),
      }));
      const resultId = entry.resultId ?? fail("orders.create.no_result", req.action);
      const order = (await recordResult(entry, resultId, response)) ?? fail("order.not_found", "id", { id: req.context.orderLocalId ?? "" });
      await wa.settle(entry.id);
      return order;
    } finally {
      for (const id of mine) live.delete(id);
    }
  }

  /** Runs a place; a lost answer (api.create.unknown) tells the worker before it reaches the page. */
  async function placeOrReport<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof KeysmithError && err.code === "api.create.unknown") await deps.onUnresolved?.().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Runs `fn` on entry `id` on the user's behalf (check again, choose, place anyway): after any look under
   * way has finished, and with `id` kept out of the looks meanwhile, so two hands never rewrite one entry.
   */
  async function inHand<T>(id: string, fn: () => Promise<T>): Promise<T> {
    await reconciling?.catch(() => undefined);
    if (live.has(id)) return fn();
    live.add(id);
    try {
      return await fn();
    } finally {
      live.delete(id);
    }
  }

  async function notify(entry: PendingCreate, event: "adopted" | "ambiguous", extra: Record<string, string> = {}): Promise<void> {
    const locale = await deps.locale();
    const context = (entry.context ?? {}) as Partial<CreateContext>;
    await deps.platform.notify(
      `pending:${entry.id}:${event}`,
      t(locale, `notify_pending_${event}_title`),
      t(locale, `notify_pending_${event}_message`, { domain: context.domain || "-", action: entry.action, ...extra }),
    );
  }

  /** The result was found (or chosen): record it, settle the entry. */
  async function adopt(wa: WriteAhead, entry: PendingCreate, resultId: string): Promise<StoredOrder | undefined> {
    const order = await recordResult(entry, resultId);
    await wa.settle(entry.id);
    return order;
  }

  interface ReconcileResult {
    adopted: StoredOrder[];
    /** Entries still unresolved (pending, unknown, ambiguous). */
    waiting: number;
  }

  async function reconcileOnce(): Promise<ReconcileResult> {
    const entries = await ledger.list();
    const adopted: StoredOrder[] = [];
    if (entries.length === 0) return { adopted, waiting: 0 };
    if (await deps.vaultLocked?.().catch(() => false)) {
      await deps.onVaultLocked?.().catch(() => undefined);
      return { adopted, waiting: entries.length };
    }
    // Each entry is looked for in the account it was sent to: one write-ahead per profile.
    const byProfile = new Map<string, PendingCreate[]>();
    for (const entry of entries) byProfile.set(entryProfile(entry), [...(byProfile.get(entryProfile(entry)) ?? []), entry]);
    for (const [profileId, mineOf] of byProfile) {
      let wa: WriteAhead;
      try {
        wa = await writeAhead(profileId);
      } catch {
        // No credentials or settings to look with (or the profile is gone): its entries wait as they are.
        continue;
      }
      for (const entry of wa.due(mineOf, live, 0)) {
        const result = await wa.check(entry);
        if (result.outcome === "adopted") {
          const order = await adopt(wa, result.entry, result.resultId);
          if (order) {
            adopted.push(order);
            await deps.onAdopted?.(order).catch(() => undefined);
          }
          await notify(result.entry, "adopted", { id: result.resultId });
        } else if (result.outcome === "ambiguous" && result.entry.context?.notified !== "ambiguous") {
          await notify(result.entry, "ambiguous", { ids: (result.entry.candidates ?? []).map((c) => c.id).join(", ") });
          const marked = { ...result.entry, context: { ...(result.entry.context ?? {}), notified: "ambiguous" } };
          await ledger.update(async (all) => ({ entries: all.map((e) => (e.id === marked.id ? marked : e)), value: undefined }));
        }
      }
    }
    return { adopted, waiting: (await ledger.list()).length };
  }

  /** One reconciliation pass over the ledger; concurrent callers share the pass under way. */
  function reconcile(): Promise<ReconcileResult> {
    reconciling ??= reconcileOnce().finally(() => {
      reconciling = undefined;
    });
    return reconciling;
  }

  async function find(id: string): Promise<PendingCreate> {
    return (await ledger.list()).find((e) => e.id === id) ?? fail("api.create.pending_not_found", "id", { id });
  }

  /** "Check again": a fresh window and a look now; adopted → recorded and settled. */
  async function checkAgain(id: string): Promise<{ order?: StoredOrder; entry?: PendingCreate }> {
    await find(id);
    if (live.has(id)) return { entry: await find(id) }; // the call is still under way here: nothing to look for yet
    const profileId = entryProfile(await find(id));
    return inHand(id, async () => {
      const wa = await writeAhead(profileId);
      const result = await wa.checkAgain(id);
      if (result.outcome === "adopted") {
        const order = await adopt(wa, result.entry, result.resultId);
        return order ? { order } : {};
      }
      return { entry: result.entry };
    });
  }

  async function choose(id: string, candidateId: string): Promise<StoredOrder> {
    const profileId = entryProfile(await find(id));
    return inHand(id, async () => {
      const wa = await writeAhead(profileId);
      const entry = await wa.choose(id, candidateId);
      return (await adopt(wa, entry, candidateId)) ?? fail("order.not_found", "id", { id });
    });
  }

  /**
   * What the ledger did not keep (ParamSpec.secret): an upload's private key comes back from the vault, the
   * key of the order whose certificate it uploads, and lives only in this call.
   */
  async function placeAnywaySecrets(entry: PendingCreate): Promise<Record<string, string>> {
    if (entry.service !== "cas" || entry.action !== "UploadUserCertificate") return {};
    const context = entry.context as Partial<CreateContext> | undefined;
    const order = context?.orderLocalId ? await orders.find(context.orderLocalId) : undefined;
    const keyId = context?.keyId ?? order?.keyId;
    if (!keyId) return fail("orders.pending.upload_key_missing", "id", { id: entry.id });
    return { Key: (await deps.services.keys.export({ keyId, format: "pkcs8", unencrypted: true })).data };
  }

  /** After the window, on purpose: the same create again with the duplicate guard off. */
  async function placeAnyway(id: string): Promise<StoredOrder> {
    await reconciling?.catch(() => undefined);
    const entry = await find(id);
    const at = deps.now().getTime();
    if (live.has(id) || entry.state === "committed" || entry.state === "ambiguous" || at < Date.parse(entry.windowEndsAt)) {
      fail("orders.pending.not_over", "id", { id, state: entry.state, windowEndsAt: entry.windowEndsAt });
    }
    const mine = new Set<string>([id]);
    live.add(id);
    const wa = await writeAhead(entryProfile(entry), mine);
    try {
      const secrets = await placeAnywaySecrets(entry);
      const { response, entry: placed } = await placeOrReport(() => wa.placeAnyway(id, undefined, secrets));
      const resultId = placed.resultId ?? fail("orders.create.no_result", placed.action);
      const order = (await recordResult(placed, resultId, response)) ?? fail("order.not_found", "id", { id });
      await wa.settle(placed.id);
      return order;
    } finally {
      for (const lid of mine) live.delete(lid);
    }
  }

  return {
    create,
    recordResult,
    reconcile,
    checkAgain,
    choose,
    placeAnyway,
    list: () => ledger.list(),
    view: async (): Promise<PendingCreateView[]> => {
      const now = deps.now();
      return (await ledger.list()).sort((a, b) => a.startedAt.localeCompare(b.startedAt)).map((e) => pendingView(e, now));
    },
    /** True while a create is unresolved (the follow alarm runs sooner then). */
    unresolved: async () => (await ledger.list()).length > 0,
    live: (): ReadonlySet<string> => live,
  };
}

export type Creates = ReturnType<typeof createCreates>;
