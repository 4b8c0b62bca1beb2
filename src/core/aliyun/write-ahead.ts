// Every create placed exactly once. Before a create is sent, a pending-create entry goes into a ledger
// (the worker's storage, the CLI's state directory): the operation, what it was sent, what identifies its
// result (the CSR's key, the domain, the DNS record, a parent order), when, and the ids the list showed
// before. While an entry is there, a second create with the same identity is refused and names it.
//
// An answer that never came (timeout, reset, 5xx, a process stopped mid-call) leaves the entry `unknown`,
// never "failed" and never "safe to retry": reconciliation lists again with backoff for a window (10 min
// by default) and adopts the single new item that carries the create's substance (catalogue `matches`).
// Two or more candidates make it `ambiguous` for the user to choose; after the window the entry stays and
// says so, for "check again" or an explicit "place it anyway". Pure core: the ledger, the client, the
// clock and the id source are handed in.
import { REASON_NO_ANSWER, reasonHttp, reasonNetwork, reasonTimeout } from "../reason";
import { KeysmithError, fail } from "../errors";
import type { AliyunClient, ApiResponse } from "./client";
import { ApiError } from "./api-error";
import type { Operation, ReconcileSpec, ServiceId } from "./operation-types";
import { operation as lookupOperation, secretParamNames } from "./operations";
import { pathValue } from "./client";
import { validateParams, type InputValue } from "./validate";

export type PendingState = "pending" | "committed" | "unknown" | "ambiguous";

export interface PendingCandidate {
  id: string;
  /** A few listed fields (domain, product, status, time) that tell candidates apart. */
  summary: Record<string, string>;
}

export interface PendingCreate {
  /** Local id of this entry. */
  id: string;
  service: ServiceId;
  action: string;
  /** The create's parameters as sent, minus the catalogue's secret ones (private keys are never stored). */
  params: Record<string, string>;
  /** What identifies the result (see ReconcileSpec.identity), plus any the caller adds (e.g. "parent:<id>"). */
  keys: string[];
  /** The caller's linkage for adopting the result later (a local key id, a parent order…). */
  context?: Record<string, string>;
  startedAt: string;
  /** Ids the list showed before the create; absent when that list failed. */
  before?: string[];
  state: PendingState;
  /** Why the outcome is unknown (timeout, network, HTTP 503…). */
  reason?: string;
  /** The id the create answered with (state committed) or the one adopted. */
  resultId?: string;
  checks: number;
  lastCheckedAt?: string;
  nextCheckAt?: string;
  /** Automatic checks stop here; the entry stays until adopted, chosen or placed anyway. */
  windowEndsAt: string;
  candidates?: PendingCandidate[];
}

/**
 * Where pending creates live. `update` runs `fn` over the current entries holding the ledger's lock (two
 * pages of one worker, or two CLI processes on one state directory, take turns) and stores what it returns.
 */
export interface CreateLedger {
  list(): Promise<PendingCreate[]>;
  update<T>(fn: (entries: PendingCreate[]) => Promise<{ entries: PendingCreate[]; value: T }>): Promise<T>;
}

/** An order already placed for the same identity (the local record of orders), found inside the lock. */
export interface ExistingOrder {
  id: string;
  state: string;
}

export interface WriteAheadOptions {
  client: AliyunClient;
  ledger: CreateLedger;
  now: () => Date;
  newId: () => string;
  /** How long reconciliation keeps looking by itself; default 10 minutes. */
  windowMs?: number;
  /** First pause between looks; doubled per look up to `maxBackoffMs`. Defaults 2 s and 60 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** An open order for any of these keys (not failed, not cancelled, not issued), checked under the lock. */
  openOrderFor?: (keys: string[]) => Promise<ExistingOrder | undefined>;
  /** Pages the reconciliation list may read; default 50. */
  maxPages?: number;
}

export interface PlaceOptions {
  context?: Record<string, string>;
  /** Keys beyond the catalogue's (e.g. `parent:<order id>` for a DV order of a cloud CSR). */
  extraKeys?: string[];
  /** Place it even if a create with the same identity is pending or an order is open. */
  allowDuplicate?: boolean;
}

