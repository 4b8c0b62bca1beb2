// Every error the emulator promises, provoked: signature problems (V1 and V3, through the official SDKs
// where they can send them and hand-signed where they cannot), STS, parameter validation, packages,
// order states, routing, faults, CORS, the control endpoint and the state file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { startEmulator, type RunningEmulator } from "../../emulator/index";
import { casClient, casModule, opensslCsr, orderIdFor, popClient, rawV1, scratch } from "./emulator-helpers";

const CAS = "2020-04-07";
const contact = { Username: "Tom", Phone: "13900000000", Email: "tom@example.com", ValidateType: "DNS" };
let emu: RunningEmulator;
let dir: string;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, packages: { "symantec-free-1-free": 20, "geotrust-dv-1-starter": 1, "symantec-dv-1-starter": 0 } });
  dir = scratch();
});
afterAll(async () => {
  await emu?.close();
});

/** The code and HTTP status an SDK call failed with (Tea: statusCode; pop-core: the body's Code). */
async function failure(call: Promise<unknown>): Promise<{ code: string; status?: number; data?: Record<string, unknown> }> {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: string; statusCode?: number; data?: Record<string, unknown> };
    return { code: String(e.code), status: e.statusCode ?? (e.data?.statusCode as number | undefined), data: e.data };
  }
  throw new Error("the call succeeded");
}

function expectCloudError(res: { status: number; body: Record<string, unknown> }, status: number, code: string): void {
  expect({ status: res.status, code: res.body.Code }).toEqual({ status, code });
  expect(Object.keys(res.body).sort()).toEqual(["Code", "HostId", "Message", "Recommend", "RequestId"]);
  expect(String(res.body.Message)).not.toBe("");
}

