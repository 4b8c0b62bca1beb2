// Firefox for the browser tests (firefox-smoke.test.ts, firefox-dv.test.ts): Debian's firefox-esr, headless,
// driven over WebDriver BiDi by puppeteer-core, the add-on installed as a temporary add-on with its
// moz-extension UUID pinned by the `extensions.webextensions.uuids` pref so the popup's address is known.
// Firefox's stdout/stderr are kept and searched for errors from the add-on's scripts. Recipe and caveats:
// docs/extension.md, "Firefox".
import { existsSync } from "node:fs";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { expect } from "vitest";

export const FIREFOX = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";
export const ADDON_ID = "keysmith@keysmith.dev";

/** The reply to one protocol message, as the popup receives it. */
export interface RawReply<T = unknown> {
  ok: boolean;
  value?: T;
  error?: { code: string; message: string };
}

export interface FirefoxRun {
  browser: Browser;
  /** The popup's address, in English. */
  popup: string;
  /**
   * Lines of Firefox's stdout/stderr that report an uncaught error or rejection in the add-on's own scripts
   * ("JavaScript error: moz-extension://<uuid>/background.js, line N: Error: …").
   */
  addonErrors(): string[];
}

/**
 * Firefox started with the add-on in `dist` installed (its id checked) under the moz-extension UUID `uuid`;
 * `extraPrefs` are added to the prefs every run has. Throws, saying how to get it, when Firefox is missing.
 */
export async function launchFirefox(dist: string, uuid: string, extraPrefs: Record<string, unknown> = {}): Promise<FirefoxRun> {
  if (!existsSync(FIREFOX)) {
    throw new Error(
      `Firefox not found at ${FIREFOX}: install Debian's firefox-esr (apt-get install -y firefox-esr; .ci/run does when it is missing) or set FIREFOX_PATH`,
    );
  }
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX,
    headless: true,
    // Navigating a tab to a moz-extension:// page over BiDi is refused ("Navigation to … is not allowed in
    // this context") unless the remote agent may reach privileged contexts.
    args: ["--remote-allow-system-access"],
    extraPrefsFirefox: {
      "extensions.webextensions.uuids": JSON.stringify({ [ADDON_ID]: uuid }),
      // console.* of extension pages and the background script on stdout, searched by addonErrors().
      "devtools.console.stdout.content": true,
      "devtools.console.stdout.chrome": true,
      ...extraPrefs,
      // No updates, telemetry or remote settings: nothing here can reach them.
      "app.update.disabledForTesting": true,
      "datareporting.policy.dataSubmissionEnabled": false,
      "services.settings.server": "http://127.0.0.1:9/",
      "network.connectivity-service.enabled": false,
      "network.captive-portal-service.enabled": false,
    },
  });
  const output: string[] = [];
  const proc = browser.process();
  proc?.stdout?.on("data", (d: Buffer) => output.push(d.toString()));
  proc?.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
  try {
    expect(await browser.installExtension(dist)).toBe(ADDON_ID);
  } catch (err) {
    await browser.close();
    throw err;
  }
  return {
    browser,
    popup: `moz-extension://${uuid}/popup.html?lang=en`,
    addonErrors: () =>
      output
        .join("")
        .split("\n")
        .filter((line) => line.includes(`moz-extension://${uuid}/`) && /^JavaScript error|uncaught exception/i.test(line)),
  };
}

/**
 * The popup in a new tab, once it has its settings from the background script; `options.previous` (the tab
 * it replaces) is closed, `options.viewport` set. goto of a moz-extension:// page never resolves over BiDi,
 * so it is not awaited; a wait that meets the blank page's realm going away fails with a protocol error on a
 * busy machine, so it is tried again (three times).
 */
export async function openPopup(
  run: FirefoxRun,
  options: { previous?: Page; viewport?: { width: number; height: number } } = {},
): Promise<Page> {
  const page = await run.browser.newPage();
  await options.previous?.close();
  if (options.viewport) await page.setViewport(options.viewport);
  page.goto(run.popup).catch(() => undefined);
  for (let attempt = 1; ; attempt++) {
    try {
      await page.waitForSelector("body[data-synced=true]", { timeout: 30_000 });
      return page;
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

/** One protocol message from the popup page `page`, as the popup sends it (the raw `{ ok, value | error }` reply). */
export async function sendRaw<T = unknown>(page: Page, type: string, payload: unknown): Promise<RawReply<T>> {
  return page.evaluate(
    (type, payload) => (globalThis as unknown as { browser: { runtime: { sendMessage(m: unknown): Promise<never> } } }).browser.runtime.sendMessage({ type, payload }),
    type,
    payload,
  );
}

/** A property of the first element of `page` matching `selector` ("" while there is none), for expectEventually. */
export function read(page: Page, selector: string, property: "value" | "textContent"): () => Promise<string> {
  return () => page.$eval(selector, (el, p) => String((el as unknown as Record<string, unknown>)[p] ?? ""), property).catch(() => "");
}
