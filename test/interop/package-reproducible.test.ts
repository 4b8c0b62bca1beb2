// `npm run package` (scripts/package.mjs) is reproducible: two runs on one commit write byte-identical
// Chrome/Edge, Firefox and source zips, and the source zip, unpacked where there is no git, rebuilds the same
// Chrome and Firefox zips (what an addons.mozilla.org reviewer does). Also what each package holds: the
// version of package.json in both manifests, no `key`, no source maps, no test hook, no build path, one
// timestamp and sorted entries. The packages are made from one commit (HEAD when the test starts, named with
// --commit, as others may commit meanwhile), in temporary folders.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readZip, type ZipEntry } from "../../scripts/zip.mjs";
import { ROOT } from "../support/fresh-build";
import { runPackageScript, unzipInto } from "../support/store-packages";

const work = mkdtempSync(join(tmpdir(), "keysmith-package-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const KINDS = ["chrome", "firefox", "source"] as const;

function git(args: string[]): string {
  const r = spawnSync("git", args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** Runs scripts/package.mjs of `tree` into `out`; returns the SHA-256 of each zip written, by file name. */
function runPackage(tree: string, out: string, extra: string[] = []): Record<string, string> {
  runPackageScript(tree, out, extra);
  const sums: Record<string, string> = {};
  for (const f of readdirSync(out).sort()) sums[f] = createHash("sha256").update(readFileSync(join(out, f))).digest("hex");
  return sums;
}

function text(entries: ZipEntry[], name: string): string {
  const entry = entries.find((e) => e.name === name);
  expect(entry, name).toBeDefined();
  return entry!.data.toString("utf8");
}

describe("npm run package", { timeout: 300_000 }, () => {
  const commit = git(["rev-parse", "HEAD"]).trim();
  const version = (JSON.parse(git(["show", `${commit}:package.json`])) as { version: string }).version;
  const commitTime = Number(git(["log", "-1", "--format=%ct", commit]).trim());
  const names = KINDS.map((k) => `keysmith-${k}-${version}.zip`);
  const first = join(work, "first");
  let firstSums: Record<string, string> = {};

  it("writes the three zips, and a second run on the same commit writes the same bytes", () => {
    firstSums = runPackage(ROOT, first, ["--commit", commit]);
    expect(Object.keys(firstSums)).toEqual([...names].sort());
    const secondSums = runPackage(ROOT, join(work, "second"), ["--commit", commit]);
    expect(secondSums).toEqual(firstSums);
  });

  it("each zip: sorted entries, one timestamp, fixed modes, no build paths", () => {
    for (const name of names) {
      const entries = readZip(readFileSync(join(first, name)));
      const entryNames = entries.map((e) => e.name);
      expect(entryNames).toEqual([...entryNames].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
      expect(new Set(entries.map((e) => `${e.date}:${e.time}`)).size).toBe(1);
      for (const e of entries) expect([0o100644, 0o100755]).toContain(e.mode);
      for (const e of entries) {
        if (!/\.(js|json|html|css|md|txt)$/.test(e.name)) continue;
        const body = e.data.toString("utf8");
        expect(body.includes(ROOT), `${name}: ${e.name} names ${ROOT}`).toBe(false);
        expect(body.includes(work), `${name}: ${e.name} names ${work}`).toBe(false);
        expect(/keysmith-package-[A-Za-z0-9]{6}/.test(body), `${name}: ${e.name} names the scratch folder`).toBe(false);
      }
    }
    // The DOS time of the commit, in UTC, at two-second resolution.
    const [chrome] = readZip(readFileSync(join(first, names[0])));
    const d = new Date(commitTime * 1000);
    expect(chrome.date).toBe(((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate());
    expect(chrome.time).toBe((d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2));
  });

  it("the extension zips are store builds: version from package.json, no key, no source maps, no test hook", () => {
    for (const browser of ["chrome", "firefox"]) {
      const entries = readZip(readFileSync(join(first, `keysmith-${browser}-${version}.zip`)));
      const manifest = JSON.parse(text(entries, "manifest.json")) as Record<string, unknown> & { browser_specific_settings?: { gecko?: { id?: string } } };
      expect(manifest.version).toBe(version);
      expect(manifest.key).toBeUndefined();
      expect(entries.filter((e) => e.name.endsWith(".map"))).toEqual([]);
      const worker = text(entries, "background.js");
      expect(worker).not.toMatch(/globalThis\.keysmith\s*=|globalThis\[["']keysmith["']\]\s*=/);
      expect(worker).not.toMatch(/sourceMappingURL/);
      expect(text(entries, "THIRD_PARTY_NOTICES.txt")).toMatch(/^- preact \S+ \(MIT\)$/m);
      if (browser === "firefox") expect(manifest.browser_specific_settings?.gecko?.id).toBe("keysmith@keysmith.dev");
      else expect(manifest.browser_specific_settings).toBeUndefined();
    }
  });

  it("the source zip is the commit's tracked files plus how to rebuild; unpacked without git it rebuilds the same extension zips", () => {
    const entries = readZip(readFileSync(join(first, `keysmith-source-${version}.zip`)));
    const tracked = git(["ls-tree", "-r", "-z", "--name-only", commit]).split("\0").filter(Boolean);
    expect(entries.map((e) => e.name).sort()).toEqual([...tracked, "README-SOURCE.md", "SOURCE_DATE_EPOCH"].sort());
    expect(text(entries, "SOURCE_DATE_EPOCH").trim()).toBe(String(commitTime));
    const readme = text(entries, "README-SOURCE.md");
    expect(readme).toContain(commit);
    expect(readme).toContain(`Node.js ${process.version}`);
    expect(readme).toMatch(/npm ci\nnpm run package\n/);
    expect(text(entries, "package.json")).toBe(git(["show", `${commit}:package.json`]));
    expect(entries.find((e) => e.name === "bin/keysmith.mjs")?.mode).toBe(0o100755);

    // The reviewer's rebuild: the unpacked source (no .git), `npm ci` stood in for by this checkout's node_modules.
    const tree = join(work, "unpacked-source");
    unzipInto(entries, tree);
    symlinkSync(join(ROOT, "node_modules"), join(tree, "node_modules"), "dir");
    const rebuilt = runPackage(tree, join(work, "rebuilt"));
    const extensionZips = names.slice(0, 2);
    expect(Object.keys(rebuilt)).toEqual([...extensionZips].sort());
    for (const name of extensionZips) expect(rebuilt[name], name).toBe(firstSums[name]);
  });
});
