// The emulator's faults around a create's commit, proven with the official SDKs and hand-signed V1 calls:
// lateCommitMs (connection cut at once, the create lands later), listLagMs (answered at once, listed only
// after the lag), serverErrorAfterCommit (503 but committed); the control API's checks of fault values and
// its counts; and list paging (cas CurrentPage/ShowSize, Alidns and KMS PageNumber/PageSize) walked to the
// end. 17-digit OrderIds are read from the answer's text, never through a JS number.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { startEmulator, type EmulatorCounts, type RunningEmulator } from "../../emulator/index";
import { casClient, casModule, opensslCsr, rawV1, scratch, spawnEmulatorCli } from "./emulator-helpers";

const CAS = "2020-04-07";
const KMS = "2016-01-20";
const DNS = "2015-01-09";
const contact = { Username: "Tom", Phone: "13900000000", Email: "tom@example.com", ValidateType: "DNS" };
/** The same contact in the Tea SDK's request model (camelCase fields). */
const teaContact = { username: "Tom", phone: "13900000000", email: "tom@example.com", validateType: "DNS" };
let emu: RunningEmulator;
let dir: string;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, packages: 500 });
  dir = scratch();
});
afterAll(async () => {
  await emu?.close();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every value of a long field as written on the wire (bare digits), in answer order. */
function longsIn(text: string, field: string): string[] {
  return [...text.matchAll(new RegExp(`"${field}":(\\d+)`, "g"))].map((m) => m[1]!);
}

async function counts(target: RunningEmulator = emu): Promise<EmulatorCounts> {
  const res = await fetch(`${target.url}/__emulator/counts`);
  expect(res.status).toBe(200);
  return (await res.json()) as EmulatorCounts;
}

async function setFaults(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${emu.url}/__emulator/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** OrderIds ListUserCertificateOrder shows for `keyword` (one page of up to 100). */
async function listedOrders(keyword: string): Promise<string[]> {
  const res = await rawV1(emu, CAS, "ListUserCertificateOrder", { Keyword: keyword, ShowSize: "100" });
  expect(res.status).toBe(200);
  return longsIn(res.text, "OrderId");
}

/** Polls until `probe` is true; returns the ms it took. */
async function until(probe: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!(await probe())) {
    if (Date.now() - start > timeoutMs) throw new Error(`not true within ${timeoutMs} ms`);
    await sleep(50);
  }
  return Date.now() - start;
}

describe("control API: fault values are checked", () => {
  it.each([
    [{ lateCommitMs: -5 }, /lateCommitMs must be a number of milliseconds/],
    [{ listLagMs: "soon" }, /listLagMs must be a number of milliseconds/],
    [{ serverErrorAfterCommit: 1.5 }, /serverErrorAfterCommit must be a whole number from 0 or "always"/],
    [{ lateCommit: 2 }, /lateCommit needs lateCommitMs/],
    [{ lateCommitMs: 10, lateCommit: "often" }, /lateCommit must be a whole number/],
    [{ serverErrorStatus: 418 }, /serverErrorStatus must be 500, 502 or 503/],
    [{ actions: "CreateCsr" }, /actions must be a list of action names/],
    [{ lateCommitMS: 10 }, /unknown fault "lateCommitMS"/],
    [[1, 2], /faults must be a JSON object|the body must be a JSON object/],
  ])("refuses %j with 400 and says why", async (body, message) => {
    const before = (await setFaults({ latencyMs: 1 })).json.faults;
    const res = await setFaults(body);
    expect(res.status).toBe(400);
    expect(String(res.json.error)).toMatch(message);
    // The configuration in force is left as it was.
    expect(emu.control.snapshot().faults).toEqual(before);
  });

  it("accepts each new fault and echoes the configuration", async () => {
    const res = await setFaults({ lateCommitMs: 250, lateCommit: 2, listLagMs: 1000, serverErrorAfterCommit: "always", actions: ["CreateCsr"] });
    expect(res.status).toBe(200);
    expect(res.json.faults).toEqual({ lateCommitMs: 250, lateCommit: 2, listLagMs: 1000, serverErrorAfterCommit: "always", actions: ["CreateCsr"] });
    expect((await setFaults({})).json.faults).toEqual({});
  });
});

describe("npm run emulator: the fault flags", () => {
  const script = join(import.meta.dirname, "../../scripts/emulator.mjs");

  it("--late-commit-ms, --late-commit, --list-lag and --fail-after-commit reach the emulator's faults", async () => {
    const { url, stop } = await spawnEmulatorCli(["--port", "0", "--late-commit-ms", "400", "--late-commit", "1", "--list-lag", "250", "--fail-after-commit", "always"], (out) => /faults .*\n/.test(out));
    try {
      const state = (await (await fetch(`${url}/__emulator/state`)).json()) as { faults: unknown };
      expect(state.faults).toEqual({ lateCommitMs: 400, lateCommit: 1, listLagMs: 250, serverErrorAfterCommit: "always" });
    } finally {
      stop();
    }
  });

  it.each([
    [["--late-commit", "2"], /lateCommit needs lateCommitMs/],
    [["--list-lag", "soon"], /listLagMs must be a number of milliseconds/],
    [["--fail-after-commit=1.5"], /serverErrorAfterCommit must be a whole number from 0 or "always"/],
    [["--late-commit-ms"], /argument missing/],
  ])("%j: exit code 2 and the reason", async (flags, message) => {
    const child = spawn(process.execPath, [script, "--port", "0", ...flags], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });
});

describe("lateCommitMs", () => {
  it("cuts the connection at once and the order exists only after the delay (Tea SDK, one create)", async () => {
    const domain = "late.example.com";
    const { csr } = opensslCsr(dir, "ec", domain);
    emu.control.setFaults({ lateCommitMs: 700, lateCommit: 1, actions: ["CreateCertificateWithCsrRequest"] });
    const before = await counts();
    const started = Date.now();
    const failure = await casClient(emu)
      .createCertificateWithCsrRequest(new casModule.CreateCertificateWithCsrRequestRequest({ csr, ...teaContact }))
      .then(() => undefined, (err: unknown) => err as { code?: string; statusCode?: number; message?: string });
    // No answer at all: a connection error, not one of the cloud's error bodies, and well before the commit.
    expect(failure).toBeDefined();
    expect(failure!.statusCode).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(700);
    expect(await counts()).toMatchObject({ orders: before.orders, pendingCommits: 1 });
    expect(await listedOrders(domain)).toEqual([]);

    await until(async () => (await counts()).orders === before.orders + 1, 5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(690);
    expect(await counts()).toMatchObject({ pendingCommits: 0 });
    const ids = await listedOrders(domain);
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(/^\d{17}$/);
    const state = await rawV1(emu, CAS, "DescribeCertificateState", { OrderId: ids[0]! });
    expect(state.body.Type).toBe("domain_verify");

    // The count is used up: the next create is answered as usual.
    const next = await rawV1(emu, CAS, "CreateCertificateWithCsrRequest", { Csr: csr, ...contact }, { method: "POST" });
    expect(next.status).toBe(200);
    expect(await listedOrders(domain)).toHaveLength(2);
  });

  it("without a count hits every create of the listed actions: a DNS record lands after the delay", async () => {
    emu.control.setFaults({ lateCommitMs: 300, actions: ["AddDomainRecord"] });
    const record = { DomainName: "late-dns.example.com", Type: "TXT" };
    const before = await counts();
    await expect(rawV1(emu, DNS, "AddDomainRecord", { ...record, RR: "_a", Value: "first" })).rejects.toThrow();
    await expect(rawV1(emu, DNS, "AddDomainRecord", { ...record, RR: "_b", Value: "second" })).rejects.toThrow();
    expect((await counts()).pendingCommits).toBe(2);
    // Other actions are untouched.
    expect((await rawV1(emu, CAS, "DescribePackageState", {})).status).toBe(200);
    await until(async () => (await counts()).dnsRecords === before.dnsRecords + 2, 5000);
    const listed = await rawV1(emu, DNS, "DescribeDomainRecords", { DomainName: record.DomainName });
    expect((listed.body.DomainRecords as { Record: { Value: string }[] }).Record.map((r) => r.Value).sort()).toEqual(["first", "second"]);
    emu.control.setFaults({});
  });

  it("a late create the service refuses never lands (the package is used up)", async () => {
    const code = "geotrust-dv-1-starter";
    emu.control.setPackage(code, 0);
    emu.control.setFaults({ lateCommitMs: 100, lateCommit: 1 });
    const before = await counts();
    await expect(rawV1(emu, CAS, "CreateCertificateRequest", { ...contact, Domain: "refused-late.example.com", ProductCode: code })).rejects.toThrow();
    await until(async () => (await counts()).pendingCommits === 0, 5000);
    expect(await counts()).toEqual(before);
    emu.control.setFaults({});
  });
});

describe("listLagMs", () => {
  it("answers the create at once and reads by id see it, but ListUserCertificateOrder shows it only after the lag", async () => {
    const domain = "lag.example.com";
    const { csr } = opensslCsr(dir, "ec", domain);
    emu.control.setFaults({ listLagMs: 1200 });
    const created = await rawV1(emu, CAS, "CreateCertificateWithCsrRequest", { Csr: csr, ...contact }, { method: "POST" });
    const answeredAt = Date.now();
    expect(created.status).toBe(200);
    const [orderId] = longsIn(created.text, "OrderId");
    expect(orderId).toMatch(/^\d{17}$/);
    expect((await rawV1(emu, CAS, "DescribeCertificateState", { OrderId: orderId! })).body.Type).toBe("domain_verify");
    expect((await counts()).orders).toBeGreaterThan(0);
    expect(await listedOrders(domain)).toEqual([]);
    const total = await rawV1(emu, CAS, "ListUserCertificateOrder", { Keyword: domain });
    expect(total.body.TotalCount).toBe(0);

    await until(async () => (await listedOrders(domain)).includes(orderId!), 5000);
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(1100);
    emu.control.setFaults({});
  });

  it("applies to CSRs, DNS records and KMS certificates alike; advancing the business clock ends it", async () => {
    const lagged = await startEmulator({ port: 0, faults: { listLagMs: 60_000 } });
    try {
      const csr = await rawV1(lagged, CAS, "CreateCsr", { Algorithm: "ECC", KeySize: "256", CommonName: "lagcsr.example.com", CountryCode: "CN", Province: "Z", Locality: "H" });
      const [csrId] = longsIn(csr.text, "CsrId");
      const dns = await rawV1(lagged, DNS, "AddDomainRecord", { DomainName: "lag.example.org", RR: "_lag", Type: "TXT", Value: "v" });
      const kms = await rawV1(lagged, KMS, "CreateCertificate", { KeySpec: "EC_P256", Subject: "CN=lag.kms.example.com,OU=kms,O=Keysmith,C=CN" });
      expect([csr.status, dns.status, kms.status]).toEqual([200, 200, 200]);
      // Reads by id see them at once.
      expect((await rawV1(lagged, CAS, "GetCsrDetail", { CsrId: csrId! })).status).toBe(200);
      expect((await rawV1(lagged, KMS, "DescribeCertificate", { CertificateId: String(kms.body.CertificateId) })).status).toBe(200);

      const lists = async (): Promise<[number, number, number]> => {
        const c = await rawV1(lagged, CAS, "ListCsr", {});
        const d = await rawV1(lagged, DNS, "DescribeDomainRecords", { DomainName: "lag.example.org" });
        const k = await rawV1(lagged, KMS, "ListCertificates", {});
        return [Number(c.body.TotalCount), Number(d.body.TotalCount), Number(k.body.TotalSize)];
      };
      expect(await lists()).toEqual([0, 0, 0]);
      expect(await counts(lagged)).toMatchObject({ csrs: 1, dnsRecords: 1, kmsCertificates: 1 });
      lagged.control.advanceTime(60_000);
      expect(await lists()).toEqual([1, 1, 1]);
    } finally {
      await lagged.close();
    }
  });
});

describe("serverErrorAfterCommit", () => {
  it("commits the create, then answers 503 ServiceUnavailable in the cloud's JSON (V1 and Tea SDK)", async () => {
    const domain = "after-commit.example.com";
    const { csr } = opensslCsr(dir, "ec", domain);
    emu.control.setFaults({ serverErrorAfterCommit: 2, actions: ["CreateCertificateWithCsrRequest"] });
    const usedBefore = Number((await rawV1(emu, CAS, "DescribePackageState", {})).body.UsedCount);

    const res = await rawV1(emu, CAS, "CreateCertificateWithCsrRequest", { Csr: csr, ...contact }, { method: "POST" });
    expect(res.status).toBe(503);
    expect(res.body.Code).toBe("ServiceUnavailable");
    expect(Object.keys(res.body).sort()).toEqual(["Code", "HostId", "Message", "Recommend", "RequestId"]);
    expect(res.text).not.toMatch(/OrderId/);

    const sdk = await casClient(emu)
      .createCertificateWithCsrRequest(new casModule.CreateCertificateWithCsrRequestRequest({ csr, ...teaContact }))
      .then(() => undefined, (err: unknown) => err as { code?: string; statusCode?: number });
    expect(sdk).toMatchObject({ code: "ServiceUnavailable", statusCode: 503 });

    // Both orders exist and took their count from the package.
    const ids = await listedOrders(domain);
    expect(ids).toHaveLength(2);
    expect(Number((await rawV1(emu, CAS, "DescribePackageState", {})).body.UsedCount)).toBe(usedBefore + 2);
    // Not a create: untouched. Count used up: the next create is answered.
    expect((await rawV1(emu, CAS, "ListUserCertificateOrder", { Keyword: domain })).status).toBe(200);
    expect((await rawV1(emu, CAS, "CreateCertificateWithCsrRequest", { Csr: csr, ...contact }, { method: "POST" })).status).toBe(200);
    emu.control.setFaults({});
  });
});

describe("paging across every page", () => {
  let paged: RunningEmulator;
  beforeAll(async () => {
    paged = await startEmulator({ port: 0, packages: 100 });
  });
  afterAll(async () => {
    await paged?.close();
  });

  it("ListUserCertificateOrder: CurrentPage/ShowSize, TotalCount on every page, newest first, each order once", async () => {
    const domain = "pages.example.com";
    const { csr } = opensslCsr(dir, "ec", domain);
    const made: string[] = [];
    for (let i = 0; i < 23; i++) {
      const res = await rawV1(paged, CAS, "CreateCertificateWithCsrRequest", { Csr: csr, ...contact }, { method: "POST" });
      made.push(longsIn(res.text, "OrderId")[0]!);
    }
    const seen: string[] = [];
    const sizes: number[] = [];
    for (let page = 1; page <= 6; page++) {
      const res = await rawV1(paged, CAS, "ListUserCertificateOrder", { Keyword: domain, CurrentPage: String(page), ShowSize: "5" });
      expect(res.body).toMatchObject({ TotalCount: 23, CurrentPage: page, ShowSize: 5 });
      const ids = longsIn(res.text, "OrderId");
      sizes.push(ids.length);
      seen.push(...ids);
    }
    expect(sizes).toEqual([5, 5, 5, 5, 3, 0]);
    expect(seen).toEqual([...made].reverse());
    expect(new Set(seen).size).toBe(23);

    const defaults = await rawV1(paged, CAS, "ListUserCertificateOrder", {});
    expect(defaults.body).toMatchObject({ TotalCount: 23, CurrentPage: 1, ShowSize: 50 });
    for (const bad of [{ ShowSize: "0" }, { CurrentPage: "-1" }] as Record<string, string>[]) {
      const res = await rawV1(paged, CAS, "ListUserCertificateOrder", bad);
      expect({ status: res.status, code: res.body.Code }).toEqual({ status: 400, code: "InvalidParameter" });
    }
  });

  it("ListCsr: CurrentPage/ShowSize and TotalCount", async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await rawV1(paged, CAS, "CreateCsr", { Algorithm: "ECC", KeySize: "256", CommonName: `csr${i}.pages.example.com`, CountryCode: "CN", Province: "Z", Locality: "H" });
      made.push(longsIn(res.text, "CsrId")[0]!);
    }
    const first = await rawV1(paged, CAS, "ListCsr", { ShowSize: "2" });
    const second = await rawV1(paged, CAS, "ListCsr", { ShowSize: "2", CurrentPage: "2" });
    expect(first.body).toMatchObject({ TotalCount: 3, CurrentPage: 1, ShowSize: 2 });
    expect(second.body).toMatchObject({ TotalCount: 3, CurrentPage: 2, ShowSize: 2 });
    expect([...longsIn(first.text, "CsrId"), ...longsIn(second.text, "CsrId")]).toEqual([...made].reverse());
  });

  it("DescribeDomainRecords: PageNumber/PageSize (default 20, at most 500) and TotalCount", async () => {
    const zone = "records.pages.example.com";
    for (let i = 0; i < 25; i++) {
      expect((await rawV1(paged, DNS, "AddDomainRecord", { DomainName: zone, RR: `_r${i}`, Type: "TXT", Value: `v${i}` })).status).toBe(200);
    }
    const values: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await rawV1(paged, DNS, "DescribeDomainRecords", { DomainName: zone, PageNumber: String(page), PageSize: "10" });
      expect(res.body).toMatchObject({ TotalCount: 25, PageNumber: page, PageSize: 10 });
      values.push(...(res.body.DomainRecords as { Record: { Value: string }[] }).Record.map((r) => r.Value));
    }
    expect(values).toHaveLength(25);
    expect(new Set(values).size).toBe(25);
    const defaults = await rawV1(paged, DNS, "DescribeDomainRecords", { DomainName: zone });
    expect(defaults.body).toMatchObject({ PageNumber: 1, PageSize: 20 });
    expect((defaults.body.DomainRecords as { Record: unknown[] }).Record).toHaveLength(20);
    const tooBig = await rawV1(paged, DNS, "DescribeDomainRecords", { DomainName: zone, PageSize: "501" });
    expect({ status: tooBig.status, code: tooBig.body.Code }).toEqual({ status: 400, code: "InvalidParameter" });
  });

  it("KMS ListCertificates: PageNumber/PageSize (default 10, at most 100) and the total", async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await rawV1(paged, KMS, "CreateCertificate", { KeySpec: "EC_P256", Subject: `CN=k${i}.pages.example.com,OU=kms,O=Keysmith,C=CN` });
      made.push(String(res.body.CertificateId));
    }
    const ids: string[] = [];
    for (let page = 1; page <= 2; page++) {
      const res = await rawV1(paged, KMS, "ListCertificates", { PageNumber: String(page), PageSize: "2" });
      expect(res.body).toMatchObject({ TotalSize: 3, TotalCount: 3, PageNumber: page, PageSize: 2 });
      ids.push(...(res.body.CertificateSummaryList as { CertificateId: string }[]).map((c) => c.CertificateId));
    }
    expect(ids.sort()).toEqual([...made].sort());
    expect((await rawV1(paged, KMS, "ListCertificates", {})).body).toMatchObject({ PageNumber: 1, PageSize: 10 });
    expect((await rawV1(paged, KMS, "ListCertificates", { PageSize: "101" })).body.Code).toBe("InvalidParameter");
  });

  it("GET /__emulator/counts matches what the lists walk to", async () => {
    expect(await counts(paged)).toEqual({ orders: 23, csrs: 3, kmsCertificates: 3, dnsRecords: 25, uploads: 0, cdnDomains: 0, cdnDeploys: 0, dcdnDomains: 0, dcdnDeploys: 0, slbServerCertificates: 0, slbDeploys: 0, albDeploys: 0, pendingCommits: 0 });
    expect(paged.control.snapshot().counts).toEqual(paged.control.counts());
  });
});
