// KMS 2016-01-20 Certificates Manager: certificates whose key KMS makes and keeps. CreateCertificate
// returns the CSR; the owner has it signed elsewhere and brings the certificate back (UploadCertificate),
// which must carry this key. ExportablePrivateKey is kept and honoured by ExportCertificate (an operation
// of the first SDK generation, emulator-only here): a non-exportable key never leaves.
import { randomUUID } from "node:crypto";
import * as x509 from "../../src/core/csr/x509";
import { CloudError, CloudErrors } from "../cloud-error";
import { generateServerKey, makeCsr } from "../keys";
import type { KmsCertificate } from "../state";
import { isListed, listedAtFor, type ServiceContext, type ServiceDefinition } from "../service";
import { newestFirst, pageOf } from "../paging";
import { keySpecFromKms } from "../../src/core/key-spec";
import { cryptoWithSm2 } from "../keys";

const SIGNATURE_ALGORITHM: Record<KmsCertificate["keySpec"], string> = { RSA_2048: "RSA2048-SHA256", EC_P256: "ECDSA-SHA256", EC_SM2: "SM2-SM3" };

/** KMS pages: PageNumber from 1, PageSize 1 to 100, default 10 (as KMS's other list operations). */
const KMS_PAGING = { pageParam: "PageNumber", sizeParam: "PageSize", defaultSize: 10, maxSize: 100 } as const;

const notFound = (id: string): CloudError => new CloudError(404, "Forbidden.ResourceNotFound", `The certificate ${id} does not exist.`);

/** The catalogue checks its operations' parameters; UpdateCertificateStatus and ExportCertificate are not in it. */
function find(ctx: ServiceContext, id: string | undefined): KmsCertificate {
  if (!id) throw CloudErrors.missingParameter("CertificateId");
  const cert = ctx.state.kms[id];
  if (!cert) throw notFound(id);
  return cert;
}

function parseSans(text: string | undefined): string[] {
  if (!text) return [];
  const list = JSON.parse(text) as unknown;
  return Array.isArray(list) ? list.map(String) : [];
}

function firstCertificate(pem: string, field: string): x509.X509Certificate {
  try {
    return new x509.X509Certificate(pem);
  } catch {
    throw CloudErrors.invalidParameter(field, "It is not a PEM certificate.");
  }
}

const equalBytes = (a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array): boolean => Buffer.from(a as ArrayBuffer).equals(Buffer.from(b as ArrayBuffer));