describe("signatures", () => {
  it("V1: a timestamp more than 15 minutes off is InvalidTimeStamp.Expired (400)", async () => {
    const res = await rawV1(emu, CAS, "DescribePackageState", {}, { timestamp: new Date(Date.now() - 16 * 60 * 1000) });
    expectCloudError(res, 400, "InvalidTimeStamp.Expired");
    const ahead = await rawV1(emu, CAS, "DescribePackageState", {}, { timestamp: new Date(Date.now() + 16 * 60 * 1000) });
    expectCloudError(ahead, 400, "InvalidTimeStamp.Expired");
  });

  it("V3: the SDK's x-acs-date outside the window is InvalidTimeStamp.Expired (400)", async () => {
    const skewed = await startEmulator({ port: 0, now: () => Date.now() + 20 * 60 * 1000 });
    try {
      const res = await failure(casClient(skewed).describePackageState(new casModule.DescribePackageStateRequest({})));
      expect(res).toMatchObject({ code: "InvalidTimeStamp.Expired", status: 400 });
      const v1 = await failure(popClient(skewed, CAS).request("DescribePackageState", {}));
      expect(v1.code).toBe("InvalidTimeStamp.Expired");
    } finally {
      await skewed.close();
    }
  });

  it("a replayed nonce is SignatureNonceUsed (400)", async () => {
    const nonce = `replay-${Date.now()}`;
    const first = await rawV1(emu, CAS, "DescribePackageState", {}, { nonce });
    expect(first.status).toBe(200);
    expectCloudError(await rawV1(emu, CAS, "DescribePackageState", {}, { nonce }), 400, "SignatureNonceUsed");
  });

  it("an unknown AccessKeyId is InvalidAccessKeyId.NotFound (404), V3 and V1", async () => {
    const creds = { accessKeyId: "LTAI-nobody", accessKeySecret: "whatever" };
    expect(await failure(casClient(emu, creds).describePackageState(new casModule.DescribePackageStateRequest({})))).toMatchObject({
      code: "InvalidAccessKeyId.NotFound",
      status: 404,
    });
    expect((await failure(popClient(emu, CAS, creds).request("DescribePackageState", {}))).code).toBe("InvalidAccessKeyId.NotFound");
    expectCloudError(await rawV1(emu, CAS, "DescribePackageState", {}, { accessKeyId: "LTAI-nobody" }), 404, "InvalidAccessKeyId.NotFound");
  });

  it("a wrong secret or a changed parameter is SignatureDoesNotMatch (400), V3 and V1", async () => {
    const wrong = { accessKeyId: emu.accessKeyId, accessKeySecret: "not-the-secret" };
    expect(await failure(casClient(emu, wrong).describePackageState(new casModule.DescribePackageStateRequest({})))).toMatchObject({
      code: "SignatureDoesNotMatch",
      status: 400,
    });
    expect((await failure(popClient(emu, CAS, wrong).request("DescribePackageState", {}))).code).toBe("SignatureDoesNotMatch");
    const tampered = await rawV1(emu, CAS, "DescribePackageState", { ProductCode: "symantec-free-1-free" }, {
      afterSign: (p) => {
        p.ProductCode = "geotrust-dv-1-starter";
      },
    });
    expectCloudError(tampered, 400, "SignatureDoesNotMatch");
    expect(String(tampered.body.Message)).toContain("server string to sign is:GET&%2F&");
    expect(tampered.text).not.toContain(emu.accessKeySecret);
  });

  it("V1 accepts parameters split between the query and a POST form body", async () => {
    const res = await rawV1(emu, CAS, "DescribePackageState", { ProductCode: "symantec-free-1-free" }, { method: "POST" });
    expect(res.status).toBe(200);
    expect(res.body.ProductCode).toBe("symantec-free-1-free");
  });

  it("STS: the configured SecurityToken is accepted, a missing or wrong one refused (V3 and V1)", async () => {
    const sts = { accessKeyId: "STS.keysmith", accessKeySecret: "sts-secret", securityToken: "sts-token-value" };
    const stsEmu = await startEmulator({ port: 0, credentials: [sts] });
    try {
      const ok = await casClient(stsEmu, sts).describePackageState(new casModule.DescribePackageStateRequest({}));
      expect(ok.body?.totalCount).toBe(20);
      expect(await popClient(stsEmu, CAS, sts).request("DescribePackageState", {})).toMatchObject({ TotalCount: 20 });
      const missing = await failure(casClient(stsEmu, { ...sts, securityToken: undefined }).describePackageState(new casModule.DescribePackageStateRequest({})));
      expect(missing.code).toBe("MissingSecurityToken");
      const mismatch = await failure(popClient(stsEmu, CAS, { ...sts, securityToken: "other" }).request("DescribePackageState", {}));
      expect(mismatch.code).toBe("InvalidSecurityToken.MismatchWithAccessKey");
    } finally {
      await stsEmu.close();
    }
  });
});

describe("routing and parameters", () => {
  it("unknown versions and actions", async () => {
    expectCloudError(await rawV1(emu, "2099-01-01", "DescribePackageState", {}), 400, "InvalidVersion");
    expectCloudError(await rawV1(emu, CAS, "MakeMeACertificate", {}), 404, "InvalidAction.NotFound");
  });

  it("a missing required parameter is MissingParameter, a value outside the allowed ones InvalidParameter", async () => {
    const missing = await rawV1(emu, CAS, "CreateCertificateRequest", { ...contact });
    expectCloudError(missing, 400, "MissingParameter");
    expect(String(missing.body.Message)).toContain('"Domain"');
    const invalid = await rawV1(emu, CAS, "CreateCertificateRequest", { ...contact, Domain: "a.example.com", ValidateType: "EMAIL" });
    expectCloudError(invalid, 400, "InvalidParameter");
    expect(String(invalid.body.Message)).toContain('"ValidateType"');
  });

  it("CreateCertificateWithCsrRequest takes only RSA >= 2048 or ECC CSRs whose CN is the domain", async () => {
    for (const [kind, cn] of [["sm2", "sm2.example.com"], ["rsa1024", "small.example.com"], ["ec", "Tom Smith"]] as const) {
      const { csr } = opensslCsr(dir, kind, cn);
      const res = await rawV1(emu, CAS, "CreateCertificateWithCsrRequest", { ...contact, Csr: csr }, { method: "POST" });
      expectCloudError(res, 400, "InvalidParameter");
      expect(String(res.body.Message)).toContain('"Csr"');
    }
  });

  it("wildcard products need a wildcard domain and wildcard domains a wildcard product", async () => {
    const wildDomain = await rawV1(emu, CAS, "CreateCertificateRequest", { ...contact, Domain: "*.example.com" });
    expectCloudError(wildDomain, 400, "InvalidParameter");
    const wildProduct = await rawV1(emu, CAS, "CreateCertificateRequest", { ...contact, Domain: "www.example.com", ProductCode: "geotrust-dv-w-starter" });
    expectCloudError(wildProduct, 400, "InvalidParameter");
    expect(String(wildProduct.body.Message)).toContain("wildcard");
  });
});

