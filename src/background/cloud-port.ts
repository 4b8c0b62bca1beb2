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
   * The signed client under this port. Every create goes through the write-ahead ledger with it
   * (src/background/orders/creates.ts); the port itself has no create methods, so none can be sent unguarded.
   */
  client: AliyunClient;
  /** KMS UploadCertificate: the certificate (and its chain) for a key KMS made; KMS refuses another key's. */
  kmsUploadCertificate(p: { certificateId: string; certificate: string; certificateChain?: string }): Promise<void>;
  describeCertificateState(orderId: string): Promise<CertificateState>;
  describePackageState(productCode?: string): Promise<PackageState[]>;
  cancelOrderRequest(orderId: string): Promise<void>;
  deleteCertificateRequest(orderId: string): Promise<void>;
  /** Zones in the account's Alidns, to find the one a validation record belongs to. */
  describeDomains?(): Promise<string[]>;
}
