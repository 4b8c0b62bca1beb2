// SSL Certificates Service (cas) 2020-04-07: the seed operations (seeds 002, 003, 004) and the
// lifecycle around them. Field names, types and allowed values from @alicloud/cas20200407's typings.
import { fail } from "../../errors";
import { summarizeCsr } from "../csr-check";
import { certificateSubstance, csrCommonName, csrIdentity, hexId, lower, nameSet } from "../create-identity";
import type { Operation, ParamSpec, ResponseField } from "../operation-types";

const VERSION = "2020-04-07";

import { DEFAULT_DV_PRODUCT_CODE, DV_PRODUCT_CODES, PACKAGE_PRODUCT_CODES } from "../product-codes";

export { DV_PRODUCT_CODES, PACKAGE_PRODUCT_CODES };

const contact: ParamSpec[] = [
  { name: "Username", type: "string", required: true, rule: "not_blank", description: "Applicant's name." },
  { name: "Phone", type: "string", required: true, rule: "phone", description: "Applicant's phone number." },
  { name: "Email", type: "string", required: true, rule: "email", description: "Applicant's email; the CA writes to it." },
  { name: "ValidateType", type: "string", required: true, allowed: ["DNS", "FILE"], description: "How the domain is proven: a DNS record or a file." },
];
const dvProduct: ParamSpec = {
  name: "ProductCode",
  type: "string",
  allowed: DV_PRODUCT_CODES,
  default: DEFAULT_DV_PRODUCT_CODE,
  description: "The DV certificate product.",
};
const orderId: ParamSpec = { name: "OrderId", type: "long", required: true, description: "The order's ID (17 digits; kept as text)." };
const orderOut: ResponseField[] = [
  { name: "OrderId", type: "long" },
  { name: "RequestId", type: "string" },
];
const requestIdOnly: ResponseField[] = [{ name: "RequestId", type: "string" }];

/** A wildcard domain is accepted only by a wildcard (`-w-`) product. */
function wildcardNeedsWildcardProduct(p: Record<string, string>, domain: string | undefined): void {
  if (domain?.startsWith("*.") && !(p.ProductCode ?? "").includes("-w-")) {
    fail("api.param.wildcard_product", "ProductCode", { domain });
  }
}

/** The domain a cas order create is for: the CSR's CN, else the first of Domain. */
function orderDomain(p: Record<string, string>): string | undefined {
  return csrCommonName(p.Csr) ?? (p.Domain ? lower(p.Domain.split(",")[0]) : undefined);
}

/**
 * Reconcile cas order creates through ListUserCertificateOrder: an order is this create's when it is for
 * the same domain and product, and was bought after the create began (BuyDate, in ms). The list gives no
 * CSR, so the CSR's key is what keeps two creates apart before they are sent (`identity`).
 */
const reconcileOrders = (defaultProduct: string | undefined) => ({
  action: "ListUserCertificateOrder",
  params: (p: Record<string, string>) => {
    const domain = orderDomain(p);
    return { OrderType: "CPACK", ...(domain ? { Keyword: domain } : {}) };
  },
  items: "CertificateOrderList",
  idField: "OrderId",
  resultField: "OrderId",
  paging: { page: "CurrentPage", size: "ShowSize", pageSize: 100 },
  matches: (item: Record<string, unknown>, p: Record<string, string>) => {
    const domain = orderDomain(p);
    if (!domain) return false;
    const names = lower(item.Domain).split(",").map((n) => n.trim());
    if (!names.includes(domain)) return false;
    const product = p.ProductCode || defaultProduct;
    return !product || item.ProductCode === undefined || lower(item.ProductCode) === lower(product);
  },
  createdAt: (item: Record<string, unknown>) => (typeof item.BuyDate === "number" ? item.BuyDate : Number(item.BuyDate) || undefined),
  describe: (item: Record<string, unknown>) => ({
    OrderId: String(item.OrderId ?? ""),
    Domain: String(item.Domain ?? ""),
    ProductCode: String(item.ProductCode ?? ""),
    Status: String(item.Status ?? ""),
    BuyDate: typeof item.BuyDate === "number" ? new Date(item.BuyDate).toISOString() : String(item.BuyDate ?? ""),
  }),
  identity: (p: Record<string, string>) => {
    const domain = orderDomain(p);
    return p.Csr ? csrIdentity(p.Csr) : domain ? [`domain:${domain}`] : [];
  },
});

