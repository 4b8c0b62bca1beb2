// src/core/lifecycle/deploy-targets.ts with a fake `call`: the CDN entry lists every page of
// DescribeUserDomains, picks the domains the SANs cover (one-level wildcards), deploys by cas CertId and
// confirms by reading DescribeDomainCertificateInfo back until it serves the new CertId and serial.
import * as x509 from "../../../src/core/csr/x509";
import { describe, expect, it } from "vitest";
import { KeysmithError } from "../../../src/core/errors";
import { CDN_TARGET, DEPLOY_TARGETS, coveredDomains, deployTarget, normalizeSerial, sansCover, type ApiCall } from "../../../src/core/lifecycle/deploy-targets";

async function leafPem(serialNumber: string): Promise<string> {
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = (await crypto.subtle.generateKey(alg, false, ["sign", "verify"])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber, name: "CN=www.example.com", notBefore: new Date(Date.UTC(2026, 0, 1)), notAfter: new Date(Date.UTC(2026, 3, 1)), keys, signingAlgorithm: alg,
  });
  return cert.toString("pem");
}

interface Call {
  action: string;
  params: Record<string, string>;
}

/** A fake CDN: `domains` listed in pages of the size asked; `served` per domain changes on Set… after `lag` reads. */
function fakeCdn(domains: string[], options: { lag?: number; pem?: (certId: string) => string | undefined } = {}) {
  const calls: Call[] = [];
  const served = new Map<string, { certId: string; reads: number }>();
  const call: ApiCall = async (action, params) => {
    calls.push({ action, params });
    if (action === "DescribeUserDomains") {
      const page = Number(params.PageNumber);
      const size = Math.min(Number(params.PageSize), 2); // the fake's pages are small, so paging is exercised
      const slice = domains.slice((page - 1) * size, page * size);
      return { Domains: { PageData: slice.map((d) => ({ DomainName: d, DomainStatus: "online" })) }, TotalCount: domains.length, PageNumber: page, PageSize: size };
    }
    if (action === "SetCdnDomainSSLCertificate") {
      served.set(params.DomainName!, { certId: params.CertId!, reads: 0 });
      return { RequestId: "r" };
    }
    if (action === "DescribeDomainCertificateInfo") {
      const s = served.get(params.DomainName!);
      if (!s) return { CertInfos: { CertInfo: [] } };
      s.reads++;
      if (s.reads <= (options.lag ?? 0)) return { CertInfos: { CertInfo: [{ DomainName: params.DomainName, CertId: "old" }] } };
      const pem = options.pem?.(s.certId);
      return { CertInfos: { CertInfo: [{ DomainName: params.DomainName, CertId: s.certId, ...(pem ? { ServerCertificate: pem } : {}), ServerCertificateStatus: "on" }] } };
    }
    throw new Error(`unexpected ${action}`);
  };
  return { call, calls };
}

describe("sansCover", () => {
  it("exact names and one-level wildcards, case-insensitive", () => {
    expect(sansCover(["www.example.com"], "WWW.example.com.")).toBe(true);
    expect(sansCover(["*.example.com"], "cdn.example.com")).toBe(true);
    expect(sansCover(["*.example.com"], "example.com")).toBe(false);
    expect(sansCover(["*.example.com"], "a.b.example.com")).toBe(false);
    expect(sansCover(["*.example.com"], "*.example.com")).toBe(true);
    expect(sansCover(["*.example.com"], "*.a.example.com")).toBe(false);
    expect(sansCover(["www.example.com"], "example.com")).toBe(false);
    expect(sansCover(["www.example.com"], "")).toBe(false);
    expect(sansCover([], "www.example.com")).toBe(false);
  });
});

describe("catalogue", () => {
  it("one entry per product, found by id; an unknown id is a typed error", () => {
    expect(Object.keys(DEPLOY_TARGETS)).toEqual(["cdn", "dcdn", "slb", "alb"]);
    expect(deployTarget("cdn")).toBe(CDN_TARGET);
    try {
      deployTarget("waf", "certificates[0].deploy[0]");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(KeysmithError);
      expect((err as KeysmithError).field).toBe("certificates[0].deploy[0]");
    }
  });
  it("normalizeSerial", () => {
    expect(normalizeSerial("00:ab:01")).toBe("AB01");
    expect(normalizeSerial("0")).toBe("0");
  });
});

