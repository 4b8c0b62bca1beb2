// The New CSR screen at the popup's 400x600, in English and Chinese, in the real extension (network blocked):
// the default screen shows its primary button without scrolling; a submit with an empty CN (keyboard or mouse,
// from the bottom of a scrolled form) focuses the CN and brings it into view with its error; the progress line
// of an RSA 4096 key is in view while the key is made and names the key without the chooser's hint; "More
// fields" keeps its state across openings; the tabs are reached by Tab as well as by the arrow keys, and the
// focus outline stands out from white by at least 3:1. Screenshots in test-artifacts/ui/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  ROOT, blockNetwork, check, contains, expectAttribute, expectEventually, expectFocused, expectText, expectValue, expectVisible, launchExtension,
  openExtensionPage, type ExtensionSession,
} from "./harness";

const SHOTS = join(ROOT, "test-artifacts", "ui");
const LOCALES = [
  { locale: "en", create: "Create key and CSR", making: "Making an RSA 4096 key…", required: /required/ },
  { locale: "zh_CN", create: "生成密钥和 CSR", making: "正在生成 RSA 4096 密钥…", required: /必须填写/ },
] as const;

let session: ExtensionSession;
let tried: string[];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  session = await launchExtension();
  tried = await blockNetwork(session);
});
afterAll(async () => session?.dispose());

async function openNewCsr(locale: string): Promise<Page> {
  const page = await openExtensionPage(session, `popup.html?lang=${locale}`);
  await page.setViewportSize({ width: 400, height: 600 });
  await page.waitForSelector("body[data-synced=true]");
  await page.waitForSelector("#create-csr");
  return page;
}

/** The element's box and the document's scroll offset, read together in the page. */
async function place(page: Page, selector: string): Promise<{ top: number; bottom: number; scrollTop: number; viewport: number }> {
  return (await page.evaluate(`(() => {
    const r = document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, scrollTop: document.scrollingElement.scrollTop, viewport: window.innerHeight };
  })()`)) as { top: number; bottom: number; scrollTop: number; viewport: number };
}

const inView = (p: { top: number; bottom: number; viewport: number }) => p.top >= 0 && p.bottom <= p.viewport;

async function setMoreFields(page: Page, open: boolean): Promise<void> {
  if ((await page.getAttribute("#csr-more-toggle", "aria-expanded")) !== String(open)) await page.click("#csr-more-toggle");
  await expectAttribute(page, "#csr-more-toggle", "aria-expanded", String(open));
}

