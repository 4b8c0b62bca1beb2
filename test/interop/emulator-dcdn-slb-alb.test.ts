// DCDN, SLB and ALB certificate deployment against the emulator through the official @alicloud/pop-core SDK
// (Signature V1), ids read as text: a cas upload (UploadUserCertificate) is deployed by reference and read back:
// DCDN AddDcdnDomain → SetDcdnDomainSSLCertificate (CertType cas) → DescribeDcdnDomainCertificateInfo shows the
// CertId and a leaf with the upload's serial; SLB CreateLoadBalancer → UploadServerCertificate
// (AliCloudCertificateId) → CreateLoadBalancerHTTPSListener → SetLoadBalancerHTTPSListenerAttribute /
// CreateDomainExtension + SetDomainExtensionAttribute → DescribeLoadBalancerHTTPSListenerAttribute,
// DescribeDomainExtensions and DescribeServerCertificates name the cas CertId; ALB CreateListener →
// UpdateListenerAttribute / AssociateAdditionalCertificatesWithListener → ListListenerCertificates shows
// `<CertId>-cn-hangzhou` as default or additional. And each refusal's code and status.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { startEmulator, type RunningEmulator } from "../../emulator/index";
import { openssl, opensslCsr, popClient, scratch, write } from "./emulator-helpers";

let emu: RunningEmulator;
let dir: string;
const post = { method: "POST" } as const;
const sources = JSON.stringify([{ content: "203.0.113.10", type: "ipaddr", priority: "20", port: 80, weight: "10" }]);

/** An OpenSSL key and the emulator CA's certificate for `names`, uploaded to cas: its CertId as text and serial. */
async function uploaded(cn: string, names: string[], name: string): Promise<{ certId: string; serial: string }> {
  const { csr, keyPath } = opensslCsr(dir, "ec", cn);
  const signed = await emu.control.signCsr(csr, names);
  const path = write(dir, `${name}.crt`, signed.certificate);
  const serial = openssl(["x509", "-in", path, "-noout", "-serial"]).trim().replace(/^serial=/, "");
  const cas = popClient(emu, "2020-04-07");
  const up = (await cas.request("UploadUserCertificate", { Name: name, Cert: `${signed.certificate}${signed.chain}`, Key: readFileSync(keyPath, "utf8") }, post)) as { CertId: unknown };
  return { certId: String(up.CertId), serial };
}

/** The code and HTTP status a pop-core call failed with. */
async function failure(call: Promise<unknown>): Promise<{ code: string; status?: number }> {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: string; statusCode?: number; entry?: { response?: { statusCode?: number } } };
    return { code: String(e.code), status: e.statusCode ?? e.entry?.response?.statusCode };
  }
  throw new Error("the call succeeded");
}

const hexEq = (a: string, b: string) => a.toUpperCase().replace(/^(00)+/, "") === b.toUpperCase().replace(/^(00)+/, "");

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  dir = scratch();
});
afterAll(async () => {
  await emu?.close();
});

