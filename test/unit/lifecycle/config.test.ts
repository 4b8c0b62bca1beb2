// src/core/lifecycle/config.ts: the renew file's checks. A good file comes back typed and defaulted; each
// bad one is a KeysmithError naming the path and the rule; arbitrary documents (fast-check) give a config
// or a typed error, never another exception.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KeysmithError } from "../../../src/core/errors";
import { parseRenewConfig } from "../../../src/core/lifecycle/config";
import { params, typedOnly } from "../fuzz/fuzz-support";

const contact = { username: "Li Lei", email: "ops@example.com", phone: "13800000000" };
const www = { name: "www", domains: ["www.example.com"], keySpec: "EC_P256", renewBeforeDays: 30, contact, deploy: [{ cdn: "www.example.com" }] };
const doc = (...certificates: unknown[]) => ({ certificates });
const withCert = (patch: Record<string, unknown>) => doc({ ...www, ...patch });

function refusal(input: unknown): KeysmithError {
  try {
    parseRenewConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(KeysmithError);
    return err as KeysmithError;
  }
  throw new Error(`accepted: ${JSON.stringify(input)}`);
}

describe("parseRenewConfig", () => {
  it("reads the documented example with its defaults", () => {
    expect(parseRenewConfig(doc(www))).toEqual({
      certificates: [
        {
          name: "www",
          domains: ["www.example.com"],
          keySpec: "EC_P256",
          productCode: "symantec-free-1-free",
          validateType: "DNS",
          policy: { mode: "auto", beforeDays: 30, fractionLeft: 1 / 3, key: "new" },
          contact,
          deploy: [{ target: "cdn", domain: "www.example.com", path: "certificates[0].deploy[0]" }],
          deleteOldUploads: false,
          path: "certificates[0]",
        },
      ],
    });
  });

  it("optional fields: productCode, validateType, renewFraction, key, mode, cdn: auto, a numeric phone, IDNs", () => {
    const c = parseRenewConfig(
      withCert({ domains: ["*.例子.cn"], productCode: "geotrust-dv-w-starter", validateType: "DNS", renewFraction: 0.25, key: "reuse", mode: "notify", contact: { ...contact, phone: 13800000000 }, deploy: [{ cdn: "auto" }, { cdn: "img.xn--fsqu00a.cn" }] }),
    ).certificates[0]!;
    expect(c.domains).toEqual(["*.xn--fsqu00a.cn"]);
    expect(c.policy).toEqual({ mode: "notify", beforeDays: 30, fractionLeft: 0.25, key: "reuse" });
    expect(c.contact.phone).toBe("13800000000");
    expect(c.deploy.map((d) => d.domain)).toEqual(["auto", "img.xn--fsqu00a.cn"]);
    expect(parseRenewConfig(withCert({ deploy: undefined, keySpec: undefined })).certificates[0]).toMatchObject({ deploy: [], keySpec: "EC_P256" });
  });

  it("dcdn, slb and alb bindings: their places in text form, regions kept, ALB additional certificates may repeat", () => {
    const c = parseRenewConfig(
      withCert({
        deploy: [
          { dcdn: "www.example.com" },
          { dcdn: "auto" },
          { slb: { loadBalancerId: "lb-bp1abc", port: 443 } },
          { slb: { loadBalancerId: "lb-bp1abc", port: "8443", domain: "WWW.example.com", region: "cn-shanghai" } },
          { alb: { listenerId: "lsn-xyz", default: true, region: "ap-southeast-1" } },
          { alb: { listenerId: "lsn-xyz", default: false } },
        ],
      }),
    ).certificates[0]!;
    expect(c.deploy).toEqual([
      { target: "dcdn", domain: "www.example.com", path: "certificates[0].deploy[0]" },
      { target: "dcdn", domain: "auto", path: "certificates[0].deploy[1]" },
      { target: "slb", domain: "lb-bp1abc:443", path: "certificates[0].deploy[2]" },
      { target: "slb", domain: "lb-bp1abc:8443:www.example.com", region: "cn-shanghai", path: "certificates[0].deploy[3]" },
      { target: "alb", domain: "lsn-xyz:default", region: "ap-southeast-1", path: "certificates[0].deploy[4]" },
      { target: "alb", domain: "lsn-xyz:additional", path: "certificates[0].deploy[5]" },
    ]);
    const twice = withCert({ deploy: [{ alb: { listenerId: "lsn-xyz", default: false } }] }) as { certificates: Record<string, unknown>[] };
    const other = { ...twice.certificates[0]!, name: "www2" };
    expect(parseRenewConfig({ certificates: [twice.certificates[0], other] }).certificates).toHaveLength(2);
  });

  it("deleteOldUploads: false unless the file says true", () => {
    expect(parseRenewConfig(doc(www)).certificates[0]!.deleteOldUploads).toBe(false);
    expect(parseRenewConfig(withCert({ deleteOldUploads: true })).certificates[0]!.deleteOldUploads).toBe(true);
    expect(parseRenewConfig(withCert({ deleteOldUploads: false })).certificates[0]!.deleteOldUploads).toBe(false);
  });

  const bad: [string, unknown, string, string][] = [
    ["not an object", "certificates: []", "lifecycle.value.type", "(file)"],
    ["unknown top-level field", { certificates: [www], certs: [] }, "lifecycle.field.unknown", "(file).certs"],
    ["no certificates", {}, "lifecycle.value.required", "(file).certificates"],
    ["empty list", doc(), "lifecycle.list.length", "certificates"],
    ["a certificate that is not an object", doc("www"), "lifecycle.value.type", "certificates[0]"],
    ["misspelt field", withCert({ renewBeforeDay: 3 }), "lifecycle.field.unknown", "certificates[0].renewBeforeDay"],
    ["no name", withCert({ name: undefined }), "lifecycle.value.required", "certificates[0].name"],
    ["a name with a slash", withCert({ name: "../www" }), "lifecycle.certificate.name", "certificates[0].name"],
    ["two domains", withCert({ domains: ["www.example.com", "api.example.com"] }), "lifecycle.list.length", "certificates[0].domains"],
    ["a domain that is not text", withCert({ domains: [42] }), "lifecycle.value.type", "certificates[0].domains[0]"],
    ["a bad domain", withCert({ domains: ["www..example.com"] }), "san.dns.invalid", "certificates[0].domains[0]"],
    ["a single-label domain", withCert({ domains: ["intranet"] }), "san.dns.single_label", "certificates[0].domains[0]"],
    ["unknown key spec", withCert({ keySpec: "RSA_1024" }), "key_spec.unknown", "certificates[0].keySpec"],
    ["SM2 for a cas DV order", withCert({ keySpec: "EC_SM2" }), "lifecycle.key_spec.not_for_cas", "certificates[0].keySpec"],
    ["unknown product", withCert({ productCode: "cheap-dv" }), "lifecycle.value.allowed", "certificates[0].productCode"],
    ["wildcard without a wildcard product", withCert({ domains: ["*.example.com"], deploy: [] }), "lifecycle.product.wildcard", "certificates[0].productCode"],
    ["FILE validation", withCert({ validateType: "FILE" }), "lifecycle.value.allowed", "certificates[0].validateType"],
    ["renewBeforeDays 0", withCert({ renewBeforeDays: 0 }), "lifecycle.renewal.before_days", "certificates[0].renewBeforeDays"],
    ["renewBeforeDays as text", withCert({ renewBeforeDays: "30" }), "lifecycle.renewal.before_days", "certificates[0].renewBeforeDays"],
    ["renewFraction 1", withCert({ renewFraction: 1 }), "lifecycle.renewal.fraction_left", "certificates[0].renewFraction"],
    ["key old", withCert({ key: "old" }), "lifecycle.value.allowed", "certificates[0].key"],
    ["mode sometimes", withCert({ mode: "sometimes" }), "lifecycle.value.allowed", "certificates[0].mode"],
    ["no contact", withCert({ contact: undefined }), "lifecycle.value.required", "certificates[0].contact"],
    ["bad email", withCert({ contact: { ...contact, email: "ops" } }), "api.param.email", "certificates[0].contact.email"],
    ["bad phone", withCert({ contact: { ...contact, phone: "call me" } }), "api.param.phone", "certificates[0].contact.phone"],
    ["blank username", withCert({ contact: { ...contact, username: "  " } }), "lifecycle.value.required", "certificates[0].contact.username"],
    ["contact extra", withCert({ contact: { ...contact, fax: "1" } }), "lifecycle.field.unknown", "certificates[0].contact.fax"],
    ["deploy not a list", withCert({ deploy: { cdn: "www.example.com" } }), "lifecycle.value.type", "certificates[0].deploy"],
    ["deploy entry with two products", withCert({ deploy: [{ cdn: "www.example.com", slb: "x" }] }), "lifecycle.deploy.shape", "certificates[0].deploy[0]"],
    ["deploy to an unknown product", withCert({ deploy: [{ waf: "www.example.com" }] }), "lifecycle.value.allowed", "certificates[0].deploy[0].waf"],
    ["a dcdn domain the certificate does not cover", withCert({ deploy: [{ dcdn: "api.example.com" }] }), "lifecycle.deploy.not_covered", "certificates[0].deploy[0].dcdn"],
    ["slb as text", withCert({ deploy: [{ slb: "lb-abc:443" }] }), "lifecycle.value.type", "certificates[0].deploy[0].slb"],
    ["slb without a port", withCert({ deploy: [{ slb: { loadBalancerId: "lb-abc" } }] }), "lifecycle.value.required", "certificates[0].deploy[0].slb.port"],
    ["slb port 0", withCert({ deploy: [{ slb: { loadBalancerId: "lb-abc", port: 0 } }] }), "lifecycle.deploy.port", "certificates[0].deploy[0].slb.port"],
    ["slb port 70000", withCert({ deploy: [{ slb: { loadBalancerId: "lb-abc", port: 70000 } }] }), "lifecycle.deploy.port", "certificates[0].deploy[0].slb.port"],
    ["slb id not lb-…", withCert({ deploy: [{ slb: { loadBalancerId: "alb-abc", port: 443 } }] }), "lifecycle.deploy.where", "certificates[0].deploy[0].slb.loadBalancerId"],
    ["slb SNI domain not covered", withCert({ deploy: [{ slb: { loadBalancerId: "lb-abc", port: 443, domain: "api.example.com" } }] }), "lifecycle.deploy.not_covered", "certificates[0].deploy[0].slb.domain"],
    ["slb unknown key", withCert({ deploy: [{ slb: { loadBalancerId: "lb-abc", port: 443, listener: 1 } }] }), "lifecycle.field.unknown", "certificates[0].deploy[0].slb.listener"],
    ["slb bad region", withCert({ deploy: [{ slb: { loadBalancerId: "lb-abc", port: 443, region: "Hangzhou" } }] }), "lifecycle.deploy.region", "certificates[0].deploy[0].slb.region"],
    ["slb auto", withCert({ deploy: [{ slb: "auto" }] }), "lifecycle.value.type", "certificates[0].deploy[0].slb"],
    ["alb without default", withCert({ deploy: [{ alb: { listenerId: "lsn-abc" } }] }), "lifecycle.value.required", "certificates[0].deploy[0].alb.default"],
    ["alb default as text", withCert({ deploy: [{ alb: { listenerId: "lsn-abc", default: "yes" } }] }), "lifecycle.value.type", "certificates[0].deploy[0].alb.default"],
    ["alb id not lsn-…", withCert({ deploy: [{ alb: { listenerId: "lb-abc", default: true } }] }), "lifecycle.deploy.where", "certificates[0].deploy[0].alb.listenerId"],
    ["alb unknown key", withCert({ deploy: [{ alb: { listenerId: "lsn-abc", default: true, port: 443 } }] }), "lifecycle.field.unknown", "certificates[0].deploy[0].alb.port"],
    ["one SLB listener bound twice", withCert({ deploy: [{ slb: { loadBalancerId: "lb-abc", port: 443 } }, { slb: { loadBalancerId: "lb-abc", port: "443" } }] }), "lifecycle.deploy.duplicate", "certificates[0].deploy[1].slb"],
    ["one ALB default bound twice", withCert({ deploy: [{ alb: { listenerId: "lsn-abc", default: true } }, { alb: { listenerId: "lsn-abc", default: true } }] }), "lifecycle.deploy.duplicate", "certificates[0].deploy[1].alb"],
    ["deploy to a domain the certificate does not cover", withCert({ deploy: [{ cdn: "api.example.com" }] }), "lifecycle.deploy.not_covered", "certificates[0].deploy[0].cdn"],
    ["duplicate names", doc(www, { ...www, domains: ["api.example.com"], deploy: [] }), "lifecycle.certificate.duplicate_name", "certificates[1].name"],
    ["deleteOldUploads as text", withCert({ deleteOldUploads: "true" }), "lifecycle.value.type", "certificates[0].deleteOldUploads"],
    ["deleteOldUploads as a number", withCert({ deleteOldUploads: 1 }), "lifecycle.value.type", "certificates[0].deleteOldUploads"],
    ["deleteOldUploads null", withCert({ deleteOldUploads: null }), "lifecycle.value.type", "certificates[0].deleteOldUploads"],
    ["deleteOldUploads misspelt", withCert({ deleteOldUpload: true }), "lifecycle.field.unknown", "certificates[0].deleteOldUpload"],
    ["one CDN domain bound twice", doc(www, { ...www, name: "www2" }), "lifecycle.deploy.duplicate", "certificates[1].deploy[0].cdn"],
  ];
  for (const [what, input, code, field] of bad) {
    it(`refuses ${what}: ${code} at ${field}`, () => {
      const e = refusal(input);
      expect([e.code, e.field]).toEqual([code, field]);
      for (const lang of ["en", "zh_CN"] as const) {
        expect(e.localized(lang)).toContain(field);
        expect(e.localized(lang)).not.toMatch(/^Invalid input \(/); // a text of its own, not the generic one
      }
    });
  }

  it("arbitrary documents give a config or a typed error", () => {
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom("auto", "EC_P256", "www.example.com", "*.example.com", "DNS", "reuse"));
    const key = fc.constantFrom("certificates", "name", "domains", "keySpec", "productCode", "validateType", "mode", "renewBeforeDays", "renewFraction", "key", "contact", "deploy", "deleteOldUploads", "username", "email", "phone", "cdn", "__proto__", "constructor", "x");
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("node"), { maxLength: 4 }), fc.dictionary(key, tie("node"), { maxKeys: 6 })),
    })).node;
    // Mutations of the good document reach the deeper checks.
    const mutated = fc.record({ field: fc.constantFrom(...Object.keys(www)), v: value }).map(({ field, v }) => withCert({ [field]: v }));
    fc.assert(fc.property(fc.oneof(value, mutated, fc.record({ certificates: fc.array(value, { maxLength: 3 }) })), (input) => void typedOnly(() => parseRenewConfig(input))), params());
  });
});