describe("packages and orders", () => {
  it("NotFoundPackage (404) without a package, NotRemainCount (404) once used up; cancel and delete give the count back", async () => {
    const none = await rawV1(emu, CAS, "CreateCertificateRequest", { ...contact, Domain: "none.example.com", ProductCode: "symantec-dv-1-starter" });
    expectCloudError(none, 404, "NotFoundPackage");

    const first = await rawV1(emu, CAS, "CreateCertificateRequest", { ...contact, Domain: "quota.example.com", ProductCode: "geotrust-dv-1-starter" });
    expect(first.status).toBe(200);
    const orderId = /"OrderId":(\d+)/.exec(first.text)![1]!;
    const second = await rawV1(emu, CAS, "CreateCertificateRequest", { ...contact, Domain: "quota2.example.com", ProductCode: "geotrust-dv-1-starter" });
    expectCloudError(second, 404, "NotRemainCount");

    // Delete is refused while the order is under validation; cancel is allowed then, and releases the count.
    expectCloudError(await rawV1(emu, CAS, "DeleteCertificateRequest", { OrderId: orderId }), 403, "OrderStateError");
    expect((await rawV1(emu, CAS, "CancelOrderRequest", { OrderId: orderId })).status).toBe(200);
    expect((await rawV1(emu, CAS, "DescribeCertificateState", { OrderId: orderId })).body.Type).toBe("payed");
    const pkg = await rawV1(emu, CAS, "DescribePackageState", { ProductCode: "geotrust-dv-1-starter" });
    expect(pkg.body).toMatchObject({ TotalCount: 1, UsedCount: 0 });
    expect((await rawV1(emu, CAS, "DeleteCertificateRequest", { OrderId: orderId })).status).toBe(200);
    // Released once, not twice.
    expect((await rawV1(emu, CAS, "DescribePackageState", { ProductCode: "geotrust-dv-1-starter" })).body).toMatchObject({ UsedCount: 0 });
    expectCloudError(await rawV1(emu, CAS, "DescribeCertificateState", { OrderId: orderId }), 404, "NotFoundOrder");
  });

  it("NotFoundOrder (404) for an unknown order; OrderStateError (403) cancelling an issued one", async () => {
    expectCloudError(await rawV1(emu, CAS, "DescribeCertificateState", { OrderId: "12345678901234567" }), 404, "NotFoundOrder");
    const created = await rawV1(emu, CAS, "CreateCertificateRequest", { ...contact, Domain: "issued.example.com" });
    const orderId = /"OrderId":(\d+)/.exec(created.text)![1]!;
    await emu.control.forceOrderState(orderId, "certificate");
    expectCloudError(await rawV1(emu, CAS, "CancelOrderRequest", { OrderId: orderId }), 403, "OrderStateError");
    expectCloudError(await rawV1(emu, CAS, "DeleteCertificateRequest", { OrderId: orderId }), 403, "OrderStateError");
  });

  it("FILE orders show Domain, Uri and Content; the control endpoint can fail or pass them", async () => {
    const created = await rawV1(emu, CAS, "CreateCertificateRequest", { ...contact, ValidateType: "FILE", Domain: "file.example.com" });
    const orderId = /"OrderId":(\d+)/.exec(created.text)![1]!;
    const state = await rawV1(emu, CAS, "DescribeCertificateState", { OrderId: orderId });
    expect(state.body).toMatchObject({ Type: "domain_verify", ValidateType: "FILE", Domain: "file.example.com", Uri: "/.well-known/pki-validation/fileauth.txt" });
    expect(String(state.body.Content)).not.toBe("");
    const res = await fetch(`${emu.url}/__emulator/orders/${orderId}/state`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ state: "verify_fail" }) });
    expect(res.status).toBe(200);
    expect((await rawV1(emu, CAS, "DescribeCertificateState", { OrderId: orderId })).body.Type).toBe("verify_fail");
    expect((await rawV1(emu, CAS, "DeleteCertificateRequest", { OrderId: orderId })).status).toBe(200);
  });

  it("polls arriving together issue one certificate and count it once", async () => {
    const created = await rawV1(emu, CAS, "CreateCertificateRequest", { ...contact, Domain: "together.example.com" });
    const orderId = /"OrderId":(\d+)/.exec(created.text)![1]!;
    const pending = await rawV1(emu, CAS, "DescribeCertificateState", { OrderId: orderId });
    await rawV1(emu, "2015-01-09", "AddDomainRecord", { DomainName: "example.com", RR: String(pending.body.RecordDomain), Type: "TXT", Value: String(pending.body.RecordValue) });
    const before = (await rawV1(emu, CAS, "DescribePackageState", {})).body.IssuedCount as number;
    const polls = await Promise.all([1, 2, 3, 4].map(() => rawV1(emu, CAS, "DescribeCertificateState", { OrderId: orderId })));
    expect(new Set(polls.map((p) => p.body.Certificate)).size).toBe(1);
    expect(polls[0]!.body.Type).toBe("certificate");
    expect((await rawV1(emu, CAS, "DescribePackageState", {})).body.IssuedCount).toBe(before + 1);
  });

  it("with a process delay, a validated order waits in `process` until the clock is advanced", async () => {
    const slow = await startEmulator({ port: 0, processDelayMs: 60 * 60 * 1000 });
    try {
      const created = await rawV1(slow, CAS, "CreateCertificateRequest", { ...contact, Domain: "slow.example.com" });
      const orderId = /"OrderId":(\d+)/.exec(created.text)![1]!;
      const pending = await rawV1(slow, CAS, "DescribeCertificateState", { OrderId: orderId });
      await rawV1(slow, "2015-01-09", "AddDomainRecord", { DomainName: "example.com", RR: String(pending.body.RecordDomain), Type: "TXT", Value: String(pending.body.RecordValue) });
      expect((await rawV1(slow, CAS, "DescribeCertificateState", { OrderId: orderId })).body.Type).toBe("process");
      await fetch(`${slow.url}/__emulator/clock/advance`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ms: 60 * 60 * 1000 }) });
      expect((await rawV1(slow, CAS, "DescribeCertificateState", { OrderId: orderId })).body.Type).toBe("certificate");
    } finally {
      await slow.close();
    }
  });
});

