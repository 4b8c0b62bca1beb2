// `keysmith renew` against the emulator (in process, as cli-reconcile.test.ts runs the CLI): the first run
// orders, validates through Alidns, pairs, uploads to cas and deploys to CDN, and the CDN then serves a
// certificate for the name whose public key is the state directory's key (checked with node:crypto); a
// second run changes nothing (the emulator's counts stay as they were); once the emulator's clock is past
// the renewal point (and --now says so), the next run deploys a new serial under a new key. Invalid files
// exit 2 naming the field, before anything is sent.
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/index";
import { createClient, staticCredentials } from "../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../src/core/aliyun/hmac";
import { runCli } from "../support/run-cli";

const DAY = 24 * 60 * 60 * 1000;
let emu: RunningEmulator;
const dir = mkdtempSync(join(tmpdir(), "keysmith-cli-renew-"));
const stateDir = join(dir, "state");
const pass = join(dir, "pass.txt");
const config = join(dir, "renew.yaml");

const CONFIG = `certificates:
  - name: www
    domains: [www.example.com]
    keySpec: EC_P256
    renewBeforeDays: 30
    contact: { username: "Li Lei", email: ops@example.com, phone: "13800000000" }
    deploy:
      - cdn: www.example.com
`;

function cli(...argv: string[]) {
  return runCli([...argv, "--endpoint", emu.url], {
    ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret,
    KEYSMITH_LANG: "en",
    KEYSMITH_STATE_DIR: stateDir,
  });
}
const renew = (...extra: string[]) => cli("renew", "--config", config, "--passphrase-file", pass, "--state-dir", stateDir, "--interval", "0.05", "--timeout", "60", ...extra);

async function client() {
  return createClient({ credentials: staticCredentials({ accessKeyId: emu.accessKeyId, hmac: await hmacKeysFromSecret(emu.accessKeySecret) }), endpoint: emu.url });
}

/** What the CDN serves for the domain: its PEM, read back through the API. */
async function served(domain: string): Promise<{ certId: string; pem: string }> {
  const reply = await (await client()).call("cdn", "DescribeDomainCertificateInfo", { DomainName: domain });
  const info = (reply.CertInfos as { CertInfo: Record<string, unknown>[] }).CertInfo[0]!;
  return { certId: String(info.CertId), pem: String(info.ServerCertificate) };
}

/** The SPKI DER of the state's key (decrypted with the passphrase) and of a certificate. */
function stateKeySpki(): Buffer {
  const key = createPrivateKey({ key: readFileSync(join(stateDir, "certificates/www/key.pem"), "utf8"), format: "pem", passphrase: "renew passphrase" });
  return createPublicKey(key).export({ type: "spki", format: "der" });
}
const certSpki = (pem: string) => new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });

beforeAll(async () => {
  emu = await startEmulator();
  writeFileSync(pass, "renew passphrase\n");
  writeFileSync(config, CONFIG);
  await (await client()).call("cdn", "AddCdnDomain", { DomainName: "www.example.com", CdnType: "web", Sources: JSON.stringify([{ content: "origin.example.com", type: "domain" }]) });
});
afterAll(async () => emu?.close());

