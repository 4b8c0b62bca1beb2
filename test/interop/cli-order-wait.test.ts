// `keysmith order wait` as a CI pipeline runs it: the built CLI (node bin/keysmith.mjs → dist/cli) as a
// child process against the emulator started here in-process. The flow the README shows — csr, order
// create (OrderId captured by a one-liner), order wait --add-dns-record --out DIR, bundle — is run end to
// end and its files checked with OpenSSL; the exit-1 outcomes (verify_fail, timeout), FILE validation, a
// service-made key (written only encrypted with --key-passphrase-file, or with --unencrypted; `--json`
// shows it only with --include-private-key), refusing to overwrite, and invalid input. Children are
// spawned asynchronously: the emulator answers from this process's event loop. Their state directory (the
// CLI's ledger of creates) is one of this test's own.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/index";
import { dnsRecordPlacement } from "../../src/core/aliyun/dns-placement";
import { dnsRecordPlacement as fromWorker } from "../../src/background/handlers/orders";
import { isKeysmithError } from "../../src/core/errors";
import { ensureCliBuilt } from "../support/fresh-build";

const ROOT = resolve(__dirname, "../..");
const CLI = join(ROOT, "bin/keysmith.mjs");
const dir = mkdtempSync(join(tmpdir(), "keysmith-order-wait-"));
const p = (...parts: string[]) => join(dir, ...parts);
let emu: RunningEmulator;

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** Runs a command line in a child process (a shell when `shell` is set, for the README's one-liners). */
function child(cmd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done, reject) => {
    const proc = spawn(cmd, args, {
      cwd: ROOT,
      env: {
        ...process.env,
        ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret,
        KEYSMITH_ENDPOINT: emu.url,
        KEYSMITH_LANG: "en",
        KEYSMITH_STATE_DIR: p("state"),
        ...env,
      },
    });
    let out = "";
    let err = "";
    proc.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    proc.stderr.on("data", (d: Buffer) => (err += d.toString("utf8")));
    proc.on("error", reject);
    proc.on("close", (code) => done({ code, out, err }));
  });
}
const keysmith = (args: string[], env?: Record<string, string>) => child(process.execPath, [CLI, ...args], env);
/** A pipeline script in `sh -c`, with `keysmith` on the PATH (a wrapper around the built CLI). */
const shell = (script: string) => child("sh", ["-c", script], { PATH: `${p("bin")}:${process.env.PATH ?? ""}` });

