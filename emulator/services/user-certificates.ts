// cas 2020-04-07 uploaded certificates (UploadUserCertificate, GetUserCertificateDetail, DeleteUserCertificate,
// and the UPLOAD / CERT rows of ListUserCertificateOrder): a certificate and its key held by cas so other
// products (CDN) can use it by CertId. The certificate is parsed at upload and a key that is not its key is
// refused. Certificates issued by cas orders are found by the same CertId (the order's id), as in the cloud.
// An upload a CDN domain still serves (SetCdnDomainSSLCertificate CertType cas) is not deleted: CertificateInUse.
import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { CloudError, CloudErrors } from "../cloud-error";
import { long } from "../json";
import { nextId, type Order, type UserCertificate } from "../state";
import { listedAtFor, type CallInfo, type ServiceContext } from "../service";
import { certificateMatchesKey, parseCertificates, type CertificateChain } from "../../src/core/cert/certificate";
import { isKeysmithError } from "../../src/core/errors";

const DAY = 24 * 60 * 60 * 1000;

/** Emulator's choice of codes (docs/emulator.md says which are the cloud's documented ones). */
export const notFoundCertificate = (): CloudError => new CloudError(404, "NotFoundCertificate", "The certificate does not exist.");
const keyMismatch = (field: string): CloudError =>
  new CloudError(400, "CertificateKeyMismatch", `The certificate and the private key ${field} do not match.`);
const nameRepeat = (name: string): CloudError => new CloudError(400, "NameRepeat", `A certificate named ${name} exists already; names are unique in an account.`);
const inUse = (certId: string, domain: string): CloudError =>
  new CloudError(400, "CertificateInUse", `The certificate ${certId} is in use by ${domain}; deploy another certificate there first.`);

/** A PEM certificate chain given in `field`; unreadable is the cloud's InvalidParameter naming the field. */
export function parseCert(pem: string, field: string): CertificateChain {
  try {
    return parseCertificates(pem, field);
  } catch (err) {
    if (isKeysmithError(err)) throw CloudErrors.invalidParameter(field, "It is not a readable PEM certificate.");
    throw err;
  }
}

/** The SubjectPublicKeyInfo of a PEM private key given in `field`; unreadable is InvalidParameter naming it. */
export function publicKeyOf(keyPem: string, field: string): Uint8Array {
  try {
    return new Uint8Array(createPublicKey(createPrivateKey(keyPem)).export({ type: "spki", format: "der" }));
  } catch {
    throw CloudErrors.invalidParameter(field, "It is not a readable PEM private key.");
  }
}

/** Refuses a key that is not the certificate's (its public key, compared as SubjectPublicKeyInfo). */
function requireMatchingKey(chain: CertificateChain, keyPem: string, field: string): void {
  if (!certificateMatchesKey(chain.leaf.spkiDer, publicKeyOf(keyPem, field))) throw keyMismatch(field);
}

const algorithmOf = (chain: CertificateChain, sm2: boolean): UserCertificate["algorithm"] => {
  if (sm2) return "SM2";
  // id-ecPublicKey SPKIs start SEQUENCE { SEQUENCE { OID 1.2.840.10045.2.1 ...
  const hex = Buffer.from(chain.leaf.spkiDer).toString("hex");
  return hex.includes("2a8648ce3d0201") ? "ECC" : "RSA";
};

