// The popup's Renewal section as form state (every field a string or a flag) and its conversion to and from
// the worker's `renewal.set` / `renewal.get` shapes (src/messages.ts KeyRenewal). The worker checks everything
// again (validateRenewalPolicy, the payload schema of the bindings, the upload rules); here only what lets the
// form say what is wrong before sending.
//
// Deploy bindings: CDN and DCDN domains (one a line, or separated by commas or spaces) and "every domain";
// SLB listeners, one `LB_ID:PORT[:DOMAIN]` a line, and ALB listeners, one `LISTENER_ID` (its default
// certificate) or `LISTENER_ID:additional` a line, each list with a region select. A line may end in
// `@REGION` for another region than the select's (so bindings in several regions read back unchanged).
import { parseAlbWhere, parseSlbWhere } from "../core/lifecycle/deploy-targets";
import type { DeployBinding, KeyRenewal, RenewalPolicyInput, RequestOf } from "../messages";
import { KMS_REGIONS } from "../options/endpoint";

export type DeployRegion = (typeof KMS_REGIONS)[number];
/** The region the SLB and ALB selects start at when nothing is stored. */
export const DEFAULT_DEPLOY_REGION: DeployRegion = "cn-hangzhou";

export interface RenewalInput {
  mode: "off" | "notify" | "auto";
  /** Days before the end, as typed. */
  beforeDays: string;
  key: "new" | "reuse";
  uploadToCas: boolean;
  /** CDN domains, one a line (or separated by commas or spaces). */
  cdnDomains: string;
  /** Every CDN domain the certificate covers. */
  cdnAuto: boolean;
  /** DCDN domains, as the CDN ones. */
  dcdnDomains: string;
  /** Every DCDN domain the certificate covers. */
  dcdnAuto: boolean;
  /** SLB HTTPS listeners, one `LB_ID:PORT[:DOMAIN][@REGION]` a line. */
  slbListeners: string;
  /** The region of the SLB lines that name none. */
  slbRegion: string;
  /** ALB HTTPS listeners, one `LISTENER_ID[:default|:additional][@REGION]` a line. */
  albListeners: string;
  /** The region of the ALB lines that name none. */
  albRegion: string;
  /** Delete the previous upload from cas once nothing serves it (offered only with the upload). */
  deleteOldUpload: boolean;
}

type SlbBinding = Extract<DeployBinding, { target: "slb" }>;
type AlbBinding = Extract<DeployBinding, { target: "alb" }>;

const isRegion = (r: string): r is DeployRegion => (KMS_REGIONS as readonly string[]).includes(r);
const domainsFor = (deploy: DeployBinding[], target: "cdn" | "dcdn"): string => deploy.flatMap((b) => (b.target === target && "domain" in b ? [b.domain] : [])).join("\n");
const autoFor = (deploy: DeployBinding[], target: "cdn" | "dcdn"): boolean => deploy.some((b) => b.target === target && "auto" in b);
const at = (region: string, listRegion: string): string => (region === listRegion ? "" : `@${region}`);

export function renewalInput(r: KeyRenewal): RenewalInput {
  const slb = r.deploy.filter((b): b is SlbBinding => b.target === "slb");
  const alb = r.deploy.filter((b): b is AlbBinding => b.target === "alb");
  const slbRegion = slb[0]?.region ?? DEFAULT_DEPLOY_REGION;
  const albRegion = alb[0]?.region ?? DEFAULT_DEPLOY_REGION;
  return {
    mode: r.policy.mode,
    beforeDays: String(r.policy.beforeDays),
    key: r.policy.key,
    uploadToCas: r.uploadToCas,
    cdnDomains: domainsFor(r.deploy, "cdn"),
    cdnAuto: autoFor(r.deploy, "cdn"),
    dcdnDomains: domainsFor(r.deploy, "dcdn"),
    dcdnAuto: autoFor(r.deploy, "dcdn"),
    slbListeners: slb.map((b) => `${b.loadBalancerId}:${b.port}${b.domain ? `:${b.domain}` : ""}${at(b.region, slbRegion)}`).join("\n"),
    slbRegion,
    albListeners: alb.map((b) => `${b.listenerId}${b.default ? "" : ":additional"}${at(b.region, albRegion)}`).join("\n"),
    albRegion,
    deleteOldUpload: r.deleteOldUpload,
  };
}

/** The days field's problem, if any: a whole number from 1 to 397 (src/core/lifecycle/renewal.ts checkBeforeDays). */
export function beforeDaysError(text: string): "ui_renewal_days_invalid" | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return "ui_renewal_days_invalid";
  const n = Number(t);
  return n >= 1 && n <= 397 ? undefined : "ui_renewal_days_invalid";
}

