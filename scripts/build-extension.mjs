// Builds the extension from one tree into dist/chrome (MV3 service worker; also Edge) and dist/firefox
// (MV3 background.scripts + gecko id). Three Vite builds: the pages (popup.html, options.html, code-split
// ES modules), the background worker (one ES module: heavy crypto lives here only) and the content
// script (one classic IIFE, injected on demand with scripting + activeTab). Then the manifest per browser,
// _locales/<lang>/messages.json merged from the per-area _locales/<lang>/*.json, and icons drawn here (no binary files in the repo).
// KEYSMITH_TEST_HOOKS=1 (set by scripts/test.mjs and test/support/fresh-build.ts) makes a test build: the
// worker is reachable as `globalThis.keysmith` for the end-to-end tests (Vite define __KEYSMITH_TEST_HOOKS__);
// any other build (`npm run build`, `npm start`) leaves it out. dist/.extension-build.json records which.
// KEYSMITH_DIST=DIR writes DIR/chrome and DIR/firefox instead of dist/ (the build's own test and
// scripts/package.mjs use it). KEYSMITH_RELEASE=1 makes a store build (scripts/package.mjs): the Chrome
// manifest without the development `key` (the stores assign the id), and never with the test hook.
// Every build: no source maps, THIRD_PARTY_NOTICES.txt (scripts/notices.mjs) with the licences of the bundled
// packages, and no `innerHTML` assignment in the pages (noInnerHtmlAssignment below), so `web-ext lint`
// reports nothing. The output depends only on the sources: content-hashed chunk names, sorted locale
// merges, icons drawn from code — scripts/package.mjs zips it reproducibly.
import { build } from "vite";
import { licenceCollector, noticesText } from "./notices.mjs";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { deflateSync } from "node:zlib";

const root = resolve(import.meta.dirname, "..");
const distDir = process.env.KEYSMITH_DIST ? resolve(process.env.KEYSMITH_DIST) : join(root, "dist");
const staging = join(distDir, ".extension");
const testHooks = process.env.KEYSMITH_TEST_HOOKS === "1";
const release = process.env.KEYSMITH_RELEASE === "1";
if (release && testHooks) throw new Error("KEYSMITH_RELEASE=1 and KEYSMITH_TEST_HOOKS=1: a store build never has the test hook");
// A store build is a production build whatever the caller's NODE_ENV (under Vitest it is "test", which turns
// on Preact's development JSX: slower, and each component's absolute source path in the bundle).
if (release) process.env.NODE_ENV = "production";
const licences = licenceCollector();
// A store build runs in a scratch copy of the commit whose node_modules is a link to the checkout's
// (scripts/package.mjs): keep the linked paths, so module paths (and the `// node_modules/...` region
// comments the worker bundle keeps) are relative to the copy and the same wherever it is.
const quiet = {
  configFile: false,
  logLevel: "warn",
  root,
  publicDir: false,
  plugins: [licences.plugin, noInnerHtmlAssignment()],
  resolve: { preserveSymlinks: release },
};

rmSync(staging, { recursive: true, force: true });

// 1. Pages.
const pages = ["popup.html", "options.html"].filter((p) => existsSync(join(root, p)));
if (pages.length > 0) {
  await build({
    ...quiet,
    base: "./",
    build: {
      outDir: staging,
      emptyOutDir: false,
      target: "chrome116",
      sourcemap: false,
      // <link rel="modulepreload"> for each page's chunks, so Chromium fetches them with the entry instead of
      // after it (one round trip to the browser process fewer). No polyfill: it is an inline script, which
      // CSP forbids, and Chrome 116+ and Firefox 115+ support modulepreload.
      modulePreload: { polyfill: false },
      rollupOptions: { input: Object.fromEntries(pages.map((p) => [p.replace(/\.html$/, ""), join(root, p)])) },
    },
  });
}

// 2. Worker and 3. content script: single files.
const singles = [
  { entry: "src/background/main.ts", name: "background", format: "es" },
  { entry: "src/content/main.ts", name: "content", format: "iife" },
];
for (const s of singles) {
  if (!existsSync(join(root, s.entry))) continue;
  await build({
    ...quiet,
    define: { __KEYSMITH_TEST_HOOKS__: JSON.stringify(testHooks) },
    build: {
      outDir: staging,
      emptyOutDir: false,
      target: "chrome116",
      sourcemap: false,
      minify: true,
      lib: { entry: join(root, s.entry), formats: [s.format], name: `keysmith_${s.name}`, fileName: () => `${s.name}.js` },
      rollupOptions: { output: { codeSplitting: false } },
    },
  });
}

// The licences of the bundled packages.
writeFileSync(join(staging, "THIRD_PARTY_NOTICES.txt"), noticesText(licences, "The Keysmith extension"));

