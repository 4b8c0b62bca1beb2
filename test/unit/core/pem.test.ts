import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { KeysmithError } from "../../../src/core/errors";
import { certificatePems, derFromPemOrDer, pemDecodeAll, pemEncode } from "../../../src/core/pem";

describe("pem", () => {
  it("round-trips any bytes with 64-column lines", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const pem = pemEncode("CERTIFICATE REQUEST", bytes);
        for (const line of pem.trim().split("\n").slice(1, -1)) expect(line.length).toBeLessThanOrEqual(64);
        const [block] = pemDecodeAll(`prose before\n${pem}prose after`);
        expect(block!.label).toBe("CERTIFICATE REQUEST");
        expect(block!.der).toEqual(bytes);
      }),
    );
  });

  it("decodes several blocks in order", () => {
    const text = pemEncode("A", new Uint8Array([1])) + pemEncode("B", new Uint8Array([2, 3]));
    expect(pemDecodeAll(text).map((b) => b.label)).toEqual(["A", "B"]);
  });

  it("is strict on bad base64 and mismatched labels", () => {
    expect(() => pemDecodeAll("-----BEGIN A-----\n!!!!\n-----END A-----")).toThrow(expect.objectContaining({ code: "pem.base64.invalid" }));
    expect(() => pemDecodeAll("-----BEGIN A-----\nAAAA\n-----END B-----")).toThrow(expect.objectContaining({ code: "pem.label.mismatch" }));
    expect(() => derFromPemOrDer("no pem here", ["CERTIFICATE REQUEST"])).toThrow(expect.objectContaining({ code: "pem.not_found" }));
  });

  it("throws nothing but KeysmithError on any text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.boolean(), (body, wrap) => {
        const text = wrap ? `-----BEGIN X-----\n${body}\n-----END X-----` : body;
        try {
          pemDecodeAll(text);
        } catch (e) {
          expect(e).toBeInstanceOf(KeysmithError);
        }
      }),
    );
  });
});

describe("certificatePems", () => {
  it("gives each certificate in order, LF only, no blank lines, skipping other blocks and prose", () => {
    const text = "leaf:\r\n-----BEGIN CERTIFICATE-----\r\nTEVBRg==\r\n\r\n-----END CERTIFICATE-----\r\n" +
      "-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----\n\n-----BEGIN CERTIFICATE-----\nQ0hBSU4=\n-----END CERTIFICATE-----";
    expect(certificatePems(text)).toEqual([
      "-----BEGIN CERTIFICATE-----\nTEVBRg==\n-----END CERTIFICATE-----\n",
      "-----BEGIN CERTIFICATE-----\nQ0hBSU4=\n-----END CERTIFICATE-----\n",
    ]);
    expect(certificatePems("no certificate here")).toEqual([]);
  });
});