const openssl = (args: string[]) => execFileSync("openssl", args, { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
const contact = ["--username", "CI Bot", "--email", "ci@example.com", "--phone", "13900000000"];
const fast = ["--interval", "0.05"];

async function control(path: string, body?: unknown): Promise<unknown> {
  const r = await fetch(`${emu.url}/__emulator/${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(r.status, path).toBe(200);
  return r.json();
}

async function orderStatus(orderId: string): Promise<Record<string, unknown>> {
  const r = await keysmith(["order", "status", orderId, "--json"]);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as Record<string, unknown>;
}

/** A DNS-validated order for a fresh keysmith-made EC key; returns the order id and the CSR path. */
async function dnsOrder(name: string, cn: string): Promise<{ orderId: string; csr: string }> {
  const made = await keysmith(["csr", "--key-spec", "EC_P256", "--subject", `CN=${cn}`, "--out", p(name), "--unencrypted"]);
  expect(made.code, made.err).toBe(0);
  const csr = p(name, `${cn}.csr.pem`);
  const created = await keysmith(["order", "create", "--csr", csr, ...contact, "--validate-type", "DNS", "--json"]);
  expect(created.code, created.err).toBe(0);
  return { orderId: (JSON.parse(created.out) as { OrderId: string }).OrderId, csr };
}

beforeAll(async () => {
  ensureCliBuilt();
  emu = await startEmulator({ port: 0 });
  writeFileSync(p("pfx-pass"), "pipeline passphrase\n");
  writeFileSync(p("key-pass"), "key passphrase of the pipeline\n");
  mkdirSync(p("bin"));
  writeFileSync(p("bin", "keysmith"), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
}, 120_000);
afterAll(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

// Each case spawns several CLI processes; on a loaded machine that alone takes tens of seconds.
describe("keysmith order wait", { timeout: 180_000 }, () => {
  it("the README flow: csr → order create (OrderId captured) → order wait --add-dns-record --out → bundle", async () => {
    const out = p("flow");
    const csr = await keysmith(["csr", "--key-spec", "EC_P256", "--subject", "CN=www.example.com", "--out", out, "--passphrase-file", p("key-pass")]);
    expect(csr.code, csr.err).toBe(0);
    // The one-liner the README documents (no jq): --json, then node -e reads OrderId, a string.
    const captured = await shell(
      `keysmith order create --csr "${out}/www.example.com.csr.pem" --username "CI Bot" --email ci@example.com --phone 13900000000 --validate-type DNS --json` +
        ` | node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).OrderId)'`,
    );
    expect(captured.code, captured.err).toBe(0);
    const orderId = captured.out.trim();
    expect(orderId).toMatch(/^\d{17}$/);
    const pending = await orderStatus(orderId);
    expect(pending.Type).toBe("domain_verify");

    const wait = await keysmith(["order", "wait", orderId, "--add-dns-record", "--out", out, ...fast, "--timeout", "60", "--json"]);
    expect(wait.code, wait.err).toBe(0);
    const result = JSON.parse(wait.out) as { orderId: unknown; state: string; outcome: string; files: string[]; recordAdded: { zone: string; rr: string; type: string; recordId: string } };
    expect(result.orderId).toBe(orderId);
    expect(result.state).toBe("certificate");
    expect(result.outcome).toBe("issued");
    const cert = join(out, "www.example.com.cert.pem");
    const chain = join(out, "www.example.com.chain.pem");
    expect(result.files).toEqual([cert, chain]);
    // Progress went to stderr (stdout is the one JSON object): each state once, the record as cas gave it.
    expect(wait.err.match(/: domain_verify \(/g)).toHaveLength(1);
    expect(wait.err).toContain(`type ${String(pending.RecordType)}, host ${String(pending.RecordDomain)}, value ${String(pending.RecordValue)}`);
    // The record sits in the emulator's Alidns where the challenge looks, added once.
    const state = (await control("state")) as { dnsRecords: { recordId: string; domainName: string; rr: string; type: string; value: string }[] };
    const added = state.dnsRecords.filter((r) => r.value === pending.RecordValue);
    expect(added).toEqual([expect.objectContaining({ recordId: result.recordAdded.recordId, domainName: result.recordAdded.zone, rr: result.recordAdded.rr, type: "TXT" })]);
    expect(result.recordAdded.zone).toBe("example.com");
    expect(`${result.recordAdded.rr}.${result.recordAdded.zone}`).toBe(`_dnsauth.www.example.com`);

    // The leaf verifies to the emulator's root through the chain file, and carries the CSR's key.
    const roots = (await control("ca")) as { ec: string };
    writeFileSync(p("root.pem"), roots.ec);
    expect(openssl(["verify", "-CAfile", p("root.pem"), "-untrusted", chain, cert])).toContain(": OK");
    expect(openssl(["x509", "-in", cert, "-noout", "-pubkey"])).toBe(openssl(["req", "-in", join(out, "www.example.com.csr.pem"), "-noout", "-pubkey"]));
    expect(readFileSync(cert, "utf8").match(/BEGIN CERTIFICATE/g)).toHaveLength(1);

    // keysmith bundle takes the three files side by side.
    const pfx = join(out, "www.example.com.pfx");
    const bundle = await keysmith(["bundle", "--key", join(out, "www.example.com.key.pem"), "--key-passphrase-file", p("key-pass"), "--cert", cert, "--chain", chain, "--passphrase-file", p("pfx-pass"), "--out", pfx]);
    expect(bundle.code, bundle.err).toBe(0);
    const info = spawnSync("openssl", ["pkcs12", "-info", "-in", pfx, "-passin", `file:${p("pfx-pass")}`, "-nokeys"], { encoding: "utf8" });
    expect(info.status, info.stderr).toBe(0);
    expect(info.stdout.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);

    // Run again: the certificate file is there, so nothing is overwritten without --force (exit 2).
    const before = readFileSync(cert);
    const mtime = statSync(cert).mtimeMs;
    const again = await keysmith(["order", "wait", orderId, "--out", out, ...fast]);
    expect(again.code).toBe(2);
    expect(again.err).toContain(`${cert}: the file already exists (use --force to overwrite).`);
    expect(readFileSync(cert).equals(before)).toBe(true);
    expect(statSync(cert).mtimeMs).toBe(mtime);
    const forced = await keysmith(["order", "wait", orderId, "--out", out, ...fast, "--force"]);
    expect(forced.code, forced.err).toBe(0);
    expect(forced.out).toContain(`wrote ${cert}, ${chain}`);
  });

  it("a wildcard order's files are named as `keysmith csr` named the key (_wildcard.…), the record placed at the zone", async () => {
    const out = p("wild");
    const made = await keysmith(["csr", "--key-spec", "RSA_2048", "--subject", "CN=*.wild.example.com", "--out", out, "--unencrypted", "--json"]);
    expect(made.code, made.err).toBe(0);
    const { keyPath, csrPath } = JSON.parse(made.out) as { keyPath: string; csrPath: string };
    const created = await keysmith(["order", "create", "--csr", csrPath, ...contact, "--validate-type", "DNS", "--product-code", "geotrust-dv-w-starter", "--json"]);
    expect(created.code, created.err).toBe(0);
    const orderId = (JSON.parse(created.out) as { OrderId: string }).OrderId;
    const r = await keysmith(["order", "wait", orderId, "--add-dns-record", "--out", out, ...fast, "--timeout", "60", "--json"]);
    expect(r.code, r.err).toBe(0);
    const result = JSON.parse(r.out) as { files: string[]; recordAdded: { zone: string; rr: string } };
    const cert = keyPath.replace(/\.key\.pem$/, ".cert.pem");
    expect(result.files).toEqual([cert, keyPath.replace(/\.key\.pem$/, ".chain.pem")]);
    expect(result.recordAdded).toMatchObject({ zone: "example.com", rr: "_dnsauth.wild" });
    expect(openssl(["x509", "-in", cert, "-noout", "-pubkey"])).toBe(openssl(["pkey", "-in", keyPath, "-pubout"]));
  });

  it("a forced verify_fail exits 1 and says so", async () => {
    const { orderId } = await dnsOrder("fail", "fail.example.com");
    await control(`orders/${orderId}/state`, { state: "verify_fail" });
    const r = await keysmith(["order", "wait", orderId, "--out", p("fail"), ...fast, "--timeout", "60", "--json"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`order ${orderId}: domain validation failed (verify_fail)`);
    expect(JSON.parse(r.out)).toMatchObject({ orderId, state: "verify_fail", outcome: "verify_fail", files: [] });
    expect(existsSync(p("fail", "fail.example.com.cert.pem"))).toBe(false);
  });

  it("outlives failures the client's own retries do not: 5xx answers are reported and the wait goes on", async () => {
    const { orderId } = await dnsOrder("flaky", "flaky.example.com");
    // More 503s than one look's retries (the client tries a read 4 times): at least one look fails whole.
    await control("faults", { serverError: 6, actions: ["DescribeCertificateState"] });
    const r = await keysmith(["order", "wait", orderId, "--add-dns-record", "--out", p("flaky"), ...fast, "--timeout", "120"]);
    await control("faults", {});
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/still waiting: the last look failed \(.*\); trying again\./);
    expect(existsSync(p("flaky", "flaky.example.com.cert.pem"))).toBe(true);
  });

  it("a failure that waiting cannot mend (a wrong secret) ends the wait at once with exit 2", async () => {
    const { orderId } = await dnsOrder("badkey", "badkey.example.com");
    const r = await keysmith(["order", "wait", orderId, ...fast, "--timeout", "120"], { ALIBABA_CLOUD_ACCESS_KEY_SECRET: "not-the-secret" });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/SignatureDoesNotMatch|signature/i);
    expect(r.out).not.toMatch(/still waiting/);
  });

  it("a timeout exits 1; the DNS record and each state are printed once, in English and in Chinese", async () => {
    const { orderId } = await dnsOrder("slow", "slow.example.com");
    const pending = await orderStatus(orderId);
    const r = await keysmith(["order", "wait", orderId, "--out", p("slow"), "--interval", "0.1", "--timeout", "0.6"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`order ${orderId}: still domain_verify after [0-9.]+ s \\(timeout\\)`));
    expect(r.out.match(/domain_verify/g)).toHaveLength(1);
    const recordLine = `DNS validation record: type ${String(pending.RecordType)}, host ${String(pending.RecordDomain)}, value ${String(pending.RecordValue)}`;
    expect(r.out.split("\n").filter((l) => l === recordLine)).toHaveLength(1);
    expect(r.out).toContain("--add-dns-record");
    const zh = await keysmith(["order", "wait", orderId, "--out", p("slow"), "--interval", "0.1", "--timeout", "0.2"], { KEYSMITH_LANG: "zh_CN" });
    expect(zh.code).toBe(1);
    expect(zh.out).toContain(`订单 ${orderId}：domain_verify（等待域名验证）`);
    expect(zh.err).toContain("超时");
    // Nothing was added to DNS without --add-dns-record.
    const state = (await control("state")) as { dnsRecords: { value: string }[] };
    expect(state.dnsRecords.filter((d) => d.value === pending.RecordValue)).toEqual([]);
  });

  it("FILE validation prints Domain, Uri and Content; a service-made key goes only to <name>.key.pem, 0600, encrypted unless --unencrypted", async () => {
    // The other capture: the human output and sed.
    const created = await shell(`keysmith order create --domain files.example.com --username "CI Bot" --email ci@example.com --phone 13900000000 --validate-type FILE | sed -n 's/^OrderId: //p'`);
    expect(created.code, created.err).toBe(0);
    const orderId = created.out.trim();
    expect(orderId).toMatch(/^\d{17}$/);
    const pending = await orderStatus(orderId);
    const waiting = await keysmith(["order", "wait", orderId, "--out", p("files"), ...fast, "--timeout", "0.2", "--add-dns-record", "--key-passphrase-file", p("key-pass")]);
    expect(waiting.code).toBe(1);
    for (const field of ["Domain", "Uri", "Content"]) {
      expect(String(pending[field])).not.toBe("");
      expect(waiting.out.split("\n")).toContain(`${field}: ${String(pending[field])}`);
    }
    expect(waiting.out).toContain("--add-dns-record does not apply");

    // This CLI placed the order by --domain (its ledger says so): the key's protection is asked for before the wait.
    const early = await keysmith(["order", "wait", orderId, "--out", p("files"), ...fast, "--timeout", "60"]);
    expect(early.code).toBe(2);
    expect(early.err.split("\n").filter(Boolean)).toEqual([expect.stringMatching(/--key-passphrase-file.*--unencrypted.*nothing was written/)]);
    expect(early.out).toBe("");

    await control(`orders/${orderId}/state`, { state: "certificate" });

    // `order status --json` withholds the service-made key unless --include-private-key asks for it.
    const hidden = await keysmith(["order", "status", orderId, "--json"]);
    expect(hidden.code, hidden.err).toBe(0);
    const shown = JSON.parse(hidden.out) as Record<string, unknown>;
    expect(shown.Type).toBe("certificate");
    expect(String(shown.Certificate)).toContain("BEGIN CERTIFICATE");
    expect(shown).not.toHaveProperty("PrivateKey");
    expect(hidden.out).not.toMatch(/PRIVATE KEY/);
    expect(hidden.err).toContain("PrivateKey withheld from the output (a private key); --include-private-key prints it.");
    const human = await keysmith(["order", "status", orderId]);
    expect(human.out).toContain("PrivateKey: (a private key; printed only with --include-private-key)");
    expect(human.out).not.toMatch(/PRIVATE KEY/);
    const included = await keysmith(["order", "status", orderId, "--json", "--include-private-key"]);
    expect(included.code, included.err).toBe(0);
    expect(String((JSON.parse(included.out) as Record<string, unknown>).PrivateKey)).toMatch(/^-----BEGIN (RSA )?PRIVATE KEY-----/);
    expect(included.err).toBe("");

    // A run whose ledger does not know the order learns of the key only once issued: nothing is written then.
    const late = await keysmith(["order", "wait", orderId, "--out", p("files"), ...fast], { KEYSMITH_STATE_DIR: p("other-state") });
    expect(late.code).toBe(2);
    expect(late.err.split("\n").filter(Boolean)).toEqual([expect.stringMatching(new RegExp(`--key-passphrase-file.*--unencrypted.*${orderId}`))]);
    expect(existsSync(p("files"))).toBe(false);

    // With --key-passphrase-file: encrypted PKCS#8 that OpenSSL opens with the passphrase, the certificate's key.
    const issued = await keysmith(["order", "wait", orderId, "--out", p("files"), ...fast, "--key-passphrase-file", p("key-pass"), "--json"]);
    expect(issued.code, issued.err).toBe(0);
    const key = p("files", "files.example.com.key.pem");
    const cert = p("files", "files.example.com.cert.pem");
    expect(JSON.parse(issued.out)).toMatchObject({ files: [key, cert, p("files", "files.example.com.chain.pem")], keyEncrypted: true });
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(readFileSync(key, "utf8")).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(`${issued.out}${issued.err}`).not.toMatch(/PRIVATE KEY/);
    expect(openssl(["pkey", "-in", key, "-passin", `file:${p("key-pass")}`, "-pubout"])).toBe(openssl(["x509", "-in", cert, "-noout", "-pubkey"]));
    expect(spawnSync("openssl", ["pkey", "-in", key, "-passin", "pass:wrong", "-noout"]).status).not.toBe(0);

    // With --unencrypted: the key as the service sent it, still 0600 and only in its file.
    const clear = await keysmith(["order", "wait", orderId, "--out", p("files-clear"), ...fast, "--unencrypted", "--json"]);
    expect(clear.code, clear.err).toBe(0);
    const clearKey = p("files-clear", "files.example.com.key.pem");
    expect(JSON.parse(clear.out)).toMatchObject({ keyEncrypted: false });
    expect(statSync(clearKey).mode & 0o777).toBe(0o600);
    expect(`${clear.out}${clear.err}`).not.toMatch(/PRIVATE KEY/);
    expect(openssl(["pkey", "-in", clearKey, "-pubout"])).toBe(openssl(["x509", "-in", cert, "-noout", "-pubkey"]));
  });

  it("invalid input exits 2 naming the field, before anything is sent", async () => {
    const cases: [string[], RegExp][] = [
      [["order", "wait", "not-a-number"], /OrderId/],
      [["order", "wait", "98987582437920969", "--interval", "0"], /--interval/],
      [["order", "wait", "98987582437920969", "--timeout", "-1"], /--timeout/],
      [["order", "wait", "98987582437920969", "--zone", "example.com"], /--zone needs --add-dns-record/],
      [["order", "wait", "98987582437920969", "--add-dns-record", "--zone", "not a zone"], /--zone/],
      [["order", "wait", "98987582437920969", "--name", "../x"], /--name/],
      [["order", "wait", "98987582437920969", "--key-passphrase-file", p("key-pass"), "--unencrypted"], /--unencrypted and --key-passphrase-file/],
      [["order", "wait", "98987582437920969", "--key-passphrase-file", p("no-such-pass")], /--key-passphrase-file/],
    ];
    for (const [argv, message] of cases) {
      const r = await keysmith(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err).toMatch(message);
    }
    // An unknown order is the API's typed error, printed as the other commands print it.
    const unknown = await keysmith(["order", "wait", "98987582437920900", ...fast, "--timeout", "1"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/NotFoundOrder/);
  });

  it("--zone places the record in the zone given; a zone that does not hold the domain is refused as --zone", async () => {
    const { orderId } = await dnsOrder("zone", "api.shop.example.com");
    const wrong = await keysmith(["order", "wait", orderId, "--add-dns-record", "--zone", "other.com", "--out", p("zone"), ...fast, "--timeout", "5"]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain("--zone");
    expect(wrong.err).toContain("other.com");
    await control("zones", { zone: "shop.example.com" });
    const r = await keysmith(["order", "wait", orderId, "--add-dns-record", "--zone", "shop.example.com", "--out", p("zone"), ...fast, "--timeout", "60", "--json"]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ outcome: "issued", recordAdded: { zone: "shop.example.com", rr: "_dnsauth.api" } });
  });
});

