// DCDN 2018-01-15 (dcdn.aliyuncs.com, one endpoint): the accelerated domains of Dynamic Route for CDN (Edge
// Security Acceleration) and the certificate each one serves, so a cas certificate can be deployed there and
// read back. Names, types and allowed values from the DCDN API reference (SetDcdnDomainSSLCertificate,
// DescribeDcdnDomainCertificateInfo, DescribeDcdnUserDomains).
import type { Operation } from "../operation-types";
import { fields, p, req } from "./build";
import { sslCertificateOperation } from "./cdn";

const dcdn = (action: string, kind: Operation["kind"], params: Operation["params"], response: string): Operation =>
  ({ service: "dcdn", version: "2018-01-15", action, method: "POST", kind, params, response: fields(`RequestId${response ? `, ${response}` : ""}`) });

const domainName = req("DomainName", "string", "The accelerated domain, e.g. www.example.com (a wildcard as .example.com)", { rule: "cdn_domain" });

export const DCDN_OPERATIONS: Operation[] = [
  sslCertificateOperation(dcdn, "SetDcdnDomainSSLCertificate", domainName),
  dcdn("DescribeDcdnDomainCertificateInfo", "read", [domainName], "CertInfos.CertInfo:array"),
  dcdn("DescribeDcdnUserDomains", "read", [
    p("DomainName", "string", "Domain filter"),
    p("DomainSearchType", "string", "How DomainName matches", { allowed: ["fuzzy_match", "pre_match", "suf_match", "full_match"], default: "fuzzy_match" }),
    p("DomainStatus", "string", "Status filter", {
      allowed: ["online", "offline", "configuring", "configure_failed", "checking", "check_failed"],
    }),
    p("CheckDomainShow", "boolean", "Include domains under review or failed"),
    p("ResourceGroupId", "string", "Resource group"),
    p("PageNumber", "integer", "Page (1 to 100000)", { rule: "positive" }),
    p("PageSize", "integer", "Page size (1 to 500, default 20)", { rule: "positive" }),
  ], "Domains.PageData:array, TotalCount:integer, PageNumber:integer, PageSize:integer"),
];
