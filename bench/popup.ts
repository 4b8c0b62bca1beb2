// Popup time-to-interactive and bundle size. Launches Chromium with the built extension (test/e2e/harness),
// opens popup.html as a tab several times and reads, per opening, the time from navigation start to the
// "keysmith-ready" performance mark (the first render, from the last settings seen), split into:
//   HTML parsed        navigation start → domInteractive: Chromium opening the extension page (not our code)
//   bundle evaluated   → "keysmith-script": the page's JS fetched, compiled and evaluated
//   messages loaded    → "keysmith-catalog": the page's language's _locales/<lang>/messages.json fetched
//   first render       → "keysmith-ready"
// and when the worker's settings were applied (body[data-synced]). Targets: interactive within 100 ms, popup JS
// at most 40 KB gzip, no heavy crypto in the page.
// RUNS=N (default 10). DIST=DIR measures that build instead of dist/chrome. COMPARE=DIR also opens another build (e.g. an older commit's dist/chrome), the two
// alternating so both see the same machine load, and prints the paired difference.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CHROME_DIST, ensureExtensionBuilt, launchExtension, openExtensionPage, type ExtensionSession } from "../test/e2e/harness";
import { measurePage } from "../test/unit/ui/bundle-size";

const RUNS = Number(process.env.RUNS ?? 10);
const COMPARE = process.env.COMPARE;

type Row = [string, string, string];
const rows: Row[] = [];
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

if (!process.env.DIST) ensureExtensionBuilt();
const builds: { label: string; dist: string }[] = [{ label: "", dist: process.env.DIST ?? CHROME_DIST }];
if (COMPARE) builds.push({ label: " [COMPARE]", dist: COMPARE });

for (const { label, dist } of builds) {
  for (const page of ["popup.html", "options.html"]) {
    const b = measurePage(dist, page);
    rows.push([`${page} JS (raw / gzip)${label}`, `${kb(b.jsRaw)} / ${kb(b.jsGzip)}`, page === "popup.html" ? "<= 40 KB gzip" : ""]);
    rows.push([`${page} JS loaded later (tabs), gzip${label}`, kb(b.lazyJsGzip), ""]);
    rows.push([`${page} CSS (raw / gzip)${label}`, `${kb(b.cssRaw)} / ${kb(b.cssGzip)}`, ""]);
    rows.push([`${page} heavy crypto in page${label}`, b.heavy.length ? b.heavy.join(", ") : "none", "none"]);
  }
  for (const lang of ["en", "zh_CN"]) {
    const size = readFileSync(join(dist, "_locales", lang, "messages.json")).length;
    rows.push([`_locales/${lang}/messages.json (read at run time)${label}`, kb(size), ""]);
  }
}

interface Opening { html: number; script: number; catalog: number; ready: number; synced: number }

// A string, not a function: tsx would wrap named functions in a helper the page does not have.
const SYNCED_MARK = `new MutationObserver(() => {
  if (document.body && document.body.dataset.synced && !performance.getEntriesByName("keysmith-synced").length) performance.mark("keysmith-synced");
}).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-synced"] });`;
const READ_TIMES = `new Promise((resolve) => {
  const at = (name) => { const e = performance.getEntriesByName(name)[0]; return e ? e.startTime : NaN; };
  const poll = () => {
    if (document.body.dataset.synced && performance.getEntriesByName("keysmith-ready").length) {
      resolve({ html: performance.getEntriesByType("navigation")[0].domInteractive, script: at("keysmith-script"),
        catalog: at("keysmith-catalog"), ready: at("keysmith-ready"), synced: at("keysmith-synced") });
    } else requestAnimationFrame(poll);
  };
  poll();
})`;

const sessions: ExtensionSession[] = [];
const openings: Opening[][] = builds.map(() => []);
try {
  for (const b of builds) {
    const session = await launchExtension({ dist: b.dist });
    await session.context.addInitScript(SYNCED_MARK);
    sessions.push(session);
  }
  for (let i = 0; i < RUNS; i++) {
    for (let k = 0; k < builds.length; k++) {
      const page = await openExtensionPage(sessions[k], "popup.html");
      openings[k].push((await page.evaluate(READ_TIMES)) as Opening);
      await page.close();
    }
  }
} finally {
  for (const s of sessions) await s.dispose();
}

const median = (xs: number[]) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};
const ms = (n: number) => (Number.isNaN(n) ? "n/a" : `${n.toFixed(1)} ms`);
builds.forEach(({ label }, k) => {
  const o = openings[k];
  const warm = o.slice(1); // the first opening compiles the bundle without a code cache
  rows.push([`popup time-to-interactive, first (cold)${label}`, ms(o[0].ready), "<= 100 ms"]);
  rows.push([`popup time-to-interactive, median of ${warm.length} after it${label}`, ms(median(warm.map((x) => x.ready))), "<= 100 ms"]);
  rows.push([`popup time-to-interactive, worst${label}`, ms(Math.max(...o.map((x) => x.ready))), ""]);
  // Catalogue mark absent (a build that bundled its messages): that step takes no time of its own.
  const catalog = (x: Opening) => (Number.isNaN(x.catalog) ? x.script : x.catalog);
  rows.push([`  HTML parsed (median)${label}`, ms(median(warm.map((x) => x.html))), ""]);
  rows.push([`  + bundle fetched and evaluated (median)${label}`, ms(median(warm.map((x) => x.script - x.html))), ""]);
  rows.push([`  + messages fetched (median)${label}`, ms(median(warm.map((x) => catalog(x) - x.script))), ""]);
  rows.push([`  + first render (median)${label}`, ms(median(warm.map((x) => x.ready - catalog(x)))), ""]);
  rows.push([`worker's settings applied (median)${label}`, ms(median(warm.map((x) => x.synced))), ""]);
});
if (COMPARE) {
  const diff = openings[0].slice(1).map((x, i) => x.ready - openings[1][i + 1].ready);
  rows.push(["time-to-interactive, this build minus COMPARE (median of pairs)", ms(median(diff)), ""]);
}

const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length)), 14];
console.log(`| ${"measure".padEnd(w[0])} | ${"value".padEnd(w[1])} | ${"target".padEnd(w[2])} |`);
console.log(`| ${"-".repeat(w[0])} | ${"-".repeat(w[1])} | ${"-".repeat(w[2])} |`);
for (const r of rows) console.log(`| ${r[0].padEnd(w[0])} | ${r[1].padEnd(w[1])} | ${r[2].padEnd(w[2])} |`);