describe("keysmith renew", { timeout: 120_000 }, () => {
  let firstSerial = "";

  it("first run: orders, validates, pairs, uploads and deploys; the CDN serves the state key's certificate", async () => {
    const run = await renew();
    expect(run.code, run.err + run.out).toBe(0);
    if (process.env.KEYSMITH_TEST_SHOW) console.log(run.out, run.err);
    expect(run.out).toMatch(/www: renewed/);
    const key = readFileSync(join(stateDir, "certificates/www/key.pem"), "utf8");
    expect(key).toContain("BEGIN ENCRYPTED PRIVATE KEY");
    expect(statSync(join(stateDir, "certificates/www/key.pem")).mode & 0o077).toBe(0);
    const now = await served("www.example.com");
    const x = new X509Certificate(now.pem);
    expect(x.checkHost("www.example.com")).toBe("www.example.com");
    expect(certSpki(now.pem).equals(stateKeySpki())).toBe(true);
    const state = JSON.parse(readFileSync(join(stateDir, "certificates/www/state.json"), "utf8")) as { upload: { certId: string }; validationRecords?: string[] };
    expect(now.certId).toBe(state.upload.certId);
    // The validation record was removed once the order was settled.
    expect(state.validationRecords ?? []).toEqual([]);
    expect(emu.control.counts().dnsRecords).toBe(0);
    firstSerial = x.serialNumber;
    // The key is in the state directory only encrypted: not in the ledger, not in orders.json.
    for (const f of ["pending.json", "orders.json", "certificates/www/state.json"]) {
      let text = "";
      try {
        text = readFileSync(join(stateDir, f), "utf8");
      } catch {
        continue;
      }
      expect(text, f).not.toMatch(/PRIVATE KEY/);
    }
  });

  it("second run: everything current, nothing created or deployed", async () => {
    const before = emu.control.counts();
    const run = await renew("--json");
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ certificates: [{ name: "www", outcome: "current", deployed: [] }] });
    expect(emu.control.counts()).toEqual(before);
  });

  it("past the renewal point: a new key, a new order, and the CDN serves the new serial", async () => {
    const oldSpki = stateKeySpki();
    const before = emu.control.counts();
    const r = await fetch(`${emu.url}/__emulator/clock/advance`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ms: 61 * DAY }) });
    expect(r.status).toBe(200);
    // Not yet due on the machine's clock: nothing happens.
    const early = await renew();
    expect(early.code, early.err).toBe(0);
    expect(emu.control.counts()).toEqual(before);
    const run = await renew("--now", new Date(Date.now() + 61 * DAY).toISOString());
    expect(run.code, run.err + run.out).toBe(0);
    expect(run.out).toMatch(/www: renewed/);
    const now = await served("www.example.com");
    const x = new X509Certificate(now.pem);
    expect(x.serialNumber).not.toBe(firstSerial);
    expect(certSpki(now.pem).equals(stateKeySpki())).toBe(true);
    expect(stateKeySpki().equals(oldSpki)).toBe(false);
    const after = emu.control.counts();
    expect(after.orders).toBe(before.orders + 1);
    expect(after.cdnDeploys).toBe(before.cdnDeploys + 1);
  });

  it("invalid files: exit 2, one line naming the field, nothing sent", async () => {
    const before = emu.control.counts();
    const cases: [string, string][] = [
      [CONFIG.replace("www.example.com]", "www..example.com]"), "certificates[0].domains[0]"],
      [CONFIG.replace("renewBeforeDays: 30", "renewBeforeDays: 0"), "certificates[0].renewBeforeDays"],
      [CONFIG.replace("email: ops@example.com", "email: ops"), "certificates[0].contact.email"],
      [CONFIG.replace("- cdn: www.example.com", "- cdn: api.example.com"), "certificates[0].deploy[0].cdn"],
      [CONFIG + "  - {", "line"],
    ];
    for (const [text, field] of cases) {
      const bad = join(dir, "bad.yaml");
      writeFileSync(bad, text);
      const run = await cli("renew", "--config", bad, "--passphrase-file", pass, "--state-dir", stateDir);
      expect(run.code, run.err).toBe(2);
      expect(run.err.trim().split("\n")).toHaveLength(1);
      expect(run.err).toContain(field);
    }
    expect((await cli("renew", "--config", join(dir, "missing.yaml"), "--passphrase-file", pass)).code).toBe(2);
    expect((await cli("renew", "--config", config)).err).toContain("--passphrase-file");
    expect(emu.control.counts()).toEqual(before);
  });

  it("keysmith deploy: a CDN domain of the certificate, read back; one it does not cover is exit 2", async () => {
    await (await client()).call("cdn", "AddCdnDomain", { DomainName: "www2.example.com", CdnType: "web", Sources: JSON.stringify([{ content: "origin.example.com", type: "domain" }]) });
    const refused = await cli("deploy", "--cert", "www", "--cdn", "www2.example.com", "--state-dir", stateDir);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain("--cdn");
    const again = await cli("deploy", "--cert", "www", "--cdn", "www.example.com", "--state-dir", stateDir);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain("already serves");
    expect((await cli("deploy", "--cert", "nope", "--cdn", "www.example.com", "--state-dir", stateDir)).code).toBe(2);
  });
});