function csrCN(p: Record<string, string>): string | undefined {
  if (!p.Csr) return undefined;
  try {
    return summarizeCsr(p.Csr, "Csr").commonName;
  } catch {
    return undefined;
  }
}

/** The certificate an upload is about: Cert, else the SM2 signing certificate. */
const uploadedCert = (p: Record<string, string>) => certificateSubstance(p.Cert ?? p.SignCert);

/**
 * Reconcile UploadUserCertificate through ListUserCertificateOrder OrderType UPLOAD: a listed certificate
 * is this upload's when it is the same certificate (its SHA-1 fingerprint, or where the list gives none,
 * its serial) under the same name. The keyword (the certificate's CN) only narrows the list.
 */
const reconcileUpload: Operation["reconcile"] = {
  action: "ListUserCertificateOrder",
  params: (p) => {
    const cn = uploadedCert(p)?.commonName.replace(/^\*\./, "");
    return { OrderType: "UPLOAD", ...(cn ? { Keyword: cn } : {}) };
  },
  items: "CertificateOrderList",
  idField: "CertificateId",
  resultField: "CertId",
  paging: { page: "CurrentPage", size: "ShowSize", pageSize: 100 },
  matches: (item, p) => {
    const cert = uploadedCert(p);
    if (!cert) return false;
    if (item.Name !== undefined && String(item.Name) !== p.Name) return false;
    if (item.Fingerprint !== undefined && item.Fingerprint !== "") return hexId(item.Fingerprint) === hexId(cert.fingerprint);
    // No fingerprint listed: the serial and the name together (the name is unique in an account).
    return item.SerialNo !== undefined && hexId(item.SerialNo) === hexId(cert.serial) && item.Name !== undefined;
  },
  describe: (item) => ({
    CertificateId: String(item.CertificateId ?? ""),
    Name: String(item.Name ?? ""),
    CommonName: String(item.CommonName ?? ""),
    SerialNo: String(item.SerialNo ?? ""),
    EndDate: String(item.EndDate ?? ""),
  }),
  identity: (p) => {
    const cert = uploadedCert(p);
    return [...(cert ? [`upload:${cert.fingerprint}`] : []), ...(p.Name ? [`upload-name:${p.Name}`] : [])];
  },
  // The emulator refuses a second certificate under a name already taken (emulator/services/user-certificates.ts): the
  // listed certificate with this name and fingerprint is then the result.
  existsCodes: ["NameRepeat"],
};

const certId: ParamSpec = { name: "CertId", type: "long", required: true, description: "The certificate's ID (from UploadUserCertificate or ListUserCertificateOrder)." };

