// Alidns 2015-01-09: the three calls that publish and remove a DNS validation record.
import type { Operation } from "../operation-types";
import { fields, p, req } from "./build";
import { lower } from "../create-identity";

const dns = (action: string, kind: Operation["kind"], params: Operation["params"], response: string): Operation =>
  ({ service: "alidns", version: "2015-01-09", action, method: "POST", kind, params, response: fields(`RequestId, ${response}`) });

export const ALIDNS_OPERATIONS: Operation[] = [
  {
    ...dns("AddDomainRecord", "create", [
    req("DomainName", "string", "The zone, e.g. example.com", { rule: "domain" }),
    req("RR", "string", "Host record (@ for the apex), e.g. _dnsauth", { rule: "host_record" }),
    req("Type", "string", "Record type", { allowed: ["A", "AAAA", "CNAME", "TXT", "MX", "NS", "SRV", "CAA", "REDIRECT_URL", "FORWARD_URL"] }),
    req("Value", "string", "Record value", { rule: "not_blank" }),
    p("TTL", "integer", "TTL in seconds", { default: "600" }),
    p("Line", "string", "Resolution line", { default: "default" }),
  ], "RecordId:long"),
    // A record is this create's when its name, type and value are the ones sent (a validation value is unique).
    reconcile: {
      action: "DescribeDomainRecords",
      params: (c) => ({ DomainName: c.DomainName ?? "", RRKeyWord: c.RR ?? "" }),
      items: "DomainRecords.Record",
      idField: "RecordId",
      resultField: "RecordId",
      paging: { page: "PageNumber", size: "PageSize", pageSize: 500 },
      matches: (item, c) =>
        lower(item.RR) === lower(c.RR) && lower(item.Type) === lower(c.Type) && String(item.Value ?? "") === c.Value &&
        (item.DomainName === undefined || lower(item.DomainName) === lower(c.DomainName)),
      describe: (item) => ({ RecordId: String(item.RecordId ?? ""), RR: String(item.RR ?? ""), Type: String(item.Type ?? ""), Value: String(item.Value ?? "") }),
      existsCodes: ["DomainRecordDuplicate"],
      identity: (c) => [`dns:${lower(c.Type)}:${lower(c.RR)}.${lower(c.DomainName)}:${c.Value ?? ""}`],
    },
  },
  dns("DescribeDomainRecords", "read", [
    req("DomainName", "string", "The zone", { rule: "domain" }),
    p("PageNumber", "integer", "Page (from 1)"),
    p("PageSize", "integer", "Page size (max 500)"),
    p("RRKeyWord", "string", "Host record filter"),
    p("TypeKeyWord", "string", "Type filter"),
    p("Type", "string", "Exact type"),
  ], "DomainRecords.Record:array, TotalCount:integer, PageNumber:integer, PageSize:integer"),
  dns("DeleteDomainRecord", "write", [req("RecordId", "long", "Record ID")], "RecordId:long"),
  // The zones the account holds, so the worker can find the one a validation record belongs to.
  dns("DescribeDomains", "read", [
    p("PageNumber", "integer", "Page (from 1)", { rule: "positive" }),
    p("PageSize", "integer", "Page size (max 100)", { rule: "positive" }),
    p("KeyWord", "string", "Domain name filter"),
  ], "Domains.Domain:array, TotalCount:integer, PageNumber:integer, PageSize:integer"),
];