describe("keysmith renew: lost answers, failures, policies", { timeout: 120_000 }, () => {
  const state2 = mkdtempSync(join(tmpdir(), "keysmith-renew-state-"));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const run = (cfg: string, ...extra: string[]) =>
    runCli(["renew", "--config", cfg, "--passphrase-file", pass, "--state-dir", state2, "--interval", "0.05", "--timeout", "60", "--endpoint", emu.url, ...extra], {
      ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret,
      KEYSMITH_LANG: "en",
      KEYSMITH_STATE_DIR: state2,
      KEYSMITH_RECONCILE_SECONDS: "5",
    });
  const ordersFor = (domain: string) => ((emu.control.snapshot().orders ?? []) as { domain: string }[]).filter((o) => o.domain === domain).length;
  const cert = (name: string, domain: string, extra = "") =>
    `  - name: ${name}\n    domains: [${domain}]\n    contact: { username: "Li Lei", email: ops@example.com, phone: "13800000000" }\n${extra}`;

  it("an order whose answer is lost: exit 3; after order reconcile the next run resumes it, no second order", async () => {
    const cfg = file("lost.yaml", `certificates:\n${cert("lost", "lost.example.com")}`);
    emu.control.setFaults({ dropAfterCommit: 1, actions: ["CreateCertificateWithCsrRequest"] });
    const first = await run(cfg);
    emu.control.setFaults({});
    expect(first.code, first.err).toBe(3);
    expect(first.err).toMatch(/lost: outcome unknown/);
    expect(ordersFor("lost.example.com")).toBe(1);
    // While the create is unsettled, a second run does not order again either.
    const second = await run(cfg);
    expect(second.code, second.err).toBe(3);
    expect(ordersFor("lost.example.com")).toBe(1);
    const reconciled = await runCli(["order", "reconcile", "--state-dir", state2, "--endpoint", emu.url], {
      ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret, KEYSMITH_LANG: "en",
    });
    expect(reconciled.code, reconciled.err + reconciled.out).toBe(0);
    const third = await run(cfg);
    expect(third.code, third.err + third.out).toBe(0);
    expect(third.out).toMatch(/lost: renewed/);
    expect(ordersFor("lost.example.com")).toBe(1);
  });

  it("an upload refused before commit (503): after the window, place-anyway reads the key back with --passphrase-file; one upload", async () => {
    const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret, KEYSMITH_LANG: "en", KEYSMITH_RECONCILE_SECONDS: "1" };
    const cli2 = (...argv: string[]) => runCli([...argv, "--state-dir", state2, "--endpoint", emu.url], env);
    const uploads = (cn: string) => ((emu.control.snapshot() as { uploads: { commonName: string }[] }).uploads ?? []).filter((u) => u.commonName === cn).length;
    await (await client()).call("cdn", "AddCdnDomain", { DomainName: "again.example.com", CdnType: "web", Sources: JSON.stringify([{ content: "origin.example.com", type: "domain" }]) });
    const cfg = file("again.yaml", `certificates:\n${cert("again", "again.example.com")}`);
    expect((await run(cfg)).code).toBe(0); // issued locally, no binding: nothing uploaded
    emu.control.setFaults({ serverError: 1, actions: ["UploadUserCertificate"] });
    const deploy = await cli2("deploy", "--cert", "again", "--cdn", "again.example.com", "--passphrase-file", pass);
    emu.control.setFaults({});
    expect(deploy.code, deploy.err).toBe(3);
    expect(uploads("again.example.com")).toBe(0);
    const looked = await cli2("order", "reconcile", "--wait", "3", "--json");
    const pending = (JSON.parse(looked.out) as { pendingId: string; action: string; state: string }[]).find((o) => o.action === "UploadUserCertificate");
    expect(pending?.state).toBe("window_over");
    // The ledger never kept the private key: without the passphrase it cannot be sent again.
    const refused = await cli2("order", "reconcile", "--place-anyway", pending!.pendingId);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain("--passphrase-file");
    const placed = await cli2("order", "reconcile", "--place-anyway", pending!.pendingId, "--passphrase-file", pass);
    expect(placed.code, placed.err).toBe(0);
    expect(uploads("again.example.com")).toBe(1);
    const again = await cli2("deploy", "--cert", "again", "--cdn", "again.example.com", "--passphrase-file", pass);
    expect(again.code, again.err).toBe(0);
    expect(uploads("again.example.com")).toBe(1);
    expect(readFileSync(join(state2, "pending.json"), "utf8")).not.toContain("PRIVATE KEY");
  });

  it("one certificate failing does not stop the others: exit 1, the other renewed", async () => {
    // nocdn.example.com is not a CDN domain of the account: its deploy fails.
    const cfg = file("mixed.yaml", `certificates:\n${cert("broken", "nocdn.example.com", "    deploy:\n      - cdn: nocdn.example.com\n")}${cert("fine", "fine.example.com")}`);
    const r = await run(cfg, "--json");
    expect(r.code, r.err).toBe(1);
    const out = JSON.parse(r.out) as { certificates: { name: string; outcome: string; detail?: string }[] };
    expect(out.certificates.map((c) => [c.name, c.outcome])).toEqual([["broken", "failed"], ["fine", "renewed"]]);
    expect(r.err).toContain("broken: failed");
  });

  it("key: reuse keeps the key across a renewal; mode off orders nothing; notify reports", async () => {
    const cfg = file("reuse.yaml", `certificates:\n${cert("same", "same.example.com", "    key: reuse\n")}${cert("quiet", "quiet.example.com", "    mode: off\n")}`);
    const first = await run(cfg);
    expect(first.code, first.err).toBe(0);
    const keyPath = join(state2, "certificates/same/key.pem");
    const spki = () => createPublicKey(createPrivateKey({ key: readFileSync(keyPath, "utf8"), format: "pem", passphrase: "renew passphrase" })).export({ type: "spki", format: "der" });
    const before = spki();
    const serial = new X509Certificate(readFileSync(join(state2, "certificates/same/cert.pem"))).serialNumber;
    expect(ordersFor("quiet.example.com")).toBe(0);
    const later = await run(cfg, "--now", new Date(Date.now() + 200 * DAY).toISOString());
    expect(later.code, later.err).toBe(0);
    expect(new X509Certificate(readFileSync(join(state2, "certificates/same/cert.pem"))).serialNumber).not.toBe(serial);
    expect(spki().equals(before)).toBe(true);
    const notify = file("notify.yaml", `certificates:\n${cert("same", "same.example.com", "    mode: notify\n")}`);
    const n = await run(notify, "--now", new Date(Date.now() + 400 * DAY).toISOString(), "--json");
    expect(n.code, n.err).toBe(0);
    expect((JSON.parse(n.out) as { certificates: { outcome: string }[] }).certificates[0]!.outcome).toBe("notify");
    expect(n.err).toMatch(/due for renewal/);
  });
});
