// A DV order survives the worker being stopped mid-flow and the browser being restarted: the
// order and key are still there, the follow alarm is armed again, and the order is followed to an
// issued certificate paired with its key, whose PFX OpenSSL opens.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import {
  TEST_GRANTS,
  check,
  expectEventually,
  launchExtension,
  openExtensionPage,
  send,
  startTestEmulator,
  stopWorker,
  waitFor,
  type ExtensionSession,
  type TestEmulator,
} from "./harness";

const FOLLOW_ALARM = "keysmith.orders.follow";
let emulator: TestEmulator;
let session: ExtensionSession;
let page: Page;

beforeAll(async () => {
  // The CA "reviews" for an hour of the emulator's business clock, so the order is still open across the restart.
  emulator = await startTestEmulator({ processDelayMs: 60 * 60_000 });
  session = await launchExtension({ grantHosts: TEST_GRANTS });
  page = await openExtensionPage(session, "options.html");
  // The emulator is trusted here as the options page would with "import without asking" ticked.
  await send(page, "settings.set", { endpoint: emulator.url, autoImportEndpoint: emulator.url });
  await send(page, "credentials.set", { accessKeyId: emulator.accessKeyId, accessKeySecret: emulator.accessKeySecret });
});
afterAll(async () => {
  await session?.dispose();
  await emulator?.close();
});

async function alarmArmed(): Promise<boolean> {
  const sw = await session.worker();
  return Boolean(await sw.evaluate(`chrome.alarms.get(${JSON.stringify(FOLLOW_ALARM)}).then((a) => !!a)`));
}
/** What the alarm does when it fires (Playwright cannot fast-forward Chrome's alarm clock). */
async function fireFollowAlarm(): Promise<void> {
  const sw = await session.worker();
  await sw.evaluate(`globalThis.keysmith.handleAlarm(${JSON.stringify(FOLLOW_ALARM)})`);
}

describe("an order across worker stops and a browser restart", () => {
  let orderLocalId = "";
  let keyId = "";

  it("submits a DV order for a CSR made in the worker; the validation record is shown", async () => {
    const made = await send(page, "csr.create", {
      spec: "EC_P256",
      subject: { CN: "www.example.com" },
      sans: ["www.example.com"],
      exportable: true,
    });
    keyId = made.key.id;
    const order = await send(page, "orders.submitCsr", {
      csrPem: made.csrPem,
      keyId,
      username: "Zhang San",
      email: "admin@example.com",
      phone: "13800000000",
      validateType: "DNS",
    });
    orderLocalId = order.id;
    expect(order.orderId).toMatch(/^\d+$/);
    expect(order.keyId).toBe(keyId);
    expect(order.state).toBe("validation");
    expect(order.validation).toMatchObject({ type: "DNS" });
    expect(await alarmArmed()).toBe(true);
  });

  it("the worker is stopped mid-flow; the next message wakes it and nothing is lost", async () => {
    await stopWorker(session);
    const order = await send(page, "orders.get", { id: orderLocalId });
    expect(order.state).toBe("validation");
    const added = await send(page, "orders.addDnsRecord", { id: orderLocalId });
    expect(added.dnsRecordId).toBeTruthy();
    expect(added.state).toBe("review"); // the record is seen; the CA is reviewing
  });

  it("after a browser restart the order is still followed to an issued certificate paired with its key", async () => {
    session = await session.relaunch();
    page = await openExtensionPage(session, "options.html");
    expect((await send(page, "orders.get", { id: orderLocalId })).dnsRecordId).toBeTruthy();
    await waitFor(() => alarmArmed(), "the follow alarm re-armed after restart");
    (emulator.control as { advanceTime(ms: number): void }).advanceTime(61 * 60_000);
    const issued = await waitFor(async () => {
      await fireFollowAlarm();
      const o = await send(page, "orders.get", { id: orderLocalId });
      return o.state === "issued" ? o : undefined;
    }, "the order to be issued", 60, 500);
    expect(issued.keyId).toBe(keyId);
    expect(issued.certificatePem).toMatch(/BEGIN CERTIFICATE/);
    const key = await send(page, "keys.get", { keyId });
    expect(key.state).toBe("issued");
    expect(key.certificate?.notAfter).toBeTruthy();

    const dir = mkdtempSync(join(tmpdir(), "keysmith-restart-"));
    writeFileSync(join(dir, "pass"), "pfx pass phrase");
    const pfx = await send(page, "keys.export", { keyId, format: "pkcs12", passphrase: "pfx pass phrase" });
    writeFileSync(join(dir, "k.pfx"), Buffer.from(pfx.data, "base64"));
    const opened = execFileSync("openssl", ["pkcs12", "-in", join(dir, "k.pfx"), "-passin", `file:${join(dir, "pass")}`, "-nodes"], { encoding: "utf8" });
    expect(opened).toMatch(/BEGIN PRIVATE KEY/);
    expect(opened).toMatch(/BEGIN CERTIFICATE/);
    // Nothing is open any more: the tick that saw the issue disarms the alarm and notifies (chrome.alarms
    // and chrome.notifications answer on their own time: wait for both).
    await expectEventually(() => alarmArmed(), false, "the follow alarm cleared once no order is open");
    const sw = await session.worker();
    await expectEventually(
      async () => (await sw.evaluate(`chrome.notifications.getAll().then((all) => Object.keys(all))`)) as string[],
      check(`including order:${orderLocalId}:issued`, (ids) => ids.includes(`order:${orderLocalId}:issued`)),
      "the issued notification",
    );
  });
});