export const DEFAULT_RECONCILE_WINDOW_MS = 10 * 60_000;

/** Clock skew the cloud tolerates (signature timestamps): an item bought this much before the start still counts. */
const SKEW_MS = 15 * 60_000;

/** True when the create may have been carried out although no good answer came. */
export function outcomeUnknown(err: unknown): boolean {
  if (err instanceof KeysmithError && (err.code === "api.timeout" || err.code === "api.network")) return true;
  // A create refused as a replay reached the cloud before: the nonce is this request's own, so only a copy
  // of it can have used it (a browser resends a request whose reused keep-alive connection closed unanswered).
  if (err instanceof ApiError && err.apiCode === "SignatureNonceUsed") return true;
  if (err instanceof ApiError) return err.status >= 500 && !err.apiCode.startsWith("Throttling");
  return false;
}

function reasonOf(err: unknown): string {
  // The copy of a request whose connection closed unanswered is refused as a replay: say what happened.
  if (err instanceof ApiError && err.apiCode === "SignatureNonceUsed") return REASON_NO_ANSWER;
  if (err instanceof ApiError) return reasonHttp(err.status, err.apiCode);
  if (err instanceof KeysmithError && err.code === "api.timeout") return reasonTimeout(err.params.seconds ?? "-");
  if (err instanceof KeysmithError && err.code === "api.network") return reasonNetwork(String(err.params.reason ?? "-"));
  if (err instanceof KeysmithError) return String(err.params.reason ?? err.code);
  return err instanceof Error ? err.message.slice(0, 200) : String(err).slice(0, 200);
}

/** What the ledger keeps of a create's parameters: all but its private keys. */
function withoutSecrets(op: Operation, wire: Record<string, string>): Record<string, string> {
  const secret = new Set(secretParamNames(op));
  if (secret.size === 0) return wire;
  return Object.fromEntries(Object.entries(wire).filter(([k]) => !secret.has(k)));
}

function specOf(op: Operation): ReconcileSpec {
  if (!op.reconcile) throw new Error(`${op.action} is a create without a reconcile spec`); // catalogue bug
  return op.reconcile;
}

export function pendingError(code: "api.create.pending" | "api.create.unknown" | "api.create.ambiguous", entry: PendingCreate): KeysmithError {
  return new KeysmithError(code, {
    field: entry.action,
    params: {
      pendingId: entry.id,
      startedAt: entry.startedAt,
      state: entry.state,
      reason: entry.reason ?? "-",
      ids: (entry.candidates ?? []).map((c) => c.id).join(", ") || "-",
    },
  });
}