describe("CDN target", () => {
  it("lists every page and keeps the domains the SANs cover", async () => {
    const domains = ["www.example.com", "img.example.com", "example.com", "a.b.example.com", "www.other.org"];
    const { call, calls } = fakeCdn(domains);
    expect(await CDN_TARGET.listDomains(call)).toEqual(domains);
    expect(calls.filter((c) => c.action === "DescribeUserDomains").map((c) => c.params.PageNumber)).toEqual(["1", "2", "3"]);
    expect(await coveredDomains(CDN_TARGET, fakeCdn(domains).call, ["*.example.com"])).toEqual(["www.example.com", "img.example.com"]);
    expect(CDN_TARGET.covers(["*.example.com"], ".example.com")).toBe(true); // CDN's wildcard domain
    expect(CDN_TARGET.covers(["www.example.com"], ".example.com")).toBe(false);
    expect(await coveredDomains(CDN_TARGET, fakeCdn(domains).call, ["example.com", "www.other.org"])).toEqual(["example.com", "www.other.org"]);
  });

  it("deploys by cas CertId with HTTPS on", async () => {
    const { call, calls } = fakeCdn([]);
    await CDN_TARGET.deploy(call, { domain: "www.example.com", certId: "12345" });
    expect(calls).toEqual([{ action: "SetCdnDomainSSLCertificate", params: { DomainName: "www.example.com", SSLProtocol: "on", CertType: "cas", CertId: "12345" } }]);
  });

  it("confirms once the read-back serves the new CertId and serial, after the product's lag", async () => {
    const pem = await leafPem("0a1b");
    const { call, calls } = fakeCdn([], { lag: 2, pem: () => pem });
    await CDN_TARGET.deploy(call, { domain: "www.example.com", certId: "777" });
    const slept: number[] = [];
    const result = await CDN_TARGET.confirm(call, { domain: "www.example.com", certId: "777", serial: "0A:1B" }, { attempts: 5, intervalMs: 10, sleep: async (ms) => void slept.push(ms) });
    expect(result.confirmed).toBe(true);
    expect(result.served?.serial).toBe("A1B");
    expect(calls.filter((c) => c.action === "DescribeDomainCertificateInfo")).toHaveLength(3);
    expect(slept).toEqual([10, 10]);
  });

  it("is not confirmed when the served serial is another certificate's, or the CertId never changes", async () => {
    const pem = await leafPem("99");
    const wrong = fakeCdn([], { pem: () => pem });
    await CDN_TARGET.deploy(wrong.call, { domain: "www.example.com", certId: "777" });
    const r1 = await CDN_TARGET.confirm(wrong.call, { domain: "www.example.com", certId: "777", serial: "0A1B" }, { attempts: 3, sleep: async () => {} });
    expect(r1).toMatchObject({ confirmed: false, reads: 3, served: { certId: "777", serial: "99" } });
    const stuck = fakeCdn([], { lag: 100 });
    await CDN_TARGET.deploy(stuck.call, { domain: "www.example.com", certId: "777" });
    const r2 = await CDN_TARGET.confirm(stuck.call, { domain: "www.example.com", certId: "777", serial: "1" }, { attempts: 2, sleep: async () => {} });
    expect(r2).toMatchObject({ confirmed: false, served: { certId: "old" } });
  });

  it("served: nothing configured is undefined; odd answers do not throw", async () => {
    const call: ApiCall = async () => ({ CertInfos: { CertInfo: [{ DomainName: "x.example.com", ServerCertificate: "not a pem" }] } });
    expect(await CDN_TARGET.served(call, "x.example.com")).toEqual({ certificatePem: "not a pem" });
    expect(await CDN_TARGET.served(async () => ({}), "x.example.com")).toBeUndefined();
    expect(await CDN_TARGET.served(async () => ({ CertInfos: "?" }), "x.example.com")).toBeUndefined();
  });
});

