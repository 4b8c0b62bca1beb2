// DN text for display ("CN=example.com, O=Example, C=CN"), most specific attribute first as RFC 4514
// writes it. Display only: matching never uses names (certificates pair with keys by public key).
import type { Name } from "@peculiar/asn1-x509";

const SHORT_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.4": "SN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "street",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.42": "GN",
  "1.2.840.113549.1.9.1": "emailAddress",
  "0.9.2342.19200300.100.1.25": "DC",
};

function escapeValue(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, "\\$1").replace(/^([ #])/, "\\$1").replace(/ $/, "\\ ");
}

export function formatName(name: Name): string {
  return [...name]
    .reverse()
    .map((rdn) => rdn.map((atv) => `${SHORT_NAMES[atv.type] ?? atv.type}=${escapeValue(atv.value.toString())}`).join("+"))
    .join(", ");
}

/** The first value of an attribute (e.g. CN) in a name, or "". */
export function nameAttribute(name: Name, shortName: string): string {
  for (const rdn of name) for (const atv of rdn) if (SHORT_NAMES[atv.type] === shortName) return atv.value.toString();
  return "";
}