export function createWriteAhead(options: WriteAheadOptions) {
  const { client, ledger, now } = options;
  const windowMs = options.windowMs ?? DEFAULT_RECONCILE_WINDOW_MS;
  const backoffMs = options.backoffMs ?? 2_000;
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;
  const maxPages = options.maxPages ?? 50;

  const iso = (ms: number) => new Date(ms).toISOString();

  async function put(entry: PendingCreate): Promise<void> {
    await ledger.update(async (entries) => ({ entries: [...entries.filter((e) => e.id !== entry.id), entry], value: undefined }));
  }

  /** Stores `entry` only if its id is still in the ledger (settled or dropped meanwhile: nothing). */
  async function putIfPresent(entry: PendingCreate): Promise<boolean> {
    return ledger.update(async (entries) => {
      if (!entries.some((e) => e.id === entry.id)) return { entries, value: false };
      return { entries: entries.map((e) => (e.id === entry.id ? entry : e)), value: true };
    });
  }

  async function remove(id: string): Promise<void> {
    await ledger.update(async (entries) => ({ entries: entries.filter((e) => e.id !== id), value: undefined }));
  }

  /** Every item of the reconcile list, across pages. */
  async function listAll(op: Operation, wire: Record<string, string>): Promise<Record<string, unknown>[]> {
    const spec = specOf(op);
    const listOp = lookupOperation(op.service, spec.action);
    const items: Record<string, unknown>[] = [];
    const seen = new Set<string>();
    for (let page = 1; page <= maxPages; page++) {
      const params = { ...spec.params(wire), [spec.paging.page]: String(page), [spec.paging.size]: String(spec.paging.pageSize) };
      const response = await client.callOperation(listOp, params);
      const raw = pathValue(response, spec.items);
      const list = Array.isArray(raw) ? (raw.filter((i) => i && typeof i === "object") as Record<string, unknown>[]) : [];
      let fresh = 0;
      for (const item of list) {
        const id = String(item[spec.idField] ?? "");
        if (id === "" || seen.has(id)) continue;
        seen.add(id);
        items.push(item);
        fresh++;
      }
      // A short page, or one that repeats what was seen (a list that ignores paging), is the last.
      if (list.length < spec.paging.pageSize || fresh === 0) return items;
    }
    return items;
  }

  function conflictIn(entries: PendingCreate[], keys: string[]): PendingCreate | undefined {
    return entries.find((e) => e.keys.some((k) => keys.includes(k)));
  }

  /**
   * Sends `op` once, under a ledger entry. Answered: the entry is `committed` with the result id and is
   * returned with the response; the caller records the result, then calls `settle(entry.id)` (a crash in
   * between is adopted by reconciliation like a lost answer). No answer: the entry is `unknown` and
   * api.create.unknown names it. Refused as existing already (ReconcileSpec.existsCodes): the one matching
   * item is the result (`Existing: true` in the response). Refused: the entry is removed and the refusal thrown.
   */
  async function place(op: Operation, params: Readonly<Record<string, InputValue>>, opts: PlaceOptions = {}): Promise<{ response: ApiResponse; entry: PendingCreate }> {
    if (op.kind !== "create") throw new Error(`${op.action} is not a create`); // programming error
    const spec = specOf(op);
    const wire = validateParams(op, params);
    const keys = [...new Set([...spec.identity(wire), ...(opts.extraKeys ?? [])])];
    const started = now().getTime();
    let entry: PendingCreate = {
      id: options.newId(),
      service: op.service,
      action: op.action,
      params: withoutSecrets(op, wire),
      keys,
      ...(opts.context ? { context: opts.context } : {}),
      startedAt: iso(started),
      state: "pending",
      checks: 0,
      windowEndsAt: iso(started + windowMs),
    };
    await ledger.update(async (entries) => {
      if (!opts.allowDuplicate) {
        const pending = conflictIn(entries, keys);
        if (pending) throw pendingError("api.create.pending", pending);
        const open = keys.length > 0 ? await options.openOrderFor?.(keys) : undefined;
        if (open) fail("api.create.open_order", op.action, { orderId: open.id, state: open.state });
      }
      return { entries: [...entries, entry], value: undefined };
    });
    try {
      entry = { ...entry, before: (await listAll(op, wire)).map((i) => String(i[spec.idField])) };
      await put(entry);
    } catch {
      // No snapshot: reconciliation still has the substance and the time window.
    }
    let response: ApiResponse;
    try {
      response = await client.callOperation(op, wire);
    } catch (err) {
      if (err instanceof ApiError && spec.existsCodes?.includes(err.apiCode)) {
        const existing = await existingMatch(op, wire).catch(() => undefined);
        if (existing) {
          entry = { ...entry, state: "committed", resultId: existing };
          await put(entry);
          return { response: { [spec.resultField]: existing, RequestId: err.requestId, Existing: true }, entry };
        }
      }
      if (!outcomeUnknown(err)) {
        await remove(entry.id);
        throw err;
      }
      entry = { ...entry, state: "unknown", reason: reasonOf(err), nextCheckAt: iso(now().getTime() + backoffMs) };
      await put(entry);
      throw new KeysmithError("api.create.unknown", { field: op.action, params: { pendingId: entry.id, reason: entry.reason ?? "-", startedAt: entry.startedAt }, cause: err });
    }
    const resultId = response[spec.resultField];
    entry = { ...entry, state: "committed", ...(resultId !== undefined ? { resultId: String(resultId) } : {}) };
    await put(entry);
    return { response, entry };
  }

  /** The one listed item matching `wire` whatever its age (for a create refused as existing already). */
  async function existingMatch(op: Operation, wire: Record<string, string>): Promise<string | undefined> {
    const spec = specOf(op);
    const found = (await listAll(op, wire)).filter((item) => spec.matches(item, wire));
    return found.length === 1 ? String(found[0]![spec.idField]) : undefined;
  }

  /** The result is recorded where the caller keeps it: the entry goes. */
  async function settle(id: string): Promise<void> {
    await remove(id);
  }

  function delayAfter(checks: number): number {
    return Math.min(maxBackoffMs, backoffMs * 2 ** Math.min(checks, 20));
  }

  /** Candidates for `entry` in a fresh list: new since `before`, the create's substance, bought after it began. */
  async function candidatesFor(entry: PendingCreate): Promise<{ id: string; item: Record<string, unknown> }[]> {
    const op = lookupOperation(entry.service, entry.action);
    const spec = specOf(op);
    const items = await listAll(op, entry.params);
    const before = new Set(entry.before ?? []);
    const started = Date.parse(entry.startedAt);
    return items
      .filter((item) => !before.has(String(item[spec.idField])))
      .filter((item) => spec.matches(item, entry.params))
      .filter((item) => {
        const at = spec.createdAt?.(item);
        return at === undefined || at >= started - SKEW_MS;
      })
      .map((item) => ({ id: String(item[spec.idField]), item }));
  }

  /**
   * One look for an unknown (or stale pending) entry. Returns what happened: `adopted` with the result id
   * (the caller records it, then settles), `ambiguous` with candidates, or `waiting` (nothing yet).
   * `committed` entries (answered, not yet recorded) are handed back as adopted at once.
   */
  async function check(entry: PendingCreate): Promise<{ outcome: "adopted"; entry: PendingCreate; resultId: string } | { outcome: "ambiguous" | "waiting" | "gone"; entry: PendingCreate }> {
    if (entry.state === "committed" && entry.resultId) return { outcome: "adopted", entry, resultId: entry.resultId };
    const at = now().getTime();
    let found: { id: string; item: Record<string, unknown> }[];
    try {
      found = await candidatesFor(entry);
    } catch (err) {
      const next: PendingCreate = { ...entry, state: entry.state === "pending" ? "unknown" : entry.state, checks: entry.checks + 1, lastCheckedAt: iso(at), nextCheckAt: iso(at + delayAfter(entry.checks + 1)), reason: entry.reason ?? reasonOf(err) };
      return (await putIfPresent(next)) ? { outcome: "waiting", entry: next } : { outcome: "gone", entry };
    }
    const spec = specOf(lookupOperation(entry.service, entry.action));
    if (found.length === 1) {
      const next: PendingCreate = { ...entry, state: "committed", resultId: found[0]!.id, checks: entry.checks + 1, lastCheckedAt: iso(at) };
      if (!(await putIfPresent(next))) return { outcome: "gone", entry };
      return { outcome: "adopted", entry: next, resultId: found[0]!.id };
    }
    if (found.length > 1) {
      const next: PendingCreate = {
        ...entry,
        state: "ambiguous",
        candidates: found.map((f) => ({ id: f.id, summary: spec.describe(f.item) })),
        checks: entry.checks + 1,
        lastCheckedAt: iso(at),
        nextCheckAt: undefined,
      };
      if (!(await putIfPresent(next))) return { outcome: "gone", entry };
      return { outcome: "ambiguous", entry: next };
    }
    const next: PendingCreate = {
      ...entry,
      state: "unknown",
      checks: entry.checks + 1,
      lastCheckedAt: iso(at),
      // The last look is at the window's end; after it, looks are the user's ("check again").
      nextCheckAt: at < Date.parse(entry.windowEndsAt) ? iso(Math.min(at + delayAfter(entry.checks + 1), Date.parse(entry.windowEndsAt))) : undefined,
    };
    return (await putIfPresent(next)) ? { outcome: "waiting", entry: next } : { outcome: "gone", entry };
  }

  /**
   * Entries whose turn has come: unknown ones whose next look is due inside the window, and pending ones
   * no live call owns (`live`: ids of creates in flight in this process) that began over `staleMs` ago.
   */
  function due(entries: PendingCreate[], live: ReadonlySet<string> = new Set(), staleMs = 60_000): PendingCreate[] {
    const at = now().getTime();
    return entries.filter((e) => {
      if (live.has(e.id)) return false;
      if (e.state === "committed") return true;
      if (e.state === "pending") return at - Date.parse(e.startedAt) >= staleMs;
      if (e.state !== "unknown") return false;
      return e.nextCheckAt !== undefined && Date.parse(e.nextCheckAt) <= at;
    });
  }

  /** "Check again": a fresh window from now, and a look at once. */
  async function checkAgain(id: string) {
    const entry = (await ledger.list()).find((e) => e.id === id) ?? fail("api.create.pending_not_found", "id", { id });
    const at = now().getTime();
    return check({ ...entry, state: entry.state === "ambiguous" ? "unknown" : entry.state, candidates: undefined, windowEndsAt: iso(at + windowMs) });
  }

  /** The user chose one of an ambiguous entry's candidates: it is adopted (the caller records it, then settles). */
  async function choose(id: string, candidateId: string): Promise<PendingCreate> {
    const entry = (await ledger.list()).find((e) => e.id === id) ?? fail("api.create.pending_not_found", "id", { id });
    if (!(entry.candidates ?? []).some((c) => c.id === candidateId)) fail("api.create.not_a_candidate", "candidateId", { id: candidateId });
    const next: PendingCreate = { ...entry, state: "committed", resultId: candidateId };
    if (!(await putIfPresent(next))) fail("api.create.pending_not_found", "id", { id });
    return next;
  }

  /**
   * "Place it anyway (may duplicate)": the entry is dropped and the same create placed again with the
   * duplicate guard off, under a new entry (`context` is merged over the old entry's).
   */
  async function placeAnyway(
    id: string,
    context?: Record<string, string>,
    /** The private keys the entry does not keep (ParamSpec.secret), e.g. UploadUserCertificate's Key. */
    secrets: Record<string, string> = {},
  ): Promise<{ response: ApiResponse; entry: PendingCreate }> {
    const entry = (await ledger.list()).find((e) => e.id === id) ?? fail("api.create.pending_not_found", "id", { id });
    // Its result is known: placing it again would be a duplicate for certain.
    if (entry.state === "committed") fail("api.create.already_made", "id", { id, resultId: entry.resultId ?? "-" });
    const op = lookupOperation(entry.service, entry.action);
    const merged = entry.context || context ? { ...entry.context, ...context } : undefined;
    // Checked before the entry goes: without its secrets the create cannot be sent again (api.param.required names the field).
    validateParams(op, { ...entry.params, ...secrets });
    await remove(entry.id);
    return place(op, { ...entry.params, ...secrets }, { context: merged, extraKeys: entry.keys, allowDuplicate: true });
  }

  return { place, settle, check, due, checkAgain, choose, placeAnyway, listAll, list: () => ledger.list(), remove };
}

export type WriteAhead = ReturnType<typeof createWriteAhead>;

/** A ledger in memory, serialised like the stored ones (tests, and a CLI run told not to keep state). */
export function memoryLedger(initial: PendingCreate[] = []): CreateLedger {
  let entries = [...initial];
  let queue: Promise<unknown> = Promise.resolve();
  return {
    list: async () => [...entries],
    update: <T>(fn: (e: PendingCreate[]) => Promise<{ entries: PendingCreate[]; value: T }>) => {
      const next = queue.then(async () => {
        const r = await fn([...entries]);
        entries = r.entries;
        return r.value;
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
