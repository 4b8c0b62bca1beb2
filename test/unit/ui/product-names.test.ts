// cas products in words (src/ui/product-names.ts over src/core/aliyun/product-codes.ts productFacts): every
// product the pages offer has a name in both languages that is not its code, and the code stays in the detail.
import { describe, expect, it } from "vitest";
import { LOCALES } from "../../../src/core/i18n";
import { PACKAGE_PRODUCT_CODES, productFacts } from "../../../src/core/aliyun/product-codes";
import { productDetail, productName } from "../../../src/ui/product-names";

describe("product names", () => {
  it("reads the code's parts", () => {
    expect(productFacts("symantec-free-1-free")).toEqual({ brand: "Symantec", validation: "DV", coverage: "single", edition: "free" });
    expect(productFacts("geotrust-dv-w-starter")).toEqual({ brand: "GeoTrust", validation: "DV", coverage: "wildcard", edition: "starter" });
    expect(productFacts("cfca-ev-w-advanced")).toEqual({ brand: "CFCA", validation: "EV", coverage: "wildcard", edition: "advanced" });
    expect(productFacts("acme-dv-1-free")).toBeUndefined();
    expect(productFacts("free")).toBeUndefined();
  });

  it("names the products in words, in English and Chinese", () => {
    expect(productName("digicert-free-1-free", "en")).toBe("DigiCert DV single-domain, free");
    expect(productName("digicert-free-1-free", "zh_CN")).toBe("DigiCert DV 单域名（免费版）");
    expect(productName("globalsign-ov-w-advanced", "en")).toBe("GlobalSign OV wildcard, Advanced");
    expect(productName("globalsign-ov-w-advanced", "zh_CN")).toBe("GlobalSign OV 通配符（高级版）");
    expect(productDetail("symantec-free-1-free", "zh_CN")).toBe("产品代码：symantec-free-1-free");
  });

  it.each(LOCALES)("every offered product has its own name, not its code (%s)", (locale) => {
    const names = PACKAGE_PRODUCT_CODES.map((code) => productName(code, locale));
    for (const [i, name] of names.entries()) {
      expect(name).not.toContain(PACKAGE_PRODUCT_CODES[i]!);
      expect(name).not.toMatch(/ui_|\{/);
    }
    expect(new Set(names).size).toBe(names.length);
  });

  it("shows a code of an unknown shape as it is", () => {
    expect(productName("new-product", "en")).toBe("new-product");
  });
});
