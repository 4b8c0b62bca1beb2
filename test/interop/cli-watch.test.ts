// `keysmith watch` against the in-process emulator: a certificate ordered outside Keysmith with the official
// SDK @alicloud/pop-core (an OpenSSL CSR, CreateCertificateWithCsrRequest, the Alidns TXT record added with
// pop-core, issued) is listed with its ~90 days left; an upload (pop-core UploadUserCertificate) and both
// certificates served by CDN domains show where they are deployed; exit 1 / 0 after --days; 2 for a bad --days.
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/index";
import { opensslCsr, orderIdFor, popClient, scratch } from "./emulator-helpers";
import { runCli } from "../support/run-cli";

let emu: RunningEmulator;
let dir: string;
const sources = JSON.stringify([{ content: "203.0.113.10", type: "ipaddr", priority: "20", port: 80, weight: "10" }]);
type Pop = Record<string, unknown>;

function cli(...argv: string[]) {
  return runCli([...argv, "--endpoint", emu.url], {
    ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret,
    KEYSMITH_LANG: "en",
  });
}

interface Row {
  id: string;
  source: string;
  name: string;
  daysLeft: number;
  deployedTo: string[];
  orderId?: string;
}

let orderId = "";
let uploadId = "";

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  dir = scratch();
  const cas = popClient(emu, "2020-04-07");
  const dns = popClient(emu, "2015-01-09");
  const cdn = popClient(emu, "2018-05-10");
  const opts = { method: "POST" };

  // 1. An order placed directly with pop-core, validated through Alidns (pop-core too), issued.
  const { csr } = opensslCsr(dir, "ec", "sdk.watch.example.com");
  const created = await cas.request<Pop>("CreateCertificateWithCsrRequest", { Csr: csr, Username: "Tom", Phone: "13900000000", Email: "tom@example.com", ValidateType: "DNS" }, opts);
  // pop-core keeps the 17 digits (json-bigint); read as text and checked against the emulator's own.
  orderId = String(created.OrderId);
  expect(orderId).toBe(orderIdFor(emu, "sdk.watch.example.com"));
  const pending = await cas.request<Pop>("DescribeCertificateState", { OrderId: orderId }, opts);
  await dns.request("AddDomainRecord", { DomainName: "example.com", RR: String(pending.RecordDomain), Type: "TXT", Value: String(pending.RecordValue) }, opts);
  const issued = await cas.request<Pop>("DescribeCertificateState", { OrderId: orderId }, opts);
  expect(issued.Type).toBe("certificate");

  // 2. An uploaded certificate (signed by the emulator's CA from an OpenSSL key).
  const up = opensslCsr(dir, "ec", "upload.watch.example.com");
  const signed = await emu.control.signCsr(up.csr);
  const uploaded = await cas.request<Pop>("UploadUserCertificate", { Name: "watch-upload", Cert: `${signed.certificate}${signed.chain}`, Key: readFileSync(up.keyPath, "utf8") }, opts);
  uploadId = String(uploaded.CertId);

  // 3. Both served by CDN domains (CertType cas).
  for (const [domain, certId] of [["sdk.watch.example.com", orderId], ["upload.watch.example.com", uploadId]] as const) {
    await cdn.request("AddCdnDomain", { DomainName: domain, CdnType: "web", Sources: sources }, opts);
    await cdn.request("SetCdnDomainSSLCertificate", { DomainName: domain, SSLProtocol: "on", CertType: "cas", CertId: certId }, opts);
  }
}, 60_000);
afterAll(async () => {
  await emu?.close();
});

