// The CLI's exactly-once path against the emulator's faults, as a pipeline runs it: a create whose
// connection is cut and that commits later exits 3 naming its pending create; a second create for the
// same CSR meanwhile exits 2 naming it; `order reconcile` adopts the order once the lagging list shows it;
// the CSR's open order then refuses another unless --allow-duplicate; after the window a create that never
// happened is said to be not found (not "safe"), and --place-anyway places it once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type RunningEmulator } from "../../emulator/index";
import { runCli } from "../support/run-cli";

let emu: RunningEmulator;
const dir = mkdtempSync(join(tmpdir(), "keysmith-cli-reconcile-"));
const contact = ["--username", "CI Bot", "--email", "ops@example.com", "--phone", "13800000000", "--validate-type", "DNS"];

function csr(name: string, cn: string): string {
  execFileSync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", join(dir, `${name}.key`)], { stdio: "ignore" });
  execFileSync("openssl", ["req", "-new", "-key", join(dir, `${name}.key`), "-subj", `/CN=${cn}`, "-out", join(dir, `${name}.csr`)], { stdio: "ignore" });
  return join(dir, `${name}.csr`);
}

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => emu?.close());

function cli(stateDir: string, env: Record<string, string> = {}) {
  return (...argv: string[]) =>
    runCli([...argv, "--endpoint", emu.url], {
      ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret,
      KEYSMITH_LANG: "en",
      KEYSMITH_STATE_DIR: stateDir,
      ...env,
    });
}

/** The emulator's orders for one domain (read from its own state, not through the client). */
function ordersFor(domain: string): string[] {
  const orders = (emu.control.snapshot().orders ?? {}) as Record<string, { orderId: string; domain: string }>;
  return Object.values(orders).filter((o) => o.domain === domain).map((o) => o.orderId);
}

describe("keysmith order create / reconcile under lost answers", () => {
  it("late commit: exit 3 naming the pending create, a second create exit 2, reconcile adopts the one order", async () => {
    const run = cli(mkdtempSync(join(tmpdir(), "keysmith-state-")));
    const path = csr("late", "late.example.com");
    emu.control.setFaults({ lateCommitMs: 1500, lateCommit: 1, listLagMs: 3000, actions: ["CreateCertificateWithCsrRequest"] });
    const first = await run("order", "create", "--csr", path, ...contact, "--json");
    expect(first.code, first.err).toBe(3);
    const { pendingId, outcome } = JSON.parse(first.out) as { pendingId: string; outcome: string };
    expect(outcome).toBe("unknown");
    expect(first.err).toContain(pendingId);
    expect(first.err).not.toMatch(/safe/i);

    const second = await run("order", "create", "--csr", path, ...contact);
    expect(second.code).toBe(2);
    expect(second.err).toContain(pendingId);

    const early = await run("order", "reconcile");
    expect(early.code).toBe(3); // not listed yet: still unknown, and said so
    expect(early.out).toContain(pendingId);

    const settled = await run("order", "reconcile", "--wait", "30", "--json");
    expect(settled.code, settled.err).toBe(0);
    const outcomes = JSON.parse(settled.out) as { pendingId: string; state: string; resultId: string }[];
    const adopted = outcomes.find((o) => o.pendingId === pendingId)!;
    expect(adopted.state).toBe("adopted");
    expect(ordersFor("late.example.com")).toEqual([adopted.resultId]);

    // The CSR has an open order now: refused naming it, unless on purpose.
    const third = await run("order", "create", "--csr", path, ...contact);
    expect(third.code).toBe(2);
    expect(third.err).toContain(adopted.resultId);
    const anyway = await run("order", "create", "--csr", path, ...contact, "--allow-duplicate", "--json");
    expect(anyway.code, anyway.err).toBe(0);
    expect(ordersFor("late.example.com")).toHaveLength(2);
    expect((await run("order", "reconcile")).code).toBe(0);
  }, 60_000);

  it("two CLI runs at once on one state directory: one order", async () => {
    const run = cli(mkdtempSync(join(tmpdir(), "keysmith-state-")));
    const path = csr("race", "race.example.com");
    emu.control.setFaults({ latencyMs: 300 });
    const both = await Promise.all([run("order", "create", "--csr", path, ...contact), run("order", "create", "--csr", path, ...contact)]);
    emu.control.setFaults({});
    expect(both.map((r) => r.code).sort()).toEqual([0, 2]);
    expect(ordersFor("race.example.com")).toHaveLength(1);
  });

  it("503 before anything was made: unknown, then 'not found' after the window (never 'safe'), --place-anyway places it once", async () => {
    const run = cli(mkdtempSync(join(tmpdir(), "keysmith-state-")), { KEYSMITH_RECONCILE_SECONDS: "3" });
    emu.control.setFaults({ serverError: 1, actions: ["CreateCertificateRequest"] });
    const first = await run("order", "create", "--domain", "never.example.com", ...contact, "--json");
    expect(first.code).toBe(3);
    const { pendingId } = JSON.parse(first.out) as { pendingId: string };
    const looked = await run("order", "reconcile", "--wait", "6");
    expect(looked.code).toBe(3);
    expect(looked.out).toContain("probably not carried out, but that is not certain");
    expect(looked.out).toContain(`--place-anyway ${pendingId}`);
    expect(ordersFor("never.example.com")).toEqual([]);
    const placed = await run("order", "reconcile", "--place-anyway", pendingId, "--json");
    expect(placed.code, placed.err).toBe(0);
    expect(ordersFor("never.example.com")).toHaveLength(1);
    expect((await run("order", "reconcile")).code).toBe(0);
  }, 60_000);

  it("a bad --wait or --choose is exit 2 naming the flag", async () => {
    const run = cli(mkdtempSync(join(tmpdir(), "keysmith-state-")));
    const wait = await run("order", "reconcile", "--wait", "soon");
    expect(wait.code).toBe(2);
    expect(wait.err).toContain("--wait");
    const choose = await run("order", "reconcile", "--choose", "abc");
    expect(choose.code).toBe(2);
    expect(choose.err).toContain("--choose");
    expect(readFileSync(join(dir, "late.csr"), "utf8")).toContain("CERTIFICATE REQUEST");
  });
});
