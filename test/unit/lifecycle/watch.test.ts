// src/core/lifecycle/watch.ts with a fake `call`: every cas OrderType and page, KMS (DescribeCertificate,
// GetCertificate when NotAfter is missing), CDN deployments; one row per certificate; a KMS error is a
// source error, not a failed report.
import { describe, expect, it } from "vitest";
import * as x509 from "../../../src/core/csr/x509";
import { KeysmithError } from "../../../src/core/errors";
import { daysLeft, expiringWithin, gatherWatch, parseWatchDays, type WatchCall } from "../../../src/core/lifecycle/watch";

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date(Date.UTC(2026, 11, 1));

async function leafPem(cn: string, notAfter: Date, serialNumber = "0a1b"): Promise<string> {
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = (await crypto.subtle.generateKey(alg, false, ["sign", "verify"])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber, name: `CN=${cn}`, notBefore: new Date(NOW.getTime() - DAY), notAfter, keys, signingAlgorithm: alg,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: "dns", value: cn }])],
  });
  return cert.toString("pem");
}

interface Account {
  cas: Record<string, Record<string, unknown>[]>;
  kms?: { summary: Record<string, unknown>; detail: Record<string, unknown>; pem?: string }[];
  kmsError?: Error;
  /** domain → { certId, pem } */
  cdn?: Record<string, { certId: string; pem: string }>;
  dcdn?: Record<string, { certId: string; pem: string }>;
}

function fake(account: Account) {
  const calls: { service: string; action: string; params: Record<string, string> }[] = [];
  const page = <T>(all: T[], p: Record<string, string>, pageKey: string, sizeKey: string) => {
    const n = Number(p[pageKey] ?? 1);
    const size = Number(p[sizeKey] ?? 50);
    return all.slice((n - 1) * size, n * size);
  };
  const call: WatchCall = async (service, action, params) => {
    calls.push({ service, action, params });
    if (service === "cas" && action === "ListUserCertificateOrder") {
      // Expired certificates are listed only when asked for (Status: EXPIRED), as in the cloud.
      const all = account.cas[params.Status ? `${params.OrderType}:${params.Status}` : params.OrderType!] ?? [];
      return { CertificateOrderList: page(all, params, "CurrentPage", "ShowSize"), TotalCount: all.length };
    }
    if (service === "kms") {
      if (account.kmsError) throw account.kmsError;
      const all = account.kms ?? [];
      if (action === "ListCertificates") return { CertificateSummaryList: page(all.map((c) => c.summary), params, "PageNumber", "PageSize"), TotalSize: all.length };
      const c = all.find((x) => x.summary.CertificateId === params.CertificateId)!;
      if (action === "DescribeCertificate") return c.detail;
      if (action === "GetCertificate") return { CertificateId: params.CertificateId, Certificate: c.pem };
    }
    if (service === "cdn") {
      const cdn = account.cdn ?? {};
      if (action === "DescribeCdnHttpsDomainList") return { CertInfos: { CertInfo: Object.keys(cdn).map((d) => ({ DomainName: d })) }, TotalCount: Object.keys(cdn).length };
      if (action === "DescribeDomainCertificateInfo") {
        const s = cdn[params.DomainName!]!;
        return { CertInfos: { CertInfo: [{ DomainName: params.DomainName, CertId: s.certId, ServerCertificate: s.pem }] } };
      }
    }
    if (service === "dcdn") {
      const dcdn = account.dcdn ?? {};
      if (action === "DescribeDcdnUserDomains") return { Domains: { PageData: Object.keys(dcdn).map((d) => ({ DomainName: d, SSLProtocol: "on" })) }, TotalCount: Object.keys(dcdn).length };
      if (action === "DescribeDcdnDomainCertificateInfo") {
        const s = dcdn[params.DomainName!]!;
        return { CertInfos: { CertInfo: [{ DomainName: params.DomainName, SSLProtocol: "on", CertId: s.certId, SSLPub: s.pem }] } };
      }
    }
    throw new Error(`unexpected ${service} ${action}`);
  };
  return { call, calls };
}

const orderRow = (orderId: string, domain: string, endMs?: number, certId?: string) => ({
  OrderId: orderId, Domain: domain, Status: endMs ? "ISSUED" : "CHECKING", ...(endMs ? { CertEndTime: endMs } : {}),
  ...(certId ? { CertificateId: certId, CommonName: domain, Sans: domain, Upload: false } : {}),
});
const uploadRow = (certId: string, name: string, cn: string, endMs: number) => ({
  CertificateId: certId, Name: name, CommonName: cn, Sans: `${cn},api.example.com`, SerialNo: "00ab01", CertEndTime: endMs, Upload: true,
});