// Icons.
mkdirSync(join(staging, "icons"), { recursive: true });
for (const size of [16, 32, 48, 128]) writeFileSync(join(staging, "icons", `icon-${size}.png`), drawIcon(size));

// Locales: every area merged into one messages.json per language.
for (const lang of readdirSync(join(root, "_locales"))) {
  const dir = join(root, "_locales", lang);
  const merged = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    Object.assign(merged, JSON.parse(readFileSync(join(dir, file), "utf8")));
  }
  // Chrome rejects keys with characters other than [A-Za-z0-9_@]; every key of ours is already of that shape.
  for (const key of Object.keys(merged)) {
    if (!/^[A-Za-z0-9_@]+$/.test(key)) throw new Error(`_locales/${lang}: key "${key}" is not a valid message name`);
  }
  mkdirSync(join(staging, "_locales", lang), { recursive: true });
  writeFileSync(join(staging, "_locales", lang, "messages.json"), JSON.stringify(merged, null, 1));
}

// Manifests per browser.
const manifest = JSON.parse(readFileSync(join(root, "manifest.json"), "utf8"));
const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
manifest.version = version;

function chromeManifest() {
  const m = structuredClone(manifest);
  delete m.browser_specific_settings;
  if (release) delete m.key; // the development id pin; the Chrome Web Store and Edge Add-ons assign the id
  m.background = { service_worker: m.background.service_worker, type: "module" };
  return m;
}
function firefoxManifest() {
  const m = structuredClone(manifest);
  delete m.key; // Chrome's id pin; Firefox uses gecko.id
  delete m.minimum_chrome_version;
  m.background = { scripts: m.background.scripts, type: "module" };
  return m;
}

for (const [browser, make] of [
  ["chrome", chromeManifest],
  ["firefox", firefoxManifest],
]) {
  const out = join(distDir, browser);
  rmSync(out, { recursive: true, force: true });
  cpSync(staging, out, { recursive: true });
  writeFileSync(join(out, "manifest.json"), JSON.stringify(make(), null, 2) + "\n");
}
rmSync(staging, { recursive: true, force: true });
writeFileSync(join(distDir, ".extension-build.json"), JSON.stringify({ testHooks, release }) + "\n");
console.log(`extension: ${join(distDir, "chrome")}, ${join(distDir, "firefox")}${testHooks ? " (test build: worker hook on)" : ""}${release ? " (store build)" : ""}`);

/**
 * Preact's renderer writes `dom.innerHTML = props.dangerouslySetInnerHTML.__html` — the one `innerHTML`
 * assignment in the pages, which `web-ext lint` reports (UNSAFE_VAR_ASSIGNMENT) and store reviewers ask about.
 * Keysmith never passes that prop (the pages render text through JSX only), so the assignment becomes a
 * throw: a future use fails loudly instead of injecting HTML. If a Preact release writes innerHTML in a way
 * this does not recognise, the build stops here rather than ship it.
 */
function noInnerHtmlAssignment() {
  const assignment = /\(([\w$]+)\.innerHTML=([\w$]+)\.__html\)/g;
  return {
    name: "keysmith-no-inner-html",
    transform(code, id) {
      if (!/[\\/]node_modules[\\/]preact[\\/]dist[\\/]preact\.mjs$/.test(id.split("?")[0])) return null;
      const known = code.match(assignment)?.length ?? 0;
      const all = code.match(/\.innerHTML\s*=(?!=)/g)?.length ?? 0;
      if (known !== all) throw new Error(`${id}: an innerHTML assignment scripts/build-extension.mjs does not recognise; update noInnerHtmlAssignment`);
      if (known === 0) return null;
      return { code: code.replace(assignment, '(()=>{throw new Error("Keysmith: dangerouslySetInnerHTML is not supported")})()'), map: null };
    },
  };
}

/** A rounded teal square with a white key-ring: enough for a toolbar icon, drawn without a binary asset. */
function drawIcon(size) {
  const px = Buffer.alloc(size * size * 4);
  const c = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const r = Math.max(Math.abs(x - c), Math.abs(y - c)) / (size / 2);
      const inSquare = r <= 0.95;
      const ringX = x - size * 0.38;
      const ringY = y - size * 0.42;
      const d = Math.hypot(ringX, ringY) / size;
      const ring = d > 0.1 && d < 0.2;
      const shaft = y > size * 0.38 && y < size * 0.48 && x > size * 0.55 && x < size * 0.85;
      const tooth = x > size * 0.72 && x < size * 0.8 && y >= size * 0.48 && y < size * 0.62;
      if (!inSquare) continue;
      const white = ring || shaft || tooth;
      px.set(white ? [255, 255, 255, 255] : [15, 118, 110, 255], i);
    }
  }
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) px.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function crc32(buf) {
  let crc = ~0;
  for (const b of buf) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}
