import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { KeysmithError } from "../../../src/core/errors";
import {
  SUBJECT_ATTRIBUTES,
  formatDn,
  parseDn,
  subjectFromDer,
  subjectFromFields,
  subjectToDer,
  validateSubject,
  type Rdn,
} from "../../../src/core/subject";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KeysmithError);
    return (e as KeysmithError).code;
  }
  return undefined;
}

const values = (rdns: Rdn[]) => rdns.map((rdn) => rdn.map((a) => `${a.type}=${a.value}`).join("+"));

describe("parseDn", () => {
  it("reads RFC 4514 with escapes, multi-valued RDNs, UTF-8 and #hex", () => {
    const rdns = parseDn('CN=www.example.com+UID=7,O=Example\\, Inc.,OU=\\"IT\\" \\<ops\\>,L=\\E5\\8C\\97\\E4\\BA\\AC,C=CN');
    expect(values(rdns)).toEqual(["CN=www.example.com+UID=7", "O=Example, Inc.", 'OU="IT" <ops>', "L=北京", "C=CN"]);
    const hex = parseDn("CN=#0c03616263");
    expect(hex[0]![0]!.value).toBe("abc");
    expect(hex[0]![0]!.raw).toEqual(new Uint8Array([0x0c, 3, 0x61, 0x62, 0x63]));
  });

  it("reads RFC 2253 forms: ';' separators, quoted values, spaces around separators, OIDs", () => {
    expect(values(parseDn('CN = a.example.com ; O="Quoted, Inc." , 2.5.4.11=Ops, OID.2.5.4.6=CN'))).toEqual([
      "CN=a.example.com",
      "O=Quoted, Inc.",
      "OU=Ops",
      "C=CN",
    ]);
    expect(parseDn("email=a@b.c, S=Zhejiang")[0]![0]!.type).toBe("emailAddress");
    expect(parseDn("1.2.3.4=x")[0]![0]).toMatchObject({ type: "1.2.3.4", oid: "1.2.3.4" });
  });

  it("keeps escaped trailing and leading spaces, drops unescaped ones", () => {
    expect(parseDn("CN=\\ a\\ ")[0]![0]!.value).toBe(" a ");
    expect(parseDn("CN= a  ,O=b")[0]![0]!.value).toBe("a");
  });

  it("refuses malformed DNs with typed errors", () => {
    expect(codeOf(() => parseDn("CN=a,,O=b"))).toBe("subject.dn.malformed");
    expect(codeOf(() => parseDn("just text"))).toBe("subject.dn.malformed");
    expect(codeOf(() => parseDn("CN=a,"))).toBe("subject.dn.malformed");
    expect(codeOf(() => parseDn("CN=a\\q"))).toBe("subject.dn.escape_invalid");
    expect(codeOf(() => parseDn("CN=a<b"))).toBe("subject.dn.escape_required");
    expect(codeOf(() => parseDn('CN="abc'))).toBe("subject.dn.quote_unterminated");
    expect(codeOf(() => parseDn("CN=#0c0"))).toBe("subject.dn.hex_invalid");
    expect(codeOf(() => parseDn("CN=\\FF"))).toBe("subject.dn.utf8_invalid");
    expect(codeOf(() => parseDn("Foo=bar"))).toBe("subject.attribute.unknown");
  });
});