describe("DCDN 2018-01-15 with @alicloud/pop-core", () => {
  it("adds a domain, deploys a cas certificate by CertId and reads it back; refusals by code", async () => {
    const domain = "edge.example.com";
    const { certId, serial } = await uploaded(domain, [domain], "dcdn-1");
    const dcdn = popClient(emu, "2018-01-15");
    const before = emu.control.counts();
    await dcdn.request("AddDcdnDomain", { DomainName: domain, Sources: sources, Scope: "domestic" }, post);
    const listed = (await dcdn.request("DescribeDcdnUserDomains", { DomainName: domain, DomainSearchType: "full_match" }, post)) as { Domains: { PageData: { DomainName: string; SSLProtocol: string }[] }; TotalCount: number };
    expect(listed.Domains.PageData.map((d) => [d.DomainName, d.SSLProtocol])).toEqual([[domain, "off"]]);

    await dcdn.request("SetDcdnDomainSSLCertificate", { DomainName: domain, SSLProtocol: "on", CertType: "cas", CertId: certId, CertRegion: "cn-hangzhou" }, post);
    expect(emu.control.counts()).toMatchObject({ dcdnDomains: before.dcdnDomains + 1, dcdnDeploys: before.dcdnDeploys + 1 });
    const info = (await dcdn.request("DescribeDcdnDomainCertificateInfo", { DomainName: domain }, post)) as { CertInfos: { CertInfo: { CertId: unknown; SSLPub: string; SSLProtocol: string; CertType: string }[] } };
    const row = info.CertInfos.CertInfo[0]!;
    expect(String(row.CertId)).toBe(certId);
    expect([row.SSLProtocol, row.CertType]).toEqual(["on", "cas"]);
    const served = openssl(["x509", "-in", write(dir, "dcdn-served.crt", row.SSLPub), "-noout", "-serial"]).trim().replace(/^serial=/, "");
    expect(hexEq(served, serial)).toBe(true);

    expect(await failure(dcdn.request("SetDcdnDomainSSLCertificate", { DomainName: "nope.example.com", SSLProtocol: "on", CertType: "cas", CertId: certId }, post))).toEqual({ code: "InvalidDomain.NotFound", status: 404 });
    expect(await failure(dcdn.request("DescribeDcdnDomainCertificateInfo", { DomainName: "nope.example.com" }, post))).toEqual({ code: "InvalidDomain.NotFound", status: 404 });
    expect(await failure(dcdn.request("SetDcdnDomainSSLCertificate", { DomainName: domain, SSLProtocol: "on", CertType: "cas", CertId: "99999999" }, post))).toEqual({ code: "Certificate.NotFound", status: 404 });
    const other = await uploaded("other.example.net", ["other.example.net"], "dcdn-other");
    expect(await failure(dcdn.request("SetDcdnDomainSSLCertificate", { DomainName: domain, SSLProtocol: "on", CertType: "cas", CertId: other.certId }, post))).toEqual({ code: "Certificate.DomainNotMatch", status: 400 });
    expect(await failure(dcdn.request("AddDcdnDomain", { DomainName: domain, Sources: sources }, post))).toEqual({ code: "DomainAlreadyExist", status: 400 });
    // cas refuses to delete an upload a DCDN domain serves.
    expect((await failure(popClient(emu, "2020-04-07").request("DeleteUserCertificate", { CertId: certId }, post))).code).toBe("CertificateInUse");
  });
});

