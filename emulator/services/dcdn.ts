// DCDN 2018-01-15: accelerated domains (AddDcdnDomain, DescribeDcdnUserDomains) and the certificate each one
// serves (SetDcdnDomainSSLCertificate, DescribeDcdnDomainCertificateInfo), as CDN does (services/cdn.ts): a
// certificate from cas by CertId, or SSLPub/SSLPri; one that does not cover the domain is refused.
// AddDcdnDomain is not in Keysmith's catalogue (Keysmith never adds domains): its parameters are checked here.
import { CloudError, need } from "../cloud-error";
import { iso } from "../json";
import type { DcdnDomain } from "../state";
import { isListed, listedAtFor, type ServiceContext, type ServiceDefinition } from "../service";
import { newestFirst, pageOf } from "../paging";
import { setDomainHttps } from "./cdn";

/** DescribeDcdnUserDomains: PageNumber from 1, PageSize default 20, at most 500. */
const DOMAIN_PAGING = { pageParam: "PageNumber", sizeParam: "PageSize", defaultSize: 20, maxSize: 500 } as const;

// The emulator's choice of codes (docs/emulator.md), the same as its CDN's.
const domainNotFound = (): CloudError => new CloudError(404, "InvalidDomain.NotFound", "The domain provided does not belong to you.");
const domainExists = (name: string): CloudError => new CloudError(400, "DomainAlreadyExist", `The domain ${name} has been added already.`);



function findDomain(ctx: ServiceContext, name: string): DcdnDomain {
  const domain = ctx.state.dcdn.domains[name.toLowerCase()];
  if (!domain) throw domainNotFound();
  return domain;
}

export const dcdnService: ServiceDefinition = {
  id: "dcdn",
  version: "2018-01-15",
  host: "dcdn.aliyuncs.com",
  creates: ["AddDcdnDomain"],
  handlers: {
    AddDcdnDomain(p, ctx, call) {
      const name = need(p, "DomainName").toLowerCase();
      const sources = need(p, "Sources");
      if (ctx.state.dcdn.domains[name]) throw domainExists(name);
      const now = ctx.now();
      ctx.state.dcdn.domains[name] = { domainName: name, sources, scope: p.Scope ?? "domestic", createdAt: now, modifiedAt: now, listedAt: listedAtFor(ctx, call) };
      return {};
    },
    DescribeDcdnUserDomains(p, ctx) {
      const how = p.DomainSearchType ?? "fuzzy_match";
      const want = p.DomainName?.toLowerCase();
      const all = Object.values(ctx.state.dcdn.domains).filter((d) => {
        if (!isListed(ctx, d)) return false;
        if (p.DomainStatus && p.DomainStatus !== "online") return false;
        if (!want) return true;
        if (how === "full_match") return d.domainName === want;
        if (how === "pre_match") return d.domainName.startsWith(want);
        if (how === "suf_match") return d.domainName.endsWith(want);
        return d.domainName.includes(want);
      });
      newestFirst(all, (d) => d.createdAt, (d) => d.domainName);
      const { items, page, size, total } = pageOf(all, p, DOMAIN_PAGING);
      return {
        Domains: {
          PageData: items.map((d) => ({
            DomainName: d.domainName,
            Cname: `${d.domainName.replace(/^\./, "all.")}.w.kunlunca.com`,
            DomainStatus: "online",
            SSLProtocol: d.https ? "on" : "off",
            Coverage: d.scope,
            GmtCreated: iso(d.createdAt),
            GmtModified: iso(d.modifiedAt),
          })),
        },
        TotalCount: total,
        PageNumber: page,
        PageSize: size,
      };
    },
    SetDcdnDomainSSLCertificate(p, ctx) {
      if (setDomainHttps(findDomain(ctx, p.DomainName!), p, ctx)) ctx.state.dcdn.deploys += 1;
      return {};
    },
    DescribeDcdnDomainCertificateInfo(p, ctx) {
      const d = findDomain(ctx, p.DomainName!);
      const h = d.https;
      const info: Record<string, unknown> = { DomainName: d.domainName, SSLProtocol: h ? "on" : "off" };
      if (h) {
        Object.assign(info, {
          CertName: h.certName,
          ...(h.certId ? { CertId: h.certId } : {}),
          CertType: h.certType,
          CertRegion: h.certRegion,
          CertDomainName: h.commonName,
          CertStartTime: iso(h.notBefore),
          CertExpireTime: iso(h.notAfter),
          CertLife: "months",
          SSLPub: h.certPem,
          Status: "success",
        });
      }
      return { CertInfos: { CertInfo: [info] } };
    },
  },
};
