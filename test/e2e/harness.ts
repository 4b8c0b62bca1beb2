// Real-Chromium harness for the extension's end-to-end tests (recipe: ../shared/docs/browser-testing.md).
// - ensureExtensionBuilt(): builds dist/chrome when any source is newer than it.
// - launchExtension(): Chromium with dist/chrome loaded on a persistent profile; `relaunch()` reopens the
//   same profile (same extension id, pinned by the manifest "key", so the same IndexedDB). `worker()` wakes
//   the service worker with a message and retries until Playwright reports it (see there).
// - openExtensionPage(): popup/options as a tab; send(): a message exactly as the popup sends it.
// - stopWorker(): closes the MV3 service worker via CDP (as Chrome does when idle); the next message wakes it.
// - dumpExtensionStorage(): every IndexedDB database and chrome.storage area, as text, plus the raw bytes of
//   the profile's extension storage files, for secret searches.
// - startTestEmulator(): the local emulator (emulator/index.ts) on loopback.
// - routeConsolePage(): a fake Alibaba Cloud console page served without network.
// - connectThroughOptions(): the emulator's AccessKey and endpoint stored through the options page, with
//   "import without asking" ticked for it;
//   openPopup(): the popup at popup size, synced with the worker; openssl(): run it, stdout or a clear error.
// - waitFor(): poll until a check is truthy. A page shows what the worker answered some time after the click,
//   fill or navigation that asked for it, so nothing a test reads from a page is read only once: expectText(),
//   expectValue(), expectVisible(), expectChecked(), expectAttribute(), expectCount(), expectDisabled(),
//   expectFocused() and expectEventually() poll (on waitFor) until the state is there and fail with the last
//   value seen. contains() and check() describe a wanted value that is not an exact one; textNow() reads an
//   element's text without waiting, for failure messages.
// - openNewOrderForm(): the popup's Orders tab with an empty new-order form, whatever the previous test left.
// - axeViolations(): axe-core (node_modules/axe-core) run on a page as it is now, its violations as lines.
import { chromium, type BrowserContext, type Locator, type Page, type Worker } from "playwright-core";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { MessageType, ReplyOf, Reply, RequestOf } from "../../src/messages";
import { rebuildIfStale } from "../support/fresh-build";

export const ROOT = resolve(import.meta.dirname, "../..");
export const CHROME_DIST = join(ROOT, "dist", "chrome");
export const FIREFOX_DIST = join(ROOT, "dist", "firefox");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The id Chromium derives from the manifest "key": sha256(SPKI)[0..16] as a..p digits. */
export function extensionIdFromManifest(): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, "manifest.json"), "utf8")) as { key: string };
  const hex = createHash("sha256").update(Buffer.from(manifest.key, "base64")).digest("hex").slice(0, 32);
  return [...hex].map((c) => String.fromCharCode("a".charCodeAt(0) + parseInt(c, 16))).join("");
}

let builtThisRun = false;
/** Build dist/chrome + dist/firefox unless they are newer than every source. */
export function ensureExtensionBuilt(): void {
  if (builtThisRun) return;
  rebuildIfStale(
    "dist/chrome/manifest.json",
    ["src", "_locales", "manifest.json", "popup.html", "options.html", "scripts/build-extension.mjs"],
    "scripts/build-extension.mjs",
  );
  builtThisRun = true;
}

export interface ExtensionSession {
  context: BrowserContext;
  extensionId: string;
  userDataDir: string;
  worker(): Promise<Worker>;
  /** Close the browser (profile kept). */
  close(): Promise<void>;
  /** Close and reopen on the same profile. */
  relaunch(): Promise<ExtensionSession>;
  /** Close and delete the profile. */
  dispose(): Promise<void>;
}

