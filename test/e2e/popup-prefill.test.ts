// The popup's entry points for the context menu: the URL form (popup.html#new-csr?names=…) and the
// pending form the worker stores before opening the popup. Both fill CN and SANs; the pending form is
// taken once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectValue, launchExtension, openExtensionPage, type ExtensionSession } from "./harness";

let session: ExtensionSession;
beforeAll(async () => {
  session = await launchExtension();
});
afterAll(async () => session?.dispose());

describe("prefill", () => {
  it("from the URL: CN and SANs", async () => {
    const page = await openExtensionPage(session, "popup.html?lang=en#new-csr?names=shop.example.com,api.example.com");
    await page.waitForSelector("body[data-synced=true]");
    await expectValue(page, "#subject-cn", "shop.example.com");
    await expectValue(page, "#sans", "api.example.com");
    // Two names do not fit a single-domain DV order: the form switched to a destination that takes them.
    await expectValue(page, "#csr-profile", "generic");
  });

  it("from the worker's pending form (as the context menu leaves it), taken once", async () => {
    const sw = await session.worker();
    await sw.evaluate(`chrome.storage.local.set({ pendingForm: { action: "new-csr", names: ["www.example.cn", "example.cn"], createdAt: new Date().toISOString() } })`);
    const page = await openExtensionPage(session, "popup.html?lang=en");
    await page.waitForSelector("body[data-synced=true]");
    await expectValue(page, "#subject-cn", "www.example.cn");
    await expectValue(page, "#sans", "example.cn");
    // The first popup has taken the pending form (above); the next one finds none.
    const again = await openExtensionPage(session, "popup.html?lang=en");
    await again.waitForSelector("body[data-synced=true]");
    expect(await again.inputValue("#subject-cn")).toBe("");
  });
});
