// Everything the emulator remembers, as one JSON-able object, and its optional state file. Writes are
// atomic (a temporary file in the same folder, flushed, then renamed over the old one), so a crash leaves
// either the previous state or the new one, never half of either.
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { CaMaterial } from "./ca";
import type { KeySpecId } from "../src/core/key-spec";
import type { StsState } from "./services/sts";

export type OrderState = "payed" | "domain_verify" | "process" | "certificate" | "verify_fail";

export interface Order {
  orderId: string;
  productCode: string;
  domain: string;
  validateType: "DNS" | "FILE";
  username: string;
  email: string;
  phone: string;
  csrPem: string;
  keySpec: KeySpecId;
  /** Server-made key (CreateCertificateRequest): returned as PrivateKey once issued. */
  privateKeyPem?: string;
  state: OrderState;
  /** Set once Cancel or Delete has given the package count back (never twice). */
  quotaReleased?: boolean;
  /** The DNS TXT value or the FILE content the owner must publish. */
  token: string;
  createdAt: number;
  processSince?: number;
  issuedAt?: number;
  certificatePem?: string;
  chainPem?: string;
  notBefore?: number;
  notAfter?: number;
  /** List answers show it from this business-clock time on (listLagMs fault); absent: at once. */
  listedAt?: number;
}

export interface CsrRecord {
  csrId: string;
  name: string;
  commonName: string;
  sans: string;
  algorithm: "RSA" | "ECC" | "SM2";
  keySize: number;
  countryCode: string;
  province: string;
  locality: string;
  corpName: string;
  department: string;
  csrPem: string;
  privateKeyPem: string;
  keySha2: string;
  /** Business clock at the commit (absent in state files written before it was kept). */
  createdAt?: number;
  listedAt?: number;
}

export interface DnsRecord {
  recordId: string;
  domainName: string;
  rr: string;
  type: string;
  value: string;
  ttl: number;
  line: string;
  createdAt: number;
  listedAt?: number;
}

export interface KmsCertificate {
  certificateId: string;
  arn: string;
  keySpec: "RSA_2048" | "EC_P256" | "EC_SM2";
  subject: string;
  sans: string[];
  exportablePrivateKey: boolean;
  csrPem: string;
  privateKeyPem: string;
  spkiDerBase64: string;
  status: "PENDING" | "ACTIVE" | "INACTIVE" | "REVOKED";
  certificatePem?: string;
  chainPem?: string;
  createdAt: number;
  updatedAt: number;
  listedAt?: number;
}

/** A certificate uploaded to cas (UploadUserCertificate): what it is, read from the PEM at upload. */
export interface UserCertificate {
  certId: string;
  name: string;
  /** Leaf then chain, as uploaded (for SM2: the signing certificate). */
  certPem: string;
  keyPem: string;
  /** SM2 uploads: the encryption certificate and key besides the signing pair (certPem/keyPem). */
  encryptCertPem?: string;
  encryptKeyPem?: string;
  sm2: boolean;
  commonName: string;
  sans: string[];
  /** SHA-1 of the leaf's DER, upper-case hex without colons. */
  fingerprint: string;
  serial: string;
  issuer: string;
  algorithm: "RSA" | "ECC" | "SM2";
  notBefore: number;
  notAfter: number;
  createdAt: number;
  listedAt?: number;
}

/** The certificate a CDN domain serves (SetCdnDomainSSLCertificate with SSLProtocol on). */
export interface CdnHttps {
  certType: "cas" | "upload";
  /** The cas certificate's ID (CertType cas). */
  certId?: string;
  certName: string;
  certRegion: string;
  certPem: string;
  serial: string;
  commonName: string;
  issuer: string;
  notBefore: number;
  notAfter: number;
  updatedAt: number;
}

export interface CdnDomain {
  domainName: string;
  domainId: number;
  cdnType: string;
  /** The Sources JSON as sent. */
  sources: string;
  scope: string;
  createdAt: number;
  modifiedAt: number;
  https?: CdnHttps;
  listedAt?: number;
}

/** A DCDN domain (AddDcdnDomain) and the certificate it serves (SetDcdnDomainSSLCertificate on). */
export interface DcdnDomain {
  domainName: string;
  /** The Sources JSON as sent. */
  sources: string;
  scope: string;
  createdAt: number;
  modifiedAt: number;
  https?: CdnHttps;
  listedAt?: number;
}

/** An SLB server certificate (UploadServerCertificate), made from a cas certificate or from PEM. */
export interface SlbServerCertificate {
  serverCertificateId: string;
  name: string;
  regionId: string;
  /** Made from cas: its CertId, name and region. */
  aliCloudCertificateId?: string;
  aliCloudCertificateName?: string;
  aliCloudCertificateRegionId?: string;
  certPem: string;
  /** SHA-1 of the leaf, lower-case hex with colons, as SLB shows it. */
  fingerprint: string;
  commonName: string;
  sans: string[];
  notAfter: number;
  createdAt: number;
}