export function uploadUserCertificate(p: Record<string, string>, ctx: ServiceContext, call: CallInfo): Record<string, unknown> {
  const name = p.Name!;
  if (Object.values(ctx.state.userCertificates).some((c) => c.name === name)) throw nameRepeat(name);
  const sm2 = !(p.Cert && p.Key);
  const certPem = sm2 ? p.SignCert! : p.Cert!;
  const keyPem = sm2 ? p.SignPrivateKey! : p.Key!;
  const chain = parseCert(certPem, sm2 ? "SignCert" : "Cert");
  requireMatchingKey(chain, keyPem, sm2 ? "SignPrivateKey" : "Key");
  if (sm2) requireMatchingKey(parseCert(p.EncryptCert!, "EncryptCert"), p.EncryptPrivateKey!, "EncryptPrivateKey");
  const certId = nextId(ctx.state, "cert");
  const leaf = chain.leaf;
  ctx.state.userCertificates[certId] = {
    certId,
    name,
    certPem: chain.pem,
    keyPem,
    ...(sm2 ? { encryptCertPem: p.EncryptCert, encryptKeyPem: p.EncryptPrivateKey } : {}),
    sm2,
    commonName: leaf.commonName,
    sans: leaf.sans,
    fingerprint: createHash("sha1").update(leaf.der).digest("hex").toUpperCase(),
    serial: leaf.serial,
    issuer: leaf.issuer,
    algorithm: algorithmOf(chain, sm2),
    notBefore: leaf.notBefore.getTime(),
    notAfter: leaf.notAfter.getTime(),
    createdAt: ctx.now(),
    listedAt: listedAtFor(ctx, call),
  };
  return { CertId: long(certId), ResourceId: `cas-upload-${certId}` };
}

/** What any certificate cas holds looks like to other products: an upload, or an issued order's certificate. */
export interface HeldCertificate {
  certId: string;
  name: string;
  /** Leaf then chain. */
  certPem: string;
  keyPem?: string;
  commonName: string;
  sans: string[];
  fingerprint: string;
  serial: string;
  issuer: string;
  algorithm: string;
  notBefore: number;
  notAfter: number;
  upload: boolean;
  orderId?: string;
  sm2: boolean;
  encryptCertPem?: string;
  encryptKeyPem?: string;
}

function fromOrder(order: Order): HeldCertificate | undefined {
  if (order.state !== "certificate" || !order.certificatePem) return undefined;
  const chain = parseCertificates(`${order.certificatePem}${order.chainPem ?? ""}`, "Certificate");
  const names = order.domain.split(",");
  return {
    certId: order.orderId,
    name: `cert-${order.orderId}`,
    certPem: chain.pem,
    keyPem: order.privateKeyPem,
    commonName: names[0]!,
    sans: names,
    fingerprint: createHash("sha1").update(chain.leaf.der).digest("hex").toUpperCase(),
    serial: chain.leaf.serial,
    issuer: chain.leaf.issuer,
    algorithm: order.keySpec.startsWith("RSA") ? "RSA" : order.keySpec === "EC_SM2" ? "SM2" : "ECC",
    notBefore: order.notBefore!,
    notAfter: order.notAfter!,
    upload: false,
    orderId: order.orderId,
    sm2: order.keySpec === "EC_SM2",
  };
}

