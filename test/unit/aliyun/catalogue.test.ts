// The operation catalogue: every operation issue 4 names is there with its service and version, the CLI
// flag of each parameter is its kebab-case name, and validateParams refuses bad input locally with a
// typed error naming the field (an SM2 CSR to CreateCertificateWithCsrRequest above all), whose text
// exists in both languages. CSRs come from OpenSSL 3, an independent maker.
import { beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OPERATIONS, findOperation, flagName, operation, LONG_FIELDS } from "../../../src/core/aliyun/operations";
import { validateParams } from "../../../src/core/aliyun/validate";
import { endpointFor } from "../../../src/core/aliyun/endpoints";
import { parseApiJson, quoteBigIntegers } from "../../../src/core/aliyun/json";
import { KeysmithError, errorMessageKey } from "../../../src/core/errors";
import { CATALOGS } from "../../../src/core/i18n";

const ISSUE_OPERATIONS: [string, string, string][] = [
  ["kms", "2016-01-20", "CreateCertificate"],
  ["cas", "2020-04-07", "CreateCertificateRequest"],
  ["cas", "2020-04-07", "CreateCsr"],
  ["cas", "2020-04-07", "CreateCertificateWithCsrRequest"],
  ["cas", "2020-04-07", "DescribeCertificateState"],
  ["cas", "2020-04-07", "DescribePackageState"],
  ["cas", "2020-04-07", "ListUserCertificateOrder"],
  ["cas", "2020-04-07", "CancelOrderRequest"],
  ["cas", "2020-04-07", "DeleteCertificateRequest"],
  ["cas", "2020-04-07", "CreateCertificateForPackageRequest"],
  ["kms", "2016-01-20", "UploadCertificate"],
  ["kms", "2016-01-20", "GetCertificate"],
  ["kms", "2016-01-20", "DescribeCertificate"],
  ["kms", "2016-01-20", "ListCertificates"],
  ["kms", "2016-01-20", "DeleteCertificate"],
  ["alidns", "2015-01-09", "AddDomainRecord"],
  ["alidns", "2015-01-09", "DescribeDomainRecords"],
  ["alidns", "2015-01-09", "DeleteDomainRecord"],
];

const csr: Record<string, string> = {};
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), "keysmith-catalogue-"));
  const make = (name: string, keyArgs: string[], digest = "-sha256") => {
    const key = join(dir, `${name}.key`);
    const out = join(dir, `${name}.csr`);
    execFileSync("openssl", ["genpkey", ...keyArgs, "-out", key], { stdio: "pipe" });
    execFileSync("openssl", ["req", "-new", "-key", key, digest, "-subj", "/CN=www.example.com/O=Example", "-out", out], { stdio: "pipe" });
    csr[name] = readFileSync(out, "utf8");
  };
  make("rsa2048", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]);
  make("rsa1024", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"]);
  make("p256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]);
  make("p384", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]);
  make("sm2", ["-algorithm", "SM2"], "-sm3");
});

const contact = { Username: "Li Lei", Email: "li@example.com", Phone: "+86 138 0000 0000", ValidateType: "DNS" };

