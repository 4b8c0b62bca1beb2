// src/core/aliyun/write-ahead.ts over a scripted cloud: the entry written before the send, a second
// create with the same identity refused while one is pending, a lost answer kept `unknown` (never "safe to
// retry"), adoption of the one new matching item once the list shows it, candidates for the user when
// several match, the window, "check again", "place it anyway", and a refusal leaving nothing behind.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AliyunClient, ApiResponse } from "../../../src/core/aliyun/client";
import { ApiError } from "../../../src/core/aliyun/api-error";
import { KeysmithError } from "../../../src/core/errors";
import { operation } from "../../../src/core/aliyun/operations";
import { createWriteAhead, memoryLedger, outcomeUnknown, type CreateLedger } from "../../../src/core/aliyun/write-ahead";
import { csrKeyHash } from "../../../src/core/aliyun/create-identity";
import type { Operation } from "../../../src/core/aliyun/operation-types";

function csr(cn: string): string {
  const dir = mkdtempSync(join(tmpdir(), "keysmith-wa-"));
  execFileSync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", join(dir, "k.pem")], { stdio: "pipe" });
  execFileSync("openssl", ["req", "-new", "-key", join(dir, "k.pem"), "-subj", `/CN=${cn}`, "-out", join(dir, "r.csr")], { stdio: "pipe" });
  return readFileSync(join(dir, "r.csr"), "utf8");
}

const contact = { Username: "Li Lei", Email: "li@example.com", Phone: "13800000000", ValidateType: "DNS" };
const CSR = csr("www.example.com");

interface Order {
  OrderId: string;
  Domain: string;
  ProductCode: string;
  BuyDate: number;
}

/** A cloud of cas orders: creates commit (or not) per the script; lists show what committed, after `lag` ms. */
function scriptedCloud(clock: { t: number }) {
  const orders: (Order & { visibleAt: number })[] = [];
  const calls: string[] = [];
  let next = 10000000000000001n;
  let onCreate: "answer" | "drop" | "drop-no-commit" | "503" | "refuse" | "throttle" = "answer";
  let lag = 0;
  const commit = (domain: string, product = "symantec-free-1-free"): Order => {
    const o = { OrderId: String(next++), Domain: domain, ProductCode: product, BuyDate: clock.t, visibleAt: clock.t + lag };
    orders.push(o);
    return o;
  };
  const client: AliyunClient = {
    signatureVersion: "v3",
    call: (service, action, params) => client.callOperation(operation(service, action), params),
    async callOperation(op: Operation, params = {}): Promise<ApiResponse> {
      calls.push(op.action);
      if (op.action === "ListUserCertificateOrder") {
        const page = Number(params.CurrentPage ?? 1);
        const size = Number(params.ShowSize ?? 50);
        const visible = orders.filter((o) => o.visibleAt <= clock.t && (!params.Keyword || o.Domain.includes(String(params.Keyword))));
        return { RequestId: "l", TotalCount: visible.length, CertificateOrderList: visible.slice((page - 1) * size, page * size).map(({ visibleAt: _v, ...o }) => o) };
      }
      const domain = String(params.Domain ?? "www.example.com");
      switch (onCreate) {
        case "answer":
          return { RequestId: "c", OrderId: commit(domain).OrderId };
        case "drop":
          commit(domain);
          throw new KeysmithError("api.network", { field: op.action, params: { reason: "socket hang up" } });
        case "drop-no-commit":
          throw new KeysmithError("api.timeout", { field: op.action, params: { seconds: 15 } });
        case "503":
          commit(domain);
          throw new ApiError({ action: op.action, status: 503, apiCode: "ServiceUnavailable", requestId: "x", apiMessage: "", recommend: "" });
        case "throttle":
          throw new ApiError({ action: op.action, status: 503, apiCode: "Throttling.User", requestId: "x", apiMessage: "", recommend: "" });
        case "refuse":
          throw new ApiError({ action: op.action, status: 404, apiCode: "NotRemainCount", requestId: "x", apiMessage: "", recommend: "" });
      }
    },
  };
  return {
    client,
    orders,
    calls,
    commit,
    set(mode: typeof onCreate, lagMs = 0) {
      onCreate = mode;
      lag = lagMs;
    },
  };
}

function setup(ledger: CreateLedger = memoryLedger()) {
  const clock = { t: Date.parse("2026-12-01T10:00:00Z") };
  const cloud = scriptedCloud(clock);
  let n = 0;
  const wa = createWriteAhead({ client: cloud.client, ledger, now: () => new Date(clock.t), newId: () => `p${++n}`, windowMs: 600_000 });
  return { clock, cloud, wa, ledger };
}

