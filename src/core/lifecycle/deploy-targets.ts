// Where a renewed certificate is put to work: one entry per cloud product, so adding a product is adding
// one entry to DEPLOY_TARGETS. Each entry talks to its product only through `call(action, params)`, a port
// the caller binds to the signed client (cli/commands/renew.ts binds it to `client.call(target.service, …)`),
// so this file stays pure and is tested with a fake (test/unit/lifecycle/deploy-targets.test.ts).
//
// The certificate is deployed by reference: it was uploaded to cas first (UploadUserCertificate), and the
// product is told the cas CertId. No private key passes through a deploy call.
import { fail, isKeysmithError } from "../errors";
import { parseCertificates } from "../cert/certificate";

/** The port to the typed client for one product: validated, signed and sent by the caller. */
export type ApiCall = (action: string, params: Record<string, string>) => Promise<Record<string, unknown>>;

export interface DeployRequest {
  domain: string;
  /** The certificate's id in cas (UploadUserCertificate's CertId). */
  certId: string;
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

export type Confirmation = { confirmed: true; served: ServedCertificate } | { confirmed: false; served?: ServedCertificate; reads: number };

export interface DeployTarget {
  /** The key of a deploy binding in the renew file (`- cdn: www.example.com`). */
  id: string;
  /** The client's service id the port is bound to. */
  service: string;
  /** Message key of the product's name (_locales/<lang>/lifecycle.json). */
  titleKey: string;
  /** Every domain of this product in the account, across all pages. */
  listDomains(call: ApiCall): Promise<string[]>;
  /** True when a certificate with these SANs is valid for `domain`. */
  covers(sans: readonly string[], domain: string): boolean;
  /** What the product serves for `domain` now (undefined: no certificate configured). */
  served(call: ApiCall, domain: string): Promise<ServedCertificate | undefined>;
  /** Tells the product to serve cas certificate `certId` on `domain`. */
  deploy(call: ApiCall, request: DeployRequest): Promise<void>;
  /** Reads back until the product serves `certId` (and, when it shows the certificate, `serial`). */
  confirm(call: ApiCall, request: DeployRequest & { serial: string }, options?: ConfirmOptions): Promise<Confirmation>;
  /**
   * What every domain of this product in the account serves now, as cas CertId → domains (read before an
   * upload is deleted). Every target must be able to say, or an upload it serves could be deleted under it.
   */
  servedCertIds(call: ApiCall): Promise<Map<string, string[]>>;
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
    served = await target.served(call, request.domain);
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

/** The catalogue: one entry per product. */
export const DEPLOY_TARGETS: Readonly<Record<string, DeployTarget>> = { cdn: CDN_TARGET };

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
