// CDN 2018-05-10 (cdn.aliyuncs.com): the accelerated domains of the account and the certificate each one
// serves, so a certificate uploaded to cas (or issued there) can be deployed and checked. Field names, types
// and allowed values from @alicloud/cdn20180510's typings and the CDN API reference.
import { fail } from "../../errors";
import { lower } from "../create-identity";
import type { Operation } from "../operation-types";
import { fields, p, req } from "./build";

const cdn = (action: string, kind: Operation["kind"], params: Operation["params"], response: string): Operation =>
  ({ service: "cdn", version: "2018-05-10", action, method: "POST", kind, params, response: fields(`RequestId${response ? `, ${response}` : ""}`) });

const domainName = req("DomainName", "string", "The accelerated domain, e.g. www.example.com (a wildcard as .example.com)", { rule: "cdn_domain" });

/** CDN writes a wildcard domain `.example.com`; compare it as `*.example.com`. */
const cdnName = (v: unknown): string => {
  const name = lower(v);
  return name.startsWith(".") ? `*${name}` : name;
};

export const CDN_OPERATIONS: Operation[] = [
  {
    ...cdn("AddCdnDomain", "create", [
      domainName,
      req("CdnType", "string", "Workload", { allowed: ["web", "download", "video"] }),
      req("Sources", "string", "Origins: a JSON array of {content, type, priority, port, weight}", { rule: "cdn_sources" }),
      p("Scope", "string", "Acceleration region", { allowed: ["domestic", "overseas", "global"], default: "domestic" }),
      p("CheckUrl", "string", "URL that checks the origin"),
      p("TopLevelDomain", "string", "Top-level domain"),
      p("ResourceGroupId", "string", "Resource group"),
    ], ""),
    // The domain's name is unique in CDN: the listed domain of that name (added after the create began) is it.
    reconcile: {
      action: "DescribeUserDomains",
      params: (c) => ({ DomainName: c.DomainName ?? "", DomainSearchType: "full_match" }),
      items: "Domains.PageData",
      idField: "DomainName",
      resultField: "DomainName",
      paging: { page: "PageNumber", size: "PageSize", pageSize: 500 },
      matches: (item, c) => cdnName(item.DomainName) === cdnName(c.DomainName) && (item.CdnType === undefined || lower(item.CdnType) === lower(c.CdnType)),
      createdAt: (item) => {
        const at = Date.parse(String(item.GmtCreated ?? ""));
        return Number.isNaN(at) ? undefined : at;
      },
      describe: (item) => ({
        DomainName: String(item.DomainName ?? ""),
        CdnType: String(item.CdnType ?? ""),
        DomainStatus: String(item.DomainStatus ?? ""),
        GmtCreated: String(item.GmtCreated ?? ""),
      }),
      identity: (c) => (c.DomainName ? [`cdn-domain:${cdnName(c.DomainName)}`] : []),
      // Adding a domain the account already has: that domain is the result.
      existsCodes: ["DomainAlreadyExist"],
    },
  },
  cdn("DescribeUserDomains", "read", [
    p("DomainName", "string", "Domain filter"),
    p("DomainSearchType", "string", "How DomainName matches", { allowed: ["fuzzy_match", "pre_match", "suf_match", "full_match"], default: "full_match" }),
    p("DomainStatus", "string", "Status filter", {
      allowed: ["online", "offline", "configuring", "configure_failed", "checking", "check_failed", "stopping", "deleting"],
    }),
    p("CdnType", "string", "Workload filter (comma-separated web, download, video)"),
    p("CheckDomainShow", "boolean", "Include domains under review or failed"),
    p("Coverage", "string", "Acceleration region filter", { allowed: ["domestic", "overseas", "global"] }),
    p("Source", "string", "Origin filter"),
    p("ChangeStartTime", "string", "Changed from (yyyy-MM-ddTHH:mm:ssZ)"),
    p("ChangeEndTime", "string", "Changed until (yyyy-MM-ddTHH:mm:ssZ)"),
    p("ResourceGroupId", "string", "Resource group"),
    p("PageNumber", "integer", "Page (1 to 100000)", { rule: "positive" }),
    p("PageSize", "integer", "Page size (1 to 500, default 20)", { rule: "positive" }),
  ], "Domains.PageData:array, TotalCount:integer, PageNumber:integer, PageSize:integer"),
  sslCertificateOperation(cdn, "SetCdnDomainSSLCertificate", domainName),
  cdn("DescribeDomainCertificateInfo", "read", [domainName], "CertInfos.CertInfo:array"),
  cdn("DescribeCdnHttpsDomainList", "read", [
    p("Keyword", "string", "Text to search in domains and certificates"),
    p("PageNumber", "integer", "Page (1 to 100000)", { rule: "positive" }),
    p("PageSize", "integer", "Page size (default 20)", { rule: "positive" }),
  ], "CertInfos.CertInfo:array, TotalCount:integer"),
];

/**
 * CDN's SetCdnDomainSSLCertificate, and DCDN's SetDcdnDomainSSLCertificate which takes the same parameters:
 * HTTPS on with a cas certificate (CertId) or an uploaded pair (SSLPub, SSLPri), or off.
 */
export function sslCertificateOperation(
  make: (action: string, kind: Operation["kind"], params: Operation["params"], response: string) => Operation,
  action: string,
  domain: Operation["params"][number],
): Operation {
  return {
    ...make(action, "write", [
      domain,
      req("SSLProtocol", "string", "HTTPS on or off", { allowed: ["on", "off"] }),
      p("CertType", "string", "cas: a certificate held by cas (CertId); upload: the certificate and key given here", { allowed: ["cas", "upload"] }),
      p("CertId", "long", "The cas certificate's ID (CertType cas)"),
      p("CertName", "string", "The certificate's name"),
      p("CertRegion", "string", "Where the cas certificate lives (CertType cas)", { allowed: ["cn-hangzhou", "ap-southeast-1"], default: "cn-hangzhou" }),
      p("SSLPub", "string", "PEM certificate and chain (CertType upload)", { rule: "certificate_pem" }),
      p("SSLPri", "string", "PEM private key (CertType upload)", { rule: "private_key_pem", secret: true }),
      p("Env", "string", "staging: a canary deployment"),
    ], ""),
    crossCheck: (c) => {
      if (c.SSLProtocol !== "on") return;
      if (c.CertType === "cas") {
        if (!c.CertId) fail("api.param.required", "CertId", { action });
      } else if (c.CertType === "upload") {
        if (!c.SSLPub) fail("api.param.required", "SSLPub", { action });
        if (!c.SSLPri) fail("api.param.required", "SSLPri", { action });
      }
    },
  };
}
