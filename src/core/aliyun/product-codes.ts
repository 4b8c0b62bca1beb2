// cas certificate products (ProductCode): for the operation catalogue, the pages' choices and the emulator's
// packages. No imports, so a page can offer them without loading the catalogue.

/** The cloud's own default for the DV operations (seed pages 002 and 004). */
export const DEFAULT_DV_PRODUCT_CODE = "symantec-free-1-free";

/** ProductCodes the two DV-only operations accept (cas SDK doc). */
export const DV_PRODUCT_CODES = [
  "digicert-free-1-free",
  "symantec-free-1-free",
  "symantec-dv-1-starter",
  "geotrust-dv-1-starter",
  "geotrust-dv-w-starter",
  "globalsign-dv-1-personal",
  "globalsign-dv-w-advanced",
] as const;

export const PACKAGE_PRODUCT_CODES = [
  ...DV_PRODUCT_CODES,
  "symantec-ov-1-personal",
  "symantec-ov-w-personal",
  "geotrust-ov-1-personal",
  "geotrust-ov-w-personal",
  "globalsign-ov-1-personal",
  "globalsign-ov-w-advanced",
  "cfca-ov-1-personal",
  "cfca-ev-w-advanced",
] as const;

/** What a ProductCode says (`<brand>-<validation>-<1|w>-<edition>`): the words the pages show instead of the code. */
export interface ProductFacts {
  /** The CA brand as it writes itself ("DigiCert", "GeoTrust"). */
  brand: string;
  /** Domain, organisation or extended validation; the free products are DV. */
  validation: "DV" | "OV" | "EV";
  /** One domain (`1`) or a wildcard (`w`). */
  coverage: "single" | "wildcard";
  edition: "free" | "starter" | "personal" | "advanced";
}

const BRANDS: Record<string, string> = { digicert: "DigiCert", symantec: "Symantec", geotrust: "GeoTrust", globalsign: "GlobalSign", cfca: "CFCA" };
const EDITIONS = new Set<ProductFacts["edition"]>(["free", "starter", "personal", "advanced"]);

/** The facts of a ProductCode, or undefined for a code of another shape (the pages then show the code). */
export function productFacts(code: string): ProductFacts | undefined {
  const m = /^([a-z]+)-(free|dv|ov|ev)-(1|w)-([a-z]+)$/.exec(code);
  if (!m) return undefined;
  const brand = BRANDS[m[1]!];
  const edition = m[4] as ProductFacts["edition"];
  if (!brand || !EDITIONS.has(edition)) return undefined;
  return {
    brand,
    validation: m[2] === "free" ? "DV" : (m[2]!.toUpperCase() as ProductFacts["validation"]),
    coverage: m[3] === "w" ? "wildcard" : "single",
    edition,
  };
}