describe("formatDn", () => {
  it("escapes what RFC 4514 requires", () => {
    const rdns: Rdn[] = [[{ type: "O", oid: "2.5.4.10", value: ' #a,b+c"d\\e<f>g;h ' }]];
    expect(formatDn(rdns)).toBe('O=\\ #a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h\\ ');
    expect(formatDn([[{ type: "O", oid: "2.5.4.10", value: "#x" }]])).toBe("O=\\#x");
  });

  const attributeTypes = Object.keys(SUBJECT_ATTRIBUTES);
  const ava = fc.record({
    type: fc.constantFrom(...attributeTypes),
    value: fc.string({ unit: "binary", minLength: 1, maxLength: 20 }),
  });
  const dn = fc.array(fc.array(ava, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }).map((rdns) =>
    rdns.map((rdn) => rdn.map(({ type, value }) => ({ type, oid: SUBJECT_ATTRIBUTES[type]!.oid, value }))),
  );

  it("round-trips: parse(format(rdns)) gives the same RDNs and format(parse(text)) is stable", () => {
    fc.assert(
      fc.property(dn, (rdns) => {
        const text = formatDn(rdns);
        const parsed = parseDn(text);
        expect(parsed).toEqual(rdns);
        expect(formatDn(parsed)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it("parseDn throws nothing but KeysmithError, whatever the input", () => {
    const dnish = fc.array(fc.constantFrom("CN", "O", "=", ",", "+", ";", "\\", '"', "#", "0c", "a", " ", "<", "\\2C", "中", "OID.2.5.4.3", "é"), {
      maxLength: 30,
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 60 }), dnish.map((p) => p.join(""))), (text) => {
        try {
          const rdns = parseDn(text);
          validateSubject(rdns);
          subjectToDer(rdns);
        } catch (e) {
          expect(e).toBeInstanceOf(KeysmithError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("subjectFromFields and validateSubject", () => {
  it("builds from fields in written order and skips empty ones", () => {
    const rdns = subjectFromFields({ CN: "www.example.com", O: "Example", OU: "", C: "CN", ST: "Zhejiang", L: "Hangzhou", emailAddress: "a@example.com" });
    expect(formatDn(rdns)).toBe("CN=www.example.com,emailAddress=a@example.com,O=Example,L=Hangzhou,ST=Zhejiang,C=CN");
  });

  it("stores a domain CN as its A-label; other CNs as written", () => {
    expect(formatDn(validateSubject(parseDn("CN=WWW.例子.公司,C=CN")))).toBe("CN=www.xn--fsqu00a.xn--55qx5d,C=CN");
    expect(formatDn(validateSubject(parseDn("CN=张三")))).toBe("CN=张三");
  });

  it("checks the country code, X.520 bounds and per-operation required fields", () => {
    expect(codeOf(() => validateSubject(parseDn("CN=a.com,C=China")))).toBe("subject.country.invalid");
    expect(codeOf(() => validateSubject(parseDn("CN=a.com,C=XX")))).toBe("subject.country.invalid");
    expect(codeOf(() => validateSubject(parseDn("CN=a.com,C=cn")))).toBe("subject.country.invalid");
    expect(codeOf(() => validateSubject(parseDn(`CN=${"a".repeat(65)}`)))).toBe("subject.attribute.too_long");
    expect(codeOf(() => validateSubject(parseDn(`CN=a,O=${"甲".repeat(64)}`)))).toBeUndefined();
    expect(codeOf(() => validateSubject(parseDn(`CN=a,O=${"甲".repeat(65)}`)))).toBe("subject.attribute.too_long");
    expect(codeOf(() => validateSubject(parseDn(`CN=a,L=${"x".repeat(128)},ST=${"y".repeat(128)}`)))).toBeUndefined();
    expect(codeOf(() => validateSubject(parseDn(`CN=a,L=${"x".repeat(129)}`)))).toBe("subject.attribute.too_long");
    expect(codeOf(() => validateSubject(parseDn("O=Example,C=CN")))).toBe("subject.attribute.required");
    let err: KeysmithError | undefined;
    try {
      validateSubject(parseDn("CN=a.com,C=CN,O=X"), "kms");
    } catch (e) {
      err = e as KeysmithError;
    }
    expect(err?.field).toBe("subject.OU");
    expect(err?.message).toContain("subject.OU");
    expect(codeOf(() => validateSubject(parseDn("CN=a.com,OU=IT,O=X,C=CN"), "kms"))).toBeUndefined();
    expect(codeOf(() => validateSubject(parseDn("CN=a.com,C=CN,ST=Z"), "casCreateCsr"))).toBe("subject.attribute.required");
    expect(codeOf(() => validateSubject(parseDn("CN=a.com,C=CN,ST=Z,L=H"), "casCreateCsr"))).toBeUndefined();
    expect(codeOf(() => validateSubject(parseDn("CN=*.*.example.com")))).toBe("san.wildcard.invalid");
  });
});

describe("DER encoding", () => {
  it("writes C as PrintableString, emailAddress as IA5String and every other attribute as UTF8String (OpenSSL's utf8only); reverses to X.501 order", () => {
    const rdns = validateSubject(parseDn("CN=www.例子.com,O=示例\\, 公司,OU=IT,C=CN,emailAddress=a@b.com"));
    const back = subjectFromDer(subjectToDer(rdns));
    expect(back.flat().map((a) => [a.type, a.value, a.stringType])).toEqual([
      ["CN", "www.xn--fsqu00a.com", "utf8String"],
      ["O", "示例, 公司", "utf8String"],
      ["OU", "IT", "utf8String"],
      ["C", "CN", "printableString"],
      ["emailAddress", "a@b.com", "ia5String"],
    ]);
    // X.501 order: the first RDN in the DER is the last in the text (C before CN).
    const der = subjectToDer(parseDn("CN=x,C=CN"));
    const cIndex = Buffer.from(der).indexOf(Buffer.from([0x55, 0x04, 0x06]));
    const cnIndex = Buffer.from(der).indexOf(Buffer.from([0x55, 0x04, 0x03]));
    expect(cIndex).toBeLessThan(cnIndex);
  });

  it("keeps #hex values verbatim", () => {
    const back = subjectFromDer(subjectToDer(parseDn("CN=#0c03616263")));
    expect(back[0]![0]).toMatchObject({ value: "abc", stringType: "utf8String" });
  });
});
