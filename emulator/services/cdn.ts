// CDN 2018-05-10: accelerated domains of the account (AddCdnDomain, DescribeUserDomains) and the certificate
// each one serves (SetCdnDomainSSLCertificate, DescribeDomainCertificateInfo, DescribeCdnHttpsDomainList). A
// certificate is set from cas by CertId (an upload or an issued order's certificate) or given as SSLPub/SSLPri,
// and is refused for a domain it does not cover. Dates follow the business clock, so "expired" can be produced.
// While a domain serves a cas certificate by CertId, cas DeleteUserCertificate refuses to delete it
// (CertificateInUse, services/user-certificates.ts); once the domain serves another one it may go.
import { CloudError } from "../cloud-error";
import { iso } from "../json";
import { nextId, type CdnDomain, type CdnHttps } from "../state";
import { isListed, listedAtFor, type ServiceContext, type ServiceDefinition } from "../service";
import { newestFirst, pageOf } from "../paging";
import { heldCertificate, parseCert, publicKeyOf } from "./user-certificates";
import { certificateMatchesKey } from "../../src/core/cert/certificate";

/** DescribeUserDomains: PageNumber from 1, PageSize default 20, at most 500 (the SDK's typings). */
const DOMAIN_PAGING = { pageParam: "PageNumber", sizeParam: "PageSize", defaultSize: 20, maxSize: 500 } as const;
/** DescribeCdnHttpsDomainList: default 20; no maximum documented. */
const HTTPS_PAGING = { pageParam: "PageNumber", sizeParam: "PageSize", defaultSize: 20 } as const;
const DAY = 24 * 60 * 60 * 1000;

// Documented for CDN (SetDomainServerCertificate's reference): the domain is not the account's.
const domainNotFound = (): CloudError => new CloudError(404, "InvalidDomain.NotFound", "The domain provided does not belong to you.");
// The emulator's choice of codes (docs/emulator.md).
const domainExists = (name: string): CloudError => new CloudError(400, "DomainAlreadyExist", `The domain ${name} has been added already.`);
const certificateNotFound = (): CloudError => new CloudError(404, "Certificate.NotFound", "The certificate does not exist in Certificate Management Service.");
const domainNotMatch = (domain: string, names: readonly string[]): CloudError =>
  new CloudError(400, "Certificate.DomainNotMatch", `The certificate (${names.join(", ")}) does not cover the domain ${domain}.`);
const keyMismatch = (): CloudError => new CloudError(400, "Certificate.KeyMismatch", "The certificate and the private key do not match.");

/** CDN writes a wildcard domain `.example.com`; certificates write it `*.example.com`. */
const asCertName = (domain: string): string => (domain.startsWith(".") ? `*${domain}` : domain).toLowerCase();

/** True when one of the certificate's names covers `domain`: the same name, or `*.parent` one label above it. */
export function covers(names: readonly string[], domain: string): boolean {
  const d = asCertName(domain);
  return names.some((raw) => {
    const n = raw.toLowerCase();
    if (n === d) return true;
    if (!n.startsWith("*.") || d.startsWith("*.")) return false;
    const dot = d.indexOf(".");
    return dot > 0 && d.slice(dot + 1) === n.slice(2);
  });
}

/** RFC 3339 without milliseconds, as CDN writes times. */

function findDomain(ctx: ServiceContext, name: string): CdnDomain {
  const domain = ctx.state.cdn.domains[name.toLowerCase()];
  if (!domain) throw domainNotFound();
  return domain;
}

function parseSources(text: string): Record<string, unknown>[] {
  try {
    const list: unknown = JSON.parse(text);
    if (Array.isArray(list)) return list.filter((o): o is Record<string, unknown> => o !== null && typeof o === "object");
  } catch {
    // checked by the catalogue rule cdn_sources before a handler runs
  }
  return [];
}