describe("SLB 2014-05-15 with @alicloud/pop-core", () => {
  it("makes a server certificate from cas, sets it on an HTTPS listener and an SNI domain, and reads both back; refusals by code", async () => {
    const slb = popClient(emu, "2014-05-15");
    const first = await uploaded("lb.example.com", ["lb.example.com", "sni.example.com"], "slb-1");
    const second = await uploaded("lb.example.com", ["lb.example.com", "sni.example.com"], "slb-2");
    const lb = (await slb.request("CreateLoadBalancer", { RegionId: "cn-shanghai", LoadBalancerName: "web" }, post)) as { LoadBalancerId: string };
    const lbId = String(lb.LoadBalancerId);
    expect(lbId).toMatch(/^lb-/);
    const made = (await slb.request("UploadServerCertificate", { RegionId: "cn-shanghai", AliCloudCertificateId: first.certId, AliCloudCertificateName: "slb-1", AliCloudCertificateRegionId: "cn-hangzhou" }, post)) as { ServerCertificateId: string; AliCloudCertificateId: unknown };
    const sc1 = String(made.ServerCertificateId);
    expect(String(made.AliCloudCertificateId)).toBe(first.certId);
    await slb.request("CreateLoadBalancerHTTPSListener", { RegionId: "cn-shanghai", LoadBalancerId: lbId, ListenerPort: 443, BackendServerPort: 80, Bandwidth: -1, StickySession: "off", HealthCheck: "off", ServerCertificateId: sc1 }, post);
    const ext = (await slb.request("CreateDomainExtension", { RegionId: "cn-shanghai", LoadBalancerId: lbId, ListenerPort: 443, Domain: "sni.example.com", ServerCertificateId: sc1 }, post)) as { DomainExtensionId: string };
    const extId = String(ext.DomainExtensionId);

    const sc2 = String(((await slb.request("UploadServerCertificate", { RegionId: "cn-shanghai", AliCloudCertificateId: second.certId, AliCloudCertificateName: "slb-2", AliCloudCertificateRegionId: "cn-hangzhou" }, post)) as { ServerCertificateId: string }).ServerCertificateId);
    const before = emu.control.counts();
    await slb.request("SetLoadBalancerHTTPSListenerAttribute", { RegionId: "cn-shanghai", LoadBalancerId: lbId, ListenerPort: 443, StickySession: "off", HealthCheck: "off", ServerCertificateId: sc2 }, post);
    await slb.request("SetDomainExtensionAttribute", { RegionId: "cn-shanghai", DomainExtensionId: extId, ServerCertificateId: sc2 }, post);
    expect(emu.control.counts().slbDeploys).toBe(before.slbDeploys + 2);

    const attrs = (await slb.request("DescribeLoadBalancerHTTPSListenerAttribute", { RegionId: "cn-shanghai", LoadBalancerId: lbId, ListenerPort: 443 }, post)) as { ServerCertificateId: string; StickySession: string; HealthCheck: string };
    expect([attrs.ServerCertificateId, attrs.StickySession, attrs.HealthCheck]).toEqual([sc2, "off", "off"]);
    const exts = (await slb.request("DescribeDomainExtensions", { RegionId: "cn-shanghai", LoadBalancerId: lbId, ListenerPort: 443 }, post)) as { DomainExtensions: { DomainExtension: { DomainExtensionId: string; Domain: string; ServerCertificateId: string }[] } };
    expect(exts.DomainExtensions.DomainExtension).toEqual([{ DomainExtensionId: extId, Domain: "sni.example.com", ServerCertificateId: sc2 }]);
    const certs = (await slb.request("DescribeServerCertificates", { RegionId: "cn-shanghai", ServerCertificateId: sc2 }, post)) as { ServerCertificates: { ServerCertificate: { AliCloudCertificateId: unknown; Fingerprint: string }[] } };
    expect(String(certs.ServerCertificates.ServerCertificate[0]!.AliCloudCertificateId)).toBe(second.certId);
    expect(certs.ServerCertificates.ServerCertificate[0]!.Fingerprint).toMatch(/^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);

    expect(await failure(slb.request("DescribeLoadBalancerHTTPSListenerAttribute", { RegionId: "cn-shanghai", LoadBalancerId: "lb-nope", ListenerPort: 443 }, post))).toEqual({ code: "InvalidLoadBalancerId.NotFound", status: 404 });
    // A load balancer is found in its own region only.
    expect(await failure(slb.request("DescribeLoadBalancerHTTPSListenerAttribute", { RegionId: "cn-hangzhou", LoadBalancerId: lbId, ListenerPort: 443 }, post))).toEqual({ code: "InvalidLoadBalancerId.NotFound", status: 404 });
    expect(await failure(slb.request("SetLoadBalancerHTTPSListenerAttribute", { RegionId: "cn-shanghai", LoadBalancerId: lbId, ListenerPort: 8443, StickySession: "off", HealthCheck: "off", ServerCertificateId: sc2 }, post))).toEqual({ code: "InvalidListener.NotFound", status: 404 });
    expect(await failure(slb.request("SetLoadBalancerHTTPSListenerAttribute", { RegionId: "cn-shanghai", LoadBalancerId: lbId, ListenerPort: 443, StickySession: "off", HealthCheck: "off", ServerCertificateId: "nope" }, post))).toEqual({ code: "InvalidServerCertificateId.NotFound", status: 404 });
    expect(await failure(slb.request("SetLoadBalancerHTTPSListenerAttribute", { RegionId: "cn-shanghai", LoadBalancerId: lbId, ListenerPort: 443, ServerCertificateId: sc2 }, post))).toMatchObject({ code: "MissingParameter", status: 400 });
    expect(await failure(slb.request("UploadServerCertificate", { RegionId: "cn-shanghai", AliCloudCertificateId: "99999999", AliCloudCertificateName: "x", AliCloudCertificateRegionId: "cn-hangzhou" }, post))).toEqual({ code: "AliCloudCertificate.NotFound", status: 404 });
    expect(await failure(slb.request("SetDomainExtensionAttribute", { RegionId: "cn-shanghai", DomainExtensionId: "de-nope", ServerCertificateId: sc2 }, post))).toEqual({ code: "InvalidDomainExtensionId.NotFound", status: 404 });
  });
});

