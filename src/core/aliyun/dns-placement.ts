// Where a cas DNS validation record goes in Alidns: the zone (given, or the registrable domain guessed
// from the order's domain) and the host record (RR) relative to that zone, as AddDomainRecord wants it.
// Pure, so the worker's orders.addDnsRecord and the CLI's `order wait --add-dns-record` place it alike.
import { fail } from "../errors";

/** The Alidns zone and host record for a validation record on `domain` (zone given or guessed). */
export function dnsRecordPlacement(domain: string, recordDomain: string, zone?: string): { zone: string; rr: string } {
  const host = domain.replace(/^\*\./, "").toLowerCase();
  const labels = host.split(".");
  // Without a zone, guess the registrable domain: two labels, three under a two-letter second level such as com.cn.
  const guessed = labels.length > 2 && /^(com|net|org|gov|edu|ac|co)$/.test(labels[labels.length - 2]!) && labels[labels.length - 1]!.length === 2
    ? labels.slice(-3).join(".")
    : labels.slice(-2).join(".");
  const z = (zone ?? guessed).toLowerCase().replace(/\.$/, "");
  if (host !== z && !host.endsWith(`.${z}`)) fail("orders.dns.zone_mismatch", "zone", { zone: z, domain });
  let rr = recordDomain.toLowerCase().replace(/\.$/, "");
  if (rr === z) rr = "@";
  else if (rr.endsWith(`.${z}`)) rr = rr.slice(0, -(z.length + 1));
  else {
    const sub = host === z ? "" : host.slice(0, -(z.length + 1));
    if (sub && !rr.endsWith(`.${sub}`)) rr = `${rr}.${sub}`;
  }
  return { zone: z, rr };
}
