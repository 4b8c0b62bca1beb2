// Where each service lives, per site (China, international) and region (KMS is regional). An explicit
// endpoint (the emulator, a VPC endpoint) overrides all of them. KMS, SLB and ALB are regional; STS is central
// per site unless a region is given.
import type { ServiceId } from "./operation-types";

export type Site = "cn" | "intl";

export interface EndpointOptions {
  site?: Site;
  region?: string;
  /** Full URL, e.g. http://127.0.0.1:8080: every service goes there. */
  endpoint?: string;
}

export const DEFAULT_REGION: Record<Site, string> = { cn: "cn-hangzhou", intl: "ap-southeast-1" };

export function endpointFor(service: ServiceId, options: EndpointOptions = {}): URL {
  if (options.endpoint) return new URL(options.endpoint.includes("://") ? options.endpoint : `https://${options.endpoint}`);
  const site = options.site ?? "cn";
  const region = options.region ?? DEFAULT_REGION[site];
  const host = {
    cas: site === "intl" ? "cas.ap-southeast-1.aliyuncs.com" : "cas.aliyuncs.com",
    kms: `kms.${region}.aliyuncs.com`,
    alidns: site === "intl" ? "alidns.ap-southeast-1.aliyuncs.com" : "alidns.aliyuncs.com",
    // CDN has one global endpoint for both sites.
    cdn: "cdn.aliyuncs.com",
    // DCDN too; SLB and ALB are regional like KMS.
    dcdn: "dcdn.aliyuncs.com",
    slb: `slb.${region}.aliyuncs.com`,
    alb: `alb.${region}.aliyuncs.com`,
    // STS: one central endpoint per site, or the regional one when a region is given.
    sts: options.region ? `sts.${options.region}.aliyuncs.com` : site === "intl" ? "sts.ap-southeast-1.aliyuncs.com" : "sts.aliyuncs.com",
  }[service];
  return new URL(`https://${host}/`);
}

/**
 * An Alibaba Cloud API host: `*.aliyuncs.com` (every host endpointFor gives, China and international sites
 * and every KMS region). Signature V1 does not cover the host, so it is sent only to these and to loopback.
 */
export function isAlibabaHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  return host.endsWith(".aliyuncs.com") && /^[a-z0-9.-]+$/.test(host) && !host.includes("..");
}

/** Loopback: 127.0.0.0/8, `localhost` and [::1] (URL.hostname form, brackets included or not). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host === "localhost" || host === "[::1]" || host === "::1") return true;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m !== null && m[1] === "127" && m.slice(2).every((p) => Number(p) <= 255);
}