export interface LaunchOptions {
  userDataDir?: string;
  /** Browser UI language, e.g. "zh-CN". */
  locale?: string;
  headless?: boolean;
  dist?: string;
  /**
   * Host permissions the user would grant at runtime: the options page's optional permission for the
   * emulator's loopback origin, and activeTab, which a real context-menu click grants on the console tab
   * (Playwright cannot click native menus or accept permission prompts). The harness loads a copy of
   * dist/chrome whose manifest lists them; the "key" keeps the same extension id and so the same storage.
   */
  grantHosts?: string[];
}

/**
 * A private copy of the built extension `dist` whose manifest also lists `hosts` as host permissions (the
 * grants a user would give at runtime); the caller deletes it.
 */
export function distWithGrants(dist: string, hosts: string[]): string {
  const copy = join(tmpdir(), `keysmith-dist-${process.pid}-${createHash("sha256").update(dist + hosts.join()).digest("hex").slice(0, 12)}`);
  rmSync(copy, { recursive: true, force: true });
  cpSync(dist, copy, { recursive: true });
  const manifestPath = join(copy, "manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { host_permissions: string[] };
  manifest.host_permissions = [...new Set([...manifest.host_permissions, ...hosts])];
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  return copy;
}

/** What tests grant by default: the loopback emulator and the fake console pages. */
export const TEST_GRANTS = ["http://127.0.0.1/*", "https://*.console.aliyun.com/*", "https://*.console.alibabacloud.com/*"];

export async function launchExtension(options: LaunchOptions = {}): Promise<ExtensionSession> {
  ensureExtensionBuilt();
  // Always a private copy: another process rebuilding dist/chrome must not pull files from under this browser.
  const dist = distWithGrants(options.dist ?? CHROME_DIST, options.grantHosts ?? []);
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), "keysmith-profile-"));
  const args = [
    `--disable-extensions-except=${dist}`,
    `--load-extension=${dist}`,
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ];
  if (options.locale) args.push(`--lang=${options.locale}`);
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: options.headless ?? true,
    locale: options.locale,
    args,
  });
  const expectedId = extensionIdFromManifest();
  const prefix = `chrome-extension://${expectedId}/`;
  const worker = async (): Promise<Worker> => {
    const find = () => context.serviceWorkers().find((w) => w.url().startsWith(prefix));
    const existing = find();
    if (existing) return existing;
    const started = context.waitForEvent("serviceworker", { predicate: (w) => w.url().startsWith(prefix), timeout: 90_000 }).catch(() => undefined);
    // A stopped worker starts on the next event: send one from an extension page, as the popup would. Right
    // after a relaunch on a used profile nothing else starts it, and the first navigation to the extension
    // (or its message) can fail while the browser is still loading it: so try again until a worker shows up.
    let page = context.pages().find((p) => p.url().startsWith(prefix));
    const opened = !page;
    page ??= await context.newPage();
    let answered = false;
    let lastError = "";
    try {
      return await waitFor(
        async () => {
          const w = find();
          if (w) return w;
          if (!page.url().startsWith(prefix)) await page.goto(`${prefix}options.html`).catch((e: unknown) => void (lastError = String(e)));
          answered = false;
          const reply = page.evaluate(`chrome.runtime.sendMessage({ type: "settings.get", payload: {} })`).then(
            () => void (answered = true),
            (e: unknown) => void (lastError = String(e)),
          );
          await Promise.race([reply, new Promise((r) => setTimeout(r, 5_000))]);
          const seen = find() ?? (await Promise.race([started, new Promise<undefined>((r) => setTimeout(() => r(undefined), 1_000))]));
          // A worker answered that Playwright never reported (it started while the browser was still being
          // attached to): stop it, as Chrome does when idle, so the next message starts one Playwright sees.
          if (!seen && answered) await closeWorkerTargets(context, prefix);
          return seen;
        },
        "the extension's service worker",
        12,
        500,
      );
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)} (the last message ${answered ? "was answered" : "got no answer"}${lastError ? `; last error: ${lastError}` : ""})`);
    } finally {
      if (opened) await page.close().catch(() => undefined);
    }
  };
  const sw = await worker();
  const extensionId = new URL(sw.url()).host;
  if (extensionId !== expectedId) throw new Error(`extension id ${extensionId}, expected ${expectedId} (manifest key)`);
  const session: ExtensionSession = {
    context,
    extensionId,
    userDataDir,
    worker,
    close: () => context.close(),
    relaunch: async () => {
      await context.close();
      return launchExtension({ ...options, userDataDir });
    },
    dispose: async () => {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
      rmSync(dist, { recursive: true, force: true });
    },
  };
  return session;
}

/** Open an extension page (popup.html, options.html) as a tab. */
export async function openExtensionPage(session: ExtensionSession, path = "popup.html"): Promise<Page> {
  const page = await session.context.newPage();
  await page.goto(`chrome-extension://${session.extensionId}/${path}`);
  return page;
}