describe("faults", () => {
  it("Throttling and 5xx for the next requests, then normal answers", async () => {
    emu.control.setFaults({ throttling: 1, serverError: 1, actions: ["DescribePackageState"] });
    expectCloudError(await rawV1(emu, CAS, "DescribePackageState", {}), 400, "Throttling");
    expectCloudError(await rawV1(emu, CAS, "DescribePackageState", {}), 503, "ServiceUnavailable");
    expect((await rawV1(emu, CAS, "DescribePackageState", {})).status).toBe(200);
  });

  it("commit then drop: the create happens but its answer never arrives", async () => {
    await fetch(`${emu.url}/__emulator/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ dropAfterCommit: 1 }) });
    await expect(rawV1(emu, CAS, "CreateCertificateRequest", { ...contact, Domain: "dropped.example.com" })).rejects.toThrow();
    expect(orderIdFor(emu, "dropped.example.com")).toMatch(/^\d{17}$/);
    const list = await rawV1(emu, CAS, "ListUserCertificateOrder", { Keyword: "dropped.example.com" });
    expect(list.body.TotalCount).toBe(1);
  });

  it("added latency still answers", async () => {
    emu.control.setFaults({ latencyMs: 50 });
    expect((await rawV1(emu, CAS, "DescribePackageState", {})).status).toBe(200);
    emu.control.setFaults({});
  });
});

describe("CORS, control endpoint, state file", () => {
  it("answers extension origins' preflights and requests", async () => {
    const pre = await fetch(`${emu.url}/`, {
      method: "OPTIONS",
      headers: { origin: "chrome-extension://abcdefghijklmnop", "access-control-request-method": "POST", "access-control-request-headers": "authorization,x-acs-date" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("chrome-extension://abcdefghijklmnop");
    expect(pre.headers.get("access-control-allow-headers")).toContain("x-acs-date");
    const other = await fetch(`${emu.url}/`, { method: "OPTIONS", headers: { origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === "IPv4" && !i.internal)?.address;
  it.skipIf(!external)("refuses the control endpoint to non-loopback clients", async () => {
    const open = await startEmulator({ port: 0, host: "0.0.0.0" });
    try {
      const res = await fetch(`http://${external!}:${open.port}/__emulator/state`);
      expect(res.status).toBe(403);
      expect((await fetch(`http://127.0.0.1:${open.port}/__emulator/state`)).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it("a writer killed mid-write leaves a state file that still parses", async () => {
    const folder = scratch();
    const stateFile = join(folder, "state.json");
    const script = join(folder, "writer.mjs");
    const root = join(import.meta.dirname, "../..");
    writeFileSync(
      script,
      `import { register } from ${JSON.stringify(pathToFileURL(join(root, "node_modules/tsx/dist/esm/api/index.mjs")).href)};
register();
const { saveStateAtomic } = await import(${JSON.stringify(pathToFileURL(join(root, "emulator/state.ts")).href)});
const big = { format: 1, filler: "x".repeat(2_000_000), n: 0 };
for (let n = 0; ; n++) { big.n = n; saveStateAtomic(${JSON.stringify(stateFile)}, big); if (n === 3) process.stdout.write("ready\\n"); }
`,
    );
    const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    const parsed = JSON.parse(readFileSync(stateFile, "utf8")) as { n: number; filler: string };
    expect(parsed.n).toBeGreaterThanOrEqual(3);
    expect(parsed.filler.length).toBe(2_000_000);
  });

  it("keeps state, CA included, across restarts in an atomically written file", async () => {
    const stateFile = join(scratch(), "state.json");
    const a = await startEmulator({ port: 0, stateFile });
    const created = await rawV1(a, CAS, "CreateCertificateRequest", { ...contact, Domain: "kept.example.com" });
    const orderId = /"OrderId":(\d+)/.exec(created.text)![1]!;
    const roots = a.control.caRoots();
    await a.close();
    expect(existsSync(stateFile)).toBe(true);
    expect(readdirSync(join(stateFile, "..")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(() => JSON.parse(readFileSync(stateFile, "utf8")) as unknown).not.toThrow();
    const b = await startEmulator({ port: 0, stateFile });
    try {
      expect(b.control.caRoots()).toEqual(roots);
      expect((await rawV1(b, CAS, "DescribeCertificateState", { OrderId: orderId })).body.Type).toBe("domain_verify");
    } finally {
      await b.close();
    }
  });
});
