// Reading what the user selected on a console page. Chrome's `selectionText` collapses line breaks into
// spaces, so a PEM is found by its armour and its base64 body re-wrapped; domains are picked out as
// host names (wildcards allowed as the whole left-most label).
import { fail } from "../core/errors";

export function extractPem(text: string, label: "CERTIFICATE REQUEST" | "CERTIFICATE"): string | undefined {
  const blocks = extractPems(text, label);
  return blocks.length > 0 ? blocks.join("") : undefined;
}

/** Every PEM block with this label (a certificate selection may hold leaf + chain). */
export function extractPems(text: string, label: string): string[] {
  const labels = label === "CERTIFICATE REQUEST" ? "(?:NEW )?CERTIFICATE REQUEST" : label;
  const re = new RegExp(`-----BEGIN ${labels}-----([\\s\\S]*?)-----END ${labels}-----`, "g");
  const out: string[] = [];
  for (const m of text.matchAll(re)) {
    const body = m[1]!.replace(/[^A-Za-z0-9+/=]/g, "");
    if (!body) continue;
    const lines = body.match(/.{1,64}/g) ?? [];
    out.push(`-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`);
  }
  return out;
}

const HOST = /(?:\*\.)?(?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)+[a-z\u00a1-\uffff]{2,63}/giu;

/** Host names in a selection, in order, without duplicates; the first becomes the CN. */
export function extractDomains(text: string, limit = 100): string[] {
  const seen = new Set<string>();
  for (const m of text.matchAll(HOST)) {
    const name = m[0].toLowerCase().replace(/\.$/, "");
    if (/^[\d.]+$/.test(name)) continue;
    seen.add(name);
    if (seen.size >= limit) break;
  }
  return [...seen];
}

export function requirePem(text: string, label: "CERTIFICATE REQUEST" | "CERTIFICATE", field: string): string {
  return extractPem(text, label) ?? fail("selection.pem.missing", field, { label });
}
