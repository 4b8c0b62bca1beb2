// Each context-menu handler (src/background/context-menus.ts), called in the worker (Playwright cannot click native menus), does
// its job on a test page with a console-like URL. The click's activeTab grant is stood in for by the
// harness's TEST_GRANTS (see harness.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { TEST_GRANTS, contains, expectText, expectValue, launchExtension, openExtensionPage, routeConsolePage, send, waitFor, type ExtensionSession } from "./harness";

const CONSOLE_URL = "https://yundun.console.aliyun.com/?p=cas#/certExtend/upload";
const CONSOLE_HTML = `<!doctype html><html><body>
<p id="names">Please secure shop.example.com and *.example.com, then www.example.com.</p>
<form><label>CSR <textarea id="csr" rows="10" cols="70"></textarea></label></form>
<p id="csr-text"></p><p id="cert-text"></p>
</body></html>`;

let session: ExtensionSession;
let page: Page;
let consolePage: Page;
const dir = mkdtempSync(join(tmpdir(), "keysmith-menu-e2e-"));

async function click(id: string, selectionText?: string, frameId = 0) {
  const sw = await session.worker();
  const expr = `(async () => {
    const [tab] = await chrome.tabs.query({ url: "https://yundun.console.aliyun.com/*" });
    return globalThis.keysmith.handleMenuClick({ menuItemId: ${JSON.stringify(id)}, selectionText: ${JSON.stringify(selectionText ?? null)} ?? undefined, frameId: ${frameId}, pageUrl: tab.url }, tab);
  })()`;
  return (await sw.evaluate(expr)) as { ok: boolean; error?: { code: string } };
}

/**
 * The popup a hand-off opened (action.openPopup, or a tab when the browser refuses it): it takes the
 * pending form itself. Returns everything it shows, field values included, once all of `expected` is
 * there (the pending form's view is drawn after the popup has synced), or what it shows after 30 s.
 */
async function popupShows(expected: string[]): Promise<string> {
  const popup = await waitFor(async () => session.context.pages().find((p) => p.url().includes("/popup.html") && !seen.has(p)), "the popup to open", 100, 100);
  seen.add(popup);
  await popup.waitForSelector("body[data-synced='true']");
  const read = async () =>
    (await popup.evaluate(`[document.body.innerText, ...Array.from(document.querySelectorAll("input, textarea"), (e) => e.value)].join(" | ")`)) as string;
  let text = await read();
  for (let i = 0; i < 300 && !expected.every((e) => text.includes(e)); i++) {
    await new Promise((r) => setTimeout(r, 100));
    text = await read();
  }
  await popup.close();
  return text;
}
const seen = new Set<Page>();

beforeAll(async () => {
  session = await launchExtension({ grantHosts: TEST_GRANTS });
  await routeConsolePage(session, "https://*.console.aliyun.com/**", CONSOLE_HTML);
  page = await openExtensionPage(session, "options.html");
  // A popup opened by action.openPopup in headless Chromium is not a page Playwright can see; make the
  // worker take its other path (the popup in a tab), which shows the same view.
  const sw = await session.worker();
  await sw.evaluate(`chrome.action.openPopup = () => Promise.reject(new Error("popup not available in this test"))`);
  consolePage = await session.context.newPage();
  await consolePage.goto(CONSOLE_URL);
});
afterAll(async () => {
  await session?.dispose();
});

describe("context menu handlers on a console page", () => {
  it("Create CSR for the selection: its domains reach the popup's form", async () => {
    const selection = await consolePage.locator("#names").innerText();
    expect(await click("create-csr", selection)).toEqual({ ok: true });
    const names = ["shop.example.com", "*.example.com", "www.example.com"];
    const shown = await popupShows(names);
    for (const name of names) expect(shown).toContain(name);
    expect(await send(page, "ui.takePendingForm", {})).toBeNull(); // the popup took it
  });

  let csrPem = "";
  let keyId = "";
  it("Insert CSR puts the chosen CSR into the focused console field", async () => {
    const made = await send(page, "csr.create", { spec: "EC_P256", subject: { CN: "shop.example.com" }, sans: ["shop.example.com"], exportable: false });
    csrPem = made.csrPem;
    keyId = made.key.id;
    await consolePage.bringToFront();
    await consolePage.locator("#csr").focus();
    expect(await click(`insert-csr:${keyId}`)).toEqual({ ok: true });
    await expectValue(consolePage.locator("#csr"), csrPem);
  });

  it("Inspect CSR and Submit as DV order take the CSR from a selection that lost its line breaks", async () => {
    const flat = csrPem.replace(/\n/g, " ");
    expect(await click("inspect-csr", `Your CSR: ${flat}`)).toEqual({ ok: true });
    expect(await popupShows(["shop.example.com"])).toContain("shop.example.com");
    expect(await click("submit-dv", flat)).toEqual({ ok: true });
    expect(await popupShows(["BEGIN CERTIFICATE REQUEST"])).toContain("BEGIN CERTIFICATE REQUEST");
    expect(await click("inspect-csr", "no csr here")).toMatchObject({ ok: false, error: { code: "selection.pem.missing" } });
  });

  it("Import certificate shows the selected certificate and pairs it with its key once confirmed", async () => {
    writeFileSync(join(dir, "k.csr"), csrPem);
    const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
    run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=Menu Test CA", "-days", "30"]);
    run(["x509", "-req", "-in", "k.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "leaf.pem", "-days", "20"]);
    const selection = `${readFileSync(join(dir, "leaf.pem"), "utf8")}`.replace(/\n/g, " ");
    expect(await click("import-certificate", selection)).toEqual({ ok: true });
    // Nothing is stored by the click: the popup shows the parsed certificate and imports it once confirmed.
    expect((await send(page, "keys.get", { keyId })).certificate).toBeUndefined();
    const popup = await waitFor(async () => session.context.pages().find((p) => p.url().includes("/popup.html") && !seen.has(p)), "the popup to open", 100, 100);
    seen.add(popup);
    await popup.waitForSelector("#import-cert-card");
    // The validity in local time, with how far its end is (issued for 20 days a moment ago: 19 whole days left).
    for (const shown of ["shop.example.com", "CN=Menu Test CA", "expires in 19 days"]) await expectText(popup, "#import-cert-card", contains(shown));
    await expectText(popup, "#import-cert-fingerprint", /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    await popup.click("#import-cert-confirm");
    await popup.waitForSelector("#pending-imported");
    const key = await send(page, "keys.get", { keyId });
    expect(key.certificate?.issuer).toBe("CN=Menu Test CA");
    await popup.close();
  });
});
