// The account-wide expiry watch: every certificate the account holds, wherever it came from, with the days
// it has left and where it is deployed. Sources:
//  - cas ListUserCertificateOrder for every OrderType (CERT: issued orders' certificates and uploads; UPLOAD:
//    uploaded certificates; BUY and CPACK: orders, of which the issued ones carry CertEndTime), all pages;
//  - KMS ListCertificates, each then read with DescribeCertificate (NotAfter), or GetCertificate when that
//    lacks it;
//  - what each CDN and DCDN domain serves (CDN_TARGET / DCDN_TARGET servedCertIds), which gives the
//    deployments of cas certificates (DCDN ones as `dcdn:<domain>`) and, for a CertId no cas list showed, the
//    served certificate itself (`served`).
// A certificate seen in several places (an order in CERT and CPACK, an upload in CERT and UPLOAD, a cas
// certificate served by CDN) is one row. KMS, CDN and DCDN errors do not sink the report: they are recorded as
// source errors; a cas error is thrown (without cas there is no account-wide report).
//
// Pure: the only I/O is the injected `call`, bound by the caller to its signed client.
import { fail, isKeysmithError } from "../errors";
import { parseCertificates } from "../cert/certificate";
import { CDN_TARGET, DCDN_TARGET, normalizeSerial, type ApiCall, type DeployTarget } from "./deploy-targets";

export type WatchService = "cas" | "kms" | "cdn" | "dcdn";
/** The port to the typed client: validated, signed and sent by the caller. */
export type WatchCall = (service: WatchService, action: string, params: Record<string, string>) => Promise<Record<string, unknown>>;

export type WatchSource = "cas-order" | "cas-upload" | "kms" | "cdn-served" | "dcdn-served";

export interface WatchRow {
  /** cas CertificateId (or the OrderId of an issued order whose list row gave none), KMS CertificateId. */
  id: string;
  source: WatchSource;
  /** The name in cas (uploads), else the common name. */
  name: string;
  commonName?: string;
  /** Subject alternative names, when the source gives them. */
  sans: string[];
  /** ISO 8601. */
  notAfter: string;
  /** Whole days from `now` to notAfter (negative once expired). */
  daysLeft: number;
  /** CDN domains serving this certificate's CertId. */
  deployedTo: string[];
  orderId?: string;
  /** Upper-case hex without leading zeros. */
  serial?: string;
}

export interface WatchSourceError {
  source: WatchService;
  code: string;
  field?: string;
  params?: Record<string, string | number>;
  /** English, for logs; never a secret (errors carry no credentials). */
  message: string;
}

export interface WatchReport {
  now: string;
  rows: WatchRow[];
  errors: WatchSourceError[];
}

export interface WatchOptions {
  now: Date;
  /** Read KMS Certificates Manager (default true). */
  kms?: boolean;
  /** Read CDN (default true). */
  cdn?: boolean;
  /** Read DCDN (default true). */
  dcdn?: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const CAS_ORDER_TYPES = ["CERT", "UPLOAD", "BUY", "CPACK"] as const;
/**
 * The lists read: every OrderType, then the expired certificates and uploads, which the CERT and UPLOAD lists
 * leave out unless `Status: EXPIRED` is asked for (an expired certificate still deployed is what a watch is for).
 */
const CAS_LISTS: readonly { type: (typeof CAS_ORDER_TYPES)[number]; status?: string }[] = [
  ...CAS_ORDER_TYPES.map((type) => ({ type })),
  { type: "CERT", status: "EXPIRED" },
  { type: "UPLOAD", status: "EXPIRED" },
];
const PAGE_SIZE = 100;
/** A listing that never ends is refused after this many pages. */
const MAX_PAGES = 500;

const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" || typeof v === "bigint" ? String(v) : "");
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === "object") : []);
const names = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : str(v).split(",")).map((s) => s.trim()).filter((s) => s !== "");

/** Whole days left from `now` until `notAfter` (floor: a certificate with 89.6 days left has 89). */
export function daysLeft(notAfter: Date | string, now: Date): number {
  const at = typeof notAfter === "string" ? Date.parse(notAfter) : notAfter.getTime();
  return Math.floor((at - now.getTime()) / DAY_MS);
}

/** A time from a list row: ms since the epoch (number or digits), or an ISO date / date-time. */
function timeOf(...values: unknown[]): number | undefined {
  for (const v of values) {
    if (typeof v === "number" && Number.isFinite(v) && v > 0) return v;
    const s = str(v).trim();
    if (s === "") continue;
    if (/^\d{10,}$/.test(s)) return Number(s);
    const at = Date.parse(s);
    if (!Number.isNaN(at)) return at;
  }
  return undefined;
}