describe.each(LOCALES)("New CSR at 400x600 ($locale)", ({ locale, create, making, required }) => {
  it("shows the primary button on the default screen without scrolling", async () => {
    const page = await openNewCsr(locale);
    await expectValue(page, "#csr-profile", "dv");
    await expectAttribute(page, "#csr-more-toggle", "aria-expanded", "false");
    await expectText(page, "#create-csr", create);
    await page.evaluate(`document.fonts.ready.then(() => true)`);
    const p = await place(page, "#create-csr");
    expect(p.scrollTop).toBe(0);
    expect(p.top).toBeGreaterThanOrEqual(0);
    expect(p.bottom).toBeLessThanOrEqual(600);
    // The hidden fields are behind the disclosure, the destination's hint speaks in words.
    await expectVisible(page, "#subject-o", false);
    await expectVisible(page, "#exportable", false);
    await expectText(page, "#csr-profile-hint", check<string>("no API name", (t) => !/CreateCertificate/.test(t) && t.length > 0));
    await page.screenshot({ path: join(SHOTS, `popup-new-csr-default-${locale}.png`) });
    await page.close();
  });

  it("an empty submit by keyboard focuses the CN, in view, with its error", async () => {
    const page = await openNewCsr(locale);
    await page.focus("#create-csr");
    await page.keyboard.press("Enter");
    await expectFocused(page, "subject-cn");
    await expectText(page, "#subject-cn-error", required);
    await expectAttribute(page, "#subject-cn", "aria-invalid", "true");
    expect(inView(await place(page, "#subject-cn"))).toBe(true);
    await page.close();
  });

  it("an empty submit by mouse from the bottom of the open form scrolls up to the CN", async () => {
    const page = await openNewCsr(locale);
    await setMoreFields(page, true);
    await page.evaluate(`window.scrollTo(0, document.scrollingElement.scrollHeight)`);
    await expectEventually(async () => (await place(page, "#subject-cn")).bottom < 0, true, "the CN scrolled out of view");
    await page.click("#create-csr");
    await expectFocused(page, "subject-cn");
    await expectEventually(async () => inView(await place(page, "#subject-cn-error")) && inView(await place(page, "#subject-cn")), true, "the CN and its error in view");
    await page.screenshot({ path: join(SHOTS, `popup-new-csr-empty-submit-${locale}.png`) });
    // Opening was this page's choice: a new popup opens the form the same way; then it is closed again.
    const again = await openNewCsr(locale);
    await expectAttribute(again, "#csr-more-toggle", "aria-expanded", "true");
    await expectVisible(again, "#subject-o", true);
    await setMoreFields(again, false);
    await again.close();
    await page.close();
  });

  it("keeps the RSA 4096 progress line in view while the key is made, named without the chooser's hint", async () => {
    const page = await openNewCsr(locale);
    await expectText(page, "#key-spec option[value=RSA_4096]", contains(locale === "en" ? "(slow to make)" : "（生成较慢）"));
    await page.selectOption("#key-spec", "RSA_4096");
    await page.fill("#subject-cn", `rsa-${locale.toLowerCase().replace("_", "-")}.example.com`);
    // Every animation frame records whether the progress line is there, in view, and what it says: whatever
    // the key takes, each frame it was shown is seen.
    await page.evaluate(`(() => {
      window.__progress = [];
      const look = () => {
        const el = document.getElementById("csr-progress");
        if (el) {
          const r = el.getBoundingClientRect();
          window.__progress.push({ inView: r.top >= 0 && r.bottom <= window.innerHeight, text: el.textContent });
        }
        if (!document.getElementById("csr-pem")) requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    })()`);
    await page.click("#create-csr");
    await page.waitForSelector("#csr-pem", { timeout: 120_000 });
    const frames = (await page.evaluate(`window.__progress`)) as { inView: boolean; text: string }[];
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.some((f) => f.inView)).toBe(true);
    // Once scrolled to, it stays in view: the last frames before the result all show it.
    expect(frames[frames.length - 1].inView).toBe(true);
    expect(frames[0].text).toContain(making);
    expect(frames[0].text).not.toMatch(/slow to make|recommended|生成较慢|推荐/);
    await expectText(page, "#csr-decoded", contains("RSA 4096"));
    await expectText(page, "#csr-decoded", check<string>("no hint", (t) => !/slow to make|生成较慢/.test(t)));
    await page.close();
  });

  it("reaches the tabs by Tab and by the arrow keys, with a focus outline of at least 3:1 on white", async () => {
    const page = await openNewCsr(locale);
    await page.focus("#tab-new-csr");
    await page.keyboard.press("Tab");
    await expectFocused(page, "tab-keys", "Tab from the first tab reaches the second");
    await page.keyboard.press("Shift+Tab");
    await expectFocused(page, "tab-new-csr");
    await page.keyboard.press("ArrowRight");
    await expectFocused(page, "tab-keys", "ArrowRight moves to the next tab");
    await expectAttribute(page, "#tab-keys", "aria-selected", "true");
    await page.keyboard.press("ArrowLeft");
    await expectFocused(page, "tab-new-csr");
    const colour = (await page.evaluate(`getComputedStyle(document.activeElement).outlineColor`)) as string;
    const style = (await page.evaluate(`getComputedStyle(document.activeElement).outlineStyle`)) as string;
    expect(style).toBe("solid");
    expect(contrastOnWhite(colour), colour).toBeGreaterThanOrEqual(3);
    await page.close();
  });
});

describe("offline", () => {
  it("touched no network", () => {
    expect(tried).toEqual([]);
  });
});

/** WCAG contrast of an `rgb(r, g, b)` colour against white. */
function contrastOnWhite(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return 1.05 / (l + 0.05);
}
