// CloudPort over the signed client of src/core/aliyun (helper B) with the stored credentials and the
// current settings (site, KMS region, endpoint override, signature version). A client is made per use,
// so a settings change applies to the next call without restarting anything.
import { createClient, type AliyunClient, type CredentialSource } from "../core/aliyun/client";
import type { PackageState, Settings } from "../messages";
import type { CloudPort } from "./cloud-port";

const str = (v: unknown): string | undefined => (v === undefined || v === null || v === "" ? undefined : String(v));

export function cloudFromClient(client: AliyunClient): CloudPort {
  return {
    client,
    async createCertificateWithCsrRequest(p) {
      const r = await client.call("cas", "CreateCertificateWithCsrRequest", {
        Csr: p.csr,
        Username: p.username,
        Phone: p.phone,
        Email: p.email,
        ValidateType: p.validateType,
        ProductCode: p.productCode,
      });
      return { orderId: String(r.OrderId) };
    },
    async createCertificateRequest(p) {
      const r = await client.call("cas", "CreateCertificateRequest", {
        Domain: p.domain,
        Username: p.username,
        Phone: p.phone,
        Email: p.email,
        ValidateType: p.validateType,
        ProductCode: p.productCode,
      });
      return { orderId: String(r.OrderId) };
    },
    async createCsr(p) {
      const r = await client.call("cas", "CreateCsr", {
        Algorithm: p.algorithm,
        KeySize: p.keySize,
        CommonName: p.commonName,
        Sans: p.sans.length > 0 ? p.sans.join(",") : undefined,
        CountryCode: p.countryCode,
        Province: p.province,
        Locality: p.locality,
        CorpName: p.corpName || undefined,
        Department: p.department || undefined,
        Name: p.name || undefined,
      });
      return { csrId: String(r.CsrId), csr: String(r.Csr ?? "") };
    },
    async kmsCreateCertificate(p) {
      const r = await client.call("kms", "CreateCertificate", {
        KeySpec: p.keySpec,
        Subject: p.subject,
        SubjectAlternativeNames: p.sans.length > 0 ? p.sans : undefined,
        ExportablePrivateKey: p.exportablePrivateKey,
        ProtectionLevel: p.protectionLevel,
      });
      return { certificateId: String(r.CertificateId), csr: String(r.Csr ?? ""), arn: str(r.Arn) };
    },
    async kmsUploadCertificate(p) {
      await client.call("kms", "UploadCertificate", {
        CertificateId: p.certificateId,
        Certificate: p.certificate,
        CertificateChain: p.certificateChain || undefined,
      });
    },
    async describeCertificateState(orderId) {
      const r = await client.call("cas", "DescribeCertificateState", { OrderId: orderId });
      const validateType = str(r.ValidateType);
      return {
        type: String(r.Type ?? "unknow"),
        validateType: validateType === "DNS" || validateType === "FILE" ? validateType : undefined,
        recordType: str(r.RecordType),
        recordDomain: str(r.RecordDomain),
        recordValue: str(r.RecordValue),
        domain: str(r.Domain),
        uri: str(r.Uri),
        content: str(r.Content),
        certificate: str(r.Certificate),
        privateKey: str(r.PrivateKey),
      };
    },
    async describePackageState(productCode): Promise<PackageState[]> {
      const r = await client.call("cas", "DescribePackageState", productCode ? { ProductCode: productCode } : {});
      return [
        {
          productCode: String(r.ProductCode ?? productCode ?? ""),
          totalCount: Number(r.TotalCount ?? 0),
          usedCount: Number(r.UsedCount ?? 0),
          issuedCount: Number(r.IssuedCount ?? 0),
        },
      ];
    },
    async cancelOrderRequest(orderId) {
      await client.call("cas", "CancelOrderRequest", { OrderId: orderId });
    },
    async deleteCertificateRequest(orderId) {
      await client.call("cas", "DeleteCertificateRequest", { OrderId: orderId });
    },
    async addDomainRecord(p) {
      const r = await client.call("alidns", "AddDomainRecord", { DomainName: p.domainName, RR: p.rr, Type: p.type, Value: p.value });
      return { recordId: String(r.RecordId) };
    },
  };
}

export function cloudForSettings(settings: Settings, credentials: CredentialSource): CloudPort {
  return cloudFromClient(
    createClient({
      credentials,
      site: settings.site,
      region: settings.kmsRegion || undefined,
      endpoint: settings.endpoint || undefined,
      signatureVersion: settings.signatureVersion,
      // Bound: a bare `fetch` reference called on another object throws "Illegal invocation" in Chrome.
      fetch: (url, init) => globalThis.fetch(url, init),
    }),
  );
}
