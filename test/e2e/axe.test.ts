// axe-core (a dev dependency, node_modules/axe-core) on the real extension in English and Chinese, against
// the local emulator (emulator/index.ts): the popup's four tabs, the New CSR screen with "More fields" open and
// after an empty submit, the CSR result, the order form, an order card waiting for its DNS record (and its
// "Cancel order…" question), the issued order card, an opened key card and the options page. Every state is
// reached as a user reaches it (one DV order: CSR → order → Alidns record → issued) and checked in both
// languages, in one browser; each test lists every violation it found before failing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  TEST_GRANTS, axeViolations, check, connectThroughOptions, expectAttribute, expectFocused, expectValue, expectVisible, launchExtension, openExtensionPage,
  startTestEmulator, waitFor, type ExtensionSession, type TestEmulator,
} from "./harness";

const DOMAIN = process.env.KEYSMITH_TEST_DOMAIN ?? "example.com";
const CN = `www.${DOMAIN}`;
const LANGS = ["en", "zh_CN"] as const;
type Lang = (typeof LANGS)[number];

let emulator: TestEmulator;
let session: ExtensionSession;
let orderId = "";
const violations: string[] = [];

/** Run axe on the page now and keep what it finds, labelled with the state and the language. */
async function audit(page: Page, state: string, lang: Lang): Promise<void> {
  for (const v of await axeViolations(page)) violations.push(`[${state}, ${lang}] ${v}`);
}

/** What this test has found so far, emptied: each test fails on its own states only. */
function takeViolations(): string[] {
  return violations.splice(0);
}

async function popup(lang: Lang, tab?: "new-csr" | "keys" | "orders" | "account"): Promise<Page> {
  const page = await openExtensionPage(session, `popup.html?lang=${lang}`);
  await page.setViewportSize({ width: 400, height: 600 });
  await page.waitForSelector("body[data-synced=true]");
  if (tab) {
    await page.click(`#tab-${tab}`);
    await expectAttribute(page, `#tab-${tab}`, "aria-selected", "true");
  }
  return page;
}

/** The list tabs draw what the worker answers: wait until no busy line is left. */
async function settled(page: Page): Promise<void> {
  await page.waitForSelector("main .notice-busy", { state: "detached" });
}

/** The order card once the worker has the order in `state` (Refresh pressed while waiting). */
async function orderCardIn(page: Page, state: string): Promise<void> {
  await waitFor(async () => {
    if ((await page.locator(`[data-order-id="${orderId}"][data-state="${state}"]`).count()) > 0) return true;
    const refresh = page.locator("#reload-orders");
    if (await refresh.isVisible()) await refresh.click();
    return false;
  }, `order ${orderId} in ${state}`, 150, 400);
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  session = await launchExtension({ grantHosts: TEST_GRANTS });
  const options = await connectThroughOptions(session, emulator);
  await options.close();
});
afterAll(async () => {
  await session?.dispose();
  await emulator?.close();
});