/** Uploaded certificates: cas holds a certificate and its key so other products (CDN, SLB…) can use it. */
const USER_CERTIFICATE_OPERATIONS: Operation[] = [
  {
    service: "cas",
    version: VERSION,
    action: "UploadUserCertificate",
    method: "POST",
    kind: "create",
    params: [
      { name: "Name", type: "string", required: true, rule: "cert_name", description: "The certificate's name, unique in the account (up to 64 characters)." },
      { name: "Cert", type: "string", rule: "certificate_pem", description: "PEM certificate (not SM2), leaf first, then its chain." },
      { name: "Key", type: "string", rule: "private_key_pem", secret: true, description: "PEM private key of Cert." },
      { name: "SignCert", type: "string", rule: "certificate_pem", description: "SM2 signing certificate (PEM)." },
      { name: "SignPrivateKey", type: "string", rule: "private_key_pem", secret: true, description: "Private key of SignCert (PEM)." },
      { name: "EncryptCert", type: "string", rule: "certificate_pem", description: "SM2 encryption certificate (PEM)." },
      { name: "EncryptPrivateKey", type: "string", rule: "private_key_pem", secret: true, description: "Private key of EncryptCert (PEM)." },
      { name: "ResourceGroupId", type: "string", description: "Resource group." },
    ],
    response: [
      { name: "CertId", type: "long" },
      { name: "ResourceId", type: "string" },
      { name: "RequestId", type: "string" },
    ],
    // Cert with Key, or the four SM2 fields; the SM2 fields are ignored when Cert and Key are given.
    crossCheck: (p) => {
      if (p.Cert || p.Key) {
        if (!p.Cert) fail("api.param.required", "Cert", { action: "UploadUserCertificate" });
        if (!p.Key) fail("api.param.required", "Key", { action: "UploadUserCertificate" });
        return;
      }
      const sm2 = ["SignCert", "SignPrivateKey", "EncryptCert", "EncryptPrivateKey"] as const;
      if (!sm2.some((k) => p[k])) fail("api.param.upload_pair", "Cert");
      for (const k of sm2) if (!p[k]) fail("api.param.required", k, { action: "UploadUserCertificate" });
    },
    reconcile: reconcileUpload,
  },
  {
    service: "cas",
    version: VERSION,
    action: "GetUserCertificateDetail",
    method: "POST",
    kind: "read",
    params: [
      certId,
      { name: "CertFilter", type: "boolean", default: "false", description: "true: leave out Cert, Key and the SM2 certificates and keys." },
    ],
    response: [
      { name: "Id", type: "long" },
      { name: "Name", type: "string" },
      { name: "Common", type: "string" },
      { name: "Sans", type: "string" },
      { name: "Fingerprint", type: "string" },
      { name: "SerialNo", type: "string" },
      { name: "Issuer", type: "string" },
      { name: "Algorithm", type: "string" },
      { name: "StartDate", type: "string" },
      { name: "EndDate", type: "string" },
      { name: "NotBefore", type: "integer" },
      { name: "NotAfter", type: "integer" },
      { name: "Expired", type: "boolean" },
      { name: "BuyInAliyun", type: "boolean" },
      { name: "CertIdentifier", type: "string" },
      { name: "InstanceId", type: "string" },
      { name: "OrderId", type: "long" },
      { name: "Cert", type: "string" },
      { name: "Key", type: "string" },
      { name: "SignCert", type: "string" },
      { name: "SignPrivateKey", type: "string" },
      { name: "EncryptCert", type: "string" },
      { name: "EncryptPrivateKey", type: "string" },
      { name: "RequestId", type: "string" },
    ],
  },
  {
    service: "cas",
    version: VERSION,
    action: "DeleteUserCertificate",
    method: "POST",
    kind: "write",
    params: [certId],
    response: requestIdOnly,
  },
];

