// The worker's pending creates (src/background/orders/creates.ts over pending-store.ts) against the
// in-process emulator with its create faults: a create is placed once under a ledger entry; two pages
// placing the same CSR at once get one cloud order; a lost answer stays `unknown` and the follower's tick
// adopts the one order the list shows (linked to its key, exactly one local order); a worker stopped mid-call
// leaves a `pending` entry that a new worker over the same storage reconciles; an open order for the CSR
// refuses another until `allowDuplicate`; a lost KMS CreateCertificate is adopted with its CSR
// (GetCertificate); "place it anyway" only after the window; a create refused as a nonce replay is "no answer".
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../../emulator/index";
import { generateServerKey, makeCsr } from "../../../emulator/keys";
import { cloudFromClient } from "../../../src/background/cloud";
import { FOLLOW_ALARM, RECONCILE_PERIOD_MINUTES } from "../../../src/background/orders/follower";
import { PENDING_CREATES_KEY } from "../../../src/background/orders/pending-store";
import { createWorker } from "../../../src/background/worker";
import { createClient, staticCredentials, type FetchLike } from "../../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../../src/core/aliyun/hmac";
import type { OrderView, PendingCheckResult, PendingCreateView } from "../../../src/messages";
import { OWN_PAGE, fakePlatform, fakeServices } from "./fakes";

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => emulator.close());
beforeEach(() => emulator.control.setFaults({}));

const contact = { username: "Li Lei", email: "li@example.com", phone: "13800000000", validateType: "DNS" as const };
let csrCount = 0;
/** A fresh key and CSR per test (identities are per key and per domain). */
async function freshCsr(): Promise<{ csr: string; cn: string }> {
  const cn = `pc${++csrCount}-${Date.now()}.example.com`;
  return { csr: await makeCsr(await generateServerKey("EC_P256"), `CN=${cn}`, [cn]), cn };
}

/** A fetch that forwards to the emulator; `hang(action)` makes that action's answer never come back (after it reached the cloud). */
function controllableFetch() {
  const hanging = new Set<string>();
  const fetch: FetchLike = async (url, init) => {
    const answer = await globalThis.fetch(url, init);
    const action = init.headers["x-acs-action"] ?? /(?:^|&)Action=([^&]+)/.exec(init.body ?? url.split("?")[1] ?? "")?.[1];
    if (action && hanging.has(action)) return new Promise<never>(() => undefined); // the worker is "stopped" here
    return answer;
  };
  return { fetch, hang: (action: string) => hanging.add(action) };
}

async function setup(opts: { platform?: ReturnType<typeof fakePlatform>; fetch?: FetchLike; clock?: { offset: number } } = {}) {
  const p = opts.platform ?? fakePlatform();
  const clock = opts.clock ?? { offset: 0 };
  const s = fakeServices();
  const hmac = await hmacKeysFromSecret(emulator.accessKeySecret);
  s.services.cloud = async () =>
    cloudFromClient(
      createClient({
        credentials: staticCredentials({ accessKeyId: emulator.accessKeyId, hmac }),
        endpoint: emulator.url,
        sleep: async () => undefined,
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
      }),
    );
  let n = 0;
  let pid = 0;
  const worker = createWorker({
    platform: p.platform,
    services: s.services,
    newId: () => `o${++n}-${Math.random().toString(36).slice(2, 8)}`,
    newPendingId: () => `p${++pid}-${Math.random().toString(36).slice(2, 8)}`,
    now: () => new Date(Date.now() + clock.offset),
  });
  const send = (type: string, payload: unknown) => worker.handleMessage({ type, payload }, OWN_PAGE);
  async function value<T = OrderView>(type: string, payload: unknown): Promise<T> {
    const reply = await send(type, payload);
    if (!reply.ok) throw new Error(`${type}: ${JSON.stringify(reply.error)}`);
    return reply.value as T;
  }
  const pending = () => value<PendingCreateView[]>("orders.pending", {});
  const orders = () => value<OrderView[]>("orders.list", {});
  return { ...p, ...s, worker, send, value, pending, orders, clock };
}

/** Orders the emulator holds for `cn` (whatever the lists' lag). */
function cloudOrdersFor(cn: string): number {
  const snapshot = emulator.control.snapshot() as { orders: { domain: string }[] };
  return snapshot.orders.filter((o) => o.domain.split(",").includes(cn)).length;
}

