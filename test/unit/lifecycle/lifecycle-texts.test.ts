// Every error code the lifecycle code throws (src/core/lifecycle, cli/commands/renew.ts and deploy.ts,
// cli/lifecycle) has its text in both languages.
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { errorMessageKey } from "../../../src/core/errors";
import { CATALOGS } from "../../../src/core/i18n";

const ROOT = join(import.meta.dirname, "../../..");
const SOURCES = ["src/core/lifecycle", "cli/commands/renew.ts", "cli/commands/deploy.ts", "cli/lifecycle"];

function files(path: string): string[] {
  const full = join(ROOT, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [full];
  return readdirSync(full).flatMap((f) => files(join(path, f)));
}

describe("lifecycle error texts", () => {
  it("every code thrown has a message in en and zh_CN", () => {
    const codes = new Set<string>();
    for (const f of SOURCES.flatMap(files)) {
      for (const m of readFileSync(f, "utf8").matchAll(/(?:new KeysmithError|fail)\(\s*"([a-z0-9_.]+)"/g)) codes.add(m[1]!);
    }
    expect(codes.size).toBeGreaterThan(3);
    for (const lang of ["en", "zh_CN"] as const) {
      const missing = [...codes].filter((c) => !(errorMessageKey(c) in CATALOGS[lang]));
      expect(missing, `${lang}: codes without text`).toEqual([]);
    }
  });
});
