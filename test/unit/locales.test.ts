// Every string exists in both languages, in every area, with the same placeholders; and every error
// code the background worker throws has its text.
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "../../_locales");
const langs = readdirSync(root).sort();
const areas = [...new Set(langs.flatMap((l) => readdirSync(join(root, l)).filter((f) => f.endsWith(".json"))))].sort();

function load(lang: string, area: string): Record<string, { message: string }> {
  try {
    return JSON.parse(readFileSync(join(root, lang, area), "utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw err;
  }
}
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}|%s/g)].map((m) => m[0]).sort();

describe("locale catalogues", () => {
  it("ship en and zh_CN", () => {
    expect(langs).toEqual(expect.arrayContaining(["en", "zh_CN"]));
  });

  for (const area of areas) {
    it(`${area}: the same keys in every language, each with a non-empty message and the same placeholders`, () => {
      const [first, ...rest] = langs.map((l) => ({ lang: l, catalog: load(l, area) }));
      for (const other of rest) {
        const missingInOther = Object.keys(first!.catalog).filter((k) => !(k in other.catalog));
        const missingInFirst = Object.keys(other.catalog).filter((k) => !(k in first!.catalog));
        expect(missingInOther, `keys of ${first!.lang}/${area} missing in ${other.lang}/${area}`).toEqual([]);
        expect(missingInFirst, `keys of ${other.lang}/${area} missing in ${first!.lang}/${area}`).toEqual([]);
        for (const key of Object.keys(first!.catalog)) {
          if (!(key in other.catalog)) continue;
          expect(placeholders(other.catalog[key]!.message), `${key}: placeholders in ${other.lang}`).toEqual(placeholders(first!.catalog[key]!.message));
        }
      }
      for (const { lang, catalog } of [first!, ...rest]) {
        for (const [key, entry] of Object.entries(catalog)) {
          expect(typeof entry.message === "string" && entry.message.trim().length > 0, `${lang}/${area} ${key} has a message`).toBe(true);
          expect(key, `${lang}/${area}: Chrome message names are [A-Za-z0-9_@]`).toMatch(/^[A-Za-z0-9_@]+$/);
        }
      }
    });
  }

  it("no key is defined in two areas (the build merges them into one messages.json)", () => {
    for (const lang of langs) {
      const seen = new Map<string, string>();
      const dupes: string[] = [];
      for (const area of areas) {
        for (const key of Object.keys(load(lang, area))) {
          if (seen.has(key)) dupes.push(`${key} (${seen.get(key)} and ${area})`);
          seen.set(key, area);
        }
      }
      expect(dupes, `${lang}: keys in two areas`).toEqual([]);
    }
  });

  it("every error code thrown in src/background has its message in both languages", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.tsx?$/.test(e.name)) files.push(p);
      }
    };
    walk(join(import.meta.dirname, "../../src/background"));
    walk(join(import.meta.dirname, "../../src/platform"));
    const codes = new Set<string>();
    for (const f of files) {
      if (f.includes(join("src", "background", "vault") + "/") || f.endsWith(join("background", "credentials.ts"))) continue; // other owners
      const text = readFileSync(f, "utf8");
      for (const m of text.matchAll(/(?:new KeysmithError|fail)\(\s*"([a-z0-9_.]+)"/g)) codes.add(m[1]!);
    }
    codes.add("messages.no_worker");
    expect(codes.size).toBeGreaterThan(10);
    for (const lang of ["en", "zh_CN"]) {
      const all = Object.assign({}, ...areas.map((a) => load(lang, a)));
      const missing = [...codes].filter((c) => !(`error_${c.replace(/[^A-Za-z0-9]/g, "_")}` in all));
      expect(missing, `${lang}: error codes without text`).toEqual([]);
    }
  });
});