/** Send one protocol message from an extension page, exactly as the popup does; returns the raw reply. */
export async function sendRaw<T extends MessageType>(page: Page, type: T, payload: RequestOf<T>, locale?: "en" | "zh_CN"): Promise<Reply<ReplyOf<T>>> {
  return page.evaluate(
    async ([type, payload, locale]) => {
      const c = (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome;
      return (await c.runtime.sendMessage({ type, payload, ...(locale ? { locale } : {}) })) as never;
    },
    [type, payload, locale] as const,
  ) as Promise<Reply<ReplyOf<T>>>;
}

/** Like sendRaw but returns the value, throwing with the error's code and message on `{ ok: false }`. */
export async function send<T extends MessageType>(page: Page, type: T, payload: RequestOf<T>): Promise<ReplyOf<T>> {
  const reply = await sendRaw(page, type, payload);
  if (!reply.ok) throw Object.assign(new Error(`${type}: ${reply.error.code}: ${reply.error.message}`), { data: reply.error });
  return reply.value;
}

/** Stop the extension's service worker the way Chrome does when it is idle. Resolves once it is gone. */
export async function stopWorker(session: ExtensionSession): Promise<void> {
  await closeWorkerTargets(session.context, `chrome-extension://${session.extensionId}/`);
}

/** Close every service-worker target under `prefix` through CDP; resolves once none is left (or after 10 s). */
async function closeWorkerTargets(context: BrowserContext, prefix: string): Promise<void> {
  // A persistent context has no Browser object: a page's CDP session sees every target too.
  const browser = context.browser();
  let helper: Page | undefined;
  const cdp = browser ? await browser.newBrowserCDPSession() : await context.newCDPSession((helper = await context.newPage()));
  const list = async () =>
    ((await cdp.send("Target.getTargets")) as { targetInfos: { targetId: string; type: string; url: string }[] }).targetInfos.filter(
      (t) => t.type === "service_worker" && t.url.startsWith(prefix),
    );
  for (const t of await list()) await cdp.send("Target.closeTarget", { targetId: t.targetId }).catch(() => undefined);
  for (let i = 0; i < 100; i++) {
    if ((await list()).length === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await cdp.detach().catch(() => undefined);
  await helper?.close().catch(() => undefined);
}

/**
 * Everything the extension stored, as text: each IndexedDB database (every store, every record; binary
 * values as hex AND base64, CryptoKeys as their public description), chrome.storage local/sync/session,
 * followed by the raw bytes (latin1) of the profile's IndexedDB / storage files for this extension.
 */
export async function dumpExtensionStorage(session: ExtensionSession): Promise<string> {
  const { logical, raw } = await dumpExtensionStorageParts(session);
  return `${logical}\n${raw}`;
}

/**
 * The two halves of the dump: `logical` is what the extension stored as script sees it; `raw` is the
 * profile's files. Note: Chromium serialises every CryptoKey stored in IndexedDB (non-extractable ones
 * too) with its key bytes into those files; that is the browser's storage, not something the extension
 * wrote, so a search for a WebCrypto key's bytes belongs in `logical`, and `raw` is for everything else
 * (secrets kept as bytes: SM2 keys, the AccessKey secret).
 */
export async function dumpExtensionStorageParts(session: ExtensionSession): Promise<{ logical: string; raw: string }> {
  const page = await openExtensionPage(session, "options.html");
  // A string, not a function: test transpilers may inject helpers (__name) that do not exist in the page.
  const logical = (await page.evaluate(DUMP_SCRIPT)) as string;
  await page.close();
  const raw: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      const p = join(dir, entry);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.size < 64 * 1024 * 1024) raw.push(`== file ${p}\n${readFileSync(p).toString("latin1")}`);
    }
  };
  const profile = join(session.userDataDir, "Default");
  for (const sub of ["IndexedDB", "Local Extension Settings", "Sync Extension Settings", "Storage"]) {
    const dir = join(profile, sub);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir)) if (entry.includes(session.extensionId)) walk(join(dir, entry));
  }
  return { logical, raw: raw.join("\n") };
}

