import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { KeysmithError } from "../../../src/core/errors";
import { SAN_LIMITS, domainToALabel, isALabelName, normalizeSan, normalizeSans } from "../../../src/core/san";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KeysmithError);
    return (e as KeysmithError).code;
  }
  return undefined;
}

describe("SANs", () => {
  it("classifies DNS names, IPv4, IPv6 and e-mail, IDN to A-label, lower case", () => {
    expect(normalizeSan("WWW.Example.COM")).toEqual({ type: "dns", value: "www.example.com" });
    expect(normalizeSan("bücher.example")).toEqual({ type: "dns", value: "xn--bcher-kva.example" });
    expect(normalizeSan("例子.测试")).toEqual({ type: "dns", value: "xn--fsqu00a.xn--0zwm56d" });
    expect(normalizeSan("*.例子.com")).toEqual({ type: "dns", value: "*.xn--fsqu00a.com" });
    expect(normalizeSan("192.0.2.1")).toEqual({ type: "ip", value: "192.0.2.1" });
    expect(normalizeSan("2001:DB8:0:0:0:0:0:1")).toEqual({ type: "ip", value: "2001:db8::1" });
    expect(normalizeSan("ops@例子.com")).toEqual({ type: "email", value: "ops@xn--fsqu00a.com" });
    expect(normalizeSan("example.com.")).toEqual({ type: "dns", value: "example.com" });
  });

  it("allows * only as the whole left-most label", () => {
    for (const bad of ["*.*.example.com", "a.*.example.com", "w*.example.com", "*", "*example.com"]) {
      expect(codeOf(() => normalizeSan(bad)), bad).toMatch(/^san\.(wildcard|dns)\./);
    }
    expect(codeOf(() => normalizeSan("*.*.example.com"))).toBe("san.wildcard.invalid");
  });

  it("enforces label (63) and name (253) lengths and LDH syntax", () => {
    expect(codeOf(() => normalizeSan(`${"a".repeat(63)}.com`))).toBeUndefined();
    expect(codeOf(() => normalizeSan(`${"a".repeat(64)}.com`))).toBe("san.dns.label_too_long");
    const long = Array.from({ length: 5 }, () => "a".repeat(50)).join(".") + ".com"; // 258
    expect(codeOf(() => normalizeSan(long))).toBe("san.dns.too_long");
    expect(codeOf(() => normalizeSan("-a.example.com"))).toBe("san.dns.invalid");
    expect(codeOf(() => normalizeSan("a_b.example.com"))).toBe("san.dns.invalid");
    expect(codeOf(() => normalizeSan("a b.com"))).toBe("san.dns.invalid");
    expect(codeOf(() => normalizeSan("0x7f.1"))).toBe("san.dns.invalid");
    expect(codeOf(() => normalizeSan("bad@@x.com"))).toBe("san.email.invalid");
    expect(codeOf(() => normalizeSan("  "))).toBe("san.empty");
  });

  it("puts the CN first, removes duplicates and applies limits", () => {
    expect(normalizeSans("www.example.com", ["WWW.example.com", "api.example.com", "api.example.com."])).toEqual([
      { type: "dns", value: "www.example.com" },
      { type: "dns", value: "api.example.com" },
    ]);
    expect(normalizeSans("Example Inc", ["a.example.com"])).toEqual([{ type: "dns", value: "a.example.com" }]);
    expect(normalizeSans("10.0.0.1", [])).toEqual([{ type: "ip", value: "10.0.0.1" }]);
    const eleven = Array.from({ length: 10 }, (_, i) => `n${i}.example.com`);
    expect(normalizeSans(undefined, eleven, { limit: SAN_LIMITS.kms })).toHaveLength(10);
    expect(codeOf(() => normalizeSans("www.example.com", eleven, { limit: SAN_LIMITS.kms }))).toBe("san.limit.exceeded");
  });

  it("domainToALabel is idempotent and its output is an A-label name", () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/).filter((l) => !/^..--/.test(l));
    const unicodeLabel = fc.constantFrom("例子", "bücher", "café", "пример", "テスト");
    const name = fc.array(fc.oneof(label, unicodeLabel), { minLength: 1, maxLength: 4 }).map((ls) => [...ls, "com"].join("."));
    fc.assert(
      fc.property(name, fc.boolean(), (n, wild) => {
        const text = wild ? `*.${n}` : n;
        const a = domainToALabel(text);
        expect(domainToALabel(a)).toBe(a);
        expect(isALabelName(a)).toBe(true);
        expect(/^[\x21-\x7e]+$/.test(a)).toBe(true);
      }),
    );
  });

  it("throws nothing but KeysmithError on any input", () => {
    fc.assert(
      fc.property(fc.option(fc.string({ unit: "binary", maxLength: 40 })), fc.array(fc.string({ unit: "binary", maxLength: 40 }), { maxLength: 3 }), (cn, names) => {
        try {
          normalizeSans(cn ?? undefined, names, { limit: 10 });
        } catch (e) {
          expect(e).toBeInstanceOf(KeysmithError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