export function domainsOf(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((d) => d.trim().toLowerCase()).filter(Boolean))];
}

const linesOf = (text: string): string[] => [...new Set(text.split(/[\n,;]+/).map((l) => l.trim()).filter(Boolean))];

/** A listener line's problem: the message key and the line, for the field's error text. */
export interface ListenerLineError {
  key: "ui_renewal_slb_invalid" | "ui_renewal_alb_invalid" | "ui_renewal_region_invalid";
  line: string;
}

/** A line's place and region (`…@REGION`, else the list's); a KeysmithError from the catalogue's parse when malformed. */
function splitRegion(line: string, listRegion: string): { where: string; region: string } | ListenerLineError {
  const atSign = line.lastIndexOf("@");
  const where = atSign < 0 ? line : line.slice(0, atSign).trim();
  const region = atSign < 0 ? listRegion : line.slice(atSign + 1).trim().toLowerCase();
  if (!isRegion(region)) return { key: "ui_renewal_region_invalid", line };
  return { where, region };
}

/** Each line of a listener list read by `make` (which throws for a bad line), or the first line it refuses. */
function listenerBindings<T>(text: string, listRegion: string, invalid: ListenerLineError["key"], make: (where: string, region: string) => T): T[] | ListenerLineError {
  const out: T[] = [];
  for (const line of linesOf(text)) {
    const split = splitRegion(line, listRegion);
    if ("key" in split) return split;
    try {
      out.push(make(split.where, split.region));
    } catch {
      return { key: invalid, line };
    }
  }
  return out;
}

/** The SLB lines as bindings, or the first line that is not `LB_ID:PORT[:DOMAIN][@REGION]` (port 1..65535). */
export function slbBindings(text: string, listRegion: string): SlbBinding[] | ListenerLineError {
  return listenerBindings(text, listRegion, "ui_renewal_slb_invalid", (where, region): SlbBinding => {
    const w = parseSlbWhere(where, "slb");
    return { target: "slb", loadBalancerId: w.loadBalancerId, port: w.port, ...(w.domain ? { domain: w.domain } : {}), region };
  });
}

/** The ALB lines as bindings, or the first line that is not `LISTENER_ID[:default|:additional][@REGION]`. */
export function albBindings(text: string, listRegion: string): AlbBinding[] | ListenerLineError {
  return listenerBindings(text, listRegion, "ui_renewal_alb_invalid", (where, region): AlbBinding => {
    const w = parseAlbWhere(where, "alb");
    return { target: "alb", listenerId: w.listenerId, default: w.isDefault, region };
  });
}

/** The SLB and ALB fields' problems (only looked at with the upload: without it no binding is sent). */
export function deployErrors(input: RenewalInput): { slb?: ListenerLineError; alb?: ListenerLineError } {
  if (!input.uploadToCas) return {};
  const slb = slbBindings(input.slbListeners, input.slbRegion);
  const alb = albBindings(input.albListeners, input.albRegion);
  return { ...(Array.isArray(slb) ? {} : { slb }), ...(Array.isArray(alb) ? {} : { alb }) };
}

/**
 * The request for `renewal.set`: deploy bindings and the old upload's deletion only with the upload (the worker
 * refuses them otherwise). Listener lines with a problem (deployErrors) are left out: the section does not send then.
 */
export function renewalRequest(keyId: string, input: RenewalInput, fractionLeft?: number): RequestOf<"renewal.set"> {
  const policy: RenewalPolicyInput = { mode: input.mode, beforeDays: Number(input.beforeDays.trim()), key: input.key, ...(fractionLeft !== undefined ? { fractionLeft } : {}) };
  const slb = slbBindings(input.slbListeners, input.slbRegion);
  const alb = albBindings(input.albListeners, input.albRegion);
  const deploy: DeployBinding[] = input.uploadToCas
    ? [
        ...domainsOf(input.cdnDomains).map((domain): DeployBinding => ({ target: "cdn", domain })),
        ...(input.cdnAuto ? [{ target: "cdn", auto: true } as const] : []),
        ...domainsOf(input.dcdnDomains).map((domain): DeployBinding => ({ target: "dcdn", domain })),
        ...(input.dcdnAuto ? [{ target: "dcdn", auto: true } as const] : []),
        ...(Array.isArray(slb) ? slb : []),
        ...(Array.isArray(alb) ? alb : []),
      ]
    : [];
  return { keyId, policy, uploadToCas: input.uploadToCas, deploy, deleteOldUpload: input.uploadToCas && input.deleteOldUpload };
}
