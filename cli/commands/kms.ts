// `keysmith kms …`: KMS Certificates Manager (2016-01-20) from the CLI.
import type { Command } from "../context";
import { apiCommand } from "../api-command";

export const kmsCommands: Command[] = [
  apiCommand({
    name: "kms create-certificate",
    summary: "Have KMS make a key and CSR (CreateCertificate)",
    service: "kms",
    action: "CreateCertificate",
    lists: [{ flag: "san", param: "SubjectAlternativeNames" }],
  }),
  apiCommand({ name: "kms upload", summary: "Import the issued certificate (UploadCertificate)", service: "kms", action: "UploadCertificate", files: ["Certificate", "CertificateChain"] }),
  apiCommand({ name: "kms get", summary: "Certificate, chain and CSR (GetCertificate)", service: "kms", action: "GetCertificate", positional: "CertificateId" }),
  apiCommand({ name: "kms describe", summary: "Certificate metadata (DescribeCertificate)", service: "kms", action: "DescribeCertificate", positional: "CertificateId" }),
  apiCommand({ name: "kms list", summary: "List KMS certificates (ListCertificates)", service: "kms", action: "ListCertificates" }),
  apiCommand({ name: "kms delete", summary: "Delete a KMS certificate (DeleteCertificate)", service: "kms", action: "DeleteCertificate", positional: "CertificateId" }),
];
