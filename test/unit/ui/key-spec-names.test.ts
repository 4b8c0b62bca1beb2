// Key-type display names stay free of the chooser's hints; the hint shows only in the chooser's label.
import { describe, expect, it } from "vitest";
import { LOCALES } from "../../../src/core/i18n";
import { keySpecChoiceLabel, keySpecHint, keySpecName, keySpecWithArticle } from "../../../src/ui/key-spec-names";
import { KEY_SPECS } from "../../../src/ui/worker-api";

describe("key-spec names and hints", () => {
  it.each(LOCALES)("names carry no hint and no brackets (%s)", (locale) => {
    for (const spec of KEY_SPECS) {
      const name = keySpecName(spec, locale);
      expect(name, spec).not.toMatch(/[()（）]|slow|recommended|推荐|较慢/);
      const hint = keySpecHint(spec, locale);
      if (hint) expect(keySpecChoiceLabel(spec, locale)).toContain(hint);
      expect(keySpecChoiceLabel(spec, locale).startsWith(name)).toBe(true);
    }
  });

  it("the chooser hints the slow and the recommended spec, in both languages", () => {
    expect(keySpecChoiceLabel("RSA_4096", "en")).toBe("RSA 4096 (slow to make)");
    expect(keySpecChoiceLabel("EC_P256", "en")).toBe("ECDSA P-256 (recommended)");
    expect(keySpecChoiceLabel("RSA_4096", "zh_CN")).toBe("RSA 4096（生成较慢）");
    expect(keySpecChoiceLabel("RSA_2048", "en")).toBe("RSA 2048");
    expect(keySpecHint("RSA_2048", "en")).toBeUndefined();
  });

  it("uses 'an' before a name read as letters, no article in Chinese; unknown specs pass through", () => {
    expect(keySpecWithArticle("RSA_4096", "en")).toBe("an RSA 4096");
    expect(keySpecWithArticle("EC_P256", "en")).toBe("an ECDSA P-256");
    expect(keySpecWithArticle("EC_SM2", "en")).toBe("an SM2 with SM3");
    expect(keySpecWithArticle("RSA_4096", "zh_CN")).toBe("RSA 4096");
    expect(keySpecName("ED448", "en")).toBe("ED448");
  });
});