function domainRow(d: CdnDomain): Record<string, unknown> {
  return {
    DomainName: d.domainName,
    DomainId: d.domainId,
    Cname: `${d.domainName.replace(/^\./, "all.")}.w.kunlunsl.com`,
    CdnType: d.cdnType,
    DomainStatus: "online",
    Coverage: d.scope,
    SslProtocol: d.https ? "on" : "off",
    Sandbox: "normal",
    Description: "",
    ResourceGroupId: "rg-acfmyuji4b6r4ry",
    GmtCreated: iso(d.createdAt),
    GmtModified: iso(d.modifiedAt),
    Sources: {
      Source: parseSources(d.sources).map((s) => ({
        Content: String(s.content ?? ""), Type: String(s.type ?? ""), Port: Number(s.port ?? 80), Priority: String(s.priority ?? "20"), Weight: String(s.weight ?? "10"),
      })),
    },
  };
}

function matchesSearch(name: string, wanted: string, how: string): boolean {
  const n = name.toLowerCase();
  const w = wanted.toLowerCase();
  if (how === "fuzzy_match") return n.includes(w);
  if (how === "pre_match") return n.startsWith(w);
  if (how === "suf_match") return n.endsWith(w);
  return n === w;
}

/** ok, expire_soon (under 30 days left) or expired on the business clock. */
const certStatus = (https: CdnHttps, now: number): string => (https.notAfter < now ? "expired" : https.notAfter - now < 30 * DAY ? "expire_soon" : "ok");

/** The issuer's name as CDN shows it (CertOrg): its O, else its CN, else the whole DN. */
function issuerOrg(issuer: string): string {
  const pick = (key: string) => new RegExp(`(?:^|,\\s*)${key}=([^,]+)`).exec(issuer)?.[1]?.trim();
  return pick("O") ?? pick("CN") ?? issuer;
}

function httpsFromPem(certPem: string, keyPem: string | undefined, domain: string): Omit<CdnHttps, "certType" | "certName" | "certRegion" | "updatedAt"> {
  const chain = parseCert(certPem, "SSLPub");
  if (keyPem !== undefined && !certificateMatchesKey(chain.leaf.spkiDer, publicKeyOf(keyPem, "SSLPri"))) throw keyMismatch();
  const names = chain.leaf.sans.length > 0 ? chain.leaf.sans : [chain.leaf.commonName];
  if (!covers(names, domain)) throw domainNotMatch(domain, names);
  return {
    certPem: chain.pem,
    serial: chain.leaf.serial,
    commonName: chain.leaf.commonName,
    issuer: chain.leaf.issuer,
    notBefore: chain.leaf.notBefore.getTime(),
    notAfter: chain.leaf.notAfter.getTime(),
  };
}

/**
 * SetCdnDomainSSLCertificate, and DCDN's SetDcdnDomainSSLCertificate (the same parameters and checks): HTTPS
 * off, or on with a certificate cas holds (CertType cas, CertId; it must cover the domain) or an uploaded
 * pair (SSLPub, SSLPri). True when a certificate was set (a deploy).
 */
export function setDomainHttps(domain: { domainName: string; https?: CdnHttps; modifiedAt: number }, p: Record<string, string>, ctx: ServiceContext): boolean {
  const now = ctx.now();
  if (p.SSLProtocol === "off") {
    delete domain.https;
    domain.modifiedAt = now;
    return false;
  }
  const region = p.CertRegion ?? "cn-hangzhou";
  if (p.CertType === "cas") {
    const held = heldCertificate(ctx, p.CertId!);
    if (!held) throw certificateNotFound();
    const names = held.sans.length > 0 ? held.sans : [held.commonName];
    if (!covers(names, domain.domainName)) throw domainNotMatch(domain.domainName, names);
    domain.https = {
      certType: "cas", certId: held.certId, certName: p.CertName ?? held.name, certRegion: region, certPem: held.certPem, serial: held.serial,
      commonName: held.commonName, issuer: held.issuer, notBefore: held.notBefore, notAfter: held.notAfter, updatedAt: now,
    };
  } else {
    if (!p.SSLPub) throw new CloudError(400, "SSLPub.MissingParameter", "The SSLPub parameter is required.");
    if (!p.SSLPri) throw new CloudError(400, "SSLPri.MissingParameter", "The SSLPri parameter is required.");
    const got = httpsFromPem(p.SSLPub, p.SSLPri, domain.domainName);
    domain.https = { ...got, certType: "upload", certName: p.CertName ?? `${domain.domainName}-${now}`, certRegion: region, updatedAt: now };
  }
  // Only a change that went through moves the modification time (a refused one changed nothing).
  domain.modifiedAt = now;
  return true;
}