export const kmsService: ServiceDefinition = {
  id: "kms",
  version: "2016-01-20",
  host: "kms.cn-hangzhou.aliyuncs.com",
  creates: ["CreateCertificate"],
  handlers: {
    async CreateCertificate(p, ctx, call) {
      const keySpec = p.KeySpec as KmsCertificate["keySpec"];
      const spec = keySpecFromKms(keySpec);
      if (!spec) throw CloudErrors.invalidParameter("KeySpec", "Use RSA_2048, EC_P256 or EC_SM2.");
      const sans = parseSans(p.SubjectAlternativeNames);
      const key = await generateServerKey(spec);
      let csrPem: string;
      try {
        csrPem = await makeCsr(key, p.Subject!, sans);
      } catch {
        throw CloudErrors.invalidParameter("Subject", "It is not an RFC 2253 distinguished name.");
      }
      const certificateId = randomUUID();
      const now = ctx.now();
      ctx.state.kms[certificateId] = {
        certificateId,
        arn: `acs:kms:${ctx.region}:${ctx.accountId}:certificate/${certificateId}`,
        keySpec, subject: p.Subject!, sans,
        exportablePrivateKey: (p.ExportablePrivateKey ?? "true") !== "false",
        csrPem, privateKeyPem: key.privateKeyPem, spkiDerBase64: Buffer.from(key.spkiDer).toString("base64"),
        status: "PENDING", createdAt: now, updatedAt: now, listedAt: listedAtFor(ctx, call),
      };
      const cert = ctx.state.kms[certificateId]!;
      return { CertificateId: certificateId, Arn: cert.arn, Csr: csrPem };
    },
    async UploadCertificate(p, ctx) {
      const cert = find(ctx, p.CertificateId);
      const leaf = firstCertificate(p.Certificate!, "Certificate");
      if (!equalBytes(leaf.publicKey.rawData, Buffer.from(cert.spkiDerBase64, "base64"))) {
        throw CloudErrors.invalidParameter("Certificate", "The certificate's public key is not this certificate's key.");
      }
      if (p.CertificateChain) firstCertificate(p.CertificateChain, "CertificateChain");
      cert.certificatePem = p.Certificate!;
      cert.chainPem = p.CertificateChain ?? "";
      cert.status = "ACTIVE";
      cert.updatedAt = ctx.now();
      return {};
    },
    GetCertificate(p, ctx) {
      const cert = find(ctx, p.CertificateId);
      return { CertificateId: cert.certificateId, Certificate: cert.certificatePem ?? "", CertificateChain: cert.chainPem ?? "", Csr: cert.csrPem };
    },
    async DescribeCertificate(p, ctx) {
      const cert = find(ctx, p.CertificateId);
      const out: Record<string, unknown> = {
        Arn: cert.arn, CertificateId: cert.certificateId, CreatedAt: new Date(cert.createdAt).toISOString().replace(/\.\d+Z$/, "Z"),
        UpdatedAt: new Date(cert.updatedAt).toISOString().replace(/\.\d+Z$/, "Z"), ExportablePrivateKey: cert.exportablePrivateKey,
        Subject: cert.subject, SubjectAlternativeNames: cert.sans, KeySpec: cert.keySpec, SignatureAlgorithm: SIGNATURE_ALGORITHM[cert.keySpec],
        Status: cert.status, SubjectPublicKey: new x509.PublicKey(Buffer.from(cert.spkiDerBase64, "base64")).toString("pem"), Tags: {},
      };
      if (cert.certificatePem) {
        const leaf = new x509.X509Certificate(cert.certificatePem);
        out.Issuer = leaf.issuer;
        out.Serial = leaf.serialNumber;
        out.NotBefore = leaf.notBefore.toISOString().replace(/\.\d+Z$/, "Z");
        out.NotAfter = leaf.notAfter.toISOString().replace(/\.\d+Z$/, "Z");
        const ski = leaf.getExtension(x509.SubjectKeyIdentifierExtension);
        out.SubjectKeyIdentifier = ski?.keyId ?? (await x509.SubjectKeyIdentifierExtension.create(leaf.publicKey, false, cryptoWithSm2)).keyId;
      }
      return out;
    },
    ListCertificates(p, ctx) {
      let list = Object.values(ctx.state.kms).filter((c) => isListed(ctx, c));
      if (p.Subject) list = list.filter((c) => c.subject === p.Subject);
      if (p.Status) list = list.filter((c) => c.status === p.Status);
      if (p.Issuer) list = list.filter((c) => c.certificatePem !== undefined && new x509.X509Certificate(c.certificatePem).issuer === p.Issuer);
      newestFirst(list, (c) => c.createdAt, (c) => c.certificateId);
      const { items, page, size, total } = pageOf(list, p, KMS_PAGING);
      return {
        CertificateSummaryList: items.map((c) => ({ CertificateId: c.certificateId, Arn: c.arn, Subject: c.subject, Status: c.status, KeySpec: c.keySpec })),
        // TotalSize is the name in the catalogue (src/core/aliyun/operations/kms.ts); TotalCount the one KMS's other lists use.
        TotalSize: total, TotalCount: total, PageNumber: page, PageSize: size,
      };
    },
    UpdateCertificateStatus(p, ctx) {
      const cert = find(ctx, p.CertificateId);
      if (!["ACTIVE", "INACTIVE", "REVOKED"].includes(p.Status ?? "")) throw CloudErrors.invalidParameter("Status", "Use ACTIVE, INACTIVE or REVOKED.");
      cert.status = p.Status as KmsCertificate["status"];
      cert.updatedAt = ctx.now();
      return {};
    },
    ExportCertificate(p, ctx) {
      const cert = find(ctx, p.CertificateId);
      if (!cert.exportablePrivateKey) throw new CloudError(403, "Forbidden.KeyNotExportable", "The certificate's private key was created as not exportable.");
      return { Certificate: cert.certificatePem ?? "", CertificateChain: cert.chainPem ?? "", PrivateKey: cert.privateKeyPem };
    },
    DeleteCertificate(p, ctx) {
      find(ctx, p.CertificateId);
      delete ctx.state.kms[p.CertificateId!];
      return {};
    },
  },
};