const DUMP_SCRIPT = `(async () => {
  const out = [];
  const enc = (v, depth = 0) => {
    if (depth > 12) return "<deep>";
    if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
      const bytes = v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      let bin = "";
      for (const b of bytes) bin += String.fromCharCode(b);
      return { hex: Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""), base64: btoa(bin) };
    }
    if (typeof CryptoKey !== "undefined" && v instanceof CryptoKey) {
      return { cryptoKey: { type: v.type, extractable: v.extractable, algorithm: v.algorithm, usages: v.usages } };
    }
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return v.map((x) => enc(x, depth + 1));
    if (v && typeof v === "object") {
      const o = {};
      for (const [k, x] of Object.entries(v)) o[k] = enc(x, depth + 1);
      return o;
    }
    return v;
  };
  for (const info of await indexedDB.databases()) {
    if (!info.name) continue;
    const db = await new Promise((res, rej) => {
      const r = indexedDB.open(info.name);
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    for (const storeName of Array.from(db.objectStoreNames)) {
      const rows = await new Promise((res, rej) => {
        const tx = db.transaction(storeName, "readonly");
        const store = tx.objectStore(storeName);
        const keysReq = store.getAllKeys();
        const valsReq = store.getAll();
        tx.oncomplete = () => res(keysReq.result.map((key, i) => ({ key, value: valsReq.result[i] })));
        tx.onerror = () => rej(tx.error);
      });
      out.push("== indexedDB " + info.name + " / " + storeName + " (" + rows.length + ")");
      for (const row of rows) out.push(JSON.stringify(enc(row)));
    }
    db.close();
  }
  for (const area of ["local", "sync", "session"]) {
    const a = chrome.storage[area];
    if (!a) continue;
    out.push("== chrome.storage." + area);
    out.push(JSON.stringify(enc(await a.get(null))));
  }
  return out.join("\\n");
})()`;

/**
 * Search a dump for bytes in the encodings they could be stored in; returns the encodings found. With
 * `windows`, any 16-byte slice found raw also counts (a partial copy of a secret is as bad as a whole one);
 * use it for secret material only, not for structures whose headers are public (PKCS#8 shares its
 * algorithm identifier with the public key).
 */
export function findBytes(dump: string, bytes: Uint8Array, minLength = 16, options: { windows?: boolean } = {}): string[] {
  const b = Buffer.from(bytes);
  const found: string[] = [];
  const forms: Record<string, string> = {
    hex: b.toString("hex"),
    HEX: b.toString("hex").toUpperCase(),
    base64: b.toString("base64").replace(/=+$/, ""),
    base64url: b.toString("base64url"),
    latin1: b.toString("latin1"),
  };
  for (const [name, text] of Object.entries(forms)) {
    if (text.length >= minLength && dump.includes(text)) found.push(name);
  }
  if (options.windows) {
    for (let i = 0; i + 16 <= b.length; i += 4) {
      if (dump.includes(b.subarray(i, i + 16).toString("latin1"))) {
        found.push(`latin1-window@${i}`);
        break;
      }
    }
  }
  return found;
}