export const cdnService: ServiceDefinition = {
  id: "cdn",
  version: "2018-05-10",
  host: "cdn.aliyuncs.com",
  creates: ["AddCdnDomain"],
  handlers: {
    AddCdnDomain(p, ctx, call) {
      const name = p.DomainName!.toLowerCase();
      if (ctx.state.cdn.domains[name]) throw domainExists(name);
      const now = ctx.now();
      ctx.state.cdn.domains[name] = {
        domainName: name,
        domainId: Number(nextId(ctx.state, "cdnDomain")),
        cdnType: p.CdnType!,
        sources: p.Sources!,
        scope: p.Scope ?? "domestic",
        createdAt: now,
        modifiedAt: now,
        listedAt: listedAtFor(ctx, call),
      };
      return {};
    },
    DescribeUserDomains(p, ctx) {
      // A DomainName without DomainSearchType is an exact match (the SDK's typings).
      const how = p.DomainSearchType ?? "full_match";
      const types = p.CdnType ? p.CdnType.split(",").map((t) => t.trim()) : undefined;
      const all = Object.values(ctx.state.cdn.domains).filter(
        (d) =>
          isListed(ctx, d) &&
          (!p.DomainName || matchesSearch(d.domainName, p.DomainName, how)) &&
          (!p.DomainStatus || p.DomainStatus === "online") &&
          (!types || types.includes(d.cdnType)) &&
          (!p.Coverage || p.Coverage === d.scope),
      );
      newestFirst(all, (d) => d.createdAt, (d) => String(d.domainId));
      const { items, page, size, total } = pageOf(all, p, DOMAIN_PAGING);
      return { Domains: { PageData: items.map(domainRow) }, TotalCount: total, PageNumber: page, PageSize: size };
    },
    SetCdnDomainSSLCertificate(p, ctx) {
      if (setDomainHttps(findDomain(ctx, p.DomainName!), p, ctx)) ctx.state.cdn.deploys += 1;
      return {};
    },
    DescribeDomainCertificateInfo(p, ctx) {
      const d = findDomain(ctx, p.DomainName!);
      const h = d.https;
      const info: Record<string, unknown> = { DomainName: d.domainName, ServerCertificateStatus: h ? "on" : "off", DomainCnameStatus: "ok" };
      if (h) {
        Object.assign(info, {
          CertName: h.certName,
          ...(h.certId ? { CertId: h.certId } : {}),
          CertType: h.certType,
          CertRegion: h.certRegion,
          CertDomainName: h.commonName,
          CertOrg: issuerOrg(h.issuer),
          CertStartTime: iso(h.notBefore),
          CertExpireTime: iso(h.notAfter),
          CertUpdateTime: iso(h.updatedAt),
          CertLife: "months",
          ServerCertificate: h.certPem,
          Status: "success",
        });
      }
      return { CertInfos: { CertInfo: [info] } };
    },
    DescribeCdnHttpsDomainList(p, ctx) {
      const now = ctx.now();
      const k = p.Keyword?.toLowerCase();
      const all = Object.values(ctx.state.cdn.domains).filter(
        (d): d is CdnDomain & { https: CdnHttps } =>
          d.https !== undefined && (!k || d.domainName.includes(k) || d.https.certName.toLowerCase().includes(k) || d.https.commonName.toLowerCase().includes(k)),
      );
      newestFirst(all, (d) => d.https.updatedAt, (d) => String(d.domainId));
      const { items, total } = pageOf(all, p, HTTPS_PAGING);
      return {
        CertInfos: {
          CertInfo: items.map((d) => ({
            DomainName: d.domainName,
            CertName: d.https.certName,
            CertCommonName: d.https.commonName,
            CertType: d.https.certType,
            CertStartTime: iso(d.https.notBefore),
            CertExpireTime: iso(d.https.notAfter),
            CertUpdateTime: iso(d.https.updatedAt),
            CertStatus: certStatus(d.https, now),
          })),
        },
        TotalCount: total,
      };
    },
  },
};
