// Uploaded certificates and CDN deployment against the emulator through the official SDKs:
// @alicloud/cas20200407 and @alicloud/cdn20180510 (Signature V3) and @alicloud/pop-core (V1):
// UploadUserCertificate → ListUserCertificateOrder UPLOAD → GetUserCertificateDetail → AddCdnDomain →
// SetCdnDomainSSLCertificate (CertType cas) → DescribeDomainCertificateInfo shows that certificate's serial;
// and every refusal (a key that is not the certificate's, a name taken, an unknown domain or CertId, a
// certificate that does not cover the domain, DeleteUserCertificate of an upload a CDN domain still serves).
// Certificates are signed by the emulator's CA from OpenSSL keys;
// fingerprints and serials are checked against `openssl x509`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as cdnModule from "@alicloud/cdn20180510";
import { startEmulator, type RunningEmulator } from "../../emulator/index";
import { casClient, casModule, openssl, opensslCsr, popClient, scratch, teaConfig, write } from "./emulator-helpers";

const CdnClient = ((): typeof cdnModule.default => {
  const inner = (cdnModule.default as unknown as { default?: typeof cdnModule.default }).default;
  return typeof inner === "function" ? inner : cdnModule.default;
})();

let emu: RunningEmulator;
let dir: string;

interface Made {
  cert: string;
  key: string;
  /** `openssl x509 -serial` (upper-case hex) and the SHA-1 fingerprint without colons. */
  serial: string;
  fingerprint: string;
}

/** An OpenSSL key, its CSR signed by the emulator's CA for `names`. */
async function made(kind: "ec" | "rsa", cn: string, names?: string[]): Promise<Made> {
  const { csr, keyPath } = opensslCsr(dir, kind, cn);
  const signed = await emu.control.signCsr(csr, names ?? [cn]);
  const cert = `${signed.certificate}${signed.chain}`;
  const path = write(dir, `${cn.replace(/\W/g, "_")}-${kind}.crt`, signed.certificate);
  const serial = openssl(["x509", "-in", path, "-noout", "-serial"]).trim().replace(/^serial=/, "");
  const fingerprint = openssl(["x509", "-in", path, "-noout", "-fingerprint", "-sha1"]).trim().replace(/^.*=/, "").replace(/:/g, "");
  return { cert, key: readFileSync(keyPath, "utf8"), serial, fingerprint };
}

/** The code and HTTP status an SDK call failed with (Tea: statusCode; pop-core: the body's Code, entry.response.statusCode). */
async function failure(call: Promise<unknown>): Promise<{ code: string; status?: number }> {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: string; statusCode?: number; data?: Record<string, unknown>; entry?: { response?: { statusCode?: number } } };
    return { code: String(e.code), status: e.statusCode ?? (e.data?.statusCode as number | undefined) ?? e.entry?.response?.statusCode };
  }
  throw new Error("the call succeeded");
}

const hexEq = (a: unknown, b: string) => String(a).toUpperCase().replace(/^(00)+/, "") === b.toUpperCase().replace(/^(00)+/, "");
const sources = JSON.stringify([{ content: "203.0.113.10", type: "ipaddr", priority: "20", port: 80, weight: "10" }]);

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  dir = scratch();
});
afterAll(async () => {
  await emu?.close();
});

