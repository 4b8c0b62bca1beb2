// AccessKey credentials in real Chromium (src/background/credentials.ts): stored through the worker (as the options page does) leave no
// trace of the secret in any storage, are never returned, and signed calls to the emulator still work
// after the browser is restarted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  TEST_GRANTS,
  dumpExtensionStorage,
  findBytes,
  launchExtension,
  openExtensionPage,
  send,
  startTestEmulator,
  type ExtensionSession,
  type TestEmulator,
} from "./harness";

let emulator: TestEmulator;
let session: ExtensionSession;
let page: Page;

beforeAll(async () => {
  emulator = await startTestEmulator();
  session = await launchExtension({ grantHosts: TEST_GRANTS });
  page = await openExtensionPage(session, "options.html");
});
afterAll(async () => {
  await session?.dispose();
  await emulator?.close();
});

describe("credentials through the worker", () => {
  it("stores them write-only and a signed call works (both signature versions)", async () => {
    await send(page, "settings.set", { endpoint: emulator.url });
    const status = await send(page, "credentials.set", { accessKeyId: emulator.accessKeyId, accessKeySecret: emulator.accessKeySecret });
    expect(status.configured).toBe(true);
    expect(JSON.stringify(status)).not.toContain(emulator.accessKeySecret);
    expect(JSON.stringify(await send(page, "credentials.status", {}))).not.toContain(emulator.accessKeySecret);
    for (const signatureVersion of ["v3", "v1"] as const) {
      await send(page, "settings.set", { signatureVersion });
      const test = await send(page, "credentials.test", {});
      expect(test, signatureVersion).toMatchObject({ ok: true });
    }
  });

  it("a dump of all extension storage does not contain the secret in any encoding", async () => {
    const dump = await dumpExtensionStorage(session);
    const secret = new TextEncoder().encode(emulator.accessKeySecret);
    expect(dump).not.toContain(emulator.accessKeySecret);
    expect(findBytes(dump, secret, 8)).toEqual([]);
    expect(findBytes(dump, new TextEncoder().encode(`${emulator.accessKeySecret}&`), 8)).toEqual([]);
  });

  it("after a browser restart, signed calls still work and a wrong secret is reported as such", async () => {
    session = await session.relaunch();
    page = await openExtensionPage(session, "options.html");
    expect(await send(page, "credentials.test", {})).toMatchObject({ ok: true });
    expect((await send(page, "credentials.status", {})).configured).toBe(true);

    await send(page, "credentials.set", { accessKeyId: emulator.accessKeyId, accessKeySecret: "not-the-secret" });
    const bad = await send(page, "credentials.test", {});
    expect(bad.ok).toBe(false);
    expect(bad.error?.code).toBeTruthy();
    await send(page, "credentials.clear", {});
    expect((await send(page, "credentials.status", {})).configured).toBe(false);
  });
});