describe("axe-core: 0 violations in every state, en and zh_CN", () => {
  it("the popup's tabs, More fields and an empty submit", async () => {
    for (const lang of LANGS) {
      const page = await popup(lang);
      await page.waitForSelector("#create-csr");
      await audit(page, "New CSR", lang);
      await page.click("#create-csr");
      await expectFocused(page, "subject-cn");
      await expectAttribute(page, "#subject-cn", "aria-invalid", "true");
      await audit(page, "New CSR, empty submit", lang);
      if ((await page.getAttribute("#csr-more-toggle", "aria-expanded")) !== "true") await page.click("#csr-more-toggle");
      await expectVisible(page, "#subject-o");
      await audit(page, "New CSR, More fields", lang);
      // Leave the disclosure as the next test expects it (its state is remembered).
      await page.click("#csr-more-toggle");
      await expectAttribute(page, "#csr-more-toggle", "aria-expanded", "false");
      for (const tab of ["keys", "orders", "account"] as const) {
        await page.click(`#tab-${tab}`);
        await expectAttribute(page, `#tab-${tab}`, "aria-selected", "true");
        await settled(page);
        if (tab === "account") await expectAttribute(page, "#account-view", "data-state", check<string | null>("loaded", (s) => s !== null && s !== "loading"));
        await audit(page, `${tab} tab`, lang);
      }
      await page.close();
    }
    expect(takeViolations()).toEqual([]);
  });

  it("the options page", async () => {
    for (const lang of LANGS) {
      const page = await openExtensionPage(session, `options.html?lang=${lang}`);
      await page.waitForSelector("body[data-ready=true]");
      await expectValue(page, "#endpoint", emulator.url);
      await audit(page, "options", lang);
      await page.close();
    }
    expect(takeViolations()).toEqual([]);
  });

  it("the CSR result and the order form; the English form places a DV order", async () => {
    for (const lang of LANGS) {
      const page = await popup(lang, "new-csr");
      await page.selectOption("#csr-profile", "dv");
      await page.selectOption("#key-spec", "EC_P256");
      await page.fill("#subject-cn", lang === "en" ? CN : `zh.${DOMAIN}`);
      await page.click("#create-csr");
      await page.waitForSelector("#csr-pem", { timeout: 60_000 });
      await expectValue(page, "#csr-pem", /^-----BEGIN CERTIFICATE REQUEST-----/);
      await audit(page, "CSR result", lang);
      await page.click("#order-this-csr");
      await page.waitForSelector("#new-order");
      await expectValue(page, "#order-key", check("a key (not the paste-a-CSR choice)", (v) => v !== ""), "the new key preselected in #order-key");
      await audit(page, "order form", lang);
      if (lang === "en") {
        await page.fill("#order-username", "Test User");
        await page.fill("#order-email", `admin@${DOMAIN}`);
        await page.fill("#order-phone", "13800000000");
        await page.selectOption("#order-validate", "DNS");
        await page.click("#submit-order");
        await page.waitForSelector("#new-order", { state: "detached" });
        orderId = await waitFor(async () => (await page.locator("#order-list > li[data-order-id]").first().getAttribute("data-order-id")) ?? undefined, "the new order's card");
      } else {
        await page.click("#cancel-new-order");
        await page.waitForSelector("#new-order", { state: "detached" });
      }
      await page.close();
    }
    expect(orderId).not.toBe("");
    expect(takeViolations()).toEqual([]);
  });

  it("the order card waiting for its DNS record, and its Cancel order question", async () => {
    for (const lang of LANGS) {
      const page = await popup(lang, "orders");
      await orderCardIn(page, "validation");
      await expectVisible(page, `#rec-value-${orderId}`);
      await settled(page);
      await audit(page, "validation card", lang);
      await page.click(`#cancel-${orderId}`);
      await expectVisible(page, `#cancel-confirm-${orderId}`);
      await audit(page, "Cancel order question", lang);
      await page.click(`#keep-order-${orderId}`);
      await expectVisible(page, `#cancel-confirm-${orderId}`, false);
      await page.close();
    }
    expect(takeViolations()).toEqual([]);
  });

  it("the issued order card and the opened key card", async () => {
    const first = await popup("en", "orders");
    await orderCardIn(first, "validation");
    await first.click(`#add-dns-${orderId}`);
    await orderCardIn(first, "issued");
    await first.close();
    for (const lang of LANGS) {
      const page = await popup(lang, "orders");
      await orderCardIn(page, "issued");
      await expectVisible(page, `#issued-actions-${orderId}`);
      await settled(page);
      await audit(page, "issued card", lang);
      await page.click("#tab-keys");
      const card = page.locator("#key-list > li", { hasText: CN });
      await card.locator(".card-head").click();
      const keyId = (await card.getAttribute("data-key-id"))!;
      await expectVisible(page, `#export-format-${keyId}`);
      await settled(page);
      await audit(page, "key card", lang);
      await page.close();
    }
    expect(takeViolations()).toEqual([]);
  });
});
