// Fuzzing DN parsing (src/core/subject.ts): parseDn, validateSubject, subjectToDer and subjectFromDer throw
// only KeysmithError, in bounded time; parse(format(dn)) and fromDer(toDer(dn)) give dn back.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  SUBJECT_ATTRIBUTES, formatDn, parseDn, subjectFromDer, subjectToDer, validateSubject, type Rdn,
} from "../../../src/core/subject";
import { TEST_TIMEOUT, codeOf, mutatedBytes, params, textOf, typedOnly } from "./fuzz-support";

const DN_FRAGMENTS = [
  "CN", "O", "OU", "C", "DC", "emailAddress", "E", "ST", "serialNumber", "OID.2.5.4.3", "2.5.4.10", "1.2.3.4", "oid.", "x-unknown",
  "=", "=", ",", ",", "+", ";", " ", "  ", "\\", "\\,", "\\+", "\\\\", "\\20", "\\E4\\B8\\AD", "\\C3", "\\zz", "#", "#0c01", "#0c0161",
  "#1603", "#13", '"', '"a,b"', "<", ">", "a", "example", "中", "\uFEFF", "\uD800", "\uDC00", "\uD83D\uDE00", "\u0000", "\t", "\n",
];

// Attribute types a generated DN may carry: the catalogue's (each with a value its encoding takes) and OIDs
// outside it (UTF8String).
const CATALOGUE_TYPES = Object.entries(SUBJECT_ATTRIBUTES).map(([type, info]) => ({ type, oid: info.oid, encoding: info.encoding }));
const printable = fc.string({ unit: fc.constantFrom(..."ABCXYZabcxyz0189 '()+,-./:=?"), maxLength: 20 });
const ia5 = fc.string({ unit: "binary-ascii", maxLength: 20 });
const utf8 = fc.oneof(
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.string({ unit: fc.constantFrom("\uFEFF", " ", "#", ",", "+", "\\", '"', "中", "a", "\u0001", "😀"), maxLength: 12 }),
);

const avaArb = fc.oneof(
  fc.constantFrom(...CATALOGUE_TYPES).chain(({ type, oid, encoding }) =>
    (encoding === "printable" ? printable : encoding === "ia5" ? ia5 : utf8).map((value) => ({ type, oid, value })),
  ),
  fc
    .tuple(
      fc.integer({ min: 0, max: 2 }),
      fc.array(fc.oneof(fc.nat({ max: 39 }), fc.nat({ max: 99999 }), fc.nat({ max: 0xffffffff }), fc.bigInt({ min: 0n, max: 2n ** 80n })), { minLength: 1, maxLength: 5 }),
      utf8,
    )
    // "0.40" and arcs of 2^32 or more are refused: see the regressions below
    .filter(([first, rest]) => (first === 2 || Number(rest[0]) < 40) && rest.every((arc) => BigInt(arc) <= 0xffffffffn))
    .map(([first, rest, value]) => {
      const oid = [first, ...rest].join(".");
      const known = CATALOGUE_TYPES.find((t) => t.oid === oid);
      return { type: known?.type ?? oid, oid, value: known ? "x" : value };
    }),
);
const dnArb: fc.Arbitrary<Rdn[]> = fc.array(fc.array(avaArb, { minLength: 1, maxLength: 3 }), { maxLength: 6 });

const plain = (rdns: readonly Rdn[]) => rdns.map((rdn) => rdn.map(({ type, oid, value }) => ({ type, oid, value })));

describe("fuzz: DN text (parseDn, validateSubject)", () => {
  it("parseDn throws only KeysmithError on DN-shaped and arbitrary text", { timeout: TEST_TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.oneof(textOf(DN_FRAGMENTS), fc.string({ unit: "binary", maxLength: 60 })), (text) => {
        const { value } = typedOnly(() => parseDn(text));
        if (value) typedOnly(() => subjectToDer(validateSubject(value)));
      }),
      params(),
    );
  });

  it("parse(format(dn)) is dn, for any attribute values", { timeout: TEST_TIMEOUT }, () => {
    fc.assert(
      fc.property(dnArb, (rdns) => {
        expect(plain(parseDn(formatDn(rdns)))).toEqual(plain(rdns));
      }),
      params(),
    );
  });

  it("a #hex value round-trips whatever its size", { timeout: TEST_TIMEOUT }, () => {
    fc.assert(
      fc.property(utf8, fc.integer({ min: 0, max: 3 }), (value, scale) => {
        const big = value.repeat(scale === 3 ? 2000 : 1 + scale);
        const der = subjectToDer([[{ type: "CN", oid: "2.5.4.3", value: big }]]);
        expect(subjectFromDer(der)[0]![0]!.value).toBe(big);
        // The same value written as #hex (its UTF8String TLV) in DN text.
        const body = new TextEncoder().encode(big);
        const length = body.length < 0x80 ? [body.length] : [0x83, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff];
        const tlv = Buffer.from([0x0c, ...length, ...body]).toString("hex");
        expect(parseDn(`CN=#${tlv}`)[0]![0]!.value).toBe(big);
      }),
      params(0.3),
    );
  });
});