/** An SNI domain of an SLB HTTPS listener (CreateDomainExtension). */
export interface SlbDomainExtension {
  domainExtensionId: string;
  domain: string;
  serverCertificateId: string;
}

/** An SLB HTTPS listener (CreateLoadBalancerHTTPSListener). */
export interface SlbListener {
  port: number;
  backendServerPort: number;
  bandwidth: number;
  stickySession: "on" | "off";
  stickySessionType?: string;
  cookieTimeout?: number;
  cookie?: string;
  healthCheck: "on" | "off";
  serverCertificateId?: string;
  status: "running" | "stopped";
  domainExtensions: SlbDomainExtension[];
}

/** An SLB (CLB) instance (CreateLoadBalancer), in one region. */
export interface SlbLoadBalancer {
  loadBalancerId: string;
  regionId: string;
  name: string;
  createdAt: number;
  /** By port. */
  listeners: Record<string, SlbListener>;
}

/** An ALB listener (CreateListener) and its server certificates: one default, any number of additional ones. */
export interface AlbListener {
  listenerId: string;
  loadBalancerId: string;
  protocol: "HTTP" | "HTTPS" | "QUIC";
  port: number;
  createdAt: number;
  /** ALB certificate ids (`<cas CertId>-<region>`); the default one first when there is one. */
  certificates: { certificateId: string; isDefault: boolean }[];
}

export interface PackageCount {
  total: number;
  used: number;
  issued: number;
}

export interface EmulatorState {
  format: 1;
  ca: CaMaterial;
  packages: Record<string, PackageCount>;
  orders: Record<string, Order>;
  csrs: Record<string, CsrRecord>;
  dns: { zones: string[]; records: Record<string, DnsRecord> };
  kms: Record<string, KmsCertificate>;
  /** cas UploadUserCertificate, by CertId. */
  userCertificates: Record<string, UserCertificate>;
  /** CDN accelerated domains by name; `deploys` counts certificates set on a domain (SetCdnDomainSSLCertificate on). */
  cdn: { domains: Record<string, CdnDomain>; deploys: number };
  /** DCDN domains by name; `deploys` counts SetDcdnDomainSSLCertificate on that succeeded. */
  dcdn: { domains: Record<string, DcdnDomain>; deploys: number };
  /** SLB load balancers and server certificates by id; `deploys` counts certificates set on a listener or SNI domain. */
  slb: { loadBalancers: Record<string, SlbLoadBalancer>; serverCertificates: Record<string, SlbServerCertificate>; deploys: number };
  /** ALB listeners by id; `deploys` counts certificates set or associated. */
  alb: { listeners: Record<string, AlbListener>; deploys: number };
  /** Decimal counters for the 17-digit OrderId and the CsrId / RecordId / CertId / CDN DomainId sequences. */
  counters: { order: string; csr: string; record: string; cert: string; cdnDomain: string; lb: string };
  /** Added to the wall clock for order progress and validity dates (control: advance time). */
  clockOffsetMs: number;
  /** STS roles, OIDC providers, the ECS instance role and the credentials issued (services/sts.ts); made when first needed. */
  sts?: StsState;
}

export function loadState(file: string): EmulatorState | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, "utf8")) as EmulatorState;
  if (parsed.format !== 1) throw new Error(`${file}: unknown emulator state format ${String(parsed.format)}`);
  return withNewParts(parsed);
}

/** State files written before uploads and CDN were emulated get their (empty) parts. */
export function withNewParts(state: EmulatorState): EmulatorState {
  state.userCertificates ??= {};
  state.cdn ??= { domains: {}, deploys: 0 };
  state.dcdn ??= { domains: {}, deploys: 0 };
  state.slb ??= { loadBalancers: {}, serverCertificates: {}, deploys: 0 };
  state.alb ??= { listeners: {}, deploys: 0 };
  state.counters.cert ??= FIRST_IDS.cert;
  state.counters.cdnDomain ??= FIRST_IDS.cdnDomain;
  state.counters.lb ??= FIRST_IDS.lb;
  return state;
}

/** Where the newer ID sequences start (cas certificate IDs are 8 digits in the cloud, safe for the Tea SDKs). */
export const FIRST_IDS = { cert: "14000000", cdnDomain: "300000", lb: "500000" } as const;

let tmpCounter = 0;
/**
 * Writes the state file through a temporary file beside it: a name of its own (pid, counter and random
 * bytes), created exclusively ("wx", mode 0600, so an existing file or a planted symlink there is never
 * written through), flushed, then renamed over the old file. A failure removes the temporary file.
 */
export function saveStateAtomic(file: string, state: EmulatorState): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${++tmpCounter}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(tmp, "wx", 0o600);
  try {
    try {
      writeSync(fd, JSON.stringify(state));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw err;
  }
}

/** Next value of a decimal counter kept as text (OrderIds exceed 2^53). */
export function nextId(state: EmulatorState, counter: keyof EmulatorState["counters"]): string {
  const next = (BigInt(state.counters[counter]) + 1n).toString();
  state.counters[counter] = next;
  return next;
}
