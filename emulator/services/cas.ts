// SSL Certificates Service (cas) 2020-04-07: DV orders with their validation and issuance, packages and
// their counts, and server-side CSRs. Parameter shapes are checked by the shared catalogue before a
// handler runs; what lives here is behaviour: quota, the order state machine, product/domain rules.
import { randomBytes } from "node:crypto";
import { CloudError, CloudErrors } from "../cloud-error";
import { long } from "../json";
import { generateServerKey, makeCsr, dnValue, sha256Hex } from "../keys";
import { parseCsr } from "../csr";
import { nextId, type EmulatorState, type Order, type OrderState } from "../state";
import { hasRecord, relativeName, zoneOf } from "./alidns";
import { isListed, listedAtFor, type CallInfo, type ServiceContext, type ServiceDefinition } from "../service";
import { newestFirst, pageOf } from "../paging";
import { keySpecFromCasCsr, type KeySpecId } from "../../src/core/key-spec";
import { deleteUserCertificate, getUserCertificateDetail, uploadRow, uploadShown, uploadUserCertificate } from "./user-certificates";

/** The seed pages' default product (CreateCertificateRequest, CreateCertificateWithCsrRequest). */
import { DEFAULT_DV_PRODUCT_CODE as DEFAULT_PRODUCT_CODE } from "../../src/core/aliyun/product-codes";
export const FILE_VALIDATION_URI = "/.well-known/pki-validation/fileauth.txt";
const DAY = 24 * 60 * 60 * 1000;
export const CERTIFICATE_LIFETIME_MS = 90 * DAY;

const notFoundOrder = (): CloudError => new CloudError(404, "NotFoundOrder", "The order does not exist.");
const orderStateError = (state: string, action: string): CloudError =>
  new CloudError(403, "OrderStateError", `The order is in state ${state}; ${action} is not allowed in it.`);

const isWildcardProduct = (code: string): boolean => code.includes("-w-");

function findOrder(ctx: ServiceContext, orderId: string): Order {
  const order = ctx.state.orders[orderId];
  if (!order) throw notFoundOrder();
  return order;
}

/** Wildcard products need a wildcard domain and single-domain products a single domain. */
function checkDomainForProduct(domains: readonly string[], productCode: string): void {
  const wild = domains.map((d) => d.startsWith("*."));
  if (isWildcardProduct(productCode) && !wild.every(Boolean)) {
    throw CloudErrors.invalidParameter("Domain", `The product ${productCode} is a wildcard certificate: the domain must be a wildcard (*.example.com).`);
  }
  if (!isWildcardProduct(productCode) && wild.some(Boolean)) {
    throw CloudErrors.invalidParameter("Domain", `The product ${productCode} is a single-domain certificate: a wildcard domain needs a wildcard product.`);
  }
}

/** Takes one certificate from the product's package, or says why it cannot. */
function consumeQuota(state: EmulatorState, productCode: string): void {
  const pkg = state.packages[productCode];
  if (!pkg || pkg.total <= 0) throw new CloudError(404, "NotFoundPackage", `No resource package of ${productCode} was purchased.`);
  if (pkg.used >= pkg.total) throw new CloudError(404, "NotRemainCount", `The resource package of ${productCode} has no certificates left.`);
  pkg.used += 1;
}

function releaseQuota(state: EmulatorState, order: Order): void {
  if (order.quotaReleased) return;
  const pkg = state.packages[order.productCode];
  if (pkg && pkg.used > 0) pkg.used -= 1;
  order.quotaReleased = true;
}

