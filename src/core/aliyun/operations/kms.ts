// KMS 2016-01-20 Certificates Manager: CreateCertificate (seeds 000, 001) and the calls around it.
// Deprecated in the newer SDKs (see the research notes); kept for the emulator and older accounts.
import type { Operation } from "../operation-types";
import { fields, p, req } from "./build";

const kms = (action: string, kind: Operation["kind"], params: Operation["params"], response: string): Operation =>
  ({ service: "kms", version: "2016-01-20", action, method: "POST", kind, params, response: fields(`RequestId${response ? `, ${response}` : ""}`) });

const certificateId = req("CertificateId", "string", "Certificate ID", { rule: "not_blank" });

export const KMS_OPERATIONS: Operation[] = [
  {
    ...kms("CreateCertificate", "create", [
    req("KeySpec", "string", "Key type", { allowed: ["RSA_2048", "EC_P256", "EC_SM2"] }),
    req("Subject", "string", "RFC 2253 DN with CN, C, O, OU (ST, L optional)", { rule: "kms_subject" }),
    p("SubjectAlternativeNames", "json-array", "Up to 10 domain names", { rule: "sans_json" }),
    p("ExportablePrivateKey", "boolean", "Whether the private key may be exported", { default: "true" }),
    p("ProtectionLevel", "string", "Private key protection", { allowed: ["SOFTWARE", "HSM"], default: "SOFTWARE" }),
  ], "CertificateId, Arn, Csr"),
    // A lost answer is reconciled by listing certificates with the same subject and key spec.
    reconcile: {
      action: "ListCertificates",
      params: (c) => ({ Subject: c.Subject ?? "" }),
      items: "CertificateSummaryList",
      idField: "CertificateId",
      resultField: "CertificateId",
      paging: { page: "PageNumber", size: "PageSize", pageSize: 100 },
      matches: (item, c) => item.Subject === c.Subject && (item.KeySpec === undefined || item.KeySpec === c.KeySpec),
      describe: (item) => ({ CertificateId: String(item.CertificateId ?? ""), Subject: String(item.Subject ?? ""), Status: String(item.Status ?? "") }),
      identity: (c) => (c.Subject ? [`kms-subject:${c.Subject}`] : []),
    },
  },
  kms("UploadCertificate", "write", [
    certificateId,
    req("Certificate", "string", "PEM certificate", { rule: "certificate_pem" }),
    p("CertificateChain", "string", "PEM chain", { rule: "certificate_pem" }),
  ], ""),
  kms("GetCertificate", "read", [certificateId], "CertificateId, Certificate, CertificateChain, Csr"),
  kms("DescribeCertificate", "read", [certificateId],
    "Arn, CertificateId, CreatedAt, UpdatedAt, NotBefore, NotAfter, ExportablePrivateKey:boolean, Issuer, Subject, SubjectAlternativeNames:array, KeySpec, Serial, SignatureAlgorithm, Status"),
  kms("ListCertificates", "read", [
    p("Subject", "string", "Subject filter"),
    p("Issuer", "string", "Issuer filter"),
    p("Status", "string", "Status filter", { allowed: ["PENDING", "ACTIVE", "INACTIVE", "REVOKED"] }),
    p("PageNumber", "integer", "Page (from 1)"),
    p("PageSize", "integer", "Page size"),
  ], "CertificateSummaryList:array, TotalSize:integer, PageNumber:integer, PageSize:integer"),
  kms("DeleteCertificate", "write", [certificateId], ""),
];
