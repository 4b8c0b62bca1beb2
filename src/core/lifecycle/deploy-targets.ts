// Where a renewed certificate is put to work: one entry per cloud product, so adding a product is adding
// one entry to DEPLOY_TARGETS. Each entry talks to its product only through `call(action, params)`, a port
// the caller binds to the signed client (cli/commands/renew.ts binds it to `client.call(target.service, …)`),
// so this file stays pure and is tested with a fake (test/unit/lifecycle/deploy-targets.test.ts).
//
// The certificate is deployed by reference: it was uploaded to cas first (UploadUserCertificate), and the
// product is told the cas CertId. No private key passes through a deploy call.
import { fail, isKeysmithError } from "../errors";
import { ApiError } from "../aliyun/api-error";
import { parseCertificates } from "../cert/certificate";
import { domainToALabel } from "../san";

/** The port to the typed client for one product: validated, signed and sent by the caller. */
export type ApiCall = (action: string, params: Record<string, string>) => Promise<Record<string, unknown>>;

/**
 * What a call needs besides the place: a regional product's region, and where the cas certificate lives. The
 * caller binds `call` to that region's endpoint (SLB, ALB); CDN and DCDN ignore it.
 */
export interface TargetContext {
  /** SLB and ALB: the load balancer's region (SLB also sends it as RegionId). Default cn-hangzhou. */
  region?: string;
  /** The cas region holding the certificate: cn-hangzhou (China site, the default) or ap-southeast-1. */
  casRegion?: string;
  /** The CertId looked for, where a place serves several at once (ALB additional certificates). */
  want?: string;
}

export interface DeployRequest extends TargetContext {
  /**
   * Where, in the target's text form (its `parseWhere` makes it): a domain for cdn and dcdn,
   * `LB_ID:PORT` or `LB_ID:PORT:DOMAIN` for slb, `LISTENER_ID:default` or `LISTENER_ID:additional` for alb.
   */
  domain: string;
  /** The certificate's id in cas (UploadUserCertificate's CertId). */
  certId: string;
  /** Its name in cas (SLB's UploadServerCertificate names it; default: the CertId). */
  certName?: string;
}

/** What a product says it serves for a domain right now. */
export interface ServedCertificate {
  certId?: string;
  /** Upper-case hex without leading zeros, as src/core/lifecycle/deploy-targets.ts `normalizeSerial` makes it. */
  serial?: string;
  /** The served leaf, PEM, when the product gives it back. */
  certificatePem?: string;
}

