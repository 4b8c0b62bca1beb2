// Fuzzing PEM decoding (src/core/pem.ts): pemDecodeAll, certificatePems and derFromPemOrDer throw only
// KeysmithError and take time linear in the input (many BEGIN lines without END were quadratic); several
// blocks round-trip through pemEncode.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { certificatePems, derFromPemOrDer, pemDecodeAll, pemEncode } from "../../../src/core/pem";
import { TEST_TIMEOUT, params, textOf, typedOnly } from "./fuzz-support";

const PEM_FRAGMENTS = [
  "-----BEGIN ", "-----END ", "-----", "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----",
  "-----END PRIVATE KEY-----", "CERTIFICATE", "X", " ", "\n", "\r\n", "AAAA", "QUJD", "=", "==", "+/", "!", "Proc-Type: 4,ENCRYPTED\n",
  "-", "--", "中",
];

const labelArb = fc.stringMatching(/^[A-Z0-9]([A-Z0-9 ]{0,18}[A-Z0-9])?$/);

describe("fuzz: PEM", () => {
  it("pemDecodeAll / certificatePems / derFromPemOrDer throw only KeysmithError", { timeout: TEST_TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.oneof(textOf(PEM_FRAGMENTS, 30), fc.string({ unit: "binary", maxLength: 80 })), (text) => {
        typedOnly(() => pemDecodeAll(text));
        typedOnly(() => certificatePems(text));
        typedOnly(() => derFromPemOrDer(text, ["CERTIFICATE"]));
        typedOnly(() => derFromPemOrDer(new TextEncoder().encode(text), ["CERTIFICATE"]));
      }),
      params(),
    );
  });

  it("several blocks with prose around them round-trip", { timeout: TEST_TIMEOUT }, () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ label: labelArb, der: fc.uint8Array({ maxLength: 200 }), prose: fc.stringMatching(/^[a-z .:\n]{0,20}$/) }), { maxLength: 5 }),
        fc.boolean(),
        (blocks, crlf) => {
          let text = blocks.map((b) => `${b.prose}\n${pemEncode(b.label, b.der)}`).join("");
          if (crlf) text = text.replace(/\n/g, "\r\n");
          expect(pemDecodeAll(text)).toEqual(blocks.map(({ label, der }) => ({ label, der })));
          const certs = blocks.filter((b) => b.label === "CERTIFICATE" && b.der.length > 0);
          expect(certificatePems(text)).toEqual(certs.map((b) => pemEncode("CERTIFICATE", b.der)));
        },
      ),
      params(),
    );
  });

  it("time stays linear on many unterminated or repeated markers", { timeout: TEST_TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.constantFrom(...PEM_FRAGMENTS), fc.constantFrom(...PEM_FRAGMENTS), (a, b) => {
        const text = `${a}${b}`.repeat(Math.ceil(400_000 / (a.length + b.length)));
        typedOnly(() => pemDecodeAll(text), 1_500);
        typedOnly(() => certificatePems(text), 1_500);
      }),
      params(0.1),
    );
  });
});

describe("PEM regressions found by fuzzing", () => {
  it("100,000 BEGIN lines without END (1.7 MB) decode to nothing in well under a second", () => {
    const text = "-----BEGIN CERTIFICATE-----\nMIIB\n".repeat(100_000);
    expect(text.length).toBeGreaterThan(1_700_000);
    const started = performance.now();
    expect(pemDecodeAll(text)).toEqual([]);
    expect(certificatePems(text)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("a BEGIN inside an unterminated block still pairs with the first END after it", () => {
    const text = `-----BEGIN A-----\n-----BEGIN B-----\nAAAA\n-----END B-----\n`;
    expect(typedOnly(() => pemDecodeAll(text)).error?.code).toBe("pem.label.mismatch");
  });
});