export interface TestEmulator {
  url: string;
  accessKeyId: string;
  accessKeySecret: string;
  close(): Promise<void>;
  control?: unknown;
}

/** The local emulator (emulator/: `startEmulator`), on loopback, any free port. */
export async function startTestEmulator(options: Record<string, unknown> = {}): Promise<TestEmulator> {
  const candidates = ["emulator/index.ts", "emulator/server.ts", "emulator/start.ts", "emulator/main.ts"];
  for (const rel of candidates) {
    const file = join(ROOT, rel);
    if (!existsSync(file)) continue;
    const mod = (await import(file)) as { startEmulator?: (o: Record<string, unknown>) => Promise<TestEmulator> };
    if (typeof mod.startEmulator === "function") return mod.startEmulator({ port: 0, host: "127.0.0.1", ...options });
  }
  throw new Error("emulator/: no startEmulator export found");
}

/** Serve `html` for every URL matching `pattern` (e.g. "https://*.console.aliyun.com/**") without network. */
export async function routeConsolePage(session: ExtensionSession, pattern: string, html: string): Promise<void> {
  await session.context.route(pattern, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
}

/** Block every non-extension network request (for "works offline" tests); returns the URLs that were tried. */
export async function blockNetwork(session: ExtensionSession): Promise<string[]> {
  const tried: string[] = [];
  await session.context.route(/^(https?|wss?):\/\//, (route) => {
    tried.push(route.request().url());
    return route.abort("internetdisconnected");
  });
  return tried;
}

/** Wait until `check` returns a truthy value (no timed assertions: a generous bound, then fail). */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, what: string, tries = 300, intervalMs = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A wanted value described for failure messages, when it is not one exact value (see contains(), check()). */
export class Check<T> {
  constructor(
    readonly describe: string,
    readonly test: (value: T) => boolean,
  ) {}
}

/** What a polled value must be: exactly this value (deep-equal for arrays), a RegExp it matches, or a Check. */
export type Expected<T> = T | RegExp | Check<T>;

/** Text that includes `part`. */
export function contains(part: string): Check<string> {
  return new Check(`containing ${JSON.stringify(part)}`, (text) => text.includes(part));
}

/** Any value passing `test`, described as `describe` ("not empty", "longer than 8 characters"). */
export function check<T>(describe: string, test: (value: T) => boolean): Check<T> {
  return new Check(describe, test);
}

/** What a poll saw when the element was not (or no longer) in the page. */
const ABSENT = Symbol("no such element");
type Seen<T> = T | typeof ABSENT;

function describeWanted<T>(want: Expected<T>): string {
  if (want instanceof Check) return want.describe;
  if (want instanceof RegExp) return `matching ${String(want)}`;
  return JSON.stringify(want);
}

function matches<T>(value: T, want: Expected<T>): boolean {
  if (want instanceof Check) return want.test(value);
  if (want instanceof RegExp) return typeof value === "string" && want.test(value);
  return JSON.stringify(value) === JSON.stringify(want);
}

function describeSeen(seen: Seen<unknown> | undefined): string {
  if (seen === undefined) return "nothing (never read)";
  if (seen === ABSENT) return "no such element";
  return JSON.stringify(seen);
}

export interface ExpectOptions {
  /** How long the state may take to appear; 30 s unless told (the page waits for the worker). */
  timeoutMs?: number;
}

/**
 * Poll `read` until its value is `want`; returns that value. Fails with what was waited for, what was
 * wanted and the last value seen; an error thrown by `read` (the page closed) fails at once, with it.
 */
export async function expectEventually<T>(read: () => Promise<T>, want: Expected<T>, what: string, options: ExpectOptions = {}): Promise<T> {
  return pollFor(read, want, what, options);
}

class Deadline extends Error {}

