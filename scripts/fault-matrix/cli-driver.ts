// The fault matrix's CLI rows: `keysmith` run as a pipeline runs it, against the emulator, with a state
// directory of its own per row. Exit 3 (outcome unknown) is followed by `order reconcile --wait`; when the
// window ends with nothing found, by `order reconcile --place-anyway`; exit 2 for Throttling is retried once,
// as a user would. The "stopped mid-create" row runs the built CLI (bin/keysmith.mjs) as a child process
// and kills it with SIGKILL while its create is under way; `order reconcile` then settles what it left.
//
// UploadUserCertificate (the upload `keysmith deploy` and `keysmith renew` make before a CDN deploy) has a
// setup of its own, made before the fault is set: a CDN domain up<N>.example.com in the emulator, and
// `keysmith renew` on a renew file whose certificate has no deploy bindings, so it is ordered, validated
// and issued into the row's state directory but not uploaded. The fault (scoped to UploadUserCertificate)
// then meets `keysmith deploy --cert up<N> --cdn up<N>.example.com --json`; after an exit 3 and `order
// reconcile`, `keysmith deploy` runs again and must deploy the adopted CertId without a second upload.
// Figures: the uploads the emulator holds with the certificate's serial, against the CertIds the client
// knows (state.json's upload.certId and the UploadUserCertificate records of orders.json); an upload that
// no deploy ever completed with (exit 0, the --json CertId that state.json holds, served by the CDN
// domain) counts as lost.
import { spawn, execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { RunningEmulator } from "../../emulator/index";
import { createClient, staticCredentials } from "../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../src/core/aliyun/hmac";
import { runCli, type CliRun } from "../../test/support/run-cli";
import { ACTION_OF, emulatorIds, newIds, sleep, tally, uploadsOfSerial, type CreateOp, type FaultSpec, type RowResult } from "./matrix";

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
    case "UploadUserCertificate":
      throw new Error("UploadUserCertificate rows are run by cliUploadRow");
  }
}

interface Ctx {
  emu: RunningEmulator;
  env: Record<string, string>;
}

const run = (c: Ctx, argv: string[]): Promise<CliRun> => runCli([...argv, "--endpoint", c.emu.url], c.env);

/**
 * Runs the built CLI as a child and kills it `afterMs` into the run, or, with `ready`, `afterMs` after
 * `ready()` first holds (polled every 50 ms; the kill comes regardless 30 s into the run).
 */
async function runKilled(c: Ctx, argv: string[], afterMs: number, ready?: () => boolean): Promise<void> {
  const bin = join(ROOT, "bin", "keysmith.mjs");
  if (!existsSync(join(ROOT, "dist", "cli", "keysmith.js"))) throw new Error("build the CLI first (npm run build)");
  const child = spawn(process.execPath, [bin, ...argv, "--endpoint", c.emu.url], { env: { ...process.env, ...c.env }, stdio: "ignore" });
  await new Promise<void>((done) => {
    const kill = () => child.kill("SIGKILL");
    const timers: NodeJS.Timeout[] = [];
    if (ready) {
      timers.push(setTimeout(kill, 30_000));
      const poll = setInterval(() => {
        if (!ready()) return;
        clearInterval(poll);
        timers.push(setTimeout(kill, afterMs));
      }, 50);
      timers.push(poll);
    } else timers.push(setTimeout(kill, afterMs));
    child.on("exit", () => {
      for (const t of timers) clearTimeout(t);
      done();
    });
  });
}

/** Whether the state directory's ledger holds an entry for `action` whose list snapshot is taken: its create is being sent. */
function createUnderWay(stateDir: string, action: string): boolean {
  try {
    const entries = JSON.parse(readFileSync(join(stateDir, "pending.json"), "utf8")) as { action: string; before?: string[] }[];
    return entries.some((e) => e.action === action && e.before !== undefined);
  } catch {
    return false;
  }
}

/**
 * Settles every pending create in the row's state directory; returns the attempts it added. `placeArgs` go
 * with --place-anyway (an upload's --passphrase-file: the ledger does not keep its private key).
 */