describe("DCDN, SLB and ALB places and calls (fake call)", () => {
  it("parses places into their text form; malformed ones are typed errors naming the field", async () => {
    const { parseSlbWhere, parseAlbWhere, casCertIdOfAlb, albCertificateId } = await import("../../../src/core/lifecycle/deploy-targets");
    expect(parseSlbWhere("lb-bp1abc:443:WWW.Example.com", "--slb")).toEqual({ loadBalancerId: "lb-bp1abc", port: 443, domain: "www.example.com" });
    expect(DEPLOY_TARGETS.slb!.parseWhere("lb-bp1abc:0443", "--slb")).toBe("lb-bp1abc:443");
    expect(DEPLOY_TARGETS.alb!.parseWhere("lsn-x", "--alb")).toBe("lsn-x:default");
    expect(parseAlbWhere("lsn-x:additional", "--alb")).toEqual({ listenerId: "lsn-x", isDefault: false });
    for (const [fn, text, code] of [[parseSlbWhere, "lb-x", "lifecycle.deploy.where"], [parseSlbWhere, "lb-x:0", "lifecycle.deploy.port"], [parseSlbWhere, "alb-x:443", "lifecycle.deploy.where"], [parseAlbWhere, "lsn-x:sni", "lifecycle.deploy.where"]] as const) {
      try {
        fn(text, "--place");
        expect.unreachable(text);
      } catch (err) {
        expect([(err as KeysmithError).code, (err as KeysmithError).field]).toEqual([code, "--place"]);
      }
    }
    expect(albCertificateId("14000001", "ap-southeast-1")).toBe("14000001-ap-southeast-1");
    expect(casCertIdOfAlb("14000001-cn-hangzhou")).toBe("14000001");
    expect(casCertIdOfAlb("123157-abc")).toBe("123157-abc");
    await expect(DEPLOY_TARGETS.alb!.listDomains(async () => ({}))).rejects.toMatchObject({ code: "lifecycle.deploy.auto_unsupported" });
  });

  it("SLB: reuses the server certificate made from the CertId and sends back StickySession and HealthCheck", async () => {
    const calls: Call[] = [];
    const call: ApiCall = async (action, params) => {
      calls.push({ action, params });
      if (action === "DescribeServerCertificates") return { ServerCertificates: { ServerCertificate: [{ ServerCertificateId: "sc-1", AliCloudCertificateId: "777" }] } };
      if (action === "DescribeLoadBalancerHTTPSListenerAttribute") return { StickySession: "on", StickySessionType: "server", Cookie: "sid", HealthCheck: "on", ServerCertificateId: "sc-0" };
      return {};
    };
    await DEPLOY_TARGETS.slb!.deploy(call, { domain: "lb-a:443", certId: "777", region: "cn-shanghai" });
    expect(calls.map((c) => c.action)).toEqual(["DescribeServerCertificates", "DescribeLoadBalancerHTTPSListenerAttribute", "SetLoadBalancerHTTPSListenerAttribute"]);
    expect(calls[2]!.params).toEqual({ RegionId: "cn-shanghai", LoadBalancerId: "lb-a", ListenerPort: "443", StickySession: "on", StickySessionType: "server", Cookie: "sid", HealthCheck: "on", ServerCertificateId: "sc-1" });
  });

  it("ALB: an additional place is served when a non-default Associated row has the CertId", async () => {
    const call: ApiCall = async () => ({
      Certificates: [
        { CertificateId: "1-cn-hangzhou", IsDefault: true, Status: "Associated" },
        { CertificateId: "2-cn-hangzhou", IsDefault: false, Status: "Associated" },
        { CertificateId: "3-cn-hangzhou", IsDefault: false, Status: "Associating" },
      ],
    });
    expect(await DEPLOY_TARGETS.alb!.served(call, "lsn-a:default")).toEqual({ certId: "1" });
    expect(await DEPLOY_TARGETS.alb!.served(call, "lsn-a:additional", { want: "2" })).toEqual({ certId: "2" });
    const pending = await DEPLOY_TARGETS.alb!.confirm(call, { domain: "lsn-a:additional", certId: "3", serial: "1" }, { attempts: 1 });
    expect(pending.confirmed).toBe(false);
  });
});