/** Every page of a list: `items` of each answer, until TotalCount (or a short or empty page). */
async function allPages(
  read: (page: number) => Promise<Record<string, unknown>>,
  items: (reply: Record<string, unknown>) => Record<string, unknown>[],
  total: (reply: Record<string, unknown>) => unknown,
  action: string,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const reply = await read(page);
    const got = items(reply);
    out.push(...got);
    const n = Number(total(reply));
    if (got.length === 0 || (Number.isFinite(n) && total(reply) !== undefined ? out.length >= n : got.length < PAGE_SIZE)) return out;
  }
  return fail("lifecycle.watch.list_too_long", action, { pages: MAX_PAGES });
}

function sourceError(source: WatchService, err: unknown): WatchSourceError {
  if (isKeysmithError(err)) {
    const params: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(err.params ?? {})) if (typeof v === "string" || typeof v === "number") params[k] = v;
    return { source, code: err.code, ...(err.field ? { field: err.field } : {}), params, message: err.message };
  }
  return { source, code: "unexpected", message: err instanceof Error ? err.message : String(err) };
}

function commonNameOf(subject: string): string | undefined {
  const m = /(?:^|[,/]\s*)CN=((?:\\.|[^,])*)/.exec(subject);
  return m ? m[1]!.replace(/\\(.)/g, "$1").trim() : undefined;
}

interface Draft extends Omit<WatchRow, "daysLeft" | "notAfter"> {
  notAfterMs: number;
}

/** One row of a ListUserCertificateOrder answer, or undefined for an order not issued (no end date). */
function casDraft(item: Record<string, unknown>, type: string): Draft | undefined {
  const notAfterMs = timeOf(item.CertEndTime, item.EndDate);
  if (notAfterMs === undefined) return undefined;
  const certId = str(item.CertificateId);
  const orderId = str(item.OrderId);
  const upload = item.Upload === true || type === "UPLOAD" || str(item.SourceType).toLowerCase() === "upload";
  const sans = names(item.Sans).length > 0 ? names(item.Sans) : names(item.Domain);
  const commonName = str(item.CommonName) || sans[0];
  const serial = str(item.SerialNo) ? normalizeSerial(str(item.SerialNo)) : undefined;
  return {
    id: certId || orderId,
    source: upload ? "cas-upload" : "cas-order",
    name: str(item.Name) || commonName || certId || orderId,
    ...(commonName ? { commonName } : {}),
    sans,
    notAfterMs,
    deployedTo: [],
    ...(orderId && !upload ? { orderId } : {}),
    ...(serial ? { serial } : {}),
  };
}

/** Fills what `into` lacks from `from` (the same certificate seen in another list). */
function merge(into: Draft, from: Draft): void {
  if (!into.orderId && from.orderId) into.orderId = from.orderId;
  if (!into.serial && from.serial) into.serial = from.serial;
  if (!into.commonName && from.commonName) into.commonName = from.commonName;
  if (into.sans.length === 0) into.sans = from.sans;
  // A list row with a CertificateId names the certificate better than an order row keyed by its OrderId.
  if (from.id !== into.id && from.orderId && into.id === into.orderId && from.id !== from.orderId) into.id = from.id;
}

async function casDrafts(call: WatchCall): Promise<Draft[]> {
  const drafts: Draft[] = [];
  const byCertId = new Map<string, Draft>();
  const byOrderId = new Map<string, Draft>();
  for (const { type, status } of CAS_LISTS) {
    const items = await allPages(
      (page) => call("cas", "ListUserCertificateOrder", { OrderType: type, ...(status ? { Status: status } : {}), CurrentPage: String(page), ShowSize: String(PAGE_SIZE) }),
      (reply) => list(reply.CertificateOrderList),
      (reply) => reply.TotalCount,
      "ListUserCertificateOrder",
    );
    for (const item of items) {
      const draft = casDraft(item, type);
      if (!draft) continue;
      const certId = str(item.CertificateId);
      const seen = (certId ? byCertId.get(certId) : undefined) ?? (draft.orderId ? byOrderId.get(draft.orderId) : undefined);
      if (seen) {
        merge(seen, draft);
        if (certId) byCertId.set(certId, seen);
        continue;
      }
      drafts.push(draft);
      if (certId) byCertId.set(certId, draft);
      if (draft.orderId) byOrderId.set(draft.orderId, draft);
    }
  }
  return drafts;
}

