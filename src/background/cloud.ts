// CloudPort over the signed client of src/core/aliyun/client.ts with the stored credentials and the
// current settings (site, KMS region, endpoint override, signature version). A client is made per use,
// so a settings change applies to the next call without restarting anything.
// Creates are not here: they go through the write-ahead ledger (src/background/orders/creates.ts).
import { createClient, type AliyunClient, type CredentialSource } from "../core/aliyun/client";
import type { PackageState, Settings } from "../messages";
import type { CloudPort } from "./cloud-port";

const str = (v: unknown): string | undefined => (v === undefined || v === null || v === "" ? undefined : String(v));

export function cloudFromClient(client: AliyunClient): CloudPort {
  return {
    client,
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
