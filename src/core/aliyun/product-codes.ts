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
