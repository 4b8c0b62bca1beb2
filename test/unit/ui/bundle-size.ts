// The JavaScript and CSS a built page loads: its entry script plus every chunk reachable by static
// imports, raw and gzip-compressed (what the 40 KB budget is about). Used by the popup size test and
// bench/popup.ts.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";

export interface PageBundle {
  files: string[];
  jsRaw: number;
  jsGzip: number;
  cssRaw: number;
  cssGzip: number;
  /** Chunks loaded later by dynamic import (tabs opened after the first render), gzip. */
  lazyJsGzip: number;
  /** Names of heavy libraries found in the page's JS (should be none: crypto lives in the worker). */
  heavy: string[];
}

const HEAVY_MARKERS: Record<string, RegExp> = {
  "@peculiar/x509 / asn1": /AsnConvert|AsnParser|AsnSerializer|Pkcs10CertificateRequest/,
  "sm-crypto": /doSignature|generateKeyPairHex|doVerifySignature/,
};

export function measurePage(distDir: string, htmlFile: string): PageBundle {
  const html = readFileSync(join(distDir, htmlFile), "utf8");
  const entries = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => resolve(distDir, m[1]));
  const css = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)].map((m) => resolve(distDir, m[1]));
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:import|from)\s*["'](\.{1,2}\/[^"']+\.js)["']/g)) queue.push(resolve(dirname(file), m[1]));
  }
  const lazy = new Set<string>();
  for (const f of seen) {
    for (const m of readFileSync(f, "utf8").matchAll(/import\(\s*["'`](\.{1,2}\/[^"'`]+\.js)["'`]\s*\)/g)) {
      const target = resolve(dirname(f), m[1]);
      if (!seen.has(target) && existsSync(target)) lazy.add(target);
    }
  }
  const js = [...seen].map((f) => readFileSync(f));
  const styles = css.filter(existsSync).map((f) => readFileSync(f));
  const allJs = Buffer.concat([...js, ...[...lazy].map((f) => readFileSync(f))]).toString("utf8");
  const heavy = Object.entries(HEAVY_MARKERS).filter(([, re]) => re.test(allJs)).map(([name]) => name);
  return {
    files: [...seen, ...css].map((f) => f.slice(distDir.length + 1)),
    jsRaw: js.reduce((n, b) => n + b.length, 0),
    jsGzip: js.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0),
    lazyJsGzip: [...lazy].reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0),
    cssRaw: styles.reduce((n, b) => n + b.length, 0),
    cssGzip: styles.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0),
    heavy,
  };
}