function validationToken(now: number): string {
  const stamp = new Date(now).toISOString().replace(/\D/g, "").slice(0, 14);
  const tail = [...randomBytes(40)].map((b) => "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36]).join("");
  return `${stamp}${tail}`;
}

interface NewOrder {
  domains: string[];
  productCode: string;
  csrPem: string;
  keySpec: KeySpecId;
  privateKeyPem?: string;
  p: Record<string, string>;
}

function createOrder(ctx: ServiceContext, o: NewOrder, call: CallInfo): Record<string, unknown> {
  checkDomainForProduct(o.domains, o.productCode);
  consumeQuota(ctx.state, o.productCode);
  const orderId = nextId(ctx.state, "order");
  const now = ctx.now();
  ctx.state.orders[orderId] = {
    orderId,
    productCode: o.productCode,
    domain: o.domains.join(","),
    validateType: o.p.ValidateType === "FILE" ? "FILE" : "DNS",
    username: o.p.Username ?? "",
    email: o.p.Email ?? "",
    phone: o.p.Phone ?? "",
    csrPem: o.csrPem,
    keySpec: o.keySpec,
    privateKeyPem: o.privateKeyPem,
    state: "domain_verify",
    token: validationToken(now),
    createdAt: now,
    listedAt: listedAtFor(ctx, call),
  };
  return { OrderId: long(orderId) };
}

async function serverMadeCsr(domains: string[]): Promise<{ csrPem: string; privateKeyPem: string; keySpec: KeySpecId }> {
  const key = await generateServerKey("RSA_2048");
  const csrPem = await makeCsr(key, `CN=${dnValue(domains[0]!)}`, domains);
  return { csrPem, privateKeyPem: key.privateKeyPem, keySpec: "RSA_2048" };
}

/** A user's CSR for the DV operations: RSA of at least 2048 bits or ECC, never SM2, CN the domain. */
async function userCsr(pem: string): Promise<{ domain: string; keySpec: KeySpecId }> {
  const csr = await parseCsr(pem, "Csr");
  if (csr.family === "SM2") throw CloudErrors.invalidParameter("Csr", "SM2 CSRs are not accepted: use an RSA (2048 bits or more) or ECC key.");
  if (csr.family === "RSA" && csr.bits < 2048) throw CloudErrors.invalidParameter("Csr", `The RSA key has ${csr.bits} bits; at least 2048 are required.`);
  if (!csr.keySpec || (csr.family !== "RSA" && csr.family !== "EC")) throw CloudErrors.invalidParameter("Csr", "The CSR's key must be RSA (2048 bits or more) or ECC.");
  const cn = csr.commonName?.toLowerCase();
  if (!cn || !/^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*$/.test(cn)) {
    throw CloudErrors.invalidParameter("Csr", "The CSR's common name (CN) must be the domain to certify.");
  }
  return { domain: cn, keySpec: csr.keySpec };
}

/** Where the DNS proof goes: `_dnsauth` under the domain, relative to its zone. */
export function dnsChallenge(state: EmulatorState, order: Order): { zone: string; recordDomain: string } {
  const first = order.domain.split(",")[0]!;
  const rel = relativeName(state, first);
  return { zone: zoneOf(state, first), recordDomain: rel ? `_dnsauth.${rel}` : "_dnsauth" };
}

function isValidated(state: EmulatorState, order: Order): boolean {
  if (order.validateType !== "DNS") return false; // FILE proofs cannot be fetched here: the control endpoint passes them
  const { zone, recordDomain } = dnsChallenge(state, order);
  return hasRecord(state, zone, recordDomain, "TXT", order.token);
}

/** Issuance in flight per order, so two polls arriving together issue once. */
const issuingByEmulator = new WeakMap<ServiceContext, Map<string, Promise<void>>>();

export function issueOrder(ctx: ServiceContext, order: Order): Promise<void> {
  let issuing = issuingByEmulator.get(ctx);
  if (!issuing) issuingByEmulator.set(ctx, (issuing = new Map()));
  let pending = issuing.get(order.orderId);
  if (!pending) {
    const inFlight = issuing;
    pending = issueNow(ctx, order).finally(() => inFlight.delete(order.orderId));
    issuing.set(order.orderId, pending);
  }
  return pending;
}

async function issueNow(ctx: ServiceContext, order: Order): Promise<void> {
  if (order.state === "certificate") return;
  const csr = await parseCsr(order.csrPem, "Csr");
  const names = order.domain.split(",");
  const now = ctx.now();
  const leaf = await ctx.ca.issue({
    spkiDer: csr.spkiDer, commonName: names[0]!, dnsNames: names, notBefore: now - 5 * 60 * 1000, notAfter: now + CERTIFICATE_LIFETIME_MS,
  });
  order.certificatePem = leaf.certificatePem;
  order.chainPem = leaf.chainPem;
  order.notBefore = now - 5 * 60 * 1000;
  order.notAfter = now + CERTIFICATE_LIFETIME_MS;
  order.issuedAt = now;
  order.state = "certificate";
  const pkg = ctx.state.packages[order.productCode];
  if (pkg) pkg.issued += 1;
}

/** Moves an order along as far as its proof and the clock allow. */
export async function progressOrder(ctx: ServiceContext, order: Order): Promise<void> {
  if (order.state === "domain_verify" && isValidated(ctx.state, order)) {
    order.state = "process";
    order.processSince = ctx.now();
  }
  if (order.state === "process" && ctx.now() - (order.processSince ?? 0) >= ctx.processDelayMs) await issueOrder(ctx, order);
}

/** Forces a state (control endpoint); issuing makes the certificate as a real pass would. */
export async function forceOrderState(ctx: ServiceContext, order: Order, state: OrderState): Promise<void> {
  if (state === "certificate") {
    if (order.state !== "certificate") await issueOrder(ctx, order);
    return;
  }
  order.state = state;
  if (state === "process") order.processSince = ctx.now();
}

function listStatus(order: Order, now: number): string {
  switch (order.state) {
    case "payed":
      return "PAYED";
    case "domain_verify":
    case "process":
      return "CHECKING";
    case "verify_fail":
      return "CHECKED_FAIL";
    case "certificate":
      if ((order.notAfter ?? 0) < now) return "EXPIRED";
      return (order.notAfter ?? 0) - now < 30 * DAY ? "WILLEXPIRED" : "ISSUED";
  }
}

const algorithmOf = (spec: KeySpecId): string => (spec.startsWith("RSA") ? "RSA" : spec === "EC_SM2" ? "SM2" : "ECC");

/** A ListUserCertificateOrder row for an order (CERT lists add the certificate's fields). */
function orderRow(o: Order, type: string, now: number): Record<string, unknown> {
  const wild = o.domain.startsWith("*.");
  const item: Record<string, unknown> = {
    OrderId: long(o.orderId),
    InstanceId: `cas-ivauto-${o.orderId}`,
    Domain: o.domain,
    ProductCode: o.productCode,
    ProductName: o.productCode,
    Status: listStatus(o, now),
    CertType: o.productCode.includes("free") ? "FREE" : o.productCode.includes("-ov-") ? "OV" : o.productCode.includes("-ev-") ? "EV" : "DV",
    Algorithm: algorithmOf(o.keySpec),
    DomainType: wild ? "WILDCARD" : "ONE",
    DomainCount: wild ? 0 : 1,
    WildDomainCount: wild ? 1 : 0,
    BuyDate: o.createdAt,
    SourceType: "buy",
  };
  if (o.state === "certificate") {
    item.CertStartTime = o.notBefore;
    item.CertEndTime = o.notAfter;
    if (type === "CERT") {
      item.CertificateId = long(o.orderId);
      item.CommonName = o.domain.split(",")[0];
      item.Sans = o.domain;
      item.StartDate = new Date(o.notBefore!).toISOString().slice(0, 10);
      item.EndDate = new Date(o.notAfter!).toISOString().slice(0, 10);
      item.Expired = o.notAfter! < now;
      item.Upload = false;
    }
  }
  return item;
}

/** cas pages: CurrentPage from 1, ShowSize default 50 (the SDK's documented default; no maximum is documented). */
const CAS_PAGING = { pageParam: "CurrentPage", sizeParam: "ShowSize", defaultSize: 50 } as const;

const CSR_SPECS: Record<string, "RSA" | "ECC" | "SM2"> = { RSA: "RSA", ECC: "ECC", SM2: "SM2" };

export const casService: ServiceDefinition = {
  id: "cas",
  version: "2020-04-07",
  host: "cas.aliyuncs.com",
  creates: ["CreateCertificateRequest", "CreateCertificateWithCsrRequest", "CreateCertificateForPackageRequest", "CreateCsr", "UploadUserCertificate"],
  handlers: {
    async CreateCertificateRequest(p, ctx, call) {
      const domain = p.Domain!.toLowerCase();
      const productCode = p.ProductCode ?? DEFAULT_PRODUCT_CODE;
      checkDomainForProduct([domain], productCode);
      const made = await serverMadeCsr([domain]);
      return createOrder(ctx, { domains: [domain], productCode, ...made, p }, call);
    },
    async CreateCertificateWithCsrRequest(p, ctx, call) {
      const { domain, keySpec } = await userCsr(p.Csr!);
      return createOrder(ctx, { domains: [domain], productCode: p.ProductCode ?? DEFAULT_PRODUCT_CODE, csrPem: p.Csr!, keySpec, p }, call);
    },
    async CreateCertificateForPackageRequest(p, ctx, call) {
      const productCode = p.ProductCode ?? DEFAULT_PRODUCT_CODE;
      if (p.Csr) {
        const { domain, keySpec } = await userCsr(p.Csr);
        return createOrder(ctx, { domains: [domain], productCode, csrPem: p.Csr, keySpec, p }, call);
      }
      const domains = p.Domain!.split(",").map((d) => d.trim().toLowerCase());
      checkDomainForProduct(domains, productCode);
      const made = await serverMadeCsr(domains);
      return createOrder(ctx, { domains, productCode, ...made, p }, call);
    },
    async DescribeCertificateState(p, ctx) {
      const order = findOrder(ctx, p.OrderId!);
      await progressOrder(ctx, order);
      const out: Record<string, unknown> = { Type: order.state };
      if (order.state === "domain_verify") {
        out.ValidateType = order.validateType;
        if (order.validateType === "DNS") {
          out.RecordType = "TXT";
          out.RecordDomain = dnsChallenge(ctx.state, order).recordDomain;
          out.RecordValue = order.token;
        } else {
          out.Domain = order.domain.split(",")[0];
          out.Uri = FILE_VALIDATION_URI;
          out.Content = order.token;
        }
      }
      if (order.state === "certificate") {
        out.Certificate = `${order.certificatePem!}${order.chainPem!}`;
        if (order.privateKeyPem) out.PrivateKey = order.privateKeyPem;
      }
      return out;
    },
    DescribePackageState(p, ctx) {
      const productCode = p.ProductCode ?? DEFAULT_PRODUCT_CODE;
      const pkg = ctx.state.packages[productCode] ?? { total: 0, used: 0, issued: 0 };
      return { ProductCode: productCode, TotalCount: pkg.total, UsedCount: pkg.used, IssuedCount: pkg.issued };
    },
    ListUserCertificateOrder(p, ctx) {
      const now = ctx.now();
      const type = p.OrderType ?? "CPACK";
      // UPLOAD: uploaded certificates only; CERT: issued orders' certificates and uploads; CPACK, BUY: orders.
      let orders = type === "UPLOAD" ? [] : Object.values(ctx.state.orders).filter((o) => isListed(ctx, o));
      if (type === "CERT") orders = orders.filter((o) => o.state === "certificate");
      if (p.Keyword) orders = orders.filter((o) => o.domain.includes(p.Keyword!.toLowerCase()));
      if (p.Status) orders = orders.filter((o) => listStatus(o, now) === p.Status);
      const uploads =
        type === "UPLOAD" || type === "CERT"
          ? Object.values(ctx.state.userCertificates).filter((c) => isListed(ctx, c) && uploadShown(c, p, now))
          : [];
      const rows = [
        ...orders.map((o) => ({ at: o.createdAt, id: o.orderId, row: () => orderRow(o, type, now) })),
        ...uploads.map((c) => ({ at: c.createdAt, id: c.certId, row: () => uploadRow(c, now) })),
      ];
      newestFirst(rows, (r) => r.at, (r) => r.id);
      const { items, page, size, total } = pageOf(rows, p, CAS_PAGING);
      return { CertificateOrderList: items.map((r) => r.row()), TotalCount: total, CurrentPage: page, ShowSize: size };
    },
    UploadUserCertificate: uploadUserCertificate,
    GetUserCertificateDetail: getUserCertificateDetail,
    DeleteUserCertificate: deleteUserCertificate,
    CancelOrderRequest(p, ctx) {
      const order = findOrder(ctx, p.OrderId!);
      if (order.state !== "domain_verify" && order.state !== "process") throw orderStateError(order.state, "CancelOrderRequest");
      order.state = "payed";
      releaseQuota(ctx.state, order);
      return {};
    },
    DeleteCertificateRequest(p, ctx) {
      const order = findOrder(ctx, p.OrderId!);
      if (order.state !== "payed" && order.state !== "verify_fail") throw orderStateError(order.state, "DeleteCertificateRequest");
      releaseQuota(ctx.state, order);
      delete ctx.state.orders[order.orderId];
      return {};
    },
    async CreateCsr(p, ctx, call) {
      const algorithm = CSR_SPECS[p.Algorithm!]!;
      const spec = keySpecFromCasCsr(algorithm, p.KeySize!);
      if (!spec) throw CloudErrors.invalidParameter("KeySize", `${p.Algorithm} keys come in ${algorithm === "RSA" ? "2048, 3072 or 4096" : "256"} bits.`);
      const sans = (p.Sans ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
      const dnsNames = [p.CommonName!, ...sans.filter((s) => s !== p.CommonName)];
      const rdns = [
        `CN=${dnValue(p.CommonName!)}`,
        p.Department ? `OU=${dnValue(p.Department)}` : "",
        p.CorpName ? `O=${dnValue(p.CorpName)}` : "",
        `L=${dnValue(p.Locality!)}`,
        `ST=${dnValue(p.Province!)}`,
        `C=${dnValue(p.CountryCode!.toUpperCase())}`,
      ].filter((s) => s !== "");
      const key = await generateServerKey(spec);
      const csrPem = await makeCsr(key, rdns.join(", "), dnsNames);
      const csrId = nextId(ctx.state, "csr");
      ctx.state.csrs[csrId] = {
        csrId, name: p.Name ?? "", commonName: p.CommonName!, sans: sans.join(","), algorithm, keySize: Number(p.KeySize),
        countryCode: p.CountryCode!, province: p.Province!, locality: p.Locality!, corpName: p.CorpName ?? "", department: p.Department ?? "",
        csrPem, privateKeyPem: key.privateKeyPem, keySha2: sha256Hex(key.spkiDer), createdAt: ctx.now(), listedAt: listedAtFor(ctx, call),
      };
      return { CsrId: long(csrId), Csr: csrPem };
    },
    ListCsr(p, ctx) {
      let csrs = Object.values(ctx.state.csrs).filter((c) => isListed(ctx, c));
      if (p.Algorithm) csrs = csrs.filter((c) => c.algorithm === p.Algorithm);
      if (p.KeyWord) csrs = csrs.filter((c) => c.commonName.includes(p.KeyWord!) || c.name.includes(p.KeyWord!) || c.sans.includes(p.KeyWord!));
      newestFirst(csrs, (c) => c.createdAt, (c) => c.csrId);
      const { items, page, size, total } = pageOf(csrs, p, CAS_PAGING);
      return {
        CsrList: items.map((c) => ({
          CsrId: long(c.csrId), Name: c.name, CommonName: c.commonName, Sans: c.sans, Algorithm: c.algorithm, KeySize: c.keySize,
          KeySha2: c.keySha2, HasPrivateKey: true, CorpName: c.corpName, Department: c.department, CountryCode: c.countryCode,
          Province: c.province, Locality: c.locality,
        })),
        TotalCount: total, CurrentPage: page, ShowSize: size,
      };
    },
    GetCsrDetail(p, ctx) {
      const csr = ctx.state.csrs[p.CsrId!];
      if (!csr) throw new CloudError(404, "NotFoundCsr", "The CSR does not exist.");
      return { CsrId: long(csr.csrId), Csr: csr.csrPem, PrivateKey: csr.privateKeyPem };
    },
    DeleteCsr(p, ctx) {
      if (!ctx.state.csrs[p.CsrId!]) throw new CloudError(404, "NotFoundCsr", "The CSR does not exist.");
      delete ctx.state.csrs[p.CsrId!];
      return {};
    },
  },
};