describe("uploads and CDN with @alicloud/cas20200407 and @alicloud/cdn20180510 (Signature V3)", () => {
  it("uploads, lists, reads, adds a domain, deploys the certificate by CertId and reads it back", async () => {
    const domain = "www.shop.example.com";
    const c = await made("ec", domain, [domain, "*.img.shop.example.com"]);
    const cas = casClient(emu);
    const cdn = new CdnClient(teaConfig(emu));
    const before = emu.control.counts();

    const up = await cas.uploadUserCertificate(new casModule.UploadUserCertificateRequest({ name: "shop-2026", cert: c.cert, key: c.key }));
    const certId = up.body!.certId!;
    expect(String(certId)).toMatch(/^\d{8}$/); // 8 digits: exact as a JS number
    expect(emu.control.counts().uploads).toBe(before.uploads + 1);

    const listed = await cas.listUserCertificateOrder(new casModule.ListUserCertificateOrderRequest({ orderType: "UPLOAD", showSize: 50 }));
    const row = listed.body!.certificateOrderList!.find((r) => r.certificateId === certId)!;
    expect(row).toBeDefined();
    expect(row.name).toBe("shop-2026");
    expect(row.fingerprint).toBe(c.fingerprint);
    expect(hexEq(row.serialNo, c.serial)).toBe(true);
    expect(row.upload).toBe(true);
    expect(row.sans).toBe(`${domain},*.img.shop.example.com`);

    const detail = await cas.getUserCertificateDetail(new casModule.GetUserCertificateDetailRequest({ certId }));
    expect(detail.body?.common).toBe(domain);
    expect(hexEq(detail.body?.serialNo, c.serial)).toBe(true);
    expect(detail.body?.fingerprint).toBe(c.fingerprint);
    expect(detail.body?.cert).toContain("BEGIN CERTIFICATE");
    expect(detail.body?.key).toBe(c.key);
    const filtered = await cas.getUserCertificateDetail(new casModule.GetUserCertificateDetailRequest({ certId, certFilter: true }));
    expect(filtered.body?.cert).toBeUndefined();
    expect(filtered.body?.key).toBeUndefined();

    await cdn.addCdnDomain(new cdnModule.AddCdnDomainRequest({ domainName: domain, cdnType: "web", sources }));
    const domains = await cdn.describeUserDomains(new cdnModule.DescribeUserDomainsRequest({ domainName: domain }));
    expect(domains.body?.domains?.pageData?.map((d) => d.domainName)).toEqual([domain]);
    expect(domains.body?.domains?.pageData?.[0]?.sslProtocol).toBe("off");

    await cdn.setCdnDomainSSLCertificate(new cdnModule.SetCdnDomainSSLCertificateRequest({ domainName: domain, SSLProtocol: "on", certType: "cas", certId }));
    expect(emu.control.counts()).toMatchObject({ cdnDomains: before.cdnDomains + 1, cdnDeploys: before.cdnDeploys + 1 });

    const info = await cdn.describeDomainCertificateInfo(new cdnModule.DescribeDomainCertificateInfoRequest({ domainName: domain }));
    const served = info.body!.certInfos!.certInfo![0]!;
    expect(served.serverCertificateStatus).toBe("on");
    expect(served.certId).toBe(String(certId)); // a string in the SDK's typings: read as text
    expect(served.certType).toBe("cas");
    const leafPath = write(dir, "served.crt", served.serverCertificate!);
    expect(openssl(["x509", "-in", leafPath, "-noout", "-serial"]).trim()).toBe(`serial=${c.serial}`);
    expect(Date.parse(served.certExpireTime!)).toBeGreaterThan(Date.now());

    const https = await cdn.describeCdnHttpsDomainList(new cdnModule.DescribeCdnHttpsDomainListRequest({ keyword: "shop" }));
    expect(https.body?.certInfos?.certInfo?.map((i) => [i.domainName, i.certStatus])).toEqual([[domain, "ok"]]);
  });

  it("refuses with the cloud's codes: key not the certificate's, name taken, unknown domain and CertId, certificate not covering the domain", async () => {
    const cas = casClient(emu);
    const cdn = new CdnClient(teaConfig(emu));
    const a = await made("rsa", "a.refuse.example.com");
    const b = await made("ec", "b.refuse.example.com");

    const mismatch = await failure(cas.uploadUserCertificate(new casModule.UploadUserCertificateRequest({ name: "mismatch", cert: a.cert, key: b.key })));
    expect(mismatch).toEqual({ code: "CertificateKeyMismatch", status: 400 });
    const ok = await cas.uploadUserCertificate(new casModule.UploadUserCertificateRequest({ name: "refuse-a", cert: a.cert, key: a.key }));
    const taken = await failure(cas.uploadUserCertificate(new casModule.UploadUserCertificateRequest({ name: "refuse-a", cert: b.cert, key: b.key })));
    expect(taken).toEqual({ code: "NameRepeat", status: 400 });

    const unknownDomain = await failure(
      cdn.setCdnDomainSSLCertificate(new cdnModule.SetCdnDomainSSLCertificateRequest({ domainName: "nobody.example.com", SSLProtocol: "on", certType: "cas", certId: ok.body!.certId })),
    );
    expect(unknownDomain).toEqual({ code: "InvalidDomain.NotFound", status: 404 });

    await cdn.addCdnDomain(new cdnModule.AddCdnDomainRequest({ domainName: "b.refuse.example.com", cdnType: "web", sources }));
    const unknownCert = await failure(
      cdn.setCdnDomainSSLCertificate(new cdnModule.SetCdnDomainSSLCertificateRequest({ domainName: "b.refuse.example.com", SSLProtocol: "on", certType: "cas", certId: 99999999 })),
    );
    expect(unknownCert).toEqual({ code: "Certificate.NotFound", status: 404 });
    const notCovering = await failure(
      cdn.setCdnDomainSSLCertificate(new cdnModule.SetCdnDomainSSLCertificateRequest({ domainName: "b.refuse.example.com", SSLProtocol: "on", certType: "cas", certId: ok.body!.certId })),
    );
    expect(notCovering).toEqual({ code: "Certificate.DomainNotMatch", status: 400 });
    const noCert = await failure(cdn.setCdnDomainSSLCertificate(new cdnModule.SetCdnDomainSSLCertificateRequest({ domainName: "b.refuse.example.com", SSLProtocol: "on" })));
    expect(noCert).toEqual({ code: "SSLPub.MissingParameter", status: 400 });
    const again = await failure(cdn.addCdnDomain(new cdnModule.AddCdnDomainRequest({ domainName: "b.refuse.example.com", cdnType: "web", sources })));
    expect(again).toEqual({ code: "DomainAlreadyExist", status: 400 });
    const detailGone = await failure(cas.getUserCertificateDetail(new casModule.GetUserCertificateDetailRequest({ certId: 99999999 })));
    expect(detailGone).toEqual({ code: "NotFoundCertificate", status: 404 });
    const info = await failure(cdn.describeDomainCertificateInfo(new cdnModule.DescribeDomainCertificateInfoRequest({ domainName: "nobody.example.com" })));
    expect(info.code).toBe("InvalidDomain.NotFound");
  });

  it("a one-level wildcard covers one label only; CertType upload checks key and names; the business clock expires what is served", async () => {
    const cdn = new CdnClient(teaConfig(emu));
    const w = await made("ec", "*.wild.example.com", ["*.wild.example.com"]);
    const other = await made("ec", "other.wild.example.com");
    for (const d of ["cdn.wild.example.com", "a.b.wild.example.com", "wild.example.com"]) {
      await cdn.addCdnDomain(new cdnModule.AddCdnDomainRequest({ domainName: d, cdnType: "download", sources }));
    }
    await cdn.setCdnDomainSSLCertificate(
      new cdnModule.SetCdnDomainSSLCertificateRequest({ domainName: "cdn.wild.example.com", SSLProtocol: "on", certType: "upload", SSLPub: w.cert, SSLPri: w.key }),
    );
    for (const d of ["a.b.wild.example.com", "wild.example.com"]) {
      const refused = await failure(
        cdn.setCdnDomainSSLCertificate(new cdnModule.SetCdnDomainSSLCertificateRequest({ domainName: d, SSLProtocol: "on", certType: "upload", SSLPub: w.cert, SSLPri: w.key })),
      );
      expect(refused.code).toBe("Certificate.DomainNotMatch");
    }
    const wrongKey = await failure(
      cdn.setCdnDomainSSLCertificate(new cdnModule.SetCdnDomainSSLCertificateRequest({ domainName: "cdn.wild.example.com", SSLProtocol: "on", certType: "upload", SSLPub: w.cert, SSLPri: other.key })),
    );
    expect(wrongKey.code).toBe("Certificate.KeyMismatch");

    emu.control.advanceTime(80 * 24 * 3600 * 1000);
    const soon = await cdn.describeCdnHttpsDomainList(new cdnModule.DescribeCdnHttpsDomainListRequest({ keyword: "cdn.wild" }));
    expect(soon.body?.certInfos?.certInfo?.[0]?.certStatus).toBe("expire_soon");
    emu.control.advanceTime(20 * 24 * 3600 * 1000);
    const expired = await cdn.describeCdnHttpsDomainList(new cdnModule.DescribeCdnHttpsDomainListRequest({ keyword: "cdn.wild" }));
    expect(expired.body?.certInfos?.certInfo?.[0]?.certStatus).toBe("expired");
    const listedExpired = await casClient(emu).listUserCertificateOrder(new casModule.ListUserCertificateOrderRequest({ orderType: "UPLOAD", status: "EXPIRED" }));
    expect(listedExpired.body?.certificateOrderList?.length).toBeGreaterThan(0);
  });
});

