// Real-Chromium harness for the extension's end-to-end tests (recipe: ../shared/docs/browser-testing.md).
// - ensureExtensionBuilt(): builds dist/chrome when any source is newer than it.
// - launchExtension(): Chromium with dist/chrome loaded on a persistent profile; `relaunch()` reopens the
//   same profile (same extension id, pinned by the manifest "key", so the same IndexedDB).
// - openExtensionPage(): popup/options as a tab; send(): a message exactly as the popup sends it.
// - stopWorker(): closes the MV3 service worker via CDP (as Chrome does when idle); the next message wakes it.
// - dumpExtensionStorage(): every IndexedDB database and chrome.storage area, as text, plus the raw bytes of
//   the profile's extension storage files, for secret searches.
// - startTestEmulator(): helper C's emulator on loopback.
// - routeConsolePage(): a fake Alibaba Cloud console page served without network.
// - connectThroughOptions(): the emulator's AccessKey and endpoint stored through the options page;
//   openPopup(): the popup at popup size, synced with the worker; openssl(): run it, stdout or a clear error.
import { chromium, type BrowserContext, type Page, type Worker } from "playwright-core";
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

function distWithGrants(dist: string, hosts: string[]): string {
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
    const existing = context.serviceWorkers().find((w) => w.url().startsWith(prefix));
    if (existing) return existing;
    const started = context.waitForEvent("serviceworker", { predicate: (w) => w.url().startsWith(prefix), timeout: 30_000 });
    started.catch(() => undefined); // unused when the worker is found another way
    // A stopped worker starts on the next event: send one from an extension page, as the popup would.
    let page = context.pages().find((p) => p.url().startsWith(prefix));
    const opened = !page;
    page ??= await context.newPage();
    if (opened) await page.goto(`${prefix}options.html`).catch(() => undefined);
    await page.evaluate(`chrome.runtime.sendMessage({ type: "settings.get", payload: {} })`).catch(() => undefined);
    const w = context.serviceWorkers().find((x) => x.url().startsWith(prefix)) ?? (await started);
    if (opened) await page.close().catch(() => undefined);
    return w;
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
  const browser = session.context.browser();
  const cdp = browser ? await browser.newBrowserCDPSession() : await session.context.newCDPSession(await session.context.newPage());
  const prefix = `chrome-extension://${session.extensionId}/`;
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

/** Helper C's emulator (emulator/: `startEmulator`), on loopback, any free port. */
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
  await options.click("#save-settings");
  await options.waitForSelector("#settings-saved");
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

