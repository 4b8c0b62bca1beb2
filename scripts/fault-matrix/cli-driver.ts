// The fault matrix's CLI rows: `keysmith` run as a pipeline runs it, against the emulator, with a state
// directory of its own per row. Exit 3 (outcome unknown) is followed by `order reconcile --wait`; when the
// window ends with nothing found, by `order reconcile --place-anyway`; exit 2 for Throttling is retried once,
// as a user would. The "stopped mid-create" row runs the built CLI (bin/keysmith.mjs) as a child process
// and kills it with SIGKILL while its create is under way; `order reconcile` then settles what it left.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { RunningEmulator } from "../../emulator/index";
import { runCli, type CliRun } from "../../test/support/run-cli";
import { ACTION_OF, emulatorIds, newIds, sleep, tally, type CreateOp, type FaultSpec, type RowResult } from "./matrix";

const ROOT = resolve(import.meta.dirname, "../..");
const CONTACT = ["--username", "Fault Matrix", "--email", "ops@example.com", "--phone", "13800000000", "--validate-type", "DNS"];
/** A short window (longer than the longest list lag, 5 s) keeps the matrix quick; the default is 10 minutes. */
const WINDOW_SECONDS = "12";

let rowCounter = 0;

function makeCsr(dir: string, cn: string): string {
  const key = join(dir, "k.pem");
  const csr = join(dir, "r.csr");
  execFileSync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key], { stdio: "ignore" });
  execFileSync("openssl", ["req", "-new", "-key", key, "-subj", `/CN=${cn}`, "-out", csr], { stdio: "ignore" });
  return csr;
}

function argvFor(op: CreateOp, dir: string, row: number): string[] {
  const name = `cli${row}.example.com`;
  switch (op) {
    case "CreateCertificateWithCsrRequest":
      return ["order", "create", "--csr", makeCsr(dir, name), ...CONTACT];
    case "CreateCertificateRequest":
      return ["order", "create", "--domain", name, ...CONTACT];
    case "CreateCertificateForPackageRequest":
      return ["order", "create-for-package", "--csr", makeCsr(dir, name), "--validate-type", "DNS", "--product-code", "digicert-free-1-free"];
    case "CreateCsr":
      return ["cas", "create-csr", "--algorithm", "ECC", "--key-size", "256", "--common-name", name, "--country-code", "CN", "--province", "Zhejiang", "--locality", "Hangzhou", "--name", `matrix_${row}`];
    case "KmsCreateCertificate":
      return ["kms", "create-certificate", "--key-spec", "EC_P256", "--subject", `CN=${name},OU=IT,O=Example,C=CN`];
    case "AddDomainRecord":
      return ["dns", "add", "--domain-name", "example.com", "--rr", `_dnsauth.cli${row}`, "--type", "TXT", "--value", `matrix-token-${row}`];
  }
}

interface Ctx {
  emu: RunningEmulator;
  env: Record<string, string>;
}

const run = (c: Ctx, argv: string[]): Promise<CliRun> => runCli([...argv, "--endpoint", c.emu.url], c.env);

/** Runs the built CLI as a child and kills it `afterMs` into the run. */
async function runKilled(c: Ctx, argv: string[], afterMs: number): Promise<void> {
  const bin = join(ROOT, "bin", "keysmith.mjs");
  if (!existsSync(join(ROOT, "dist", "cli", "keysmith.js"))) throw new Error("build the CLI first (npm run build)");
  const child = spawn(process.execPath, [bin, ...argv, "--endpoint", c.emu.url], { env: { ...process.env, ...c.env }, stdio: "ignore" });
  await new Promise<void>((done) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), afterMs);
    child.on("exit", () => {
      clearTimeout(timer);
      done();
    });
  });
}

/** Settles every pending create in the row's state directory; returns the attempts it added. */
async function settle(c: Ctx, path: string[]): Promise<number> {
  let attempts = 0;
  for (let round = 0; round < 6; round++) {
    const r = await run(c, ["order", "reconcile", "--wait", "30", "--json"]);
    path.push(`reconcile=${r.code}`);
    if (r.code === 0) return attempts;
    const outcomes = JSON.parse(r.out || "[]") as { pendingId: string; state: string }[];
    for (const o of outcomes.filter((x) => x.state === "window_over")) {
      attempts++;
      const p = await run(c, ["order", "reconcile", "--place-anyway", o.pendingId]);
      path.push(`place-anyway=${p.code}`);
    }
    if (outcomes.some((x) => x.state === "ambiguous")) throw new Error(`ambiguous: ${r.out}`);
  }
  throw new Error("still unsettled after 6 rounds");
}

export async function cliRow(emu: RunningEmulator, op: CreateOp, fault: FaultSpec): Promise<RowResult> {
  const row = ++rowCounter;
  const dir = mkdtempSync(join(tmpdir(), "keysmith-matrix-"));
  const stateDir = join(dir, "state");
  const c: Ctx = {
    emu,
    env: {
      ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret,
      KEYSMITH_LANG: "en",
      KEYSMITH_STATE_DIR: stateDir,
      KEYSMITH_RECONCILE_SECONDS: WINDOW_SECONDS,
    },
  };
  const started = Date.now();
  const before = emulatorIds(emu)[op];
  const path: string[] = [];
  let attempts = 0;
  const base = { client: "cli" as const, op, fault: fault.name };
  try {
    const argv = argvFor(op, dir, row);
    emu.control.setFaults(fault.faults(ACTION_OF[op]));
    if (fault.stopMidCreate) {
      attempts++;
      await runKilled(c, argv, 2000);
      path.push("killed");
      emu.control.setFaults({});
      await sleep(1600); // the request the killed run sent is still being answered
    } else {
      for (let tries = 0; tries < 3; tries++) {
        attempts++;
        const r = await run(c, argv);
        path.push(`create=${r.code}`);
        if (r.code === 0 || r.code === 3) break;
        if (!/Throttling|throttl|busy|try again later/i.test(r.err)) throw new Error(r.err.trim());
      }
    }
    emu.control.setFaults({});
    attempts += await settle(c, path);
    if (fault.name.startsWith("lateCommit")) await sleep(500);
    const made = newIds(before, emulatorIds(emu)[op]);
    const known = existsSync(join(stateDir, "orders.json")) ? (JSON.parse(readFileSync(join(stateDir, "orders.json"), "utf8")) as { id: string }[]).map((o) => o.id) : [];
    return tally({ ...base, attempts, path: path.join(" "), ms: Date.now() - started }, made, known);
  } catch (err) {
    emu.control.setFaults({});
    const made = newIds(before, emulatorIds(emu)[op]);
    return tally({ ...base, attempts, path: path.join(" "), ms: Date.now() - started, error: (err as Error).message.slice(0, 160) }, made, []);
  }
}