describe("uploads and CDN with @alicloud/pop-core (Signature V1)", () => {
  it("the same flow: ids read exactly (json-bigint), the served serial is the uploaded one", async () => {
    const domain = "pop.example.org";
    const c = await made("rsa", domain);
    const cas = popClient(emu, "2020-04-07");
    const cdn = popClient(emu, "2018-05-10");
    const post = { method: "POST" } as const;
    const up = (await cas.request("UploadUserCertificate", { Name: "pop-1", Cert: c.cert, Key: c.key }, post)) as { CertId: unknown };
    const certId = String(up.CertId);
    const list = (await cas.request("ListUserCertificateOrder", { OrderType: "UPLOAD", Keyword: domain }, post)) as { CertificateOrderList: { CertificateId: unknown; Fingerprint: string }[] };
    expect(list.CertificateOrderList.map((r) => [String(r.CertificateId), r.Fingerprint])).toEqual([[certId, c.fingerprint]]);
    await cdn.request("AddCdnDomain", { DomainName: domain, CdnType: "web", Sources: sources }, post);
    await cdn.request("SetCdnDomainSSLCertificate", { DomainName: domain, SSLProtocol: "on", CertType: "cas", CertId: certId }, post);
    const info = (await cdn.request("DescribeDomainCertificateInfo", { DomainName: domain }, post)) as { CertInfos: { CertInfo: { CertId: string; ServerCertificate: string }[] } };
    expect(info.CertInfos.CertInfo[0]!.CertId).toBe(certId);
    const leafPath = write(dir, "pop-served.crt", info.CertInfos.CertInfo[0]!.ServerCertificate);
    expect(openssl(["x509", "-in", leafPath, "-noout", "-serial"]).trim()).toBe(`serial=${c.serial}`);
    const unknown = await failure(cdn.request("SetCdnDomainSSLCertificate", { DomainName: "nope.example.org", SSLProtocol: "on", CertType: "cas", CertId: certId }, post));
    expect(unknown.code).toBe("InvalidDomain.NotFound");
  });
  it("DeleteUserCertificate refuses an upload a CDN domain serves (CertificateInUse) and deletes it once the domain serves another", async () => {
    const domain = "inuse.example.org";
    const cas = popClient(emu, "2020-04-07");
    const cdn = popClient(emu, "2018-05-10");
    const post = { method: "POST" } as const;
    const first = await made("ec", domain);
    const second = await made("ec", domain);
    const oldId = String(((await cas.request("UploadUserCertificate", { Name: "inuse-1", Cert: first.cert, Key: first.key }, post)) as { CertId: unknown }).CertId);
    const newId = String(((await cas.request("UploadUserCertificate", { Name: "inuse-2", Cert: second.cert, Key: second.key }, post)) as { CertId: unknown }).CertId);
    await cdn.request("AddCdnDomain", { DomainName: domain, CdnType: "web", Sources: sources }, post);
    await cdn.request("SetCdnDomainSSLCertificate", { DomainName: domain, SSLProtocol: "on", CertType: "cas", CertId: oldId }, post);
    const uploads = emu.control.counts().uploads;

    const refused = await failure(cas.request("DeleteUserCertificate", { CertId: oldId }, post));
    expect(refused).toEqual({ code: "CertificateInUse", status: 400 });
    expect(emu.control.counts().uploads).toBe(uploads);
    const still = (await cas.request("GetUserCertificateDetail", { CertId: oldId, CertFilter: true }, post)) as { Id: unknown; Name: string };
    expect([String(still.Id), still.Name]).toEqual([oldId, "inuse-1"]);

    // The domain now serves the second upload: the first is no longer in use and may go; the second may not.
    await cdn.request("SetCdnDomainSSLCertificate", { DomainName: domain, SSLProtocol: "on", CertType: "cas", CertId: newId }, post);
    const info = (await cdn.request("DescribeDomainCertificateInfo", { DomainName: domain }, post)) as { CertInfos: { CertInfo: { CertId: string }[] } };
    expect(String(info.CertInfos.CertInfo[0]!.CertId)).toBe(newId);
    await cas.request("DeleteUserCertificate", { CertId: oldId }, post);
    expect(emu.control.counts().uploads).toBe(uploads - 1);
    expect(await failure(cas.request("GetUserCertificateDetail", { CertId: oldId }, post))).toEqual({ code: "NotFoundCertificate", status: 404 });
    // Deleting it again (a retry after a lost answer) says it is not there.
    expect((await failure(cas.request("DeleteUserCertificate", { CertId: oldId }, post))).code).toBe("NotFoundCertificate");
    expect((await failure(cas.request("DeleteUserCertificate", { CertId: newId }, post))).code).toBe("CertificateInUse");
  });
});