export interface ConfirmOptions {
  /** Reads before giving up (default 10). */
  attempts?: number;
  /** Wait between reads (default 2 s). */
  intervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** An upload Keysmith made for the same certificate before the one now deployed (state.json of the CLI). */
export interface ReplacedUpload {
  certId: string;
  /** Its cas name (UploadRecord.name), when recorded: SLB recognises its own server certificates by it. */
  name?: string;
}

export interface RetireRequest extends TargetContext {
  /** The place, in the target's text form. */
  domain: string;
  /** The CertId now deployed and confirmed at the place. */
  certId: string;
  /** Uploads Keysmith made earlier for this certificate: only what was made from these is ever removed. */
  replaced: readonly ReplacedUpload[];
}

/** What `retire` did: ids removed, and ids kept with the product's reason (in use elsewhere, refused). */
export interface RetireResult {
  removed: string[];
  kept: { id: string; reason: string }[];
}

export type Confirmation = { confirmed: true; served: ServedCertificate } | { confirmed: false; served?: ServedCertificate; reads: number };

export interface DeployTarget {
  /** The key of a deploy binding in the renew file (`- cdn: www.example.com`). */
  id: string;
  /** The client's service id the port is bound to. */
  service: string;
  /** Message key of the product's name (_locales/<lang>/lifecycle.json). */
  titleKey: string;
  /** True when a binding may say `auto` (every domain of the product the certificate covers): cdn, dcdn. */
  auto: boolean;
  /** True when the product is regional (the port is bound to the region's endpoint). */
  regional: boolean;
  /** Checks a place written by a person and gives its canonical text form (`DeployRequest.domain`). */
  parseWhere(text: string, field: string): string;
  /** Every domain of this product in the account, across all pages (a typed refusal when `auto` is false). */
  listDomains(call: ApiCall): Promise<string[]>;
  /** True when a certificate with these SANs is valid for the place (a listener without a domain: always). */
  covers(sans: readonly string[], domain: string): boolean;
  /** What the product serves at the place now (undefined: no certificate configured). */
  served(call: ApiCall, domain: string, context?: TargetContext): Promise<ServedCertificate | undefined>;
  /** Tells the product to serve cas certificate `certId` on `domain`. */
  deploy(call: ApiCall, request: DeployRequest): Promise<void>;
  /** Reads back until the product serves `certId` (and, when it shows the certificate, `serial`). */
  confirm(call: ApiCall, request: DeployRequest & { serial: string }, options?: ConfirmOptions): Promise<Confirmation>;
  /**
   * What every domain of this product in the account serves now, as cas CertId → domains (read before an
   * upload is deleted). Every target must be able to say, or an upload it serves could be deleted under it.
   */
  servedCertIds(call: ApiCall, context?: TargetContext): Promise<Map<string, string[]>>;
  /**
   * Optional (SLB, ALB): after `certId` is confirmed at the place, removes what that place kept of the uploads
   * it replaced — ALB's replaced additional certificate on the listener, SLB's server certificates Keysmith made
   * from them that nothing uses. Never touches anything not made from `replaced`. Targets without it leave
   * nothing behind (CDN, DCDN: the domain serves one certificate).
   */
  retire?(call: ApiCall, request: RetireRequest): Promise<RetireResult>;
}

/** A serial as hex, upper case, without colons or leading zeros ("00:ab:01" → "AB01"). */
export function normalizeSerial(serial: string): string {
  const hex = serial.replace(/[:\s]/g, "").toUpperCase().replace(/^0+(?=.)/, "");
  return hex;
}

/**
 * Whether a certificate for `sans` is valid for `domain`: an exact name (case-insensitive, a trailing dot
 * ignored), or a wildcard `*.parent` for exactly one more label (`*.example.com` covers `www.example.com`,
 * not `example.com` nor `a.b.example.com`).
 */
export function sansCover(sans: readonly string[], domain: string): boolean {
  const d = domain.trim().toLowerCase().replace(/\.$/, "");
  if (d === "") return false;
  return sans.some((san) => {
    const s = san.trim().toLowerCase().replace(/\.$/, "");
    if (s === d) return true;
    if (!s.startsWith("*.")) return false;
    const dot = d.indexOf(".");
    return dot > 0 && d.slice(dot + 1) === s.slice(2) && !d.slice(0, dot).includes("*");
  });
}

const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" || typeof v === "bigint" ? String(v) : "");
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === "object") : []);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The serial of a PEM leaf, or undefined when the text is not a certificate. */
function serialOfPem(pem: string): string | undefined {
  try {
    return normalizeSerial(parseCertificates(pem, "ServerCertificate").leaf.serial);
  } catch (err) {
    if (isKeysmithError(err)) return undefined;
    throw err;
  }
}

async function confirmBy(target: Pick<DeployTarget, "served">, call: ApiCall, request: DeployRequest & { serial: string }, options: ConfirmOptions = {}): Promise<Confirmation> {
  const attempts = options.attempts ?? 10;
  const sleep = options.sleep ?? defaultSleep;
  const wantSerial = normalizeSerial(request.serial);
  let served: ServedCertificate | undefined;
  for (let read = 1; read <= attempts; read++) {
    served = await target.served(call, request.domain, { region: request.region, casRegion: request.casRegion, want: request.certId });
    const idOk = served?.certId !== undefined && served.certId === request.certId;
    const serialOk = served?.serial === undefined || served.serial === wantSerial;
    if (served && idOk && serialOk) return { confirmed: true, served };
    if (read < attempts) await sleep(options.intervalMs ?? 2000);
  }
  return { confirmed: false, served, reads: attempts };
}

/** CDN page size for DescribeCdnHttpsDomainList (no maximum documented; the default is 20). */
const CDN_HTTPS_PAGE_SIZE = 100;
/** CDN page size for DescribeUserDomains (the API's maximum is 500). */
const CDN_PAGE_SIZE = 500;
/** At most this many pages are read (250,000 domains): a listing that never ends is refused. */
const CDN_MAX_PAGES = 500;