describe("dnsRecordPlacement in the pure core (moved from the worker, which re-exports it)", () => {
  it("places the record relative to the given or guessed zone", () => {
    expect(fromWorker).toBe(dnsRecordPlacement);
    expect(dnsRecordPlacement("www.example.com", "_dnsauth")).toEqual({ zone: "example.com", rr: "_dnsauth.www" });
    expect(dnsRecordPlacement("*.example.com", "_dnsauth")).toEqual({ zone: "example.com", rr: "_dnsauth" });
    expect(dnsRecordPlacement("a.b.example.com.cn", "_dnsauth.a.b.example.com.cn")).toEqual({ zone: "example.com.cn", rr: "_dnsauth.a.b" });
    expect(dnsRecordPlacement("www.shop.example.com", "_dnsauth", "shop.example.com")).toEqual({ zone: "shop.example.com", rr: "_dnsauth.www" });
  });
  it("refuses a zone that does not contain the domain, naming the zone", () => {
    let caught: unknown;
    try {
      dnsRecordPlacement("www.example.com", "_dnsauth", "example.org");
    } catch (err) {
      caught = err;
    }
    expect(isKeysmithError(caught) && caught.code).toBe("orders.dns.zone_mismatch");
    expect(isKeysmithError(caught) && caught.field).toBe("zone");
  });
});
