// The worker's door in real Chromium: the popup's way of sending, typed replies, payload checks, errors
// in the page's language, settings kept across a stopped worker, and the console context menus present.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { launchExtension, openExtensionPage, sendRaw, stopWorker, type ExtensionSession } from "./harness";

let session: ExtensionSession;
let page: Page;

beforeAll(async () => {
  session = await launchExtension();
  page = await openExtensionPage(session, "options.html");
});
afterAll(async () => {
  await session?.dispose();
});

describe("worker protocol in Chromium", () => {
  it("answers with typed replies and keeps settings across a stopped worker", async () => {
    expect(await sendRaw(page, "settings.get", {})).toMatchObject({ ok: true, value: { site: "cn", signatureVersion: "v3" } });
    const set = await sendRaw(page, "settings.set", { site: "intl", endpoint: "http://127.0.0.1:8787/path" });
    expect(set).toMatchObject({ ok: true, value: { site: "intl", endpoint: "http://127.0.0.1:8787" } });
    await stopWorker(session);
    expect(await sendRaw(page, "settings.get", {})).toMatchObject({ ok: true, value: { site: "intl", endpoint: "http://127.0.0.1:8787" } });
  });

  it("refuses invalid payloads naming the field, in the page's language", async () => {
    const en = await sendRaw(page, "keys.get", { keyId: 42 } as never);
    expect(en).toMatchObject({ ok: false, error: { code: "message.payload.invalid", field: "payload.keyId" } });
    const zh = await sendRaw(page, "settings.set", { site: "mars" } as never, "zh_CN");
    expect(zh).toMatchObject({ ok: false, error: { code: "message.payload.invalid", field: "payload.site" } });
    const unknown = (await page.evaluate(`chrome.runtime.sendMessage({ type: "keys.dump", payload: {} })`)) as unknown;
    expect(unknown).toMatchObject({ ok: false, error: { code: "message.type.unknown" } });
  });

  it("registers the console context menu items", async () => {
    const sw = await session.worker();
    const present = await sw.evaluate(`Promise.all(["create-csr", "inspect-csr", "submit-dv", "import-certificate", "insert-csr"].map((id) =>
      new Promise((r) => chrome.contextMenus.update(id, {}, () => r(chrome.runtime.lastError ? id + ": " + chrome.runtime.lastError.message : "ok")))))`);
    expect(present).toEqual(["ok", "ok", "ok", "ok", "ok"]);
  });
});