describe("pending creates in the worker", () => {
  it("two pages submitting the same CSR at once make exactly one cloud order; the other is refused naming the pending create", async () => {
    const t = await setup();
    const { csr, cn } = await freshCsr();
    const [a, b] = await Promise.all([t.send("orders.submitCsr", { ...contact, csrPem: csr }), t.send("orders.submitCsr", { ...contact, csrPem: csr })]);
    const ok = [a, b].filter((r) => r.ok);
    const refused = [a, b].filter((r) => !r.ok);
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^api\.create\.(pending|open_order)$/), field: "CreateCertificateWithCsrRequest" } });
    expect(cloudOrdersFor(cn)).toBe(1);
    expect((await t.orders()).filter((o) => o.csrPem === csr)).toHaveLength(1);
    expect(await t.pending()).toEqual([]);
    expect(t.store.get(PENDING_CREATES_KEY)).toEqual([]);
  });

  it("a lost answer leaves an unknown entry; the follower's tick adopts the one order once the list shows it", async () => {
    const t = await setup();
    const { csr, cn } = await freshCsr();
    emulator.control.setFaults({ dropAfterCommit: 1, listLagMs: 4_000, actions: ["CreateCertificateWithCsrRequest"] });
    const lost = await t.send("orders.submitCsr", { ...contact, csrPem: csr });
    expect(lost).toMatchObject({ ok: false, error: { code: "api.create.unknown", field: "CreateCertificateWithCsrRequest" } });
    const pendingId = !lost.ok ? String(lost.error.params.pendingId) : "";
    expect(cloudOrdersFor(cn)).toBe(1); // carried out, answer lost

    const [entry] = await t.pending();
    expect(entry).toMatchObject({ id: pendingId, action: "CreateCertificateWithCsrRequest", operation: "CreateCertificateWithCsrRequest", state: "unknown", domain: "www.example.com", windowOver: false });
    expect(entry!.reason).toBeTruthy();
    expect(await t.orders()).toEqual([]);
    // The alarm comes sooner while a create is unresolved.
    expect(t.alarms.get(FOLLOW_ALARM)?.periodInMinutes).toBe(RECONCILE_PERIOD_MINUTES);

    // A second order for the same CSR is refused while the first is unknown.
    expect(await t.send("orders.submitCsr", { ...contact, csrPem: csr })).toMatchObject({ ok: false, error: { code: "api.create.pending", params: { pendingId } } });

    // The list lags: a look finds nothing yet, the entry stays unknown.
    t.clock.offset += 3_000;
    await t.worker.handleAlarm(FOLLOW_ALARM);
    expect(await t.orders()).toEqual([]);
    expect((await t.pending())[0]).toMatchObject({ id: pendingId, state: "unknown", checks: 1 });

    // Once the list shows it (business clock past the lag) and the next look is due, it is adopted.
    emulator.control.advanceTime(5_000);
    t.clock.offset += 10_000;
    await t.worker.handleAlarm(FOLLOW_ALARM);
    expect(await t.pending()).toEqual([]);
    const all = await t.orders();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ operation: "CreateCertificateWithCsrRequest", csrPem: csr, keyId: "k1" });
    expect(all[0]!.orderId).toMatch(/^\d+$/);
    expect(t.keys.get("k1")).toMatchObject({ state: "ordered", orderIds: [all[0]!.id] });
    expect(t.notifications.map((x) => x.id)).toContain(`pending:${pendingId}:adopted`);
    expect(cloudOrdersFor(cn)).toBe(1);

    // Adopting the same result again (a second look, a stale copy) adds nothing.
    await t.worker.creates.recordResult({ id: "again", service: "cas", action: "CreateCertificateWithCsrRequest", params: { Csr: csr }, keys: [], context: { operation: "CreateCertificateWithCsrRequest", domain: cn, keyId: "k1" }, startedAt: new Date().toISOString(), state: "committed", checks: 0, windowEndsAt: new Date().toISOString() }, all[0]!.orderId!);
    expect(await t.orders()).toHaveLength(1);
  });

  it("a worker stopped mid-create leaves a pending entry; a new worker over the same storage reconciles it on start", async () => {
    const platform = fakePlatform();
    const net = controllableFetch();
    net.hang("CreateCertificateWithCsrRequest");
    const first = await setup({ platform, fetch: net.fetch });
    const { csr, cn } = await freshCsr();
    void first.send("orders.submitCsr", { ...contact, csrPem: csr }); // never answered: the worker "stops" here
    const waitFor = async <T>(fn: () => T | undefined, ms = 10_000): Promise<T> => {
      const end = Date.now() + ms;
      for (;;) {
        const v = fn();
        if (v !== undefined) return v;
        if (Date.now() > end) throw new Error("timed out");
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await waitFor(() => (cloudOrdersFor(cn) === 1 ? true : undefined));
    const stored = platform.store.get(PENDING_CREATES_KEY) as { id: string; state: string }[];
    expect(stored).toHaveLength(1);
    expect(stored[0]!.state).toBe("pending");
    // In the first worker the call is live: its own look leaves it alone.
    await first.worker.creates.reconcile();
    expect((await first.pending())[0]).toMatchObject({ state: "pending" });

    const second = await setup({ platform });
    await second.worker.start();
    expect(await second.pending()).toEqual([]);
    const all = await second.orders();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ csrPem: csr, keyId: "k1", state: "validation" });
    expect(cloudOrdersFor(cn)).toBe(1);
  });

  it("an open order for the CSR refuses another, naming it; allowDuplicate places it on purpose", async () => {
    const t = await setup();
    const { csr, cn } = await freshCsr();
    const first = await t.value("orders.submitCsr", { ...contact, csrPem: csr });
    const again = await t.send("orders.submitCsr", { ...contact, csrPem: csr });
    expect(again).toMatchObject({ ok: false, error: { code: "api.create.open_order", field: "CreateCertificateWithCsrRequest", params: { orderId: first.orderId, state: first.state } } });
    expect(cloudOrdersFor(cn)).toBe(1);
    const second = await t.value("orders.submitCsr", { ...contact, csrPem: csr, allowDuplicate: true });
    expect(second.orderId).not.toBe(first.orderId);
    expect(cloudOrdersFor(cn)).toBe(2);
    expect(await t.send("orders.submitCsr", { ...contact, csrPem: csr, allowDuplicate: "yes" })).toMatchObject({ ok: false, error: { code: "message.payload.invalid", field: "payload.allowDuplicate" } });
  });

  it("two DV orders for one cloud CSR at once: one order, linked to its parent", async () => {
    const t = await setup();
    const cn = `kms${++csrCount}-${Date.now()}.example.com`;
    const parent = await t.value("orders.kmsCreateCertificate", { keySpec: "EC_P256", subject: { CN: cn, OU: "Ops", O: "Keysmith", C: "CN" }, sans: [cn], exportablePrivateKey: false });
    expect(parent).toMatchObject({ state: "pending_csr" });
    const replies = await Promise.all([t.send("orders.orderForCloudCsr", { ...contact, id: parent.id }), t.send("orders.orderForCloudCsr", { ...contact, id: parent.id })]);
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
    expect(replies.find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^(api\.create\.(pending|open_order)|orders\.cloud_csr\.already_ordered)$/) } });
    expect(cloudOrdersFor(cn)).toBe(1);
    const child = replies.find((r) => r.ok)!;
    expect((await t.value("orders.get", { id: parent.id })).childId).toBe(child.ok ? (child.value as OrderView).id : "");
  });

  it("a lost KMS CreateCertificate is adopted with the CSR KMS holds (GetCertificate)", async () => {
    const t = await setup();
    const cn = `kmslost${++csrCount}-${Date.now()}.example.com`;
    emulator.control.setFaults({ dropAfterCommit: 1, actions: ["CreateCertificate"] });
    const lost = await t.send("orders.kmsCreateCertificate", { keySpec: "EC_P256", subject: { CN: cn, OU: "Ops", O: "Keysmith", C: "CN" }, sans: [cn], exportablePrivateKey: false });
    expect(lost).toMatchObject({ ok: false, error: { code: "api.create.unknown", field: "CreateCertificate" } });
    const pendingId = !lost.ok ? String(lost.error.params.pendingId) : "";
    const checked = await t.value<PendingCheckResult>("orders.pendingCheck", { id: pendingId });
    expect(checked.order).toMatchObject({ operation: "KmsCreateCertificate", state: "pending_csr", domain: cn });
    expect(checked.order!.csrPem).toContain("BEGIN CERTIFICATE REQUEST");
    expect(await t.pending()).toEqual([]);
  });

  it("'place it anyway' is refused while the window is open and places it again after", async () => {
    const t = await setup();
    await t.value("settings.set", { reconcileMinutes: 1 });
    const domain = `anyway${++csrCount}-${Date.now()}.example.com`;
    // The create never commits and never answers: nothing to find.
    emulator.control.setFaults({ lateCommitMs: 3_600_000, lateCommit: 1, actions: ["CreateCertificateRequest"] });
    const lost = await t.send("orders.certificateRequest", { ...contact, domain });
    expect(lost).toMatchObject({ ok: false, error: { code: "api.create.unknown" } });
    const pendingId = !lost.ok ? String(lost.error.params.pendingId) : "";
    expect(await t.send("orders.pendingPlaceAnyway", { id: pendingId, confirm: true })).toMatchObject({ ok: false, error: { code: "orders.pending.not_over", field: "id" } });
    t.clock.offset += 61_000;
    expect((await t.pending())[0]).toMatchObject({ id: pendingId, windowOver: true });
    expect(await t.send("orders.pendingPlaceAnyway", { id: pendingId, confirm: false })).toMatchObject({ ok: false, error: { code: "orders.pending.confirm_required", field: "confirm" } });
    emulator.control.setFaults({});
    const placed = await t.value("orders.pendingPlaceAnyway", { id: pendingId, confirm: true });
    expect(placed).toMatchObject({ operation: "CreateCertificateRequest", domain });
    expect(await t.pending()).toEqual([]);
    expect(cloudOrdersFor(domain)).toBe(1);
  });
});