export function heldCertificate(ctx: ServiceContext, certId: string): HeldCertificate | undefined {
  const up = ctx.state.userCertificates[certId];
  if (up) {
    return {
      certId: up.certId, name: up.name, certPem: up.certPem, keyPem: up.keyPem, commonName: up.commonName, sans: up.sans,
      fingerprint: up.fingerprint, serial: up.serial, issuer: up.issuer, algorithm: up.algorithm, notBefore: up.notBefore,
      notAfter: up.notAfter, upload: true, sm2: up.sm2, encryptCertPem: up.encryptCertPem, encryptKeyPem: up.encryptKeyPem,
    };
  }
  const order = ctx.state.orders[certId];
  return order ? fromOrder(order) : undefined;
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** ISSUED, WILLEXPIRED (under 30 days left) or EXPIRED on the business clock. */
export function certificateStatus(notAfter: number, now: number): string {
  if (notAfter < now) return "EXPIRED";
  return notAfter - now < 30 * DAY ? "WILLEXPIRED" : "ISSUED";
}

export function getUserCertificateDetail(p: Record<string, string>, ctx: ServiceContext): Record<string, unknown> {
  const cert = heldCertificate(ctx, p.CertId!);
  if (!cert) throw notFoundCertificate();
  const now = ctx.now();
  const out: Record<string, unknown> = {
    Id: long(cert.certId),
    Name: cert.name,
    Common: cert.commonName,
    Sans: cert.sans.join(","),
    Fingerprint: cert.fingerprint,
    SerialNo: cert.serial.toLowerCase(),
    Issuer: cert.issuer,
    Algorithm: cert.algorithm,
    StartDate: day(cert.notBefore),
    EndDate: day(cert.notAfter),
    NotBefore: cert.notBefore,
    NotAfter: cert.notAfter,
    Expired: cert.notAfter < now,
    BuyInAliyun: !cert.upload,
    CertIdentifier: `${cert.certId}-${ctx.region}`,
    InstanceId: cert.upload ? `cas-upload-${cert.certId}` : `cas-ivauto-${cert.certId}`,
    ...(cert.orderId ? { OrderId: long(cert.orderId) } : {}),
  };
  // CertFilter=true leaves the certificates and keys out (the SDK's typings).
  if (p.CertFilter !== "true") {
    if (cert.sm2 && cert.upload) {
      Object.assign(out, { SignCert: cert.certPem, SignPrivateKey: cert.keyPem, EncryptCert: cert.encryptCertPem, EncryptPrivateKey: cert.encryptKeyPem });
    } else {
      out.Cert = cert.certPem;
      if (cert.keyPem) out.Key = cert.keyPem;
    }
  }
  return out;
}

/** As in the cloud, an upload a CDN or DCDN domain or an ALB listener serves (by CertId) cannot be deleted. */
export function deleteUserCertificate(p: Record<string, string>, ctx: ServiceContext): Record<string, unknown> {
  if (!ctx.state.userCertificates[p.CertId!]) throw notFoundCertificate();
  const serving = [...Object.values(ctx.state.cdn.domains), ...Object.values(ctx.state.dcdn.domains)].find((d) => d.https?.certType === "cas" && d.https.certId === p.CertId);
  if (serving) throw inUse(p.CertId!, serving.domainName);
  // ALB serves a cas certificate by reference (`<CertId>-<region>`); SLB holds a copy (its server certificate).
  const listener = Object.values(ctx.state.alb.listeners).find((l) => l.certificates.some((c) => c.certificateId.replace(/-[a-z]+(?:-[a-z0-9]+)+$/, "") === p.CertId));
  if (listener) throw inUse(p.CertId!, listener.listenerId);
  delete ctx.state.userCertificates[p.CertId!];
  return {};
}

/** A ListUserCertificateOrder row for an uploaded certificate (OrderType UPLOAD or CERT). */
export function uploadRow(c: UserCertificate, now: number): Record<string, unknown> {
  return {
    CertificateId: long(c.certId),
    InstanceId: `cas-upload-${c.certId}`,
    Name: c.name,
    CommonName: c.commonName,
    Domain: c.commonName,
    Sans: c.sans.join(","),
    Fingerprint: c.fingerprint,
    SerialNo: c.serial.toLowerCase(),
    Issuer: c.issuer,
    Algorithm: c.algorithm,
    StartDate: day(c.notBefore),
    EndDate: day(c.notAfter),
    CertStartTime: c.notBefore,
    CertEndTime: c.notAfter,
    Expired: c.notAfter < now,
    Status: certificateStatus(c.notAfter, now),
    Upload: true,
    SourceType: "upload",
  };
}

/** Whether an upload is in a ListUserCertificateOrder answer for this Keyword and Status. Without a Status,
 * UPLOAD and CERT lists show the valid ones (issued and about to expire), as the SDK's typings say. */
export function uploadShown(c: UserCertificate, p: Record<string, string>, now: number): boolean {
  const status = certificateStatus(c.notAfter, now);
  if (p.Status ? status !== p.Status : status === "EXPIRED") return false;
  if (!p.Keyword) return true;
  const k = p.Keyword.toLowerCase();
  return c.name.toLowerCase().includes(k) || c.commonName.toLowerCase().includes(k) || c.sans.some((s) => s.toLowerCase().includes(k)) || c.certId === p.Keyword;
}