describe("uploads and CDN domains under faults and in the state file", () => {
  it("listLagMs hides a new upload and domain from lists (reads by id see them) until the business clock passes it", async () => {
    const cas = casClient(emu);
    const cdn = new CdnClient(teaConfig(emu));
    const c = await made("ec", "lag.example.net");
    emu.control.setFaults({ listLagMs: 60_000, actions: ["UploadUserCertificate", "AddCdnDomain"] });
    try {
      const up = await cas.uploadUserCertificate(new casModule.UploadUserCertificateRequest({ name: "lag-1", cert: c.cert, key: c.key }));
      await cdn.addCdnDomain(new cdnModule.AddCdnDomainRequest({ domainName: "lag.example.net", cdnType: "web", sources }));
      const listUploads = async () =>
        (await cas.listUserCertificateOrder(new casModule.ListUserCertificateOrderRequest({ orderType: "UPLOAD", keyword: "lag.example.net" }))).body?.certificateOrderList ?? [];
      const listDomains = async () =>
        (await cdn.describeUserDomains(new cdnModule.DescribeUserDomainsRequest({ domainName: "lag.example.net" }))).body?.domains?.pageData ?? [];
      expect(await listUploads()).toEqual([]);
      expect(await listDomains()).toEqual([]);
      expect((await cas.getUserCertificateDetail(new casModule.GetUserCertificateDetailRequest({ certId: up.body!.certId! }))).body?.name).toBe("lag-1");
      emu.control.advanceTime(61_000);
      expect((await listUploads()).map((r) => r.name)).toEqual(["lag-1"]);
      expect((await listDomains()).map((d) => d.domainName)).toEqual(["lag.example.net"]);
    } finally {
      emu.control.setFaults({});
    }
  });

  it("keeps uploads, domains and what each serves across a restart from the state file; an older state file gets empty parts", async () => {
    const stateFile = join(dir, "cdn-state.json");
    let first: RunningEmulator | undefined = await startEmulator({ port: 0, stateFile });
    const saved = emu;
    try {
      emu = first;
      const c = await made("ec", "kept.example.net");
      const up = await casClient(first).uploadUserCertificate(new casModule.UploadUserCertificateRequest({ name: "kept", cert: c.cert, key: c.key }));
      const cdn = new CdnClient(teaConfig(first));
      await cdn.addCdnDomain(new cdnModule.AddCdnDomainRequest({ domainName: "kept.example.net", cdnType: "web", sources }));
      await cdn.setCdnDomainSSLCertificate(new cdnModule.SetCdnDomainSSLCertificateRequest({ domainName: "kept.example.net", SSLProtocol: "on", certType: "cas", certId: up.body!.certId! }));
      await first.close();
      first = undefined;
      const second = await startEmulator({ port: 0, stateFile });
      try {
        expect(second.control.counts()).toMatchObject({ uploads: 1, cdnDomains: 1, cdnDeploys: 1 });
        const info = await new CdnClient(teaConfig(second)).describeDomainCertificateInfo(new cdnModule.DescribeDomainCertificateInfoRequest({ domainName: "kept.example.net" }));
        expect(info.body?.certInfos?.certInfo?.[0]?.certId).toBe(String(up.body!.certId));
      } finally {
        await second.close();
      }
      // A state file from before uploads and CDN: loaded with both empty.
      const old = JSON.parse(readFileSync(stateFile, "utf8")) as Record<string, unknown> & { counters: Record<string, string> };
      delete old.userCertificates;
      delete old.cdn;
      delete old.counters.cert;
      delete old.counters.cdnDomain;
      writeFileSync(stateFile, JSON.stringify(old));
      const third = await startEmulator({ port: 0, stateFile });
      try {
        expect(third.control.counts()).toMatchObject({ uploads: 0, cdnDomains: 0, cdnDeploys: 0 });
        const again = await casClient(third).uploadUserCertificate(new casModule.UploadUserCertificateRequest({ name: "kept", cert: c.cert, key: c.key }));
        expect(String(again.body?.certId)).toMatch(/^\d{8}$/);
      } finally {
        await third.close();
      }
    } finally {
      emu = saved;
      await first?.close();
    }
  });
});