describe("ALB 2020-06-16 with @alicloud/pop-core", () => {
  it("sets a cas certificate as a listener's default and associates another as additional; ListListenerCertificates shows both; refusals by code", async () => {
    const alb = popClient(emu, "2020-06-16");
    const first = await uploaded("app.example.com", ["app.example.com"], "alb-1");
    const second = await uploaded("app.example.com", ["app.example.com"], "alb-2");
    const third = await uploaded("api.example.com", ["api.example.com"], "alb-3");
    const made = (await alb.request("CreateListener", { LoadBalancerId: "alb-emu1", ListenerProtocol: "HTTPS", ListenerPort: 443, "Certificates.1.CertificateId": `${first.certId}-cn-hangzhou` }, post)) as { ListenerId: string; JobId: string };
    const listenerId = String(made.ListenerId);
    expect(listenerId).toMatch(/^lsn-/);

    const before = emu.control.counts();
    await alb.request("UpdateListenerAttribute", { ListenerId: listenerId, "Certificates.1.CertificateId": `${second.certId}-cn-hangzhou` }, post);
    const assoc = (await alb.request("AssociateAdditionalCertificatesWithListener", { ListenerId: listenerId, "Certificates.1.CertificateId": `${third.certId}-cn-hangzhou` }, post)) as { JobId: string };
    expect(assoc.JobId).toMatch(/\w/);
    expect(emu.control.counts().albDeploys).toBe(before.albDeploys + 2);

    const listed = (await alb.request("ListListenerCertificates", { ListenerId: listenerId, CertificateType: "Server" }, post)) as { Certificates: { CertificateId: string; IsDefault: boolean; Status: string }[]; TotalCount: number };
    expect(listed.Certificates.map((c) => [c.CertificateId, c.IsDefault, c.Status])).toEqual([
      [`${second.certId}-cn-hangzhou`, true, "Associated"],
      [`${third.certId}-cn-hangzhou`, false, "Associated"],
    ]);
    const listeners = (await alb.request("ListListeners", { ListenerProtocol: "HTTPS" }, post)) as { Listeners: { ListenerId: string }[] };
    expect(listeners.Listeners.map((l) => l.ListenerId)).toContain(listenerId);

    expect(await failure(alb.request("UpdateListenerAttribute", { ListenerId: "lsn-nope", "Certificates.1.CertificateId": `${second.certId}-cn-hangzhou` }, post))).toEqual({ code: "ResourceNotFound.Listener", status: 404 });
    expect(await failure(alb.request("ListListenerCertificates", { ListenerId: "lsn-nope" }, post))).toEqual({ code: "ResourceNotFound.Listener", status: 404 });
    expect(await failure(alb.request("AssociateAdditionalCertificatesWithListener", { ListenerId: listenerId, "Certificates.1.CertificateId": "99999999-cn-hangzhou" }, post))).toEqual({ code: "ResourceNotFound.Certificate", status: 404 });
    // A bare CertId is not an ALB certificate id.
    expect(await failure(alb.request("UpdateListenerAttribute", { ListenerId: listenerId, "Certificates.1.CertificateId": second.certId }, post))).toEqual({ code: "ResourceNotFound.Certificate", status: 404 });
    expect((await failure(popClient(emu, "2020-04-07").request("DeleteUserCertificate", { CertId: third.certId }, post))).code).toBe("CertificateInUse");
  });
});

describe("ALB DissociateAdditionalCertificatesFromListener with @alicloud/pop-core", () => {
  it("removes an additional certificate (then cas may delete it); the default one and one not associated are refused by code", async () => {
    const alb = popClient(emu, "2020-06-16");
    const cas = popClient(emu, "2020-04-07");
    const def = await uploaded("dis.example.com", ["dis.example.com"], "alb-dis-1");
    const extra = await uploaded("dis.example.com", ["dis.example.com"], "alb-dis-2");
    const kept = await uploaded("dis.example.com", ["dis.example.com"], "alb-dis-3");
    const listenerId = String(((await alb.request("CreateListener", { LoadBalancerId: "alb-emu2", ListenerProtocol: "HTTPS", ListenerPort: 443, "Certificates.1.CertificateId": `${def.certId}-cn-hangzhou` }, post)) as { ListenerId: string }).ListenerId);
    for (const id of [extra.certId, kept.certId]) await alb.request("AssociateAdditionalCertificatesWithListener", { ListenerId: listenerId, "Certificates.1.CertificateId": `${id}-cn-hangzhou` }, post);
    expect((await failure(cas.request("DeleteUserCertificate", { CertId: extra.certId }, post))).code).toBe("CertificateInUse");

    const done = (await alb.request("DissociateAdditionalCertificatesFromListener", { ListenerId: listenerId, "Certificates.1.CertificateId": `${extra.certId}-cn-hangzhou` }, post)) as { JobId: string };
    expect(done.JobId).toMatch(/\w/);
    const listed = (await alb.request("ListListenerCertificates", { ListenerId: listenerId, CertificateType: "Server" }, post)) as { Certificates: { CertificateId: string; IsDefault: boolean }[] };
    expect(listed.Certificates.map((c) => [c.CertificateId, c.IsDefault])).toEqual([[`${def.certId}-cn-hangzhou`, true], [`${kept.certId}-cn-hangzhou`, false]]);
    // No longer served by the listener: cas deletes it.
    await cas.request("DeleteUserCertificate", { CertId: extra.certId }, post);

    // Refusals: the default certificate, one not (or no longer) associated, a listener that does not exist, no certificate.
    expect(await failure(alb.request("DissociateAdditionalCertificatesFromListener", { ListenerId: listenerId, "Certificates.1.CertificateId": `${def.certId}-cn-hangzhou` }, post))).toEqual({ code: "OperationDenied.DefaultCertificate", status: 400 });
    expect(await failure(alb.request("DissociateAdditionalCertificatesFromListener", { ListenerId: listenerId, "Certificates.1.CertificateId": `${extra.certId}-cn-hangzhou` }, post))).toEqual({ code: "ResourceNotFound.Certificate", status: 404 });
    expect(await failure(alb.request("DissociateAdditionalCertificatesFromListener", { ListenerId: "lsn-nope", "Certificates.1.CertificateId": `${kept.certId}-cn-hangzhou` }, post))).toEqual({ code: "ResourceNotFound.Listener", status: 404 });
    expect((await failure(alb.request("DissociateAdditionalCertificatesFromListener", { ListenerId: listenerId }, post))).code).toBe("MissingParameter");
    // A refused call changes nothing: the one still associated stays.
    const after = (await alb.request("ListListenerCertificates", { ListenerId: listenerId }, post)) as { Certificates: { CertificateId: string }[] };
    expect(after.Certificates.map((c) => c.CertificateId)).toContain(`${kept.certId}-cn-hangzhou`);
  });
});