async function settle(c: Ctx, path: string[], placeArgs: string[] = []): Promise<number> {
  let attempts = 0;
  for (let round = 0; round < 6; round++) {
    const r = await run(c, ["order", "reconcile", "--wait", "30", "--json"]);
    path.push(`reconcile=${r.code}`);
    if (r.code === 0) return attempts;
    const outcomes = JSON.parse(r.out || "[]") as { pendingId: string; state: string }[];
    for (const o of outcomes.filter((x) => x.state === "window_over")) {
      attempts++;
      const p = await run(c, ["order", "reconcile", "--place-anyway", o.pendingId, ...placeArgs]);
      path.push(`place-anyway=${p.code}`);
      // Refused (exit 2): it would be refused again every round; say why instead of going round.
      if (p.code === 2) throw new Error(`place-anyway refused: ${p.err.trim()}`);
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
  if (op === "UploadUserCertificate") return cliUploadRow(c, row, dir, stateDir, fault, started);
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

const throttled = (r: CliRun) => /Throttling|throttl|busy|try again later/i.test(r.err);

/** Adds a CDN domain to the emulator through its API, as the account's owner would have. */
async function addCdnDomain(emu: RunningEmulator, domain: string): Promise<void> {
  const client = createClient({ credentials: staticCredentials({ accessKeyId: emu.accessKeyId, hmac: await hmacKeysFromSecret(emu.accessKeySecret) }), endpoint: emu.url });
  await client.call("cdn", "AddCdnDomain", { DomainName: domain, CdnType: "web", Sources: JSON.stringify([{ content: "origin.example.com", type: "domain" }]) });
}

/** The cas CertId a CDN domain serves, from the emulator's state. */
function servedCertId(emu: RunningEmulator, domain: string): string | undefined {
  const s = emu.control.snapshot() as { cdnDomains: { domainName: string; https: { certType: string; certId?: string } | null }[] };
  const d = s.cdnDomains.find((x) => x.domainName === domain);
  return d?.https?.certType === "cas" && d.https.certId !== undefined ? String(d.https.certId) : undefined;
}

/** The UploadUserCertificate row (see the head of this file). */
async function cliUploadRow(c: Ctx, row: number, dir: string, stateDir: string, fault: FaultSpec, started: number): Promise<RowResult> {
  const op: CreateOp = "UploadUserCertificate";
  const base = { client: "cli" as const, op, fault: fault.name };
  const name = `up${row}`;
  const domain = `up${row}.example.com`;
  const certDir = join(stateDir, "certificates", name);
  const path: string[] = [];
  let attempts = 0;
  let serial: string | undefined;
  const made = () => (serial === undefined ? [] : uploadsOfSerial(c.emu, serial));
  try {
    // Setup, with no fault: the CDN domain, and the certificate issued into the state directory, not uploaded.
    const pass = join(dir, "pass.txt");
    const config = join(dir, "renew.yaml");
    writeFileSync(pass, "fault matrix passphrase\n");
    writeFileSync(
      config,
      `certificates:\n  - name: ${name}\n    domains: [${domain}]\n    keySpec: EC_P256\n` +
        `    contact: { username: "Fault Matrix", email: ops@example.com, phone: "13800000000" }\n`,
    );
    await addCdnDomain(c.emu, domain);
    const setup = await run(c, ["renew", "--config", config, "--passphrase-file", pass, "--state-dir", stateDir, "--interval", "0.05", "--timeout", "60"]);
    if (setup.code !== 0) throw new Error(`setup: keysmith renew exit ${setup.code}: ${setup.err.trim()}`);
    serial = new X509Certificate(readFileSync(join(certDir, "cert.pem"))).serialNumber;
    if (made().length > 0) throw new Error("setup: keysmith renew uploaded a certificate that has no deploy bindings");

    const deploy = ["deploy", "--cert", name, "--cdn", domain, "--passphrase-file", pass, "--state-dir", stateDir, "--json"];
    let last: CliRun | undefined;
    c.emu.control.setFaults(fault.faults(ACTION_OF[op]));
    if (fault.stopMidCreate) {
      attempts++;
      // Killed 0.5 s after the ledger shows the list snapshot taken: the upload is then waiting in the emulator.
      await runKilled(c, deploy, 500, () => createUnderWay(stateDir, ACTION_OF[op]));
      path.push("killed");
      c.emu.control.setFaults({});
      await sleep(1600); // the upload the killed run sent is still being answered
    } else {
      for (let tries = 0; tries < 3; tries++) {
        attempts++;
        last = await run(c, deploy);
        path.push(`deploy=${last.code}`);
        if (last.code === 0 || last.code === 3) break;
        if (!throttled(last)) throw new Error(last.err.trim());
      }
    }
    c.emu.control.setFaults({});
    try {
      attempts += await settle(c, path, ["--passphrase-file", pass]);
    } catch (err) {
      // What the user is left with: the deploy tried once more.
      const again = await run(c, deploy);
      path.push(`deploy=${again.code}`);
      throw err;
    }
    if (fault.name.startsWith("lateCommit")) await sleep(500);
    // Not deployed yet: deploy again, which must use the CertId reconciliation adopted (no second upload).
    if (last?.code !== 0) {
      last = await run(c, deploy);
      path.push(`deploy=${last.code}`);
    }
    const state = existsSync(join(certDir, "state.json")) ? (JSON.parse(readFileSync(join(certDir, "state.json"), "utf8")) as { upload?: { certId: string } }) : {};
    const stateCertId = state.upload?.certId;
    const ledger = existsSync(join(stateDir, "orders.json"))
      ? (JSON.parse(readFileSync(join(stateDir, "orders.json"), "utf8")) as { id: string; action: string }[]).filter((o) => o.action === ACTION_OF[op]).map((o) => o.id)
      : [];
    const answered = last.code === 0 ? (JSON.parse(last.out) as { certId?: string }).certId : undefined;
    const served = servedCertId(c.emu, domain);
    const done = last.code === 0 && stateCertId !== undefined && answered === stateCertId && served === stateCertId;
    if (!done) path.push(`not deployed (state ${stateCertId ?? "-"}, --json ${answered ?? "-"}, served ${served ?? "-"})`);
    // An upload no deploy completed with is lost to the user, whatever the ledger says.
    const known = done ? [...new Set([stateCertId, ...ledger])] : [];
    return tally({ ...base, attempts, path: path.join(" "), ms: Date.now() - started }, made(), known);
  } catch (err) {
    c.emu.control.setFaults({});
    return tally({ ...base, attempts, path: path.join(" "), ms: Date.now() - started, error: (err as Error).message.slice(0, 160) }, made(), []);
  }
}