/**
 * Alibaba Cloud CDN (2018-05-10): DescribeUserDomains lists the accelerated domains (Domains.PageData[]),
 * SetCdnDomainSSLCertificate { DomainName, SSLProtocol: on, CertType: cas, CertId } turns HTTPS on with a
 * cas certificate, DescribeDomainCertificateInfo (CertInfos.CertInfo[]: CertId, ServerCertificate) reads
 * back what is served; DescribeCdnHttpsDomainList (CertInfos.CertInfo[]: DomainName, no CertId) lists the
 * domains with HTTPS on, each then read with DescribeDomainCertificateInfo to find what serves a CertId.
 */
export const CDN_TARGET: DeployTarget = {
  id: "cdn",
  service: "cdn",
  titleKey: "lifecycle_target_cdn",
  auto: true,
  regional: false,
  parseWhere: (text, field) => domainToALabel(text, field),
  async listDomains(call) {
    const names: string[] = [];
    let seen = 0;
    for (let page = 1; page <= CDN_MAX_PAGES; page++) {
      const reply = await call("DescribeUserDomains", { PageNumber: String(page), PageSize: String(CDN_PAGE_SIZE) });
      const items = list(obj(reply.Domains).PageData);
      for (const item of items) {
        const name = str(item.DomainName).toLowerCase();
        if (name && !names.includes(name)) names.push(name);
      }
      // TotalCount decides (a service may answer with smaller pages than asked); without it, a short page ends.
      const total = Number(reply.TotalCount);
      seen += items.length;
      if (items.length === 0 || (Number.isFinite(total) ? seen >= total : items.length < CDN_PAGE_SIZE)) return names;
    }
    return fail("lifecycle.deploy.list_too_long", "DescribeUserDomains", { pages: CDN_MAX_PAGES });
  },
  // CDN lists a wildcard domain as `.example.com`.
  covers: (sans, domain) => sansCover(sans, domain.startsWith(".") ? `*${domain}` : domain),
  async served(call, domain) {
    const reply = await call("DescribeDomainCertificateInfo", { DomainName: domain });
    const infos = list(obj(reply.CertInfos).CertInfo);
    const info = infos.find((i) => str(i.DomainName).toLowerCase() === domain.toLowerCase()) ?? infos[0];
    if (!info) return undefined;
    const certId = str(info.CertId) || undefined;
    const pem = str(info.ServerCertificate) || undefined;
    const serial = pem ? serialOfPem(pem) : undefined;
    if (!certId && !pem) return undefined;
    return { ...(certId ? { certId } : {}), ...(serial ? { serial } : {}), ...(pem ? { certificatePem: pem } : {}) };
  },
  async deploy(call, { domain, certId }) {
    await call("SetCdnDomainSSLCertificate", { DomainName: domain, SSLProtocol: "on", CertType: "cas", CertId: certId });
  },
  confirm(call, request, options) {
    return confirmBy(CDN_TARGET, call, request, options);
  },
  async servedCertIds(call) {
    const https: string[] = [];
    let seen = 0;
    for (let page = 1; ; page++) {
      if (page > CDN_MAX_PAGES) fail("lifecycle.deploy.list_too_long", "DescribeCdnHttpsDomainList", { pages: CDN_MAX_PAGES });
      const reply = await call("DescribeCdnHttpsDomainList", { PageNumber: String(page), PageSize: String(CDN_HTTPS_PAGE_SIZE) });
      const items = list(obj(reply.CertInfos).CertInfo);
      for (const item of items) {
        const name = str(item.DomainName).toLowerCase();
        if (name && !https.includes(name)) https.push(name);
      }
      const total = Number(reply.TotalCount);
      seen += items.length;
      if (items.length === 0 || (Number.isFinite(total) ? seen >= total : items.length < CDN_HTTPS_PAGE_SIZE)) break;
    }
    // The list's rows carry no CertId: each domain's DescribeDomainCertificateInfo says what it serves.
    const served = new Map<string, string[]>();
    for (const domain of https) {
      const certId = (await CDN_TARGET.served(call, domain))?.certId;
      if (certId) served.set(certId, [...(served.get(certId) ?? []), domain]);
    }
    return served;
  },
};