describe("SLB DeleteServerCertificate with @alicloud/pop-core", () => {
  it("refuses one a listener or an SNI domain extension uses (the API reference's codes), deletes it once unused", async () => {
    const slb = popClient(emu, "2014-05-15");
    const a = await uploaded("del.example.com", ["del.example.com"], "slb-del-1");
    const b = await uploaded("del.example.com", ["del.example.com"], "slb-del-2");
    const lbId = String(((await slb.request("CreateLoadBalancer", { RegionId: "cn-shanghai", LoadBalancerName: "del" }, post)) as { LoadBalancerId: string }).LoadBalancerId);
    const make = async (certId: string, name: string) => String(((await slb.request("UploadServerCertificate", { RegionId: "cn-shanghai", AliCloudCertificateId: certId, AliCloudCertificateName: name, AliCloudCertificateRegionId: "cn-hangzhou" }, post)) as { ServerCertificateId: string }).ServerCertificateId);
    const scA = await make(a.certId, "slb-del-1");
    const scB = await make(b.certId, "slb-del-2");
    await slb.request("CreateLoadBalancerHTTPSListener", { RegionId: "cn-shanghai", LoadBalancerId: lbId, ListenerPort: 443, BackendServerPort: 80, Bandwidth: -1, StickySession: "off", HealthCheck: "off", ServerCertificateId: scA }, post);
    const extId = String(((await slb.request("CreateDomainExtension", { RegionId: "cn-shanghai", LoadBalancerId: lbId, ListenerPort: 443, Domain: "del.example.com", ServerCertificateId: scB }, post)) as { DomainExtensionId: string }).DomainExtensionId);

    expect(await failure(slb.request("DeleteServerCertificate", { RegionId: "cn-shanghai", ServerCertificateId: scA }, post))).toEqual({ code: "CertificateAndPrivateKeyIsRefered", status: 400 });
    expect(await failure(slb.request("DeleteServerCertificate", { RegionId: "cn-shanghai", ServerCertificateId: scB }, post))).toEqual({ code: "CertificateRelatedDomainExtensionExist", status: 400 });
    // In another region it is not found.
    expect(await failure(slb.request("DeleteServerCertificate", { RegionId: "cn-hangzhou", ServerCertificateId: scB }, post))).toEqual({ code: "InvalidServerCertificateId.NotFound", status: 404 });

    // The extension moves to A: B is unused and deleted; it is then gone.
    await slb.request("SetDomainExtensionAttribute", { RegionId: "cn-shanghai", DomainExtensionId: extId, ServerCertificateId: scA }, post);
    await slb.request("DeleteServerCertificate", { RegionId: "cn-shanghai", ServerCertificateId: scB }, post);
    const left = (await slb.request("DescribeServerCertificates", { RegionId: "cn-shanghai" }, post)) as { ServerCertificates: { ServerCertificate: { ServerCertificateId: string }[] } };
    const ids = left.ServerCertificates.ServerCertificate.map((c) => c.ServerCertificateId);
    expect(ids).toContain(scA);
    expect(ids).not.toContain(scB);
    expect(await failure(slb.request("DeleteServerCertificate", { RegionId: "cn-shanghai", ServerCertificateId: scB }, post))).toEqual({ code: "InvalidServerCertificateId.NotFound", status: 404 });
    expect((await failure(slb.request("DeleteServerCertificate", { RegionId: "cn-shanghai" }, post))).code).toBe("MissingParameter");
  });
});