describe("keysmith watch", () => {
  it("lists the SDK-ordered certificate with ~90 days left, and the upload, each with its CDN domain, once", async () => {
    const run = await cli("watch", "--json");
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out) as { days: number; expiring: number; certificates: Row[]; errors: unknown[] };
    expect(report.days).toBe(30);
    expect(report.errors).toEqual([]);
    const ordered = report.certificates.filter((r) => r.name === "sdk.watch.example.com");
    expect(ordered).toHaveLength(1);
    expect(ordered[0]).toMatchObject({ source: "cas-order", orderId, deployedTo: ["sdk.watch.example.com"] });
    expect(ordered[0]!.id).toMatch(/^\d+$/);
    expect(ordered[0]!.daysLeft).toBeGreaterThanOrEqual(89);
    expect(ordered[0]!.daysLeft).toBeLessThanOrEqual(90);
    const uploaded = report.certificates.filter((r) => r.id === uploadId);
    expect(uploaded).toHaveLength(1);
    expect(uploaded[0]).toMatchObject({ source: "cas-upload", name: "watch-upload", deployedTo: ["upload.watch.example.com"] });
    expect(report.certificates).toHaveLength(2);
  });

  it("prints a table, soonest first, and exits 1 with --days 100, 0 with --days 10", async () => {
    const within100 = await cli("watch", "--days", "100");
    expect(within100.code).toBe(1);
    expect(within100.out).toMatch(/name\s+deployed to\s+not after\s+days left\s+source/);
    expect(within100.out).toContain("sdk.watch.example.com");
    expect(within100.out).toContain("watch-upload");
    expect(within100.out).toContain("2 certificate(s) expire within 100 days");
    const within10 = await cli("watch", "--days", "10");
    expect(within10.code).toBe(0);
    expect(within10.out).toContain("nothing expires within 10 days");
  });

  it("counts days from --now: 85 days on, both are within 30 days", async () => {
    const later = new Date(Date.now() + 85 * 24 * 3600 * 1000).toISOString();
    const run = await cli("watch", "--json", "--now", later);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.out) as { certificates: Row[] };
    for (const r of report.certificates) expect(r.daysLeft).toBeLessThanOrEqual(5);
  });

  it("exits 2 naming --days for a value that is not a whole number 0..3650, before any request", async () => {
    for (const bad of ["-1", "1.5", "3651", "soon"]) {
      const run = await cli("watch", "--days", bad);
      expect(run.code).toBe(2);
      expect(run.err).toContain("--days");
      expect(run.err).toContain("whole number of days");
    }
  });

  it("speaks Chinese with KEYSMITH_LANG=zh_CN", async () => {
    const run = await runCli(["watch", "--days", "100", "--endpoint", emu.url], {
      ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret,
      KEYSMITH_LANG: "zh_CN",
    });
    expect(run.code).toBe(1);
    expect(run.out).toContain("剩余天数");
    expect(run.out).toContain("张证书将在 100 天内到期");
  });

  it("--webhook-config: the certificates expiring within --days reach a loopback DingTalk listener as one message; none when nothing expires", async () => {
    const got: Record<string, unknown>[] = [];
    const server = createServer((req, res) => {
      let data = "";
      req.on("data", (c) => (data += c));
      req.on("end", () => {
        got.push(JSON.parse(data) as Record<string, unknown>);
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"errcode":0,"errmsg":"ok"}');
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const hooks = join(dir, "watch-webhook.yaml");
      writeFileSync(hooks, `kind: dingtalk\nurl: http://127.0.0.1:${(server.address() as AddressInfo).port}/robot/send?access_token=w\n`);
      const quiet = await cli("watch", "--days", "10", "--webhook-config", hooks);
      expect(quiet.code).toBe(0);
      expect(got).toHaveLength(0);
      const run = await cli("watch", "--days", "100", "--webhook-config", hooks, "--json");
      expect(run.code).toBe(1);
      expect(got).toHaveLength(1);
      expect(got[0]!.msgtype).toBe("text");
      const content = (got[0]!.text as { content: string }).content;
      expect(content).toContain("sdk.watch.example.com");
      expect(content).toMatch(/\d+ days left/);
      expect((JSON.parse(run.out) as { webhooks: { delivered: boolean }[] }).webhooks).toEqual([expect.objectContaining({ delivered: true, event: "expiring" })]);
    } finally {
      server.close();
    }
  });
});
