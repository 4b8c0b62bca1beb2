// Alidns 2015-01-09: the DNS records cas validation looks for. Any DomainName is accepted as a zone of
// this account (adding a record makes the zone known, which is how a longer zone than the last two labels
// comes into play).
import { CloudError } from "../cloud-error";
import { nextId, type DnsRecord, type EmulatorState } from "../state";
import { isListed, listedAtFor, type ServiceDefinition } from "../service";
import { newestFirst, pageOf } from "../paging";

/** Alidns pages: PageNumber from 1, PageSize default 20, at most 500 (the API reference). */
const DNS_PAGING = { pageParam: "PageNumber", sizeParam: "PageSize", defaultSize: 20, maxSize: 500 } as const;

const lower = (s: string): string => s.toLowerCase().replace(/\.$/, "");

/** The zone a name lives in: the longest known zone that is a suffix, else its last two labels. */
export function zoneOf(state: EmulatorState, name: string): string {
  const host = lower(name.replace(/^\*\./, ""));
  const known = state.dns.zones.filter((z) => host === z || host.endsWith(`.${z}`)).sort((a, b) => b.length - a.length);
  return known[0] ?? host.split(".").slice(-2).join(".");
}

/** The host record of `name` relative to its zone ("" for the apex). */
export function relativeName(state: EmulatorState, name: string): string {
  const host = lower(name.replace(/^\*\./, ""));
  const zone = zoneOf(state, host);
  return host === zone ? "" : host.slice(0, host.length - zone.length - 1);
}

export function hasRecord(state: EmulatorState, zone: string, rr: string, type: string, value: string): boolean {
  return Object.values(state.dns.records).some(
    (r) => r.domainName === lower(zone) && r.rr.toLowerCase() === rr.toLowerCase() && r.type === type && r.value === value,
  );
}

function recordOut(r: DnsRecord): Record<string, unknown> {
  return {
    RecordId: r.recordId, DomainName: r.domainName, RR: r.rr, Type: r.type, Value: r.value, TTL: r.ttl,
    Line: r.line, Status: "ENABLE", Locked: false, Weight: 1, CreateTimestamp: r.createdAt, UpdateTimestamp: r.createdAt,
  };
}

export const alidnsService: ServiceDefinition = {
  id: "alidns",
  version: "2015-01-09",
  host: "alidns.aliyuncs.com",
  creates: ["AddDomainRecord"],
  handlers: {
    AddDomainRecord(p, ctx, call) {
      const zone = lower(p.DomainName!);
      const type = p.Type!.toUpperCase();
      if (hasRecord(ctx.state, zone, p.RR!, type, p.Value!)) {
        throw new CloudError(400, "DomainRecordDuplicate", "The DNS record already exists.");
      }
      if (!ctx.state.dns.zones.includes(zone)) ctx.state.dns.zones.push(zone);
      const recordId = nextId(ctx.state, "record");
      ctx.state.dns.records[recordId] = {
        recordId, domainName: zone, rr: p.RR!, type, value: p.Value!, ttl: Number(p.TTL ?? 600), line: p.Line ?? "default", createdAt: ctx.now(),
        listedAt: listedAtFor(ctx, call),
      };
      return { RecordId: recordId };
    },
    DescribeDomainRecords(p, ctx) {
      const zone = lower(p.DomainName!);
      const all = Object.values(ctx.state.dns.records).filter(
        (r) =>
          r.domainName === zone &&
          isListed(ctx, r) &&
          (!p.RRKeyWord || r.rr.includes(p.RRKeyWord)) &&
          (!p.TypeKeyWord || r.type === p.TypeKeyWord.toUpperCase()) &&
          (!p.Type || r.type === p.Type.toUpperCase()) &&
          (!p.ValueKeyWord || r.value.includes(p.ValueKeyWord)) &&
          (!p.KeyWord || r.rr.includes(p.KeyWord) || r.value.includes(p.KeyWord)),
      );
      newestFirst(all, (r) => r.createdAt, (r) => r.recordId);
      const { items, page, size, total } = pageOf(all, p, DNS_PAGING);
      return { TotalCount: total, PageNumber: page, PageSize: size, DomainRecords: { Record: items.map(recordOut) } };
    },
    DeleteDomainRecord(p, ctx) {
      const record = ctx.state.dns.records[p.RecordId!];
      if (!record) throw new CloudError(400, "DomainRecordNotBelongToUser", "The DNS record does not exist or does not belong to you.");
      delete ctx.state.dns.records[p.RecordId!];
      return { RecordId: record.recordId };
    },
  },
};
