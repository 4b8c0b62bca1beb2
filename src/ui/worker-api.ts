// What the pages need from the background worker, in the pages' own terms. Views depend on this
// interface only; worker-client.ts maps it onto the message protocol in src/messages.ts, so a change in
// the protocol is one file's change here, and views can be rendered in tests with a fake.
import type { ErrorData } from "../core/errors";

export type KeySpecId = "RSA_2048" | "RSA_3072" | "RSA_4096" | "EC_P256" | "EC_P384" | "SM2";
export const KEY_SPECS: readonly KeySpecId[] = ["RSA_2048", "RSA_3072", "RSA_4096", "EC_P256", "EC_P384", "SM2"];

export interface SubjectInput {
  CN: string;
  O: string;
  OU: string;
  C: string;
  ST: string;
  L: string;
  emailAddress: string;
}
export type SubjectField = keyof SubjectInput;
export const SUBJECT_FIELDS: readonly SubjectField[] = ["CN", "O", "OU", "C", "ST", "L", "emailAddress"];
export const EMPTY_SUBJECT: SubjectInput = { CN: "", O: "", OU: "", C: "", ST: "", L: "", emailAddress: "" };

export interface NewCsrRequest {
  keySpec: KeySpecId;
  subject: SubjectInput;
  sans: string[];
  exportable: boolean;
}

export interface LintFinding {
  severity: "error" | "warning" | "info";
  code: string;
  field?: string;
  params: Record<string, string | number>;
}

export interface DecodedCsr {
  subject: string;
  publicKey: string;
  signatureAlgorithm: string;
  sans: string[];
  signatureValid: boolean;
}

export interface CsrMade {
  keyId: string;
  csrPem: string;
  decoded: DecodedCsr;
  lint: LintFinding[];
}

export interface CertificateInfo {
  pem: string;
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
}

export interface KeySummary {
  id: string;
  label: string;
  keySpec: KeySpecId | string;
  exportable: boolean;
  createdAt: string;
  commonName: string;
  csrPem?: string;
  certificate?: CertificateInfo;
  openOrders: number;
}

export type ExportFormat = "pkcs8" | "pkcs8-encrypted" | "pkcs1" | "sec1" | "pfx" | "pfx-legacy" | "pem-chain";
export interface ExportRequest {
  keyId: string;
  format: ExportFormat;
  passphrase?: string;
}
export interface ExportResult {
  filename: string;
  /** Text formats as a string, binary ones (PFX) as base64 with `binary: true`. */
  data: string;
  binary: boolean;
}

export type OrderOperation = "CreateCertificateWithCsrRequest" | "CreateCertificateRequest" | "CreateCsr" | "KmsCreateCertificate";

export interface Contact {
  username: string;
  email: string;
  phone: string;
  validateType: "DNS" | "FILE";
  productCode: string;
}

export type ValidationRecord =
  | { type: "DNS"; recordType: string; recordDomain: string; recordValue: string }
  | { type: "FILE"; domain: string; uri: string; content: string };

export interface OrderSummary {
  id: string;
  operation: OrderOperation;
  orderId?: string;
  domain: string;
  state: string;
  keyId?: string;
  validation?: ValidationRecord;
  /** The cloud's CSR (CreateCsr, KMS CreateCertificate) or the one we sent. */
  csrPem?: string;
  error?: ErrorData;
  updatedAt: string;
}

export interface DvOrderRequest extends Contact {
  keyId?: string;
  csrPem: string;
}
export interface CertificateRequestOrder extends Contact {
  domain: string;
}
export interface CloudCsrRequest {
  algorithm: "RSA" | "ECC" | "SM2";
  keySize: number;
  commonName: string;
  sans: string[];
  countryCode: string;
  province: string;
  locality: string;
  corpName: string;
  department: string;
  name: string;
}
export interface KmsCertificateRequest {
  keySpec: "RSA_2048" | "EC_P256" | "EC_SM2";
  subject: SubjectInput;
  sans: string[];
  exportablePrivateKey: boolean;
  protectionLevel?: "SOFTWARE" | "HSM";
}

export interface PackageQuota {
  productCode: string;
  totalCount: number;
  usedCount: number;
  issuedCount: number;
}

export type Site = "cn" | "intl";
export interface Settings {
  site: Site;
  kmsRegion: string;
  endpoint: string;
  language: "auto" | "en" | "zh_CN";
  defaultSubject: SubjectInput;
  contact: Contact;
}
export interface CredentialsStatus {
  configured: boolean;
  accessKeyIdHint: string;
  hasStsToken: boolean;
}
export interface CredentialsInput {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
}

/** What a context-menu click or a URL asks the New CSR form to start with. */
export interface PendingForm {
  names: string[];
  csrPem?: string;
  action?: "new-csr" | "inspect" | "submit-dv";
}

export interface WorkerApi {
  createCsr(req: NewCsrRequest): Promise<CsrMade>;
  inspectCsr(csrPem: string): Promise<{ decoded: DecodedCsr; lint: LintFinding[] }>;
  listKeys(): Promise<KeySummary[]>;
  importCertificate(pem: string): Promise<KeySummary>;
  exportKey(req: ExportRequest): Promise<ExportResult>;
  deleteKey(keyId: string): Promise<void>;
  listOrders(): Promise<OrderSummary[]>;
  submitDvOrder(req: DvOrderRequest): Promise<OrderSummary>;
  createCertificateRequest(req: CertificateRequestOrder): Promise<OrderSummary>;
  createCloudCsr(req: CloudCsrRequest): Promise<OrderSummary>;
  createKmsCertificate(req: KmsCertificateRequest): Promise<OrderSummary>;
  packageQuota(productCode: string): Promise<PackageQuota>;
  refreshOrder(id: string): Promise<OrderSummary>;
  addValidationRecord(id: string): Promise<OrderSummary>;
  cancelOrder(id: string): Promise<OrderSummary>;
  deleteOrder(id: string): Promise<void>;
  getSettings(): Promise<Settings>;
  saveSettings(settings: Settings): Promise<void>;
  credentialsStatus(): Promise<CredentialsStatus>;
  saveCredentials(input: CredentialsInput): Promise<CredentialsStatus>;
  clearCredentials(): Promise<CredentialsStatus>;
  testCredentials(): Promise<{ ok: true; detail: string }>;
  takePendingForm(): Promise<PendingForm | null>;
}