describe("fuzz: DN DER (subjectToDer, subjectFromDer)", () => {
  it("fromDer(toDer(dn)) is dn, or toDer refuses with a typed error", { timeout: TEST_TIMEOUT }, () => {
    fc.assert(
      fc.property(dnArb, (rdns) => {
        const { value: der } = typedOnly(() => subjectToDer(rdns));
        if (!der) return;
        // DER sorts the attributes of a multi-valued RDN; compare as sets.
        const sorted = (x: ReturnType<typeof plain>) => x.map((rdn) => rdn.map((a) => JSON.stringify(a)).sort());
        expect(sorted(plain(subjectFromDer(der)))).toEqual(sorted(plain(rdns)));
      }),
      params(),
    );
  });

  it("subjectFromDer throws only KeysmithError on corrupted and arbitrary bytes", { timeout: TEST_TIMEOUT }, () => {
    const seed = subjectToDer(parseDn("CN=www.example.com,OU=IT+O=Example,DC=example,emailAddress=a@b.c,C=CN,2.5.4.99=#0c0178"));
    fc.assert(
      fc.property(fc.oneof(mutatedBytes(seed), fc.uint8Array({ maxLength: 80 })), (bytes) => {
        const { value } = typedOnly(() => subjectFromDer(bytes));
        if (value) typedOnly(() => formatDn(value));
      }),
      params(),
    );
  });
});

describe("DN regressions found by fuzzing", () => {
  it("refuses a non-ASCII DC or emailAddress (IA5String) instead of writing mangled bytes", () => {
    expect(codeOf(() => subjectToDer(parseDn("DC=中")))).toBe("subject.attribute.not_ia5");
    expect(codeOf(() => subjectToDer(parseDn("emailAddress=中@example.com")))).toBe("subject.attribute.not_ia5");
    expect(codeOf(() => validateSubject(parseDn("CN=a,DC=é")))).toBe("subject.attribute.not_ia5");
    expect(subjectFromDer(subjectToDer(parseDn("DC=example")))[0]![0]).toMatchObject({ value: "example", stringType: "ia5String" });
  });

  it("keeps a leading U+FEFF through text and DER", () => {
    const rdns = parseDn("CN=\uFEFFwww");
    expect(rdns[0]![0]!.value).toBe("\uFEFFwww");
    expect(parseDn("CN=\\EF\\BB\\BFx")[0]![0]!.value).toBe("\uFEFFx");
    expect(parseDn(formatDn(rdns))).toEqual(rdns);
    expect(subjectFromDer(subjectToDer(rdns))[0]![0]!.value).toBe("\uFEFFwww");
    expect(parseDn("CN=#0c06efbbbf777777")[0]![0]!.value).toBe("\uFEFFwww");
  });

  it("refuses lone surrogates instead of writing U+FFFD", () => {
    expect(codeOf(() => parseDn("CN=a\uD800b"))).toBe("subject.dn.surrogate_unpaired");
    expect(codeOf(() => parseDn("O=\uDC00"))).toBe("subject.dn.surrogate_unpaired");
    expect(codeOf(() => subjectToDer([[{ type: "CN", oid: "2.5.4.3", value: "x\uD800" }]]))).toBe("subject.attribute.surrogate_unpaired");
    expect(parseDn("CN=\uD83D\uDE00")[0]![0]!.value).toBe("😀");
  });

  it("refuses an OID whose second arc under 0 or 1 is 40 or more (DER would make it another OID)", () => {
    expect(codeOf(() => parseDn("0.40=x"))).toBe("subject.attribute.oid_invalid");
    expect(codeOf(() => parseDn("OID.1.99=x"))).toBe("subject.attribute.oid_invalid");
    expect(codeOf(() => subjectToDer([[{ type: "0.40", oid: "0.40", value: "" }]]))).toBe("subject.attribute.oid_invalid");
    expect(parseDn("2.999=x")[0]![0]!.oid).toBe("2.999");
    expect(codeOf(() => parseDn("2.25.329800735698586629295641978511506172918=x"))).toBe("subject.attribute.oid_invalid");
    expect(subjectFromDer(subjectToDer(parseDn("1.2.4294967295=x")))[0]![0]!.oid).toBe("1.2.4294967295");
    expect(subjectFromDer(subjectToDer(parseDn("1.39=x")))[0]![0]!.oid).toBe("1.39");
  });

  it("reads a #hex value over 125 kB (no argument spread)", () => {
    const body = "41".repeat(130_000);
    const ia5Value = `#16${"83"}${(130_000).toString(16).padStart(6, "0")}${body}`;
    expect(parseDn(`DC=${ia5Value}`)[0]![0]!.value).toBe("A".repeat(130_000));
  });
});