async function kmsDrafts(call: WatchCall): Promise<Draft[]> {
  const summaries = await allPages(
    (page) => call("kms", "ListCertificates", { PageNumber: String(page), PageSize: String(PAGE_SIZE) }),
    (reply) => list(reply.CertificateSummaryList),
    (reply) => reply.TotalSize ?? reply.TotalCount,
    "ListCertificates",
  );
  const drafts: Draft[] = [];
  const seen = new Set<string>();
  for (const summary of summaries) {
    const id = str(summary.CertificateId);
    if (!id || seen.has(id)) continue;
    seen.add(id);
    const detail = await call("kms", "DescribeCertificate", { CertificateId: id });
    let notAfterMs = timeOf(detail.NotAfter, summary.NotAfter);
    let commonName = commonNameOf(str(detail.Subject) || str(summary.Subject));
    let sans = names(detail.SubjectAlternativeNames);
    let serial = str(detail.Serial) ? normalizeSerial(str(detail.Serial)) : undefined;
    if (notAfterMs === undefined) {
      // A certificate still waiting for its issued certificate (PENDING) has none: nothing expires yet.
      if (str(detail.Status || summary.Status).toUpperCase() === "PENDING") continue;
      const got = await call("kms", "GetCertificate", { CertificateId: id });
      const pem = str(got.Certificate);
      if (!pem) continue;
      const leaf = parseCertificates(pem, "Certificate").leaf;
      notAfterMs = leaf.notAfter.getTime();
      commonName ??= leaf.commonName;
      if (sans.length === 0) sans = leaf.sans;
      serial ??= normalizeSerial(leaf.serial);
    }
    drafts.push({ id, source: "kms", name: commonName || id, ...(commonName ? { commonName } : {}), sans, notAfterMs, deployedTo: [], ...(serial ? { serial } : {}) });
  }
  return drafts;
}

/**
 * Deployments onto the rows so far; a served CertId no row has becomes a `<product>-served` row of its own.
 * CDN domains are listed as they are, DCDN ones as `dcdn:<domain>`.
 */
async function servedDrafts(call: WatchCall, casRows: Draft[], target: DeployTarget, service: "cdn" | "dcdn"): Promise<Draft[]> {
  const cdnCall: ApiCall = (action, params) => call(service, action, params);
  const served = await target.servedCertIds(cdnCall);
  const label = (domain: string) => (service === "cdn" ? domain : `${service}:${domain}`);
  const extra: Draft[] = [];
  for (const [certId, domains] of served) {
    const sorted = [...domains].sort().map(label);
    const place = [...domains].sort()[0]!;
    const row = [...casRows, ...extra].find((r) => r.id === certId && r.source !== "kms");
    if (row) {
      row.deployedTo = [...new Set([...row.deployedTo, ...sorted])];
      continue;
    }
    const seen = await target.served(cdnCall, place);
    if (!seen?.certificatePem) continue;
    let leaf;
    try {
      leaf = parseCertificates(seen.certificatePem, "ServerCertificate").leaf;
    } catch (err) {
      if (isKeysmithError(err)) continue;
      throw err;
    }
    extra.push({
      id: certId,
      source: service === "cdn" ? "cdn-served" : "dcdn-served",
      name: leaf.commonName || certId,
      ...(leaf.commonName ? { commonName: leaf.commonName } : {}),
      sans: leaf.sans,
      notAfterMs: leaf.notAfter.getTime(),
      deployedTo: sorted,
      serial: normalizeSerial(leaf.serial),
    });
  }
  return extra;
}

/** Soonest to expire first; equal days by name, then id. */
export function sortRows(rows: WatchRow[]): WatchRow[] {
  return [...rows].sort((a, b) => a.daysLeft - b.daysLeft || Date.parse(a.notAfter) - Date.parse(b.notAfter) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** Gathers every certificate of the account (see the file's head). */
export async function gatherWatch(call: WatchCall, options: WatchOptions): Promise<WatchReport> {
  const errors: WatchSourceError[] = [];
  const drafts = await casDrafts(call);
  if (options.kms !== false) {
    try {
      drafts.push(...(await kmsDrafts(call)));
    } catch (err) {
      errors.push(sourceError("kms", err));
    }
  }
  for (const [service, target] of [["cdn", CDN_TARGET], ["dcdn", DCDN_TARGET]] as const) {
    if (options[service] === false) continue;
    try {
      drafts.push(...(await servedDrafts(call, drafts, target, service)));
    } catch (err) {
      errors.push(sourceError(service, err));
    }
  }
  const rows = drafts.map(({ notAfterMs, ...rest }): WatchRow => ({
    ...rest,
    notAfter: new Date(notAfterMs).toISOString(),
    daysLeft: daysLeft(new Date(notAfterMs), options.now),
  }));
  return { now: options.now.toISOString(), rows: sortRows(rows), errors };
}

/** The rows expiring within `days` days (daysLeft <= days), expired ones included. */
export function expiringWithin(rows: readonly WatchRow[], days: number): WatchRow[] {
  return rows.filter((r) => r.daysLeft <= days);
}

/** Whole days 0..3650 for a threshold (`--days`, the popup); undefined when the text is not one. */
export function parseWatchDays(text: string): number | undefined {
  if (!/^\d{1,4}$/.test(text.trim())) return undefined;
  const n = Number(text.trim());
  return n <= 3650 ? n : undefined;
}
