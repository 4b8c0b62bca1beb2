import { describe, expect, it } from "vitest";
import { checkKeySpec, checkSans, checkSubjectField, isDomainName, namesForRequest, parseNames, PROFILES } from "../../../src/ui/subject-rules";
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
    const e = checkSubjectField(PROFILES.kms, "C", "China")!;
    const err = KeysmithError.fromData(e);
    expect(err.localized("en")).toMatch(/^C: at most 2 characters/);
    expect(err.localized("zh_CN")).toMatch(/^C：最多 2 个字符/);
  });

  it("limits SANs and key types per destination", () => {
    expect(checkSans(PROFILES.kms, Array.from({ length: 11 }, (_, i) => `h${i}.example.com`))?.code).toBe("ui.san.too_many");
    const bad = checkSans(PROFILES.generic, ["ok.example.com", "bad name"])!;
    expect(bad.code).toBe("san.dns.invalid");
    expect(bad.params.value).toBe("bad name");
    expect(checkSans(PROFILES.generic, ["192.0.2.1", "ops@example.com"])).toBeUndefined();
    expect(checkKeySpec(PROFILES.dv, "EC_SM2")?.code).toBe("ui.keyspec.not_accepted");
    expect(checkKeySpec(PROFILES.kms, "EC_SM2")).toBeUndefined();
  });

  it("puts the CN first among the SANs, once", () => {
    expect(parseNames("b.example.com, a.example.com\nB.example.com")).toEqual(["b.example.com", "a.example.com"]);
    expect(namesForRequest("A.example.com", ["b.example.com", "a.example.com"])).toEqual(["a.example.com", "b.example.com"]);
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