/** Reads a DescribeXxxUserDomains-style listing (PageNumber, PageSize, TotalCount) to its end. */
async function pagedRows(call: ApiCall, action: string, rowsOf: (reply: Record<string, unknown>) => Record<string, unknown>[], pageSize: number, params: Record<string, string> = {}): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (let page = 1; page <= CDN_MAX_PAGES; page++) {
    const reply = await call(action, { ...params, PageNumber: String(page), PageSize: String(pageSize) });
    const items = rowsOf(reply);
    rows.push(...items);
    const total = Number(reply.TotalCount);
    if (items.length === 0 || (Number.isFinite(total) ? rows.length >= total : items.length < pageSize)) return rows;
  }
  return fail("lifecycle.deploy.list_too_long", action, { pages: CDN_MAX_PAGES });
}

/** Reads a NextToken listing (ALB) to its end. */
async function tokenRows(call: ApiCall, action: string, rowsOf: (reply: Record<string, unknown>) => Record<string, unknown>[], params: Record<string, string>): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let token = "";
  for (let page = 1; page <= CDN_MAX_PAGES; page++) {
    const reply = await call(action, { ...params, MaxResults: "100", ...(token ? { NextToken: token } : {}) });
    rows.push(...rowsOf(reply));
    token = str(reply.NextToken);
    if (!token) return rows;
  }
  return fail("lifecycle.deploy.list_too_long", action, { pages: CDN_MAX_PAGES });
}

/** DCDN page size for DescribeDcdnUserDomains (the API's maximum is 500). */
const DCDN_PAGE_SIZE = 500;

/**
 * Alibaba Cloud DCDN (2018-01-15), the same shape as CDN: DescribeDcdnUserDomains lists the domains
 * (Domains.PageData[]: DomainName, SSLProtocol), SetDcdnDomainSSLCertificate { DomainName, SSLProtocol: on,
 * CertType: cas, CertId, CertRegion } deploys by reference, DescribeDcdnDomainCertificateInfo
 * (CertInfos.CertInfo[]: CertId, SSLPub) reads back what is served.
 */
export const DCDN_TARGET: DeployTarget = {
  id: "dcdn",
  service: "dcdn",
  titleKey: "lifecycle_target_dcdn",
  auto: true,
  regional: false,
  parseWhere: (text, field) => domainToALabel(text, field),
  async listDomains(call) {
    const rows = await pagedRows(call, "DescribeDcdnUserDomains", (r) => list(obj(r.Domains).PageData), DCDN_PAGE_SIZE);
    return [...new Set(rows.map((r) => str(r.DomainName).toLowerCase()).filter(Boolean))];
  },
  covers: (sans, domain) => sansCover(sans, domain.startsWith(".") ? `*${domain}` : domain),
  async served(call, domain) {
    const reply = await call("DescribeDcdnDomainCertificateInfo", { DomainName: domain });
    const infos = list(obj(reply.CertInfos).CertInfo);
    const info = infos.find((i) => str(i.DomainName).toLowerCase() === domain.toLowerCase()) ?? infos[0];
    if (!info || str(info.SSLProtocol) === "off") return undefined;
    const certId = str(info.CertId) || undefined;
    const pem = str(info.SSLPub) || undefined;
    const serial = pem ? serialOfPem(pem) : undefined;
    if (!certId && !pem) return undefined;
    return { ...(certId ? { certId } : {}), ...(serial ? { serial } : {}), ...(pem ? { certificatePem: pem } : {}) };
  },
  async deploy(call, { domain, certId, casRegion }) {
    await call("SetDcdnDomainSSLCertificate", { DomainName: domain, SSLProtocol: "on", CertType: "cas", CertId: certId, CertRegion: casRegion ?? "cn-hangzhou" });
  },
  confirm(call, request, options) {
    return confirmBy(DCDN_TARGET, call, request, options);
  },
  async servedCertIds(call) {
    const rows = await pagedRows(call, "DescribeDcdnUserDomains", (r) => list(obj(r.Domains).PageData), DCDN_PAGE_SIZE);
    const served = new Map<string, string[]>();
    for (const row of rows) {
      const domain = str(row.DomainName).toLowerCase();
      // A row that says HTTPS is off serves nothing; one that does not say is read.
      if (!domain || str(row.SSLProtocol) === "off") continue;
      const certId = (await DCDN_TARGET.served(call, domain))?.certId;
      if (certId) served.set(certId, [...(served.get(certId) ?? []), domain]);
    }
    return served;
  },
};

