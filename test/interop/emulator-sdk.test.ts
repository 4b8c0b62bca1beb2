// The official SDKs against the emulator (issue 5 "Done when"): an OpenSSL-made CSR goes through
// CreateCertificateWithCsrRequest → DescribeCertificateState (domain_verify, TXT) → AddDomainRecord →
// DescribeCertificateState (certificate) with @alicloud/cas20200407 and @alicloud/alidns20150109 (V3), and
// the same with @alicloud/pop-core (V1, GET and POST); `openssl verify` accepts the leaf against the
// returned chain and the emulator's root, and the leaf carries the CSR's public key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/index";
import { CasClient, casClient, casModule, teaConfig, dnsClient, dnsModule, openssl, opensslCsr, orderIdFor, popClient, rawV1, scratch, write } from "./emulator-helpers";

let emu: RunningEmulator;
let dir: string;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  dir = scratch();
});
afterAll(async () => {
  await emu?.close();
});

const contact = { username: "Tom", phone: "13900000000", email: "tom@example.com" };

function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}

/** `openssl verify` of the leaf against the chain and root; the leaf's public key equals the key's. */
function checkIssued(certificate: string, keyPath: string, name: string): void {
  const [leaf, ...chain] = splitPem(certificate);
  expect(leaf).toBeDefined();
  expect(chain.length).toBeGreaterThan(0);
  const leafPath = write(dir, `${name}.crt`, leaf!);
  const chainPath = write(dir, `${name}.chain.pem`, chain.join(""));
  const rootPath = write(dir, `${name}.root.pem`, emu.control.caRoots().ec);
  expect(openssl(["verify", "-CAfile", rootPath, "-untrusted", chainPath, leafPath]).trim()).toBe(`${leafPath}: OK`);
  const leafKey = openssl(["x509", "-in", leafPath, "-noout", "-pubkey"]);
  const csrKey = openssl(["pkey", "-in", keyPath, "-pubout"]);
  expect(leafKey).toBe(csrKey);
  const text = openssl(["x509", "-in", leafPath, "-noout", "-ext", "subjectAltName"]);
  expect(text).toContain(`DNS:${name}`);
}

describe("emulator with @alicloud/cas20200407 and @alicloud/alidns20150109 (Signature V3)", () => {
  it("orders with an OpenSSL CSR, validates through Alidns and issues a leaf OpenSSL verifies", async () => {
    const domain = "shop.example.com";
    const { csr, keyPath } = opensslCsr(dir, "ec", domain);
    const cas = casClient(emu);
    const dns = dnsClient(emu);

    const created = await cas.createCertificateWithCsrRequest(
      new casModule.CreateCertificateWithCsrRequestRequest({ csr, ...contact, validateType: "DNS" }),
    );
    // The SDK parses the bare 17-digit OrderId with JSON.parse: a number, rounded. The exact value is the emulator's.
    const orderId = orderIdFor(emu, domain);
    expect(orderId).toMatch(/^\d{17}$/);
    expect(created.body?.orderId).toBe(Number(orderId));
    // Passed on as text: the SDK puts it in the query as given (its typing says number).
    const idForSdk = orderId as unknown as number;

    const pending = await cas.describeCertificateState(new casModule.DescribeCertificateStateRequest({ orderId: idForSdk }));
    expect(pending.body?.type).toBe("domain_verify");
    expect(pending.body?.validateType).toBe("DNS");
    expect(pending.body?.recordType).toBe("TXT");
    expect(pending.body?.recordDomain).toBe("_dnsauth.shop");
    expect(pending.body?.recordValue).toMatch(/^[0-9a-z]{40,}$/);

    const added = await dns.addDomainRecord(
      new dnsModule.AddDomainRecordRequest({ domainName: "example.com", RR: pending.body!.recordDomain, type: "TXT", value: pending.body!.recordValue }),
    );
    expect(added.body?.recordId).toMatch(/^\d+$/);
    const listed = await dns.describeDomainRecords(new dnsModule.DescribeDomainRecordsRequest({ domainName: "example.com" }));
    expect(listed.body?.domainRecords?.record?.map((r) => r.value)).toContain(pending.body!.recordValue);

    const issued = await cas.describeCertificateState(new casModule.DescribeCertificateStateRequest({ orderId: idForSdk }));
    expect(issued.body?.type).toBe("certificate");
    expect(issued.body?.privateKey ?? "").toBe("");
    checkIssued(issued.body!.certificate!, keyPath, domain);

    const pkg = await cas.describePackageState(new casModule.DescribePackageStateRequest({ productCode: "symantec-free-1-free" }));
    expect(pkg.body?.usedCount).toBeGreaterThanOrEqual(1);
    expect(pkg.body?.issuedCount).toBeGreaterThanOrEqual(1);
  });

  it("answers an RSA CSR's order whose domain sits in a longer zone once that zone has the record", async () => {
    const domain = "api.dev.example.org";
    const { csr, keyPath } = opensslCsr(dir, "rsa", domain);
    const cas = casClient(emu);
    const dns = dnsClient(emu);
    emu.control.addZone("dev.example.org");
    await cas.createCertificateWithCsrRequest(new casModule.CreateCertificateWithCsrRequestRequest({ csr, ...contact, validateType: "DNS" }));
    const orderId = orderIdFor(emu, domain) as unknown as number;
    const pending = await cas.describeCertificateState(new casModule.DescribeCertificateStateRequest({ orderId }));
    expect(pending.body?.recordDomain).toBe("_dnsauth.api");
    // A record in the wrong zone does not count.
    await dns.addDomainRecord(new dnsModule.AddDomainRecordRequest({ domainName: "example.org", RR: "_dnsauth.api.dev", type: "TXT", value: pending.body!.recordValue }));
    expect((await cas.describeCertificateState(new casModule.DescribeCertificateStateRequest({ orderId }))).body?.type).toBe("domain_verify");
    await dns.addDomainRecord(new dnsModule.AddDomainRecordRequest({ domainName: "dev.example.org", RR: "_dnsauth.api", type: "TXT", value: pending.body!.recordValue }));
    const issued = await cas.describeCertificateState(new casModule.DescribeCertificateStateRequest({ orderId }));
    expect(issued.body?.type).toBe("certificate");
    checkIssued(issued.body!.certificate!, keyPath, domain);
  });

  it("lists the orders with ListUserCertificateOrder", async () => {
    const list = await casClient(emu).listUserCertificateOrder(new casModule.ListUserCertificateOrderRequest({ keyword: "shop.example.com" }));
    expect(list.body?.certificateOrderList?.[0]?.domain).toBe("shop.example.com");
    expect(list.body?.certificateOrderList?.[0]?.status).toBe("ISSUED");
  });
});

