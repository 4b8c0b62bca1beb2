// The renewal tick (src/background/lifecycle/renewer.ts) in the worker, against the in-process emulator with
// the real vault (fake-indexeddb) and the core's CSR inspection: a key whose certificate is due, with policy
// auto, gets a new key with the same subject, SANs and usages, one DV order through the write-ahead creates,
// its validation record through Alidns, the certificate paired, the record deleted, the policy moved to the
// new key; a worker restarted mid-way resumes without a second order; a failed validation notifies, keeps the
// current certificate and orders again after the backoff; an order or new key deleted mid-way is placed / made
// again; notify mode notifies once; a locked vault waits.
import { describe, expect, it } from "vitest";
import { RENEWAL_ALARM, RENEWAL_FOLLOW_MINUTES, RENEWAL_PERIOD_MINUTES } from "../../../src/background/lifecycle/renewer";
import type { KeyRenewal, KeyView, OrderView } from "../../../src/messages";
import { DAY, renewalHarness } from "./renewal-harness";

const h = renewalHarness();
const { advance, renewals, cloudOrdersFor, dnsRecordsFor, tickUntil, workerOn } = h;
const setup = (policy: Record<string, unknown>) => h.setup({ policy });
const offsetNow = () => h.now();

describe("the renewal tick", () => {
  it("auto: a due certificate is renewed with no click — new key, same names and usages, one DV order, DNS record added then deleted, policy moved", async () => {
    const t = await setup({ mode: "auto" });
    await t.worker.renewer.tick();
    expect(Object.values(renewals(t)).every((r) => r.progress === undefined)).toBe(true); // not due yet: nothing
    expect(cloudOrdersFor(t.domain)).toBe(0);

    advance(61 * DAY); // a 90-day certificate is due at day 60
    await tickUntil(t, () => renewals(t)[t.key.id]?.progress?.finishedAt !== undefined);
    const progress = renewals(t)[t.key.id]!.progress!;
    expect(progress).toMatchObject({ phase: "issued", failures: 0, replaces: t.key.certificate!.fingerprintSha256 });
    expect(progress.newKeyId).not.toBe(t.key.id);
    expect(cloudOrdersFor(t.domain)).toBe(1);

    const keys = await t.value<KeyView[]>("keys.list", {});
    const renewed = keys.find((k) => k.id === progress.newKeyId)!;
    expect(renewed).toMatchObject({ spec: "EC_P256", exportable: true, state: "issued", commonName: t.domain, sans: [t.domain] });
    expect(renewed.certificate!.notAfter > t.key.certificate!.notAfter).toBe(true);
    const inspection = await t.value<{ subjectFields: Record<string, string>; extKeyUsage: string[] }>("csr.inspect", { csrPem: renewed.csrPem });
    expect(inspection.subjectFields).toEqual({ CN: t.domain, O: "Keysmith Test" });
    expect(inspection.extKeyUsage).toEqual(["serverAuth", "clientAuth"]);
    // The old key keeps its certificate; the new one carries the policy.
    expect(keys.find((k) => k.id === t.key.id)!.certificate!.fingerprintSha256).toBe(t.key.certificate!.fingerprintSha256);
    expect(await t.value<KeyRenewal>("renewal.get", { keyId: renewed.id })).toMatchObject({ policy: { mode: "auto" } });

    const order = (await t.value<OrderView[]>("orders.list", {})).find((o) => o.id === progress.orderId)!;
    expect(order).toMatchObject({ state: "issued", keyId: renewed.id, dnsRecordRemoved: true });
    expect(dnsRecordsFor(t.domain)).toBe(0);
    expect(t.notifications.filter((n) => n.id === `renewal:${t.key.id}:done`)).toHaveLength(1);

    // Further ticks renew nothing again.
    advance(DAY);
    await tickUntil(t, () => false, 2);
    expect(cloudOrdersFor(t.domain)).toBe(1);
  });

  it("a worker restarted after the order was placed resumes it: no second order, the same new key", async () => {
    const t = await setup({ mode: "auto", key: "reuse" });
    advance(61 * DAY);
    await t.worker.renewer.tick(); // CSR made (same key), order placed, first look
    const first = renewals(t)[t.key.id]!.progress!;
    expect(first).toMatchObject({ phase: "ordered", newKeyId: t.key.id });
    expect(cloudOrdersFor(t.domain)).toBe(1);

    const again = await workerOn(t, t.factory); // same storage and vault: a restarted worker
    await again.worker.start();
    await tickUntil(again, () => renewals(t)[t.key.id]?.progress?.finishedAt !== undefined);
    expect(cloudOrdersFor(t.domain)).toBe(1);
    const key = await again.value<KeyView>("keys.get", { keyId: t.key.id });
    expect(key.certificate!.fingerprintSha256).not.toBe(t.key.certificate!.fingerprintSha256); // the same key, renewed
    expect(renewals(t)[t.key.id]!.progress).toMatchObject({ orderId: first.orderId, finishedAt: expect.any(String) });
  });

  it("a failed validation notifies, leaves the current certificate, and orders again after the backoff", async () => {
    const t = await setup({ mode: "auto" });
    advance(61 * DAY);
    await t.worker.renewer.tick();
    const placed = renewals(t)[t.key.id]!.progress!;
    const order = (await t.value<OrderView[]>("orders.list", {})).find((o) => o.id === placed.orderId)!;
    await h.emulator().control.forceOrderState(order.orderId!, "verify_fail");
    await t.worker.follower.tick();
    await t.worker.renewer.tick();
    const failed = renewals(t)[t.key.id]!.progress!;
    expect(failed).toMatchObject({ phase: "key", failures: 1, lastError: { code: "renewal.order.failed" }, newKeyId: placed.newKeyId });
    expect(Date.parse(failed.retryAt!) - offsetNow()).toBeGreaterThan(60_000);
    const note = t.notifications.find((n) => n.id === `renewal:${t.key.id}:failed`)!;
    expect(note.message).toMatch(new RegExp(`Renewing ${t.domain.replace(/\./g, "\\.")}: .*untouched`));
    expect((await t.value<KeyView>("keys.get", { keyId: t.key.id })).certificate!.fingerprintSha256).toBe(t.key.certificate!.fingerprintSha256);

    await t.worker.renewer.tick(); // before retryAt: nothing
    expect(cloudOrdersFor(t.domain)).toBe(1);
    advance(6 * 60_000);
    await tickUntil(t, () => renewals(t)[t.key.id]?.progress?.finishedAt !== undefined);
    expect(cloudOrdersFor(t.domain)).toBe(2);
    expect(renewals(t)[t.key.id]!.progress).toMatchObject({ failures: 0, finishedAt: expect.any(String) });
  });

  it("notify: one notification when due, none again for the same certificate, nothing ordered", async () => {
    const t = await setup({ mode: "notify" });
    await t.worker.renewer.tick();
    expect(t.notifications.filter((n) => n.id.startsWith("renewal:"))).toEqual([]);
    advance(61 * DAY);
    await t.worker.renewer.tick();
    await t.worker.renewer.tick();
    const due = t.notifications.filter((n) => n.id === `renewal:${t.key.id}:due`);
    expect(due).toHaveLength(1);
    expect(due[0]!.message).toMatch(new RegExp(`^renew ${t.domain.replace(/\./g, "\\.")}: due since \\d{4}-\\d\\d-\\d\\d`));
    expect(cloudOrdersFor(t.domain)).toBe(0);
  });

  it("the alarm: every 6 h, every minute while a renewal is under way; a locked vault waits", async () => {
    const t = await setup({ mode: "auto" });
    await t.worker.renewer.schedule();
    expect(t.alarms.get(RENEWAL_ALARM)).toMatchObject({ periodInMinutes: RENEWAL_PERIOD_MINUTES });
    advance(61 * DAY);
    const locked = await workerOn(t, t.factory, { locked: true });
    await locked.worker.renewer.tick();
    expect(renewals(t)[t.key.id]!.progress).toBeUndefined();
    expect(cloudOrdersFor(t.domain)).toBe(0);
    expect(t.notifications.some((n) => n.id === "vault:locked")).toBe(true);
    await t.worker.handleAlarm(RENEWAL_ALARM);
    expect(renewals(t)[t.key.id]!.progress?.phase).toBe("ordered");
    expect(t.alarms.get(RENEWAL_ALARM)).toMatchObject({ periodInMinutes: RENEWAL_FOLLOW_MINUTES });
  });

  it("an order or a new key deleted mid-way: the next attempt places / makes it again", async () => {
    const t = await setup({ mode: "auto" });
    advance(61 * DAY);
    await t.worker.renewer.tick();
    const placed = renewals(t)[t.key.id]!.progress!;
    await h.emulator().control.forceOrderState((await t.value<OrderView>("orders.get", { id: placed.orderId })).orderId!, "verify_fail");
    await t.worker.follower.tick();
    await t.value("orders.delete", { id: placed.orderId });
    await t.value("keys.delete", { keyId: placed.newKeyId, confirm: true, force: true });
    await t.worker.renewer.tick();
    expect(renewals(t)[t.key.id]!.progress).toMatchObject({ phase: "key", failures: 1, lastError: { code: "order.not_found" } });
    advance(6 * 60_000);
    await t.worker.renewer.tick();
    expect(renewals(t)[t.key.id]!.progress).toMatchObject({ failures: 2, lastError: { code: "vault.key.not_found" } });
    expect(renewals(t)[t.key.id]!.progress!.newKeyId).toBeUndefined();
    advance(11 * 60_000);
    await tickUntil(t, () => renewals(t)[t.key.id]?.progress?.finishedAt !== undefined);
    const done = renewals(t)[t.key.id]!.progress!;
    expect(done.newKeyId).not.toBe(placed.newKeyId);
    expect(done.orderId).not.toBe(placed.orderId);
    expect(await t.value<OrderView>("orders.get", { id: done.orderId })).toMatchObject({ state: "issued", keyId: done.newKeyId });
  });
});