describe("gatherWatch", () => {
  it("reads every OrderType and every page, one row per certificate, sorted by days left, with CDN deployments", async () => {
    const order = orderRow("98987582437920969", "www.example.com", NOW.getTime() + 90 * DAY, "98987582437920969");
    const upload = uploadRow("12001", "www-upload", "shop.example.com", NOW.getTime() + 20 * DAY);
    // 150 pending orders (no end date) spread the issued one over two pages of CPACK.
    const pending = Array.from({ length: 150 }, (_, i) => orderRow(String(98987582437921000 + i), `p${i}.example.com`));
    const servedElsewhere = await leafPem("old.example.com", new Date(NOW.getTime() + 5 * DAY), "7f");
    const { call, calls } = fake({
      cas: {
        CERT: [order, upload],
        UPLOAD: [upload],
        BUY: [orderRow("98987582437920969", "www.example.com", NOW.getTime() + 90 * DAY)],
        CPACK: [...pending, orderRow("98987582437920969", "www.example.com", NOW.getTime() + 90 * DAY)],
      },
      cdn: {
        "shop.example.com": { certId: "12001", pem: await leafPem("shop.example.com", new Date(NOW.getTime() + 20 * DAY)) },
        "www.example.com": { certId: "98987582437920969", pem: await leafPem("www.example.com", new Date(NOW.getTime() + 90 * DAY)) },
        "old.example.com": { certId: "555", pem: servedElsewhere },
      },
    });
    const report = await gatherWatch(call, { now: NOW });
    expect(report.errors).toEqual([]);
    expect(report.rows.map((r) => [r.source, r.id, r.name, r.daysLeft, r.deployedTo])).toEqual([
      ["cdn-served", "555", "old.example.com", 5, ["old.example.com"]],
      ["cas-upload", "12001", "www-upload", 20, ["shop.example.com"]],
      ["cas-order", "98987582437920969", "www.example.com", 90, ["www.example.com"]],
    ]);
    expect(report.rows[1]!.sans).toEqual(["shop.example.com", "api.example.com"]);
    expect(report.rows[1]!.serial).toBe("AB01");
    expect(report.rows[2]!.orderId).toBe("98987582437920969");
    const types = calls.filter((c) => c.action === "ListUserCertificateOrder").map((c) => `${c.params.OrderType}:${c.params.Status ? `${c.params.Status}:` : ""}${c.params.CurrentPage}`);
    expect(types).toEqual(["CERT:1", "UPLOAD:1", "BUY:1", "CPACK:1", "CPACK:2", "CERT:EXPIRED:1", "UPLOAD:EXPIRED:1"]);
  });

  it("asks for the expired certificates and uploads too (the plain lists leave them out): one still deployed shows with negative days", async () => {
    const expired = uploadRow("13001", "gone-upload", "gone.example.com", NOW.getTime() - 3 * DAY);
    const { call } = fake({
      cas: { "UPLOAD:EXPIRED": [expired], "CERT:EXPIRED": [expired] },
      cdn: { "gone.example.com": { certId: "13001", pem: await leafPem("gone.example.com", new Date(NOW.getTime() - 3 * DAY)) } },
    });
    const report = await gatherWatch(call, { now: NOW });
    expect(report.rows.map((r) => [r.source, r.id, r.name, r.daysLeft, r.deployedTo])).toEqual([["cas-upload", "13001", "gone-upload", -3, ["gone.example.com"]]]);
  });

  it("reads what DCDN domains serve too: a cas certificate's DCDN domains as dcdn:<domain>, an unknown one as a dcdn-served row", async () => {
    const upload = uploadRow("14001", "edge-upload", "edge.example.com", NOW.getTime() + 50 * DAY);
    const { call } = fake({
      cas: { CERT: [upload], UPLOAD: [upload] },
      cdn: { "edge.example.com": { certId: "14001", pem: await leafPem("edge.example.com", new Date(NOW.getTime() + 50 * DAY)) } },
      dcdn: {
        "edge.example.com": { certId: "14001", pem: await leafPem("edge.example.com", new Date(NOW.getTime() + 50 * DAY)) },
        "dyn.example.com": { certId: "777", pem: await leafPem("dyn.example.com", new Date(NOW.getTime() + 12 * DAY), "0c") },
      },
    });
    const report = await gatherWatch(call, { now: NOW });
    expect(report.errors).toEqual([]);
    expect(report.rows.map((r) => [r.source, r.id, r.name, r.daysLeft, r.deployedTo])).toEqual([
      ["dcdn-served", "777", "dyn.example.com", 12, ["dcdn:dyn.example.com"]],
      ["cas-upload", "14001", "edge-upload", 50, ["edge.example.com", "dcdn:edge.example.com"]],
    ]);
  });

  it("keys an issued order without a CertificateId by its OrderId, and merges it with its CERT row", async () => {
    const end = NOW.getTime() + 40 * DAY;
    const { call } = fake({ cas: { CPACK: [orderRow("100", "a.example.com", end)], CERT: [orderRow("100", "a.example.com", end, "9000")] }, cdn: {} });
    const report = await gatherWatch(call, { now: NOW });
    expect(report.rows).toHaveLength(1);
    expect(report.rows[0]).toMatchObject({ id: "9000", orderId: "100", source: "cas-order", daysLeft: 40 });
  });

  it("reads KMS certificates: NotAfter from DescribeCertificate, else the PEM of GetCertificate; PENDING ones skipped", async () => {
    const pem = await leafPem("kms2.example.com", new Date(NOW.getTime() + 3 * DAY + 1000));
    const { call } = fake({
      cas: {},
      cdn: {},
      kms: [
        { summary: { CertificateId: "k1", Subject: "CN=kms1.example.com,O=X,C=CN" }, detail: { Subject: "CN=kms1.example.com,O=X,C=CN", NotAfter: new Date(NOW.getTime() + 10 * DAY).toISOString(), SubjectAlternativeNames: ["kms1.example.com"], Serial: "0F" } },
        { summary: { CertificateId: "k2" }, detail: { Status: "ACTIVE" }, pem },
        { summary: { CertificateId: "k3", Status: "PENDING" }, detail: { Status: "PENDING" } },
      ],
    });
    const report = await gatherWatch(call, { now: NOW });
    expect(report.rows.map((r) => [r.source, r.id, r.name, r.daysLeft, r.sans])).toEqual([
      ["kms", "k2", "kms2.example.com", 3, ["kms2.example.com"]],
      ["kms", "k1", "kms1.example.com", 10, ["kms1.example.com"]],
    ]);
  });

  it("records a KMS error as a source error and still reports cas", async () => {
    const { call } = fake({ cas: { UPLOAD: [uploadRow("1", "u", "u.example.com", NOW.getTime() + 2 * DAY)] }, kmsError: new KeysmithError("api.http.forbidden", { field: "ListCertificates", params: { status: 403 } }) });
    const report = await gatherWatch(call, { now: NOW });
    expect(report.rows.map((r) => r.id)).toEqual(["1"]);
    expect(report.errors.map((e) => [e.source, e.code, e.field])).toEqual([
      ["kms", "api.http.forbidden", "ListCertificates"],
    ]);
  });

  it("throws a cas error (no report without cas)", async () => {
    const call: WatchCall = async () => {
      throw new KeysmithError("api.cloud.error", { field: "ListUserCertificateOrder" });
    };
    await expect(gatherWatch(call, { now: NOW })).rejects.toMatchObject({ code: "api.cloud.error" });
  });
});

describe("days", () => {
  it("counts whole days left, negative once expired; expiringWithin includes the boundary", () => {
    expect(daysLeft(new Date(NOW.getTime() + 90 * DAY), NOW)).toBe(90);
    expect(daysLeft(new Date(NOW.getTime() + 90 * DAY - 1), NOW)).toBe(89);
    expect(daysLeft(new Date(NOW.getTime() - 1), NOW)).toBe(-1);
    const rows = [30, 31, -2].map((d, i) => ({ id: String(i), source: "kms" as const, name: "n", sans: [], notAfter: "", daysLeft: d, deployedTo: [] }));
    expect(expiringWithin(rows, 30).map((r) => r.daysLeft)).toEqual([30, -2]);
  });
  it("parses --days: whole numbers 0..3650 only", () => {
    expect(parseWatchDays("0")).toBe(0);
    expect(parseWatchDays("3650")).toBe(3650);
    for (const bad of ["3651", "-1", "1.5", "", "ten", "1e3"]) expect(parseWatchDays(bad)).toBeUndefined();
  });
});
