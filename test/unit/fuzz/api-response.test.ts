// Fuzzing API responses (src/core/aliyun/json.ts, api-error.ts): parseApiJson gives what JSON.parse gives
// (long integers and catalogue long fields as exact strings) or a KeysmithError; apiErrorFromResponse turns
// any body into an ApiError and never throws; both in time linear in the body.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ApiError, apiErrorFromResponse } from "../../../src/core/aliyun/api-error";
import { MAX_RESPONSE_DEPTH, parseApiJson } from "../../../src/core/aliyun/json";
import { TEST_TIMEOUT, codeOf, params, textOf, typedOnly } from "./fuzz-support";

const LONG = new Set(["OrderId", "CertId"]);

/** `parsed` is `reference` except that integers written with more than 15 digits, and long fields, are strings. */
function sameModuloLongIntegers(parsed: unknown, reference: unknown, key?: string): void {
  if (typeof reference === "number" && typeof parsed === "string") {
    expect(Number(parsed)).toBe(reference);
    if (!(key !== undefined && LONG.has(key))) expect(parsed).toMatch(/^-?\d{16,}$/);
    return;
  }
  if (Array.isArray(reference)) {
    expect(Array.isArray(parsed)).toBe(true);
    expect((parsed as unknown[]).length).toBe(reference.length);
    reference.forEach((v, i) => sameModuloLongIntegers((parsed as unknown[])[i], v));
    return;
  }
  if (reference && typeof reference === "object") {
    expect(Object.keys(parsed as object)).toEqual(Object.keys(reference));
    for (const [k, v] of Object.entries(reference)) sameModuloLongIntegers((parsed as Record<string, unknown>)[k], v, k);
    return;
  }
  expect(parsed).toEqual(reference);
}

const JSON_FRAGMENTS = ['"', '\\"', "\\", "{", "}", "[", "]", ":", ",", "-", "0", "1", "12345678901234567", ".", "e", "E+", "e-99", "true", "null", " ", '"OrderId"', "__proto__"];
const XML_FRAGMENTS = ["<Code>", "</Code>", "<Message>", "</Message>", "<RequestId>", "</RequestId>", "<![CDATA[", "]]>", "<Error>", "x", " ", "中", "\uD800"];

describe("fuzz: parseApiJson", () => {
  it("any JSON text parses to its value, long integers exact", { timeout: TEST_TIMEOUT }, () => {
    const longInteger = fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map((n) => ({ raw: n.toString() }));
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.array(longInteger, { maxLength: 3 }), fc.constantFrom(0, 2), (value, longs, indent) => {
        const text = JSON.stringify({ v: value, OrderId: "__ORDER__", longs: "__LONGS__" }, null, indent)
          .replace('"__ORDER__"', "12345678901234567")
          .replace('"__LONGS__"', `[${longs.map((l) => l.raw).join(",")}]`);
        const { value: parsed } = typedOnly(() => parseApiJson(text, LONG));
        const result = parsed as { v: unknown; OrderId: string; longs: unknown[] };
        sameModuloLongIntegers(result.v, JSON.parse(JSON.stringify(value)));
        expect(result.OrderId).toBe("12345678901234567");
        expect(result.longs.map(String)).toEqual(longs.map((l) => (/^-?\d{16,}$/.test(l.raw) ? l.raw : String(Number(l.raw)))));
      }),
      params(),
    );
  });

  it("any text gives a value or a KeysmithError", { timeout: TEST_TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.oneof(textOf(JSON_FRAGMENTS, 30), fc.string({ unit: "binary", maxLength: 60 })), (text) => {
        typedOnly(() => parseApiJson(text, LONG));
      }),
      params(),
    );
  });

  it("deep nesting is refused with a typed error, not a stack overflow", { timeout: TEST_TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.boolean(), (depth, objects) => {
        const text = objects ? '{"a":'.repeat(depth) + "1" + "}".repeat(depth) : "[".repeat(depth) + "]".repeat(depth);
        const { error } = typedOnly(() => parseApiJson(text, LONG));
        if (depth > MAX_RESPONSE_DEPTH + 1) expect(error?.code).toBe("api.response.too_deep");
      }),
      params(0.2),
    );
  });
});

describe("fuzz: apiErrorFromResponse", () => {
  it("any body (JSON of any shape, XML-ish, arbitrary) gives an ApiError", { timeout: TEST_TIMEOUT }, () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ""),
          fc.record({ Code: fc.jsonValue({ maxDepth: 2 }), Message: fc.jsonValue({ maxDepth: 2 }), RequestId: fc.jsonValue({ maxDepth: 1 }) }).map((v) => JSON.stringify(v)),
          textOf(XML_FRAGMENTS, 30),
          fc.string({ unit: "binary", maxLength: 80 }),
        ),
        fc.integer({ min: 100, max: 599 }),
        (body, status) => {
          const { value } = typedOnly(() => apiErrorFromResponse("DescribePackageState", status, body));
          expect(value).toBeInstanceOf(ApiError);
          expect(value!.code).toMatch(/^api\.remote\./);
          expect(value!.apiMessage.length).toBeLessThanOrEqual(500);
        },
      ),
      params(),
    );
  });

  it("time stays linear on many unclosed elements", { timeout: TEST_TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.constantFrom(...XML_FRAGMENTS), (fragment) => {
        typedOnly(() => apiErrorFromResponse("A", 500, fragment.repeat(Math.ceil(300_000 / fragment.length))), 500);
      }),
      params(0.1),
    );
  });
});

describe("API response regressions found by fuzzing", () => {
  it("a fraction or exponent with more than 15 digits is not quoted as an integer", () => {
    expect(parseApiJson('{"a":0.12345678901234567890,"b":1e1234567890123456,"c":-12345678901234567}', LONG)).toEqual({ a: 0.12345678901234568, b: Infinity, c: "-12345678901234567" });
  });

  it("text that is not JSON is api.response.json_invalid; 10,000 levels are api.response.too_deep", () => {
    expect(codeOf(() => parseApiJson("<Error/>", LONG))).toBe("api.response.json_invalid");
    expect(codeOf(() => parseApiJson("[".repeat(10_000) + "]".repeat(10_000), LONG))).toBe("api.response.too_deep");
  });

  it("keeps a '__proto__' key as data", () => {
    const parsed = parseApiJson('{"__proto__":{"OrderId":1}}', LONG) as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toEqual(["__proto__"]);
  });

  it("an error body whose Code is an object with a non-callable toString is still an ApiError", () => {
    const error = apiErrorFromResponse("A", 400, '{"Code":{"toString":1},"Message":["x"]}');
    expect(error.apiCode).toBe('{"toString":1}');
    expect(error.apiMessage).toBe('["x"]');
  });

  it("50,000 unclosed <Code> elements are read in linear time", () => {
    const started = performance.now();
    expect(apiErrorFromResponse("A", 500, "<Code>".repeat(50_000)).apiCode).toBe("HTTP500");
    expect(performance.now() - started).toBeLessThan(500);
  });
});
