// The screenshots `npm run screenshots` (scripts/screenshots.ts) makes stay what the docs and the store
// listings use, without running the browser job: the script's module loads (so it still parses and its
// imports resolve), every picture it names is committed at its size, docs/ui.md's Screenshots section shows
// each docs picture and points at no missing file, and package.json runs the script.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(0, 8).toString("hex"), `${path} is a PNG`).toBe("89504e470d0a1a0a");
  expect(bytes.subarray(12, 16).toString("latin1")).toBe("IHDR");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe("npm run screenshots", async () => {
  const script = await import("../../scripts/screenshots");

  it("package.json runs the script", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.screenshots).toContain("scripts/screenshots.ts");
  });

  it("names popup, order, keys and options states in English and Chinese", () => {
    expect(script.LANGS).toEqual(["en", "zh_CN"]);
    expect(script.SHOTS.map((s) => s.name)).toEqual(expect.arrayContaining(["popup-new-csr", "popup-order", "options"]));
    expect(typeof script.main).toBe("function");
  });

  it("every store picture is committed at exactly 1280x800", () => {
    for (const shot of script.SHOTS) {
      for (const lang of script.LANGS) {
        const file = join(script.STORE_DIR, script.storeFile(shot.name, lang));
        expect(existsSync(file), file).toBe(true);
        expect(pngSize(file), file).toEqual({ width: 1280, height: 800 });
      }
    }
  });

  it("every docs picture is committed: the popup at its real size, the options page at the store size", () => {
    for (const shot of script.SHOTS.filter((s) => s.docs)) {
      for (const lang of script.LANGS) {
        const file = join(script.DOCS_DIR, script.docsFile(shot.name, lang));
        expect(existsSync(file), file).toBe(true);
        expect(pngSize(file), file).toEqual(shot.name.startsWith("popup-") ? { width: 400, height: 600 } : { width: 1280, height: 800 });
      }
    }
  });

  it("docs/ui.md's Screenshots section shows each docs picture and links no missing file", () => {
    const ui = readFileSync(join(ROOT, "docs", "ui.md"), "utf8");
    const section = ui.split(/^## /m).find((s) => s.startsWith("Screenshots"));
    expect(section, "a '## Screenshots' section in docs/ui.md").toBeDefined();
    const linked = [...section!.matchAll(/\]\((screenshots\/[^)\s]+\.png)\)/g)].map((m) => m[1]);
    for (const shot of script.SHOTS.filter((s) => s.docs)) {
      for (const lang of script.LANGS) expect(linked).toContain(`screenshots/${script.docsFile(shot.name, lang)}`);
    }
    for (const rel of [...ui.matchAll(/\]\(((?:screenshots|store)\/[^)\s]+)\)/g)].map((m) => m[1])) {
      expect(existsSync(join(ROOT, "docs", rel)), `docs/ui.md links docs/${rel}`).toBe(true);
    }
  });
});