/** An SLB HTTPS listener, and optionally one SNI domain of it (a domain extension). */
export interface SlbWhere {
  loadBalancerId: string;
  port: number;
  domain?: string;
}

const SLB_ID = /^lb-[A-Za-z0-9-]{1,64}$/;
const ALB_LISTENER_ID = /^lsn-[A-Za-z0-9-]{1,64}$/;

function validPort(text: string | number, field: string, value: string): number {
  const port = typeof text === "number" ? text : /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail("lifecycle.deploy.port", field, { value });
  return port;
}

/** `LB_ID:PORT` or `LB_ID:PORT:DOMAIN` → its parts, checked (the domain in A-label form). */
export function parseSlbWhere(text: string, field: string): SlbWhere {
  const [id = "", port = "", domain, ...rest] = text.trim().split(":");
  if (!SLB_ID.test(id) || rest.length > 0 || port === "") fail("lifecycle.deploy.where", field, { value: text, shape: "LB_ID:PORT[:DOMAIN]" });
  return { loadBalancerId: id, port: validPort(port, field, text), ...(domain ? { domain: domainToALabel(domain, field) } : {}) };
}

export const slbWhereText = (w: SlbWhere): string => `${w.loadBalancerId}:${w.port}${w.domain ? `:${w.domain}` : ""}`;

/** An ALB HTTPS listener, and whether the certificate is its default one or an additional (SNI) one. */
export interface AlbWhere {
  listenerId: string;
  isDefault: boolean;
}

/** `LISTENER_ID`, `LISTENER_ID:default` or `LISTENER_ID:additional` → its parts (default when not said). */
export function parseAlbWhere(text: string, field: string): AlbWhere {
  const [id = "", role = "default", ...rest] = text.trim().split(":");
  if (!ALB_LISTENER_ID.test(id) || rest.length > 0 || (role !== "default" && role !== "additional")) {
    fail("lifecycle.deploy.where", field, { value: text, shape: "LISTENER_ID[:default|:additional]" });
  }
  return { listenerId: id, isDefault: role === "default" };
}

export const albWhereText = (w: AlbWhere): string => `${w.listenerId}:${w.isDefault ? "default" : "additional"}`;

const regionOf = (context: TargetContext | undefined): string => context?.region ?? "cn-hangzhou";

/** The name Keysmith gives an SLB server certificate made from the cas upload named `casName` (at most 80 characters). */
export const slbServerCertificateName = (casName: string): string => `keysmith-${casName}`.slice(0, 80);

/** SLB's server certificate made from cas certificate `certId` (DescribeServerCertificates rows). */
function slbRowsFor(rows: Record<string, unknown>[], certId: string): Record<string, unknown>[] {
  return rows.filter((r) => str(r.AliCloudCertificateId) === certId && str(r.ServerCertificateId) !== "");
}

async function slbServerCertificates(call: ApiCall, region: string, serverCertificateId?: string): Promise<Record<string, unknown>[]> {
  const reply = await call("DescribeServerCertificates", { RegionId: region, ...(serverCertificateId ? { ServerCertificateId: serverCertificateId } : {}) });
  return list(obj(reply.ServerCertificates).ServerCertificate);
}

/** The SNI domain extension of the listener for `domain` (DescribeDomainExtensions), if any. */
async function slbExtension(call: ApiCall, region: string, w: SlbWhere): Promise<Record<string, unknown> | undefined> {
  const reply = await call("DescribeDomainExtensions", { RegionId: region, LoadBalancerId: w.loadBalancerId, ListenerPort: String(w.port) });
  return list(obj(reply.DomainExtensions).DomainExtension).find((e) => str(e.Domain).toLowerCase() === w.domain);
}