const csrOp = operation("cas", "CreateCertificateWithCsrRequest");
const domainOp = operation("cas", "CreateCertificateRequest");

describe("write-ahead creates", () => {
  it("an answered create leaves a committed entry until the caller settles it", async () => {
    const { cloud, wa } = setup();
    const { response, entry } = await wa.place(csrOp, { Csr: CSR, ...contact });
    expect(entry).toMatchObject({ state: "committed", resultId: response.OrderId, action: "CreateCertificateWithCsrRequest" });
    expect(entry.keys).toContain(`csr:${csrKeyHash(CSR)}`);
    expect(entry.before).toEqual([]);
    expect(cloud.calls.filter((c) => c.startsWith("Create"))).toHaveLength(1);
    await wa.settle(entry.id);
    expect(await wa.list()).toEqual([]);
  });

  it("a lost answer is unknown, never 'safe to retry'; a second create for the same CSR is refused naming it", async () => {
    const { cloud, wa } = setup();
    cloud.set("drop-no-commit");
    const err = await wa.place(csrOp, { Csr: CSR, ...contact }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "api.create.unknown", params: { pendingId: "p1" } });
    expect((err as KeysmithError).localized("en")).not.toMatch(/safe/i);
    const [entry] = await wa.list();
    expect(entry).toMatchObject({ id: "p1", state: "unknown", reason: "timeout:15" });
    // The ledger keeps a token; messages say it in the reader's language.
    expect((err as KeysmithError).localized("en")).toContain("(no answer within 15 s)");
    expect((err as KeysmithError).localized("zh_CN")).toContain("15 秒内无应答");
    cloud.set("answer");
    await expect(wa.place(csrOp, { Csr: CSR, ...contact })).rejects.toMatchObject({ code: "api.create.pending", params: { pendingId: "p1" } });
    // The same domain with another key is the same create too, until the first settles.
    await expect(wa.place(csrOp, { Csr: csr("www.example.com"), ...contact })).rejects.toMatchObject({ code: "api.create.pending" });
    expect(cloud.calls.filter((c) => c.startsWith("Create"))).toHaveLength(1);
    // On purpose: placed, under its own entry.
    const forced = await wa.place(csrOp, { Csr: CSR, ...contact }, { allowDuplicate: true });
    expect(forced.entry.state).toBe("committed");
  });

  it("adopts the order once a lagging list shows it, and only the one that matches on substance", async () => {
    const { clock, cloud, wa } = setup();
    cloud.commit("www.example.com"); // an older order for the same domain: in `before`
    cloud.set("drop", 5_000);
    await expect(wa.place(csrOp, { Csr: CSR, ...contact })).rejects.toMatchObject({ code: "api.create.unknown" });
    cloud.set("answer");
    cloud.commit("api.example.com"); // new, but another domain
    const made = cloud.orders[1]!;
    clock.t += 2_000;
    let [entry] = await wa.list();
    expect(wa.due([entry!])).toHaveLength(1);
    let r = await wa.check(entry!);
    expect(r.outcome).toBe("waiting"); // not listed yet
    clock.t += 4_000;
    [entry] = await wa.list();
    r = await wa.check(entry!);
    expect(r).toMatchObject({ outcome: "adopted", resultId: made.OrderId });
    expect(cloud.calls.filter((c) => c.startsWith("Create"))).toHaveLength(1);
  });

  it("a 503 after commit is unknown and reconciled; Throttling is a refusal that leaves nothing", async () => {
    const { cloud, wa } = setup();
    cloud.set("503");
    await expect(wa.place(domainOp, { Domain: "shop.example.com", ...contact })).rejects.toMatchObject({ code: "api.create.unknown" });
    const [entry] = await wa.list();
    expect(await wa.check(entry!)).toMatchObject({ outcome: "adopted", resultId: cloud.orders[0]!.OrderId });
    await wa.settle(entry!.id);
    cloud.set("throttle");
    await expect(wa.place(domainOp, { Domain: "mail.example.com", ...contact })).rejects.toMatchObject({ apiCode: "Throttling.User" });
    cloud.set("refuse");
    await expect(wa.place(domainOp, { Domain: "mail.example.com", ...contact })).rejects.toMatchObject({ apiCode: "NotRemainCount" });
    expect(await wa.list()).toEqual([]);
    expect(outcomeUnknown(new ApiError({ action: "X", status: 503, apiCode: "Throttling", requestId: "", apiMessage: "", recommend: "" }))).toBe(false);
    // A replayed nonce means a copy of this very request reached the cloud first.
    expect(outcomeUnknown(new ApiError({ action: "X", status: 400, apiCode: "SignatureNonceUsed", requestId: "", apiMessage: "", recommend: "" }))).toBe(true);
  });

  it("two matching new orders: ambiguous, both shown; the user's choice is adopted", async () => {
    const { clock, cloud, wa } = setup();
    cloud.set("drop-no-commit");
    await expect(wa.place(domainOp, { Domain: "shop.example.com", ...contact })).rejects.toMatchObject({ code: "api.create.unknown" });
    cloud.commit("shop.example.com");
    cloud.commit("shop.example.com");
    clock.t += 3_000;
    const [entry] = await wa.list();
    const r = await wa.check(entry!);
    expect(r.outcome).toBe("ambiguous");
    expect(r.entry.candidates!.map((c) => c.id).sort()).toEqual(cloud.orders.map((o) => o.OrderId).sort());
    expect(r.entry.candidates![0]!.summary).toMatchObject({ Domain: "shop.example.com", ProductCode: "symantec-free-1-free" });
    await expect(wa.choose(entry!.id, "1")).rejects.toMatchObject({ code: "api.create.not_a_candidate" });
    const chosen = await wa.choose(entry!.id, cloud.orders[1]!.OrderId);
    expect(chosen).toMatchObject({ state: "committed", resultId: cloud.orders[1]!.OrderId });
  });

  it("after the window: no more automatic looks; check again opens a new one; place anyway places once more", async () => {
    const { clock, cloud, wa } = setup();
    cloud.set("drop-no-commit");
    await expect(wa.place(domainOp, { Domain: "shop.example.com", ...contact })).rejects.toMatchObject({ code: "api.create.unknown" });
    let [entry] = await wa.list();
    for (let i = 0; i < 30 && entry!.nextCheckAt; i++) {
      clock.t = Date.parse(entry!.nextCheckAt);
      entry = (await wa.check(entry!)).entry;
    }
    expect(entry!.nextCheckAt).toBeUndefined();
    expect(Date.parse(entry!.lastCheckedAt!)).toBeLessThanOrEqual(Date.parse(entry!.windowEndsAt));
    expect(entry!.checks).toBeGreaterThan(5);
    expect(wa.due([entry!])).toEqual([]);
    expect((await wa.checkAgain(entry!.id)).outcome).toBe("waiting");
    [entry] = await wa.list();
    expect(entry!.nextCheckAt).toBeDefined();
    cloud.set("answer");
    const again = await wa.placeAnyway(entry!.id);
    expect(again.entry.state).toBe("committed");
    expect((await wa.list()).map((e) => e.id)).toEqual([again.entry.id]);
    expect(cloud.orders).toHaveLength(1);
  });

  it("an open order for the same CSR is refused, naming it", async () => {
    const clock = { t: Date.now() };
    const cloud = scriptedCloud(clock);
    const wa = createWriteAhead({
      client: cloud.client,
      ledger: memoryLedger(),
      now: () => new Date(clock.t),
      newId: () => "p",
      openOrderFor: async (keys) => (keys.includes(`csr:${csrKeyHash(CSR)}`) ? { id: "10000000000000042", state: "validation" } : undefined),
    });
    await expect(wa.place(csrOp, { Csr: CSR, ...contact })).rejects.toMatchObject({ code: "api.create.open_order", params: { orderId: "10000000000000042" } });
    expect(cloud.calls).toEqual([]);
  });

  it("two creates racing through one ledger: exactly one is sent", async () => {
    const { cloud, wa } = setup();
    const results = await Promise.allSettled([wa.place(csrOp, { Csr: CSR, ...contact }), wa.place(csrOp, { Csr: CSR, ...contact })]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(cloud.calls.filter((c) => c.startsWith("Create"))).toHaveLength(1);
  });

  it("a pending entry no live call owns is due once it is stale (a process stopped mid-call)", async () => {
    const { clock, wa, ledger } = setup();
    await ledger.update(async () => ({
      entries: [{ id: "old", service: "cas", action: "CreateCertificateRequest", params: { Domain: "x.example.com", ...contact }, keys: ["domain:x.example.com"], startedAt: new Date(clock.t).toISOString(), state: "pending", checks: 0, windowEndsAt: new Date(clock.t + 600_000).toISOString() }],
      value: undefined,
    }));
    const entries = await wa.list();
    expect(wa.due(entries)).toEqual([]);
    expect(wa.due(entries, new Set(), 0)).toHaveLength(1);
    expect(wa.due(entries, new Set(["old"]), 0)).toEqual([]);
    const r = await wa.check(entries[0]!);
    expect(r).toMatchObject({ outcome: "waiting", entry: { state: "unknown" } });
  });
});