export const CAS_OPERATIONS: readonly Operation[] = [
  {
    service: "cas",
    version: VERSION,
    action: "CreateCertificateRequest",
    method: "POST",
    kind: "create",
    params: [
      { name: "Domain", type: "string", required: true, rule: "domain", description: "The one domain name; a wildcard only with a wildcard product." },
      ...contact,
      dvProduct,
    ],
    response: orderOut,
    crossCheck: (p) => wildcardNeedsWildcardProduct(p, p.Domain),
    reconcile: reconcileOrders(DEFAULT_DV_PRODUCT_CODE),
  },
  {
    service: "cas",
    version: VERSION,
    action: "CreateCertificateWithCsrRequest",
    method: "POST",
    kind: "create",
    params: [
      { name: "Csr", type: "string", required: true, rule: "csr_cas", description: "PEM CSR: RSA of at least 2048 bits or ECC, not SM2; its CN is the domain." },
      ...contact,
      dvProduct,
    ],
    response: orderOut,
    crossCheck: (p) => wildcardNeedsWildcardProduct(p, csrCN(p)),
    reconcile: reconcileOrders(DEFAULT_DV_PRODUCT_CODE),
  },
  {
    service: "cas",
    version: VERSION,
    action: "CreateCertificateForPackageRequest",
    method: "POST",
    kind: "create",
    params: [
      { name: "ProductCode", type: "string", allowed: PACKAGE_PRODUCT_CODES, description: "The certificate product of the package." },
      { name: "Domain", type: "string", rule: "domain_list", description: "Up to 5 comma-separated names (all single or all wildcard)." },
      { name: "Csr", type: "string", rule: "csr_cas", description: "PEM CSR (RSA >= 2048 or ECC); the service makes one when omitted." },
      { name: "ValidateType", type: "string", allowed: ["DNS", "FILE"], description: "How the domain is proven." },
      { name: "Username", type: "string", rule: "not_blank", description: "Applicant's name (else the latest contact)." },
      { name: "Phone", type: "string", rule: "phone", description: "Applicant's phone." },
      { name: "Email", type: "string", rule: "email", description: "Applicant's email." },
      { name: "CompanyName", type: "string", description: "Company (OV only)." },
    ],
    response: orderOut,
    crossCheck: (p) => {
      if (!p.Domain && !p.Csr) fail("api.param.domain_or_csr", "Domain");
    },
    reconcile: reconcileOrders(undefined),
  },
  {
    service: "cas",
    version: VERSION,
    action: "CreateCsr",
    method: "POST",
    kind: "create",
    params: [
      { name: "Algorithm", type: "string", required: true, allowed: ["RSA", "ECC", "SM2"], description: "Key algorithm the service generates." },
      { name: "KeySize", type: "integer", required: true, allowed: ["2048", "3072", "4096", "256"], description: "RSA 2048/3072/4096; ECC and SM2 256." },
      { name: "CommonName", type: "string", required: true, rule: "domain", description: "The CSR's CN." },
      { name: "Sans", type: "string", rule: "sans_csv", description: "Further names, comma-separated." },
      { name: "CountryCode", type: "string", required: true, rule: "country", description: "Two-letter country code." },
      { name: "Province", type: "string", required: true, rule: "not_blank", description: "Province or state." },
      { name: "Locality", type: "string", required: true, rule: "not_blank", description: "City." },
      { name: "CorpName", type: "string", description: "Organisation." },
      { name: "Department", type: "string", description: "Organisational unit." },
      { name: "Name", type: "string", rule: "csr_name", description: "A label: up to 50 letters, digits, _ - ." },
    ],
    response: [
      { name: "CsrId", type: "long" },
      { name: "Csr", type: "string" },
      { name: "RequestId", type: "string" },
    ],
    crossCheck: (p) => {
      const rsa = ["2048", "3072", "4096"];
      const ok = p.Algorithm === "RSA" ? rsa.includes(p.KeySize ?? "") : p.KeySize === "256";
      if (!ok) fail("api.param.key_size", "KeySize", { algorithm: p.Algorithm ?? "", keySize: p.KeySize ?? "" });
    },
    reconcile: {
      action: "ListCsr",
      params: (p): Record<string, string> => (p.CommonName ? { KeyWord: p.CommonName } : {}),
      items: "CsrList",
      idField: "CsrId",
      resultField: "CsrId",
      paging: { page: "CurrentPage", size: "ShowSize", pageSize: 100 },
      // Every field the create set must be the listed CSR's; fields the list leaves out are not compared.
      matches: (item, p) =>
        lower(item.CommonName) === lower(p.CommonName) &&
        lower(item.Algorithm) === lower(p.Algorithm) &&
        (item.KeySize === undefined || String(item.KeySize) === p.KeySize) &&
        (!p.Name || item.Name === undefined || item.Name === p.Name) &&
        (item.Sans === undefined || nameSet(item.Sans) === nameSet(p.Sans)) &&
        (["CorpName", "Department", "CountryCode", "Province", "Locality"] as const).every(
          (k) => !p[k] || item[k] === undefined || lower(item[k]) === lower(p[k]),
        ),
      describe: (item) => ({
        CsrId: String(item.CsrId ?? ""),
        CommonName: String(item.CommonName ?? ""),
        Name: String(item.Name ?? ""),
        Algorithm: `${String(item.Algorithm ?? "")} ${String(item.KeySize ?? "")}`.trim(),
      }),
      identity: (p) => (p.CommonName ? [`csr-request:${lower(p.CommonName)}:${lower(p.Name)}`] : []),
    },
  },
  {
    service: "cas",
    version: VERSION,
    action: "DescribeCertificateState",
    method: "POST",
    kind: "read",
    params: [orderId],
    response: [
      { name: "Type", type: "string" },
      { name: "ValidateType", type: "string" },
      { name: "RecordType", type: "string" },
      { name: "RecordDomain", type: "string" },
      { name: "RecordValue", type: "string" },
      { name: "Domain", type: "string" },
      { name: "Uri", type: "string" },
      { name: "Content", type: "string" },
      { name: "Certificate", type: "string" },
      { name: "PrivateKey", type: "string" },
      { name: "RequestId", type: "string" },
    ],
  },
  {
    service: "cas",
    version: VERSION,
    action: "DescribePackageState",
    method: "POST",
    kind: "read",
    params: [{ name: "ProductCode", type: "string", allowed: PACKAGE_PRODUCT_CODES, description: "The package's product." }],
    response: [
      { name: "ProductCode", type: "string" },
      { name: "TotalCount", type: "integer" },
      { name: "UsedCount", type: "integer" },
      { name: "IssuedCount", type: "integer" },
      { name: "RequestId", type: "string" },
    ],
  },
  {
    service: "cas",
    version: VERSION,
    action: "ListUserCertificateOrder",
    method: "POST",
    kind: "read",
    params: [
      { name: "OrderType", type: "string", allowed: ["CPACK", "BUY", "UPLOAD", "CERT"], default: "CPACK", description: "Which orders." },
      {
        name: "Status",
        type: "string",
        allowed: ["PAYED", "CHECKING", "CHECKED_FAIL", "ISSUED", "WILLEXPIRED", "EXPIRED", "NOTACTIVATED", "REVOKED"],
        description: "Only orders in this state.",
      },
      { name: "Keyword", type: "string", description: "Domain or name to search." },
      { name: "CurrentPage", type: "integer", rule: "positive", description: "Page, from 1." },
      { name: "ShowSize", type: "integer", rule: "positive", default: "50", description: "Orders per page." },
    ],
    response: [
      { name: "CertificateOrderList", type: "array" },
      { name: "CertificateOrderList.OrderId", type: "long" },
      { name: "CertificateOrderList.InstanceId", type: "string" },
      { name: "CertificateOrderList.Domain", type: "string" },
      { name: "CertificateOrderList.ProductCode", type: "string" },
      { name: "CertificateOrderList.Status", type: "string" },
      { name: "CertificateOrderList.CertificateId", type: "long" },
      { name: "CertificateOrderList.CertStartTime", type: "integer" },
      { name: "CertificateOrderList.CertEndTime", type: "integer" },
      { name: "CertificateOrderList.BuyDate", type: "integer" },
      // OrderType UPLOAD / CERT: the certificate itself.
      { name: "CertificateOrderList.Name", type: "string" },
      { name: "CertificateOrderList.CommonName", type: "string" },
      { name: "CertificateOrderList.Sans", type: "string" },
      { name: "CertificateOrderList.Fingerprint", type: "string" },
      { name: "CertificateOrderList.SerialNo", type: "string" },
      { name: "CertificateOrderList.Issuer", type: "string" },
      { name: "CertificateOrderList.StartDate", type: "string" },
      { name: "CertificateOrderList.EndDate", type: "string" },
      { name: "CertificateOrderList.Expired", type: "boolean" },
      { name: "CertificateOrderList.Upload", type: "boolean" },
      { name: "TotalCount", type: "integer" },
      { name: "CurrentPage", type: "integer" },
      { name: "ShowSize", type: "integer" },
      { name: "RequestId", type: "string" },
    ],
  },
  {
    service: "cas",
    version: VERSION,
    action: "CancelOrderRequest",
    method: "POST",
    kind: "write",
    params: [orderId],
    response: requestIdOnly,
  },
  {
    service: "cas",
    version: VERSION,
    action: "DeleteCertificateRequest",
    method: "POST",
    kind: "write",
    params: [orderId],
    response: requestIdOnly,
  },
  {
    service: "cas",
    version: VERSION,
    action: "ListCsr",
    method: "POST",
    kind: "read",
    params: [
      { name: "Algorithm", type: "string", allowed: ["RSA", "ECC", "SM2"], description: "Only CSRs of this algorithm." },
      { name: "KeyWord", type: "string", description: "Text to search." },
      { name: "CurrentPage", type: "integer", rule: "positive", description: "Page, from 1." },
      { name: "ShowSize", type: "integer", rule: "positive", default: "50", description: "CSRs per page." },
    ],
    response: [
      { name: "CsrList", type: "array" },
      { name: "CsrList.CsrId", type: "long" },
      { name: "CsrList.Name", type: "string" },
      { name: "CsrList.CommonName", type: "string" },
      { name: "CsrList.Algorithm", type: "string" },
      { name: "CsrList.KeySize", type: "integer" },
      { name: "TotalCount", type: "integer" },
      { name: "RequestId", type: "string" },
    ],
  },
  {
    service: "cas",
    version: VERSION,
    action: "GetCsrDetail",
    method: "POST",
    kind: "read",
    params: [{ name: "CsrId", type: "long", required: true, description: "The CSR's ID." }],
    response: [
      { name: "Csr", type: "string" },
      { name: "RequestId", type: "string" },
    ],
  },
  {
    service: "cas",
    version: VERSION,
    action: "DeleteCsr",
    method: "POST",
    kind: "write",
    params: [{ name: "CsrId", type: "long", required: true, description: "The CSR's ID." }],
    response: requestIdOnly,
  },
  ...USER_CERTIFICATE_OPERATIONS,
];