/**
 * Alibaba Cloud SLB (Classic Load Balancer, 2014-05-15, regional). A cas certificate is served through an SLB
 * server certificate made from it by reference (UploadServerCertificate { AliCloudCertificateId,
 * AliCloudCertificateName, AliCloudCertificateRegionId }: no key passes; one made earlier from the same CertId,
 * found by DescribeServerCertificates, is reused). The listener's default certificate is
 * SetLoadBalancerHTTPSListenerAttribute { ServerCertificateId } (StickySession, HealthCheck and their details
 * sent back as DescribeLoadBalancerHTTPSListenerAttribute gave them, so nothing else changes); an SNI domain's
 * is SetDomainExtensionAttribute on the domain extension DescribeDomainExtensions names. Read back: the
 * listener's (or extension's) ServerCertificateId, whose AliCloudCertificateId is the cas CertId. SLB shows no
 * PEM, so the serial is not compared (the CertId is one certificate).
 */
export const SLB_TARGET: DeployTarget = {
  id: "slb",
  service: "slb",
  titleKey: "lifecycle_target_slb",
  auto: false,
  regional: true,
  parseWhere: (text, field) => slbWhereText(parseSlbWhere(text, field)),
  listDomains: async () => fail("lifecycle.deploy.auto_unsupported", "slb", { target: "slb" }),
  covers(sans, where) {
    const domain = parseSlbWhere(where, "slb").domain;
    return domain === undefined || sansCover(sans, domain);
  },
  async served(call, where, context) {
    const w = parseSlbWhere(where, "slb");
    const region = regionOf(context);
    let serverCertificateId: string;
    if (w.domain) {
      serverCertificateId = str((await slbExtension(call, region, w))?.ServerCertificateId);
    } else {
      const attrs = await call("DescribeLoadBalancerHTTPSListenerAttribute", { RegionId: region, LoadBalancerId: w.loadBalancerId, ListenerPort: String(w.port) });
      serverCertificateId = str(attrs.ServerCertificateId);
    }
    if (!serverCertificateId) return undefined;
    const row = (await slbServerCertificates(call, region, serverCertificateId)).find((r) => str(r.ServerCertificateId) === serverCertificateId);
    const certId = str(row?.AliCloudCertificateId);
    // A server certificate uploaded as PEM (not from cas) has no CertId: it serves something, not a cas one.
    return certId ? { certId } : {};
  },
  async deploy(call, { domain: where, certId, certName, region: r, casRegion }) {
    const w = parseSlbWhere(where, "slb");
    const region = r ?? "cn-hangzhou";
    const extension = w.domain ? await slbExtension(call, region, w) : undefined;
    if (w.domain && !extension) fail("lifecycle.deploy.slb_no_extension", "slb", { domain: w.domain, loadBalancerId: w.loadBalancerId, port: w.port });
    let serverCertificateId = str(slbRowsFor(await slbServerCertificates(call, region), certId)[0]?.ServerCertificateId);
    if (!serverCertificateId) {
      // Named `keysmith-<upload's cas name>`: with the CertId, how `retire` knows the ones Keysmith made.
      const made = await call("UploadServerCertificate", {
        RegionId: region,
        AliCloudCertificateId: certId,
        AliCloudCertificateName: certName ?? certId,
        AliCloudCertificateRegionId: casRegion ?? "cn-hangzhou",
        ServerCertificateName: slbServerCertificateName(certName ?? certId),
      });
      serverCertificateId = str(made.ServerCertificateId);
      if (!serverCertificateId) fail("lifecycle.deploy.no_server_certificate", "slb", { certId });
    }
    if (extension) {
      await call("SetDomainExtensionAttribute", { RegionId: region, DomainExtensionId: str(extension.DomainExtensionId), ServerCertificateId: serverCertificateId });
      return;
    }
    const attrs = await call("DescribeLoadBalancerHTTPSListenerAttribute", { RegionId: region, LoadBalancerId: w.loadBalancerId, ListenerPort: String(w.port) });
    const sticky = str(attrs.StickySession) === "on" ? "on" : "off";
    const keep: Record<string, string> = {};
    if (sticky === "on") {
      for (const k of ["StickySessionType", "CookieTimeout", "Cookie"]) if (str(attrs[k])) keep[k] = str(attrs[k]);
    }
    await call("SetLoadBalancerHTTPSListenerAttribute", {
      RegionId: region,
      LoadBalancerId: w.loadBalancerId,
      ListenerPort: String(w.port),
      StickySession: sticky,
      ...keep,
      HealthCheck: str(attrs.HealthCheck) === "on" ? "on" : "off",
      ServerCertificateId: serverCertificateId,
    });
  },
  confirm(call, request, options) {
    return confirmBy(SLB_TARGET, call, request, options);
  },
  async retire(call, { domain: where, certId, replaced, region: r }) {
    const region = r ?? "cn-hangzhou";
    const result: RetireResult = { removed: [], kept: [] };
    // Only uploads whose name Keysmith recorded: a server certificate is Keysmith's when it was made from one of
    // them and carries the name Keysmith gives (one a person made from the same upload is not touched, nor one
    // an older Keysmith made without that name).
    const old = replaced.filter((u) => u.certId !== certId && u.name);
    if (old.length === 0) return result;
    // Only once the place is confirmed serving the new CertId (read again here: the caller's confirm was before).
    if ((await SLB_TARGET.served(call, where, { region }))?.certId !== certId) return result;
    for (const row of await slbServerCertificates(call, region)) {
      const id = str(row.ServerCertificateId);
      const mine = old.some((u) => str(row.AliCloudCertificateId) === u.certId && str(row.ServerCertificateName) === slbServerCertificateName(u.name!));
      if (!id || !mine) continue;
      try {
        await call("DeleteServerCertificate", { RegionId: region, ServerCertificateId: id });
        result.removed.push(id);
      } catch (err) {
        // Still used by a listener or an SNI domain (SLB refuses, 400): kept, tried again by the next run.
        // Gone already (deleted by a run whose answer was lost, or by a person): nothing to do.
        if (err instanceof ApiError && /NotFound/i.test(err.apiCode)) continue;
        if (!isKeysmithError(err)) throw err;
        result.kept.push({ id, reason: err instanceof ApiError ? err.apiCode : err.code });
      }
    }
    return result;
  },
  async servedCertIds(call, context) {
    // Every server certificate made from a cas certificate counts as serving it (SLB holds it by reference).
    const served = new Map<string, string[]>();
    for (const row of await slbServerCertificates(call, regionOf(context))) {
      const certId = str(row.AliCloudCertificateId);
      if (certId) served.set(certId, [...(served.get(certId) ?? []), `slb ${str(row.ServerCertificateId)}`]);
    }
    return served;
  },
};

