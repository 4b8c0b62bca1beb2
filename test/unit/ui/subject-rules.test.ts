import { describe, expect, it } from "vitest";
import { checkKeySpec, checkSanBox, checkSubjectField, countryCodeFor, isDomainName, namesForRequest, parseNames, PROFILES } from "../../../src/ui/subject-rules";
import { opensslCommand } from "../../../src/ui/openssl-command";
import { parseRoute } from "../../../src/popup/route";
import { KeysmithError } from "../../../src/core/errors";
import { EMPTY_SUBJECT } from "../../../src/ui/worker-api";

describe("subject rules as the user types", () => {
  it("accepts domain names, wildcards and IDNs, rejects the rest", () => {
    for (const ok of ["example.com", "*.example.com", "a-b.example.co.uk", "例子.中国", "xn--fsqu00a.xn--fiqs8s"]) expect(isDomainName(ok), ok).toBe(true);
    for (const bad of ["", "localhost", "-a.example.com", "a..b", "*.*.example.com", "exa mple.com", "a_b.example.com"]) expect(isDomainName(bad), bad).toBe(false);
  });

  it("applies each destination's required fields", () => {
    expect(checkSubjectField(PROFILES.kms, "O", "")?.code).toBe("ui.subject.required");
    expect(checkSubjectField(PROFILES.dv, "O", "")).toBeUndefined();
    expect(checkSubjectField(PROFILES.generic, "CN", "My Device")).toBeUndefined();
    expect(checkSubjectField(PROFILES.dv, "CN", "My Device")?.code).toBe("ui.subject.cn_domain");
    expect(checkSubjectField(PROFILES.dv, "C", "cn")?.code).toBe("ui.subject.country");
    expect(checkSubjectField(PROFILES.dv, "C", "CN")).toBeUndefined();
  });

  it("names the field and the rule in both languages", () => {
    const e = checkSubjectField(PROFILES.kms, "C", "CHN")!;
    const err = KeysmithError.fromData(e);
    expect(err.localized("en")).toMatch(/^C: at most 2 characters/);
    expect(err.localized("zh_CN")).toMatch(/^C：最多 2 个字符/);
  });

  it("suggests the code for a country typed by name, in either language", () => {
    for (const [typed, code] of [["China", "CN"], ["CHINA", "CN"], ["中国", "CN"], ["Germany", "DE"], ["USA", "US"], ["United Kingdom", "GB"]]) {
      expect(countryCodeFor(typed), typed).toBe(code);
      expect(checkSubjectField(PROFILES.kms, "C", typed.toUpperCase()), typed).toMatchObject({ code: "ui.subject.country_name", params: { code } });
    }
    expect(countryCodeFor("Atlantis")).toBeUndefined();
    expect(countryCodeFor("European Union")).toBeUndefined();
    const zh = KeysmithError.fromData(checkSubjectField(PROFILES.kms, "C", "中国")!).localized("zh_CN");
    expect(zh).toBe("C：「中国」是国家名称，请填写它的两位代码 CN。");
    expect(KeysmithError.fromData(checkSubjectField(PROFILES.kms, "C", "CHINA")!).localized("en")).toBe('C: "CHINA" is a country name; enter its two-letter code, CN.');
  });

  it("limits SANs and key types per destination", () => {
    expect(checkSanBox(PROFILES.kms, "cn.example.com", Array.from({ length: 10 }, (_, i) => `h${i}.example.com`))?.code).toBe("ui.san.box_too_many");
    const bad = checkSanBox(PROFILES.generic, "", ["ok.example.com", "bad name"])!;
    expect(bad.field).toBe("SAN");
    expect(bad.code).toBe("san.dns.invalid");
    expect(bad.params.value).toBe("bad name");
    expect(checkSanBox(PROFILES.generic, "", ["192.0.2.1", "ops@example.com"])).toBeUndefined();
    expect(checkKeySpec(PROFILES.dv, "EC_SM2")?.code).toBe("ui.keyspec.not_accepted");
    expect(checkKeySpec(PROFILES.kms, "EC_SM2")).toBeUndefined();
  });

  it("checks the SAN box as typed: the CN apart, every bad name named, the typed count", () => {
    // A bad CN is the CN field's business, not the (untouched, empty) SAN box's.
    expect(checkSanBox(PROFILES.dv, "exa mple.com", [])).toBeUndefined();
    expect(checkSubjectField(PROFILES.dv, "CN", "exa mple.com")?.code).toBe("ui.subject.cn_domain");
    expect(checkSanBox(PROFILES.generic, "My Device", [])).toBeUndefined();
    // Any CA: a CN that looks like a host name goes into the SANs, so it is checked as one, on the CN.
    expect(checkSubjectField(PROFILES.generic, "CN", "a_b.example.com")).toMatchObject({ code: "san.dns.invalid", field: "CN" });
    const typed = Array.from({ length: 200 }, (_, i) => `h${i}.example.com`);
    const many = checkSanBox(PROFILES.generic, "www.example.com", typed)!;
    expect(many).toMatchObject({ code: "ui.san.box_too_many", params: { count: 200, max: 99 } });
    expect(KeysmithError.fromData(many).localized("en")).toBe("SAN: 200 names; at most 99 here besides the Common Name.");
    // The CN typed again in the box is not counted twice.
    expect(checkSanBox(PROFILES.kms, "a.example.com", ["a.example.com", ...typed.slice(0, 9)])).toBeUndefined();
    expect(checkSanBox(PROFILES.kms, "a.example.com", typed.slice(0, 10))).toMatchObject({ params: { count: 10, max: 9 } });
    expect(checkSanBox(PROFILES.dv, "a.example.com", ["b.example.com"])).toMatchObject({ code: "ui.san.cn_only", params: { count: 1 } });
    const bad = checkSanBox(PROFILES.generic, "a.example.com", ["ok.example.com", "a_b.example.com", "localhost", "x@"])!;
    expect(bad).toMatchObject({ code: "ui.san.invalid_many", params: { count: 3, names: "a_b.example.com, localhost, x@" } });
    expect(KeysmithError.fromData(bad).localized("zh_CN")).toContain("a_b.example.com, localhost, x@");
    expect(checkSanBox(PROFILES.generic, "a.example.com", ["localhost"])).toMatchObject({ code: "san.dns.single_label", params: { value: "localhost" } });
  });

  it("puts the CN first among the SANs, once", () => {
    expect(parseNames("b.example.com, a.example.com\nB.example.com")).toEqual(["b.example.com", "a.example.com"]);
    expect(namesForRequest("A.example.com", ["b.example.com", "a.example.com"])).toEqual(["a.example.com", "b.example.com"]);
    expect(namesForRequest("My Device", ["b.example.com"])).toEqual(["b.example.com"]);
  });
});

describe("openssl equivalent", () => {
  it("quotes the subject and lists SANs", () => {
    const cmd = opensslCommand("EC_SM2", { ...EMPTY_SUBJECT, CN: "a.example.com", O: "O'Brien/Co", C: "CN" }, ["a.example.com"]);
    expect(cmd).toContain("-newkey sm2 -sm3 -sigopt distid:1234567812345678");
    expect(cmd).toContain(`-subj '/C=CN/O=O'\\''Brien\\/Co/CN=a.example.com'`);
    expect(cmd).toContain(`-addext subjectAltName=DNS:a.example.com`);
  });
});

describe("popup routes", () => {
  it("reads the context menu's prefill", () => {
    expect(parseRoute("#new-csr?names=a.example.com,b.example.com")).toMatchObject({ tab: "new-csr", names: ["a.example.com", "b.example.com"] });
    expect(parseRoute("#orders?key=k1")).toMatchObject({ tab: "orders", keyId: "k1" });
    expect(parseRoute("")).toMatchObject({ tab: "new-csr", names: [] });
  });
});
