// cas products in words ("DigiCert DV single-domain, free") for the order form, the quota and the order cards;
// the ProductCode itself stays available for a detail line or a tooltip (productDetail).
import { t, type Locale } from "../core/i18n";
import { productFacts, type ProductFacts } from "../core/aliyun/product-codes";

const COVERAGE: Record<ProductFacts["coverage"], string> = { single: "ui_product_single", wildcard: "ui_product_wildcard" };
const EDITION: Record<ProductFacts["edition"], string> = {
  free: "ui_product_edition_free",
  starter: "ui_product_edition_starter",
  personal: "ui_product_edition_personal",
  advanced: "ui_product_edition_advanced",
};

/** The product in words; a code of an unknown shape is shown as it is. */
export function productName(code: string, locale: Locale): string {
  const f = productFacts(code);
  if (!f) return code;
  return t(locale, "ui_product_name", { brand: f.brand, validation: f.validation, coverage: t(locale, COVERAGE[f.coverage]), edition: t(locale, EDITION[f.edition]) });
}

/** "Product code: symantec-free-1-free": the code for a detail line or a title attribute. */
export function productDetail(code: string, locale: Locale): string {
  return t(locale, "ui_product_code_detail", { code });
}