/** ALB names a cas certificate `<CertId>-<cas region>`. */
export const albCertificateId = (certId: string, casRegion = "cn-hangzhou"): string => `${certId}-${casRegion}`;
/** The cas CertId in an ALB certificate id (`14000001-cn-hangzhou` → `14000001`); other ids as they are. */
export const casCertIdOfAlb = (id: string): string => /^([0-9]+)-[a-z]+(?:-[a-z0-9]+)+$/.exec(id)?.[1] ?? id;

async function albCertificates(call: ApiCall, listenerId: string): Promise<Record<string, unknown>[]> {
  return tokenRows(call, "ListListenerCertificates", (r) => list(r.Certificates), { ListenerId: listenerId, CertificateType: "Server" });
}

const isTrue = (v: unknown): boolean => v === true || v === "true";
/** Rows being dissociated (or gone) do not serve; Associating ones do not yet. */
const albServing = (row: Record<string, unknown>): boolean => row.Status === undefined || str(row.Status) === "Associated";

/**
 * Alibaba Cloud ALB (2020-06-16, regional): an HTTPS listener serves a cas certificate by id `<CertId>-<cas
 * region>`: as its default certificate (UpdateListenerAttribute { ListenerId, Certificates.1.CertificateId })
 * or as an additional one chosen by SNI (AssociateAdditionalCertificatesWithListener). Read back:
 * ListListenerCertificates { ListenerId, CertificateType: Server } (Certificates[]: CertificateId, IsDefault,
 * Status): the default row, or an additional row with the CertId, Associated. ALB shows no PEM.
 */
