// Fuzzing the SAN list (src/core/san.ts): normalizeSan / normalizeSans throw only KeysmithError in
// bounded time; a normalised name normalises to itself (parse(format(x)) = x); valid A-label names pass
// unchanged; the public-trust rules hold (no "*.tld", no single-label names, "--" only in "xn--").
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { domainToALabel, normalizeSan, normalizeSans } from "../../../src/core/san";
import { TEST_TIMEOUT, codeOf, params, textOf, typedOnly } from "./fuzz-support";

const SAN_FRAGMENTS = [
  "*", "*.", ".", ".", "-", "--", "xn--", "xn--fsqu00a", "a", "b", "www", "example", "com", "cn", "localhost", "例子", "测试", "bücher",
  "ß", "ｆｕｌｌ", "\u200d", "\u00ad", "@", "ops", ":", "::", "1", "0x7f", "192.0.2.1", "2001:db8", "[", "]", " ", "%", "_", "\uFEFF",
  "\uD800", "A".repeat(63), "\u3002",
];

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/).filter((l) => l.slice(2, 4) !== "--");
const validName = fc
  .tuple(fc.boolean(), fc.array(label, { minLength: 1, maxLength: 4 }), fc.constantFrom("com", "cn", "example", "xn--fiqs8s"))
  .map(([wild, labels, tld]) => `${wild ? "*." : ""}${[...labels, tld].join(".")}`)
  .filter((name) => !/^(\*\.)?[0-9.]+$/.test(name) && name.length <= 253);

describe("fuzz: SANs", () => {
  it("normalizeSan throws only KeysmithError, and its result normalises to itself", { timeout: TEST_TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.oneof(textOf(SAN_FRAGMENTS, 12), fc.string({ unit: "binary", maxLength: 40 })), (text) => {
        const { value } = typedOnly(() => normalizeSan(text));
        if (!value) return;
        expect(normalizeSan(value.value)).toEqual(value);
        if (value.type === "dns") {
          const host = value.value.replace(/^\*\./, "");
          expect(host.split(".").length, value.value).toBeGreaterThanOrEqual(2);
          for (const l of host.split(".")) if (l.slice(2, 4) === "--") expect(l.startsWith("xn--"), value.value).toBe(true);
        }
      }),
      params(),
    );
  });

  it("an A-label name (optionally *.) passes unchanged", { timeout: TEST_TIMEOUT }, () => {
    fc.assert(
      fc.property(validName, (name) => {
        expect(domainToALabel(name)).toBe(name);
        expect(normalizeSan(name.toUpperCase())).toEqual({ type: "dns", value: name });
      }),
      params(),
    );
  });

  it("normalizeSans (CN + list + limit) throws only KeysmithError", { timeout: TEST_TIMEOUT }, () => {
    fc.assert(
      fc.property(
        fc.option(textOf(SAN_FRAGMENTS, 8)), fc.array(fc.oneof(textOf(SAN_FRAGMENTS, 8), validName), { maxLength: 12 }), fc.option(fc.nat({ max: 12 })),
        (cn, names, limit) => {
          typedOnly(() => normalizeSans(cn ?? undefined, names, limit === null ? {} : { limit }));
        },
      ),
      params(),
    );
  });
});

describe("SAN regressions found by fuzzing", () => {
  it("refuses a wildcard directly on a TLD", () => {
    expect(codeOf(() => normalizeSan("*.com"))).toBe("san.wildcard.too_broad");
    expect(codeOf(() => normalizeSan("*.xn--fiqs8s"))).toBe("san.wildcard.too_broad");
    expect(normalizeSan("*.example.com")).toEqual({ type: "dns", value: "*.example.com" });
  });

  it("refuses single-label names, which no public CA certifies", () => {
    expect(codeOf(() => normalizeSan("localhost"))).toBe("san.dns.single_label");
    expect(codeOf(() => normalizeSan("localhost."))).toBe("san.dns.single_label");
    expect(codeOf(() => normalizeSan("ops@localhost"))).toBe("san.dns.single_label");
  });

  it("refuses '--' in the third and fourth positions of a label that is not an A-label", () => {
    expect(codeOf(() => normalizeSan("ab--c.com"))).toBe("san.dns.reserved_hyphens");
    expect(codeOf(() => normalizeSan("www.ab--c.com"))).toBe("san.dns.reserved_hyphens");
    expect(normalizeSan("a--b.com")).toEqual({ type: "dns", value: "a--b.com" });
    expect(normalizeSan("xn--fsqu00a.com")).toEqual({ type: "dns", value: "xn--fsqu00a.com" });
  });
});