interface PopAnswer {
  [key: string]: unknown;
}

describe("emulator with @alicloud/pop-core (Signature V1)", () => {
  for (const method of ["GET", "POST"] as const) {
    it(`runs the order flow with ${method} requests; OrderId keeps all 17 digits`, async () => {
      const domain = `${method.toLowerCase()}.pop.example.net`;
      const { csr, keyPath } = opensslCsr(dir, "ec", domain);
      const cas = popClient(emu, "2020-04-07");
      const dns = popClient(emu, "2015-01-09");
      const opts = { method };
      const created = await cas.request<PopAnswer>(
        "CreateCertificateWithCsrRequest",
        { Csr: csr, Username: "Tom", Phone: "13900000000", Email: "tom@example.com", ValidateType: "DNS" },
        opts,
      );
      // pop-core parses with json-bigint: the bare number arrives whole.
      const orderId = String(created.OrderId);
      expect(orderId).toBe(orderIdFor(emu, domain));
      const pending = await cas.request<PopAnswer>("DescribeCertificateState", { OrderId: orderId }, opts);
      expect(pending.Type).toBe("domain_verify");
      expect(pending.RecordDomain).toBe(`_dnsauth.${method.toLowerCase()}.pop`);
      await dns.request("AddDomainRecord", { DomainName: "example.net", RR: pending.RecordDomain, Type: "TXT", Value: pending.RecordValue }, opts);
      const issued = await cas.request<PopAnswer>("DescribeCertificateState", { OrderId: orderId }, opts);
      expect(issued.Type).toBe("certificate");
      checkIssued(String(issued.Certificate), keyPath, domain);
    });
  }

  it("accepts the Tea SDK's own V1 (signatureAlgorithm v2: POST with every parameter in the query)", async () => {
    const config = teaConfig(emu);
    config.signatureAlgorithm = "v2";
    const cas = new CasClient(config);
    const pkg = await cas.describePackageState(new casModule.DescribePackageStateRequest({ productCode: "geotrust-dv-1-starter" }));
    expect(pkg.body).toMatchObject({ productCode: "geotrust-dv-1-starter", totalCount: 20 });
  });

  it("writes OrderId as a bare JSON number, not a string", async () => {
    const { text } = await rawV1(emu, "2020-04-07", "ListUserCertificateOrder", {});
    expect(text).toMatch(/"OrderId":\d{17}[,}]/);
    expect(text).not.toMatch(/"OrderId":"/);
  });
});