export const ALB_TARGET: DeployTarget = {
  id: "alb",
  service: "alb",
  titleKey: "lifecycle_target_alb",
  auto: false,
  regional: true,
  parseWhere: (text, field) => albWhereText(parseAlbWhere(text, field)),
  listDomains: async () => fail("lifecycle.deploy.auto_unsupported", "alb", { target: "alb" }),
  covers: () => true,
  async served(call, where, context) {
    const w = parseAlbWhere(where, "alb");
    const rows = (await albCertificates(call, w.listenerId)).filter((r) => isTrue(r.IsDefault) === w.isDefault && albServing(r));
    const wanted = context?.want;
    const row = (wanted ? rows.find((r) => casCertIdOfAlb(str(r.CertificateId)) === wanted) : undefined) ?? rows[0];
    if (!row) return undefined;
    return { certId: casCertIdOfAlb(str(row.CertificateId)) };
  },
  async deploy(call, { domain: where, certId, casRegion }) {
    const w = parseAlbWhere(where, "alb");
    const params = { ListenerId: w.listenerId, "Certificates.1.CertificateId": albCertificateId(certId, casRegion) };
    await call(w.isDefault ? "UpdateListenerAttribute" : "AssociateAdditionalCertificatesWithListener", params);
  },
  confirm(call, request, options) {
    return confirmBy(ALB_TARGET, call, request, options);
  },
  async retire(call, { domain: where, certId, replaced }) {
    const w = parseAlbWhere(where, "alb");
    const result: RetireResult = { removed: [], kept: [] };
    // A default certificate is replaced by UpdateListenerAttribute itself: nothing is left behind.
    if (w.isDefault) return result;
    const old = new Set(replaced.map((r) => r.certId).filter((id) => id !== certId));
    if (old.size === 0) return result;
    const rows = await albCertificates(call, w.listenerId);
    const additional = rows.filter((r) => !isTrue(r.IsDefault));
    // Only once ListListenerCertificates shows the new certificate Associated on this listener.
    if (!additional.some((r) => casCertIdOfAlb(str(r.CertificateId)) === certId && albServing(r))) return result;
    for (const row of additional) {
      const id = str(row.CertificateId);
      if (!old.has(casCertIdOfAlb(id)) || str(row.Status) === "Dissociating") continue;
      await call("DissociateAdditionalCertificatesFromListener", { ListenerId: w.listenerId, "Certificates.1.CertificateId": id });
      result.removed.push(id);
    }
    return result;
  },
  async servedCertIds(call) {
    const served = new Map<string, string[]>();
    // Every protocol is listed (QUIC listeners serve certificates too); HTTP ones hold none.
    const listeners = (await tokenRows(call, "ListListeners", (r) => list(r.Listeners), {})).filter((l) => str(l.ListenerProtocol) !== "HTTP");
    for (const listener of listeners) {
      const id = str(listener.ListenerId);
      if (!id) continue;
      for (const row of await albCertificates(call, id)) {
        const certId = casCertIdOfAlb(str(row.CertificateId));
        if (certId) served.set(certId, [...(served.get(certId) ?? []), `alb ${id}`]);
      }
    }
    return served;
  },
};

/** The catalogue: one entry per product. */
export const DEPLOY_TARGETS: Readonly<Record<string, DeployTarget>> = { cdn: CDN_TARGET, dcdn: DCDN_TARGET, slb: SLB_TARGET, alb: ALB_TARGET };

export function isDeployTargetId(id: unknown): id is keyof typeof DEPLOY_TARGETS {
  return typeof id === "string" && Object.prototype.hasOwnProperty.call(DEPLOY_TARGETS, id);
}

export function deployTarget(id: string, field = "deploy"): DeployTarget {
  if (!isDeployTargetId(id)) fail("lifecycle.value.allowed", field, { allowed: Object.keys(DEPLOY_TARGETS).join(", ") });
  return DEPLOY_TARGETS[id]!;
}

/** The domains an "auto" binding means: every domain of the product that the certificate's SANs cover. */
export async function coveredDomains(target: DeployTarget, call: ApiCall, sans: readonly string[]): Promise<string[]> {
  return (await target.listDomains(call)).filter((d) => target.covers(sans, d));
}