async function pollFor<T>(read: () => Promise<Seen<T>>, want: Expected<T>, what: string, options: ExpectOptions): Promise<T> {
  const intervalMs = 100;
  const timeoutMs = options.timeoutMs ?? 30_000;
  let last: Seen<T> | undefined;
  const started = Date.now();
  const timedOut = () =>
    new Error(`timed out after ${Math.round((Date.now() - started) / 1000)} s waiting for ${what}: wanted ${describeWanted(want)}, last seen ${describeSeen(last)}`);
  try {
    const hit = await waitFor(
      async () => {
        last = await read();
        // Checked at least once, even when one read took longer than the whole timeout.
        if (last !== ABSENT && matches(last, want)) return { value: last };
        if (Date.now() - started > timeoutMs) throw new Deadline();
        return undefined;
      },
      what,
      Math.ceil(timeoutMs / intervalMs) + 1,
      intervalMs,
    );
    return hit.value;
  } catch (err) {
    if (err instanceof Deadline || (err instanceof Error && err.message === `timed out waiting for ${what}`)) throw timedOut();
    throw new Error(`while waiting for ${what} (last seen ${describeSeen(last)}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function isLocator(where: Page | Locator): where is Locator {
  return typeof (where as Locator).first === "function";
}

/** `page, selector` (the first element matching, as page.textContent() reads) or a Locator, and the rest. */
function locate<R extends unknown[]>(where: Page | Locator, rest: [string, ...R] | R): { locator: Locator; rest: R } {
  if (isLocator(where)) return { locator: where, rest: rest as R };
  const [selector, ...more] = rest as [string, ...R];
  return { locator: where.locator(selector).first(), rest: more as unknown as R };
}

/**
 * One read of an element that may not be there yet, or was re-rendered away during the read: ABSENT then.
 * Any other failure (two elements for a strict Locator, a value read from a <p>, the page closed) is thrown.
 */
async function readElement<T>(locator: Locator, read: (l: Locator) => Promise<T>): Promise<Seen<T>> {
  if ((await locator.count()) === 0) return ABSENT;
  try {
    return await read(locator);
  } catch (err) {
    if ((await locator.count().catch(() => 1)) === 0) return ABSENT;
    throw err;
  }
}

const READ_TIMEOUT = { timeout: 2_000 };

/** Wait until the element's textContent is `want`; returns it. */
export function expectText(page: Page, selector: string, want: Expected<string>, what?: string, options?: ExpectOptions): Promise<string>;
export function expectText(locator: Locator, want: Expected<string>, what?: string, options?: ExpectOptions): Promise<string>;
export function expectText(where: Page | Locator, ...args: [string, Expected<string>, string?, ExpectOptions?] | [Expected<string>, string?, ExpectOptions?]): Promise<string> {
  const { locator, rest } = locate<[Expected<string>, string?, ExpectOptions?]>(where, args);
  const [want, what, options] = rest;
  return pollFor(async () => readElement(locator, async (l) => (await l.textContent(READ_TIMEOUT)) ?? ""), want, what ?? `the text of ${String(locator)}`, options ?? {});
}

/** Wait until the input, textarea or select has the value `want`; returns it. */
export function expectValue(page: Page, selector: string, want: Expected<string>, what?: string, options?: ExpectOptions): Promise<string>;
export function expectValue(locator: Locator, want: Expected<string>, what?: string, options?: ExpectOptions): Promise<string>;
export function expectValue(where: Page | Locator, ...args: [string, Expected<string>, string?, ExpectOptions?] | [Expected<string>, string?, ExpectOptions?]): Promise<string> {
  const { locator, rest } = locate<[Expected<string>, string?, ExpectOptions?]>(where, args);
  const [want, what, options] = rest;
  return pollFor(async () => readElement(locator, (l) => l.inputValue(READ_TIMEOUT)), want, what ?? `the value of ${String(locator)}`, options ?? {});
}

/** Wait until the element is visible (or, with `visible` false, hidden or gone). */
export async function expectVisible(page: Page, selector: string, visible?: boolean, what?: string): Promise<void>;
export async function expectVisible(locator: Locator, visible?: boolean, what?: string): Promise<void>;
export async function expectVisible(where: Page | Locator, ...args: [string, boolean?, string?] | [boolean?, string?]): Promise<void> {
  const { locator, rest } = locate<[boolean?, string?]>(where, args);
  const [visible = true, what] = rest;
  await pollFor(() => locator.isVisible(), visible, what ?? `${String(locator)} ${visible ? "visible" : "hidden"}`, {});
}

/** Wait until the checkbox is (or is not) checked. */
export async function expectChecked(page: Page, selector: string, checked: boolean, what?: string): Promise<void>;
export async function expectChecked(locator: Locator, checked: boolean, what?: string): Promise<void>;
export async function expectChecked(where: Page | Locator, ...args: [string, boolean, string?] | [boolean, string?]): Promise<void> {
  const { locator, rest } = locate<[boolean, string?]>(where, args);
  const [checked, what] = rest;
  await pollFor(async () => readElement(locator, (l) => l.isChecked(READ_TIMEOUT)), checked, what ?? `${String(locator)} ${checked ? "checked" : "unchecked"}`, {});
}

/** Wait until the control is (or is not) disabled. */
export async function expectDisabled(page: Page, selector: string, disabled: boolean, what?: string): Promise<void>;
export async function expectDisabled(locator: Locator, disabled: boolean, what?: string): Promise<void>;
export async function expectDisabled(where: Page | Locator, ...args: [string, boolean, string?] | [boolean, string?]): Promise<void> {
  const { locator, rest } = locate<[boolean, string?]>(where, args);
  const [disabled, what] = rest;
  await pollFor(async () => readElement(locator, (l) => l.isDisabled(READ_TIMEOUT)), disabled, what ?? `${String(locator)} ${disabled ? "disabled" : "enabled"}`, {});
}

/** Wait until the element's attribute `name` is `want` (null: the attribute is absent); returns it. */
export function expectAttribute(page: Page, selector: string, name: string, want: Expected<string | null>, what?: string): Promise<string | null>;
export function expectAttribute(locator: Locator, name: string, want: Expected<string | null>, what?: string): Promise<string | null>;
export function expectAttribute(where: Page | Locator, ...args: [string, string, Expected<string | null>, string?] | [string, Expected<string | null>, string?]): Promise<string | null> {
  // Both forms start with a string: a Page's first is the selector, a Locator's the attribute name.
  const { locator, rest } = locate<[string, Expected<string | null>, string?]>(where, args as [string, string, Expected<string | null>, string?]);
  const [name, want, what] = rest;
  return pollFor(async () => readElement(locator, (l) => l.getAttribute(name, READ_TIMEOUT)), want, what ?? `the ${name} of ${String(locator)}`, {});
}

/** Wait until exactly `want` elements match `selector` on the page (every match), or the Locator; returns the count. */
export function expectCount(page: Page, selector: string, want: Expected<number>, what?: string): Promise<number>;
export function expectCount(locator: Locator, want: Expected<number>, what?: string): Promise<number>;
export function expectCount(where: Page | Locator, ...args: [string, Expected<number>, string?] | [Expected<number>, string?]): Promise<number> {
  // Every match counts, so not locate()'s first one.
  const locator = isLocator(where) ? where : where.locator(args[0] as string);
  const [want, what] = (isLocator(where) ? args : args.slice(1)) as [Expected<number>, string?];
  return pollFor(() => locator.count(), want, what ?? `the number of ${String(locator)}`, {});
}

/** Wait until the page's focused element has the id `id`. */
export async function expectFocused(page: Page, id: string, what?: string): Promise<void> {
  // A string, not a function: see DUMP_SCRIPT.
  await pollFor(async () => (await page.evaluate(`document.activeElement ? document.activeElement.id : ""`)) as string, id, what ?? `#${id} focused`, {});
}

/** The element's text now, or "" when it is not in the page (no waiting: for failure messages). */
export async function textNow(page: Page, selector: string): Promise<string> {
  const locator = page.locator(selector).first();
  return (await locator.count()) ? ((await locator.textContent(READ_TIMEOUT).catch(() => "")) ?? "") : "";
}

/**
 * The popup's Orders tab with the new-order form open and empty. A form still open (a previous test that
 * stopped half-way) is cancelled first, so each order test starts from the same place.
 */
export async function openNewOrderForm(popup: Page): Promise<void> {
  await popup.click("#tab-orders");
  await popup.waitForSelector("#show-new-order, #cancel-new-order");
  if (await popup.isVisible("#cancel-new-order")) await popup.click("#cancel-new-order");
  await popup.click("#show-new-order");
  await popup.waitForSelector("#new-order");
}

/** Runs openssl; returns its stdout, or throws with the command and its stderr. */
export function openssl(args: string[], input?: string, cwd?: string): string {
  const r = spawnSync("openssl", args, { encoding: "utf8", input, cwd });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/**
 * Stores the emulator's AccessKey and endpoint through the options page, as a user does (the loopback origin
 * must be among the session's grants). Returns the options page, still open, for more checks.
 */
export async function connectThroughOptions(session: ExtensionSession, emulator: TestEmulator): Promise<Page> {
  const options = await openExtensionPage(session, "options.html?lang=en");
  await options.waitForSelector("body[data-ready=true]");
  await options.fill("#access-key-id", emulator.accessKeyId);
  await options.fill("#access-key-secret", emulator.accessKeySecret);
  await options.click("#save-credentials");
  await options.waitForSelector("#cred-status.status-ok");
  await options.fill("#endpoint", emulator.url);
  // A user who set up the local emulator trusts what it returns (off by default; see src/options/OptionsApp.tsx).
  await options.check("#auto-import");
  await options.click("#save-cloud");
  await options.waitForSelector("#cloud-saved");
  return options;
}

/** The popup at popup width, once it has its settings from the worker; on `tab` when given. */
export async function openPopup(session: ExtensionSession, options: { tab?: "new-csr" | "keys" | "orders"; height?: number } = {}): Promise<Page> {
  const popup = await openExtensionPage(session, "popup.html?lang=en");
  await popup.setViewportSize({ width: 400, height: options.height ?? 600 });
  await popup.waitForSelector("body[data-synced=true]");
  if (options.tab) await popup.click(`#tab-${options.tab}`);
  return popup;
}

/** `openssl req -verify -text` on a CSR (SM2 with the default id 1234567812345678): stdout and stderr, or a clear error. */
export function opensslVerifyCsr(pem: string, sm2: boolean): string {
  const args = ["req", "-noout", "-verify", "-text", ...(sm2 ? ["-vfyopt", "distid:1234567812345678"] : [])];
  const r = spawnSync("openssl", args, { encoding: "utf8", input: pem });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
  return `${r.stdout}\n${r.stderr}`;
}

let axeSource: string | undefined;

/**
 * axe-core's default rule set (WCAG 2.x A/AA and best practices) on the page as it is now; one line per
 * violation and element: rule, impact, what it asks, the element and axe's summary. The extension pages' CSP
 * (script-src 'self') refuses an inline <script>, so the library is evaluated through the DevTools protocol
 * (page.evaluate of its source), which that CSP does not govern. Wait for the state first: this reads once.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  axeSource ??= readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");
  if (!(await page.evaluate(`typeof window.axe === "object"`))) await page.evaluate(axeSource);
  // A string, not a function: see DUMP_SCRIPT.
  const found = (await page.evaluate(`window.axe.run(document, { resultTypes: ["violations"] }).then((r) =>
    r.violations.flatMap((v) => v.nodes.map((n) =>
      v.id + " (" + v.impact + "): " + v.help + " at " + n.target.join(" ") + " | " + (n.failureSummary || "").replace(/\\s+/g, " "))))`)) as string[];
  return found;
}