function refusal(fn: () => unknown): KeysmithError {
  try {
    fn();
  } catch (err) {
    if (err instanceof KeysmithError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("operation catalogue", () => {
  it("has every operation of issue 4, POST RPC, with typed params and response fields", () => {
    for (const [service, version, action] of ISSUE_OPERATIONS) {
      const op = findOperation(version, action);
      expect(op, action).toBeDefined();
      expect(op!.service).toBe(service);
      expect(op!.method).toBe("POST");
      expect(op!.response.map((f) => f.name)).toContain("RequestId");
      for (const p of op!.params) expect(p.description.length, `${action}.${p.name}`).toBeGreaterThan(0);
    }
    expect(new Set(OPERATIONS.map((o) => `${o.version}/${o.action}`)).size).toBe(OPERATIONS.length);
  });

  it("marks reads, writes and creates, and every create can be reconciled through a list read", () => {
    for (const op of OPERATIONS) {
      if (/^(Describe|List|Get)/.test(op.action)) expect(op.kind, op.action).toBe("read");
      if (op.kind === "create") {
        expect(op.reconcile, op.action).toBeDefined();
        expect(operation(op.service, op.reconcile!.action).kind).toBe("read");
      }
    }
  });

  it("gives each parameter a kebab-case CLI flag", () => {
    expect(flagName("ValidateType")).toBe("validate-type");
    expect(flagName("SubjectAlternativeNames")).toBe("subject-alternative-names");
    expect(flagName("RR")).toBe("rr");
    expect(flagName("KeySize")).toBe("key-size");
    expect(flagName("OrderId")).toBe("order-id");
    expect(LONG_FIELDS.has("OrderId")).toBe(true);
    expect(LONG_FIELDS.has("CertificateId")).toBe(true); // nested in CertificateOrderList
    expect(LONG_FIELDS.has("CertStartTime")).toBe(false); // milliseconds fit a number
  });
});

describe("validateParams", () => {
  const withCsr = operation("cas", "CreateCertificateWithCsrRequest");

  it("accepts RSA 2048, P-256 and P-384 CSRs for CreateCertificateWithCsrRequest", () => {
    for (const name of ["rsa2048", "p256", "p384"]) {
      expect(validateParams(withCsr, { Csr: csr[name], ...contact }).Csr).toBe(csr[name]);
    }
  });

  it("refuses an SM2 CSR locally, naming the field and the rule, in both languages", () => {
    const err = refusal(() => validateParams(withCsr, { Csr: csr.sm2, ...contact }));
    expect(err.code).toBe("api.param.csr_sm2");
    expect(err.field).toBe("Csr");
    expect(err.localized("en")).toMatch(/SM2/);
    expect(err.localized("zh_CN")).toMatch(/SM2/);
  });

  it("refuses a 1024-bit RSA CSR and something that is not a CSR", () => {
    expect(refusal(() => validateParams(withCsr, { Csr: csr.rsa1024, ...contact })).code).toBe("api.param.csr_key");
    expect(refusal(() => validateParams(withCsr, { Csr: "hello", ...contact })).code).toBe("api.param.csr_pem");
  });

  it("checks each rule and names the field", () => {
    const cases: [string, string, Record<string, unknown>, string, string][] = [
      ["cas", "CreateCertificateRequest", { Domain: "www.example.com", ...contact, Email: "not-mail" }, "api.param.email", "Email"],
      ["cas", "CreateCertificateRequest", { Domain: "*.example.com", ...contact }, "api.param.wildcard_product", "ProductCode"],
      ["cas", "CreateCertificateRequest", { Domain: "www.example.com", ...contact, Extra: "1" }, "api.param.unknown", "Extra"],
      ["cas", "CreateCsr", { Algorithm: "RSA", KeySize: "256", CommonName: "a.example.com", CountryCode: "CN", Province: "ZJ", Locality: "HZ" }, "api.param.key_size", "KeySize"],
      ["cas", "CreateCsr", { Algorithm: "ECC", KeySize: "256", CommonName: "a.example.com", CountryCode: "CHN", Province: "ZJ", Locality: "HZ" }, "api.param.country", "CountryCode"],
      ["cas", "CreateCsr", { Algorithm: "SM2", KeySize: "256", CommonName: "a.example.com", CountryCode: "CN", Province: "ZJ", Locality: "HZ", Name: "bad name!" }, "api.param.csr_name", "Name"],
      ["cas", "CreateCertificateForPackageRequest", { ValidateType: "DNS" }, "api.param.domain_or_csr", "Domain"],
      ["kms", "CreateCertificate", { KeySpec: "EC_P256", Subject: "CN=a,C=CN,O=x" }, "api.param.kms_subject", "Subject"],
      ["kms", "CreateCertificate", { KeySpec: "RSA_4096", Subject: "CN=a,C=CN,O=x,OU=y" }, "api.param.allowed", "KeySpec"],
      ["kms", "CreateCertificate", { KeySpec: "EC_P256", Subject: "CN=a,C=CN,O=x,OU=y", SubjectAlternativeNames: Array.from({ length: 11 }, (_, i) => `h${i}.example.com`) }, "api.param.sans_json", "SubjectAlternativeNames"],
      ["kms", "CreateCertificate", { KeySpec: "EC_P256", Subject: "CN=a,C=CN,O=x,OU=y", ExportablePrivateKey: "yes" }, "api.param.type", "ExportablePrivateKey"],
      ["alidns", "AddDomainRecord", { DomainName: "example.com", RR: "_dnsauth", Type: "TXT" }, "api.param.required", "Value"],
      ["cas", "ListUserCertificateOrder", { ShowSize: "0" }, "api.param.positive", "ShowSize"],
    ];
    for (const [service, action, params, code, field] of cases) {
      const err = refusal(() => validateParams(operation(service as "cas", action), params as never));
      expect([action, err.code, err.field]).toEqual([action, code, field]);
      for (const locale of ["en", "zh_CN"] as const) {
        expect(CATALOGS[locale][errorMessageKey(code)], `${locale} ${code}`).toBeDefined();
        expect(err.localized(locale)).toContain(field);
      }
    }
  });

  it("puts values in wire form: SAN lists as a JSON array, 17-digit IDs untouched, booleans lower-case", () => {
    const kms = validateParams(operation("kms", "CreateCertificate"), {
      KeySpec: "EC_SM2", Subject: "CN=a,C=CN,O=x,OU=y", SubjectAlternativeNames: ["a.example.com", "b.example.com"], ExportablePrivateKey: false,
    });
    expect(kms.SubjectAlternativeNames).toBe('["a.example.com","b.example.com"]');
    expect(kms.ExportablePrivateKey).toBe("false");
    expect(validateParams(operation("cas", "DescribeCertificateState"), { OrderId: "98987582437920968" }).OrderId).toBe("98987582437920968");
  });
});

describe("JSON with long integers", () => {
  it("quotes integers beyond 2^53 outside strings only", () => {
    const text = '{"OrderId":98987582437920968,"n":-12345678901234567890,"f":1.5e3,"s":"98987582437920968 \\" 123456789012345678","small":42}';
    const parsed = JSON.parse(quoteBigIntegers(text));
    expect(parsed).toEqual({ OrderId: "98987582437920968", n: "-12345678901234567890", f: 1500, s: '98987582437920968 " 123456789012345678', small: 42 });
  });

  it("turns catalogue long fields into strings whatever their size, nested too", () => {
    expect(parseApiJson('{"CertificateOrderList":[{"OrderId":123,"Domain":"a"}],"TotalCount":1}', LONG_FIELDS)).toEqual({
      CertificateOrderList: [{ OrderId: "123", Domain: "a" }],
      TotalCount: 1,
    });
  });
});

describe("endpoints", () => {
  it("per service, site and region, with an override", () => {
    expect(endpointFor("cas").host).toBe("cas.aliyuncs.com");
    expect(endpointFor("cas", { site: "intl" }).host).toBe("cas.ap-southeast-1.aliyuncs.com");
    expect(endpointFor("kms", { region: "cn-shanghai" }).host).toBe("kms.cn-shanghai.aliyuncs.com");
    expect(endpointFor("alidns").host).toBe("alidns.aliyuncs.com");
    expect(endpointFor("kms", { endpoint: "http://127.0.0.1:8787" }).origin).toBe("http://127.0.0.1:8787");
  });
});
