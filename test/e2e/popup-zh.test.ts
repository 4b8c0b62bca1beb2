// The real extension in a Chinese browser: popup and options follow the browser language (zh-CN) with
// no setting, show Chinese text in every tab, and nothing sticks out of the popup. Screenshots are kept in
// test-artifacts/ for a person to look at.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { ROOT, contains, expectAttribute, expectText, launchExtension, openExtensionPage, type ExtensionSession } from "./harness";

const SHOTS = join(ROOT, "test-artifacts");
let session: ExtensionSession;

async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map((el) => el.tagName.toLowerCase() + "#" + el.id)`) as Promise<string[]>;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  session = await launchExtension({ locale: "zh-CN" });
});
afterAll(async () => session?.dispose());

describe("zh-CN", () => {
  it("popup: every tab in Chinese, within 400 px", async () => {
    const page = await openExtensionPage(session, "popup.html");
    await page.setViewportSize({ width: 400, height: 600 });
    await page.waitForSelector("body[data-synced=true]");
    await expectAttribute(page, "html", "lang", "zh-CN");
    for (const [tab, text] of [["new-csr", "生成密钥和 CSR"], ["keys", "导入证书"], ["orders", "证书资源包额度"]] as const) {
      await page.click(`#tab-${tab}`);
      await page.getByText(text).first().waitFor();
      // Keys and Orders list what the worker answers: measure and photograph the tab once that is drawn.
      await page.waitForSelector("main .notice-busy", { state: "detached" });
      await expectText(page, "main", /[\u4e00-\u9fff]{4}/);
      await page.screenshot({ path: join(SHOTS, `popup-${tab}-zh_CN.png`), fullPage: true });
      expect(await overflow(page), tab).toEqual([]);
    }
  });

  it("options in Chinese", async () => {
    const page = await openExtensionPage(session, "options.html");
    await page.waitForSelector("body[data-ready=true]");
    await expectText(page, "h1", "Keysmith 设置");
    await expectText(page, "#cred-status", contains("尚未保存凭证"));
    await page.screenshot({ path: join(SHOTS, "options-zh_CN.png"), fullPage: true });
  });
});
