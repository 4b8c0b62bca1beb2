// The npm package of the CLI, as a user gets it: `npm pack` (whose `prepack` builds dist/cli), then
// `npm i -g <tarball>` into a temporary prefix with an empty npm cache and --offline — so it installs only if
// it needs nothing from a registry — and `keysmith` run from an empty folder with nothing on the PATH but the
// prefix's bin and Node.js itself. The CSR it writes must satisfy `openssl req -verify`.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/fresh-build";
import { openssl, opensslReadCsr } from "./openssl-csr-helpers";

const work = mkdtempSync(join(tmpdir(), "keysmith-cli-install-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The environment without what a parent `npm test` exports (npm_config_prefix, npm_config_cache, …). */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  const cache = join(work, "npm-cache");
  return spawnSync("npm", [...args, "--cache", cache, "--no-audit", "--no-fund", "--no-update-notifier"], {
    cwd,
    encoding: "utf8",
    env: cleanEnv({ npm_config_cache: cache }),
  });
}

interface PackResult {
  filename: string;
  files: { path: string }[];
}

describe("the CLI as an installed npm package", { timeout: 240_000 }, () => {
  const packDir = join(work, "pack");
  const prefix = join(work, "prefix");
  const home = join(work, "home");
  const empty = join(work, "empty");
  let tarball = "";

  /** `keysmith` from the prefix, in the empty folder; PATH holds only the prefix's bin and Node's folder. */
  function keysmith(args: string[]): SpawnSyncReturns<string> {
    return spawnSync("keysmith", args, {
      cwd: empty,
      encoding: "utf8",
      env: { PATH: `${join(prefix, "bin")}:${dirname(process.execPath)}`, HOME: home, KEYSMITH_STATE_DIR: join(home, "state"), LANG: "C" },
    });
  }

  it("npm pack holds only what runs: the bundle, its notices, the bin shim, README, LICENSE, package.json", () => {
    mkdirSync(packDir, { recursive: true });
    const r = npm(["pack", "--pack-destination", packDir, "--json"], ROOT);
    expect(r.status, r.stderr).toBe(0);
    const [result] = JSON.parse(r.stdout) as PackResult[];
    expect(result.files.map((f) => f.path).sort()).toEqual([
      "LICENSE",
      "README.md",
      "bin/keysmith.mjs",
      "dist/cli/THIRD_PARTY_NOTICES.txt",
      "dist/cli/keysmith.js",
      "package.json",
    ]);
    tarball = join(packDir, result.filename);
    expect(existsSync(tarball)).toBe(true);

    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Record<string, unknown>;
    expect(pkg.private).toBeUndefined();
    expect(pkg.bin).toEqual({ keysmith: "bin/keysmith.mjs" });
    // Everything the CLI uses is in the bundle: nothing to fetch at install time.
    expect(Object.keys((pkg.dependencies as Record<string, string> | undefined) ?? {})).toEqual([]);
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toMatch(/^MIT License[\s\S]*The Keysmith authors/);
    const notices = readFileSync(join(ROOT, "dist", "cli", "THIRD_PARTY_NOTICES.txt"), "utf8");
    expect(notices).toMatch(/^- @peculiar\/x509 \S+ \(MIT\)$/m);
    expect(notices).toMatch(/^- yaml \S+ \(ISC\)$/m);
  });

  it("installs offline into a temporary prefix with an empty cache, and runs from any folder", () => {
    expect(tarball).not.toBe("");
    mkdirSync(empty, { recursive: true });
    mkdirSync(home, { recursive: true });
    const r = npm(["install", "--global", "--offline", "--prefix", prefix, tarball], work);
    expect(r.status, r.stderr).toBe(0);
    const installed = join(prefix, "lib", "node_modules", "keysmith");
    expect(existsSync(join(installed, "dist", "cli", "keysmith.js"))).toBe(true);
    expect(existsSync(join(installed, "node_modules"))).toBe(false);

    const help = keysmith(["--help"]);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: keysmith <command>/m);
    expect(help.stdout).toMatch(/\binspect\b/);
  });

  it("keysmith csr writes an encrypted SM2 key and a CSR openssl verifies; keysmith inspect reads it", () => {
    writeFileSync(join(empty, "pass.txt"), "correct horse battery staple\n");
    const csr = keysmith(["csr", "--key-spec", "EC_SM2", "--subject", "CN=install.example.cn,O=Example,C=CN", "--out", ".", "--passphrase-file", "pass.txt"]);
    expect(csr.status, csr.stderr).toBe(0);
    const csrPath = join(empty, "install.example.cn.csr.pem");
    const keyPath = join(empty, "install.example.cn.key.pem");

    const view = opensslReadCsr(csrPath, { sm2: true });
    expect(view.verified).toBe(true);
    expect(view.subject).toBe("CN=install.example.cn,O=Example,C=CN");
    expect(readFileSync(keyPath, "utf8")).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(openssl(["pkey", "-in", keyPath, "-passin", `file:${join(empty, "pass.txt")}`, "-noout"]).status).toBe(0);

    const inspect = keysmith(["inspect", "install.example.cn.csr.pem", "--json"]);
    expect(inspect.status, inspect.stderr).toBe(0);
    const report = JSON.parse(inspect.stdout) as { subject: string; keySpec: string; signatureAlgorithm: string; signatureValid: boolean };
    expect(report).toMatchObject({ subject: "CN=install.example.cn,O=Example,C=CN", keySpec: "EC_SM2", signatureAlgorithm: "SM2-with-SM3", signatureValid: true });
  });
});
