// What the worker asks of Alibaba Cloud, in the worker's terms: one method per operation it uses. The
// real implementation (cloud.ts) maps these onto the signed client of src/core/aliyun with the stored
// credentials; unit tests pass a fake. OrderId is a string end to end (17 digits exceed 2^53).
import type { AliyunClient } from "../core/aliyun/client";
import type { Contact, PackageState, RequestOf } from "../messages";

export interface CertificateState {
  /** cas Type: payed | domain_verify | process | verify_fail | certificate | unknow */
  type: string;
  validateType?: "DNS" | "FILE";
  recordType?: string;
  recordDomain?: string;
  recordValue?: string;
  domain?: string;
  uri?: string;
  content?: string;
  /** Leaf then chain, PEM, once issued. */
  certificate?: string;
  /**
   * Once issued, for an order whose key the cloud made (CreateCertificateRequest): that private key, PEM.
   * Only the follower reads it, to import it into the vault; it is never stored on an order, logged,
   * notified or sent in a message.
   */
  privateKey?: string;
}

export interface CloudPort {
  /**
   * The signed client under this port. The worker sends every create through the write-ahead ledger with it
   * (src/background/orders/creates.ts), never through the create methods below, which send unguarded (they
   * stay for tests that drive the cloud directly).
   */
  client: AliyunClient;
  createCertificateWithCsrRequest(p: Contact & { csr: string }): Promise<{ orderId: string }>;
  createCertificateRequest(p: Contact & { domain: string }): Promise<{ orderId: string }>;
  createCsr(p: RequestOf<"orders.casCreateCsr">): Promise<{ csrId: string; csr: string }>;
  kmsCreateCertificate(p: {
    keySpec: "RSA_2048" | "EC_P256" | "EC_SM2";
    subject: string;
    sans: string[];
    exportablePrivateKey: boolean;
    protectionLevel?: "SOFTWARE" | "HSM";
  }): Promise<{ certificateId: string; csr: string; arn?: string }>;
  /** KMS UploadCertificate: the certificate (and its chain) for a key KMS made; KMS refuses another key's. */
  kmsUploadCertificate(p: { certificateId: string; certificate: string; certificateChain?: string }): Promise<void>;
  describeCertificateState(orderId: string): Promise<CertificateState>;
  describePackageState(productCode?: string): Promise<PackageState[]>;
  cancelOrderRequest(orderId: string): Promise<void>;
  deleteCertificateRequest(orderId: string): Promise<void>;
  addDomainRecord(p: { domainName: string; rr: string; type: string; value: string }): Promise<{ recordId: string }>;
  /** Zones in the account's Alidns, to find the one a validation record belongs to. */
  describeDomains?(): Promise<string[]>;
}
