// The popup's Renewal form state (src/ui/renewal-form.ts): read from renewal.get, written as renewal.set,
// deploy bindings and the old upload's deletion only with the upload, the days field checked as the worker will.
import { describe, expect, it } from "vitest";
import { albBindings, beforeDaysError, deployErrors, domainsOf, renewalInput, renewalRequest, slbBindings } from "../../../src/ui/renewal-form";

const none = { dcdnDomains: "", dcdnAuto: false, slbListeners: "", slbRegion: "cn-hangzhou", albListeners: "", albRegion: "cn-hangzhou" };

describe("renewal form", () => {
  it("round-trips a stored renewal", () => {
    const stored = {
      keyId: "k1",
      policy: { mode: "auto" as const, beforeDays: 20, fractionLeft: 1 / 3, key: "reuse" as const },
      uploadToCas: true,
      deploy: [{ target: "cdn" as const, domain: "www.example.com" }, { target: "cdn" as const, auto: true as const }],
      deleteOldUpload: true,
    };
    const input = renewalInput(stored);
    expect(input).toEqual({ mode: "auto", beforeDays: "20", key: "reuse", uploadToCas: true, cdnDomains: "www.example.com", cdnAuto: true, ...none, deleteOldUpload: true });
    expect(renewalRequest("k1", input, 1 / 3)).toEqual({ keyId: "k1", policy: stored.policy, uploadToCas: true, deploy: stored.deploy, deleteOldUpload: true });
    expect(renewalInput({ ...stored, deleteOldUpload: false }).deleteOldUpload).toBe(false); // the default
  });

  it("sends no deploy bindings and no old-upload deletion without the upload; splits and dedupes domains", () => {
    const input = { mode: "auto" as const, beforeDays: " 30 ", key: "new" as const, uploadToCas: false, cdnDomains: "a.example.com", cdnAuto: true, ...none, dcdnAuto: true, slbListeners: "nonsense", deleteOldUpload: true };
    expect(renewalRequest("k1", input)).toEqual({ keyId: "k1", policy: { mode: "auto", beforeDays: 30, key: "new" }, uploadToCas: false, deploy: [], deleteOldUpload: false });
    expect(domainsOf("A.example.com, b.example.com\n a.example.com;")).toEqual(["a.example.com", "b.example.com"]);
    expect(deployErrors(input)).toEqual({}); // without the upload no binding is sent, so none is checked
  });

  it("round-trips DCDN, SLB and ALB bindings, a listener in another region than its list's as LINE@REGION", () => {
    const deploy = [
      { target: "cdn" as const, domain: "www.example.com" },
      { target: "dcdn" as const, domain: "d.example.com" },
      { target: "dcdn" as const, auto: true as const },
      { target: "slb" as const, loadBalancerId: "lb-bp1", port: 443, region: "cn-shanghai" },
      { target: "slb" as const, loadBalancerId: "lb-bp1", port: 8443, domain: "api.example.com", region: "cn-shanghai" },
      { target: "slb" as const, loadBalancerId: "lb-gz9", port: 443, region: "cn-beijing" },
      { target: "alb" as const, listenerId: "lsn-1", default: true, region: "ap-southeast-1" },
      { target: "alb" as const, listenerId: "lsn-2", default: false, region: "ap-southeast-1" },
    ];
    const stored = { keyId: "k1", policy: { mode: "auto" as const, beforeDays: 30, fractionLeft: 1 / 3, key: "new" as const }, uploadToCas: true, deploy, deleteOldUpload: false };
    const input = renewalInput(stored);
    expect(input).toMatchObject({
      cdnDomains: "www.example.com",
      cdnAuto: false,
      dcdnDomains: "d.example.com",
      dcdnAuto: true,
      slbListeners: "lb-bp1:443\nlb-bp1:8443:api.example.com\nlb-gz9:443@cn-beijing",
      slbRegion: "cn-shanghai",
      albListeners: "lsn-1\nlsn-2:additional",
      albRegion: "ap-southeast-1",
    });
    expect(deployErrors(input)).toEqual({});
    expect(renewalRequest("k1", input, 1 / 3).deploy).toEqual(deploy);
    // Nothing stored: the selects start at cn-hangzhou.
    expect(renewalInput({ ...stored, deploy: [] })).toMatchObject({ slbRegion: "cn-hangzhou", albRegion: "cn-hangzhou", slbListeners: "", albListeners: "" });
  });

  it("reads listener lines as typed: spaces, the list's region, :default, an SNI domain in A-label form", () => {
    expect(slbBindings(" lb-a:443 \n\nlb-b:80:Bücher.example.com@cn-hongkong ", "cn-shenzhen")).toEqual([
      { target: "slb", loadBalancerId: "lb-a", port: 443, region: "cn-shenzhen" },
      { target: "slb", loadBalancerId: "lb-b", port: 80, domain: "xn--bcher-kva.example.com", region: "cn-hongkong" },
    ]);
    expect(albBindings("lsn-a:default\nlsn-b:additional@us-east-1", "eu-central-1")).toEqual([
      { target: "alb", listenerId: "lsn-a", default: true, region: "eu-central-1" },
      { target: "alb", listenerId: "lsn-b", default: false, region: "us-east-1" },
    ]);
  });

  it.each([
    ["lb-a:0", "ui_renewal_slb_invalid"],
    ["lb-a:65536", "ui_renewal_slb_invalid"],
    ["lb-a", "ui_renewal_slb_invalid"],
    ["lb-a:443:bad domain", "ui_renewal_slb_invalid"],
    ["lsn-a:443", "ui_renewal_slb_invalid"],
    ["lb-a:443@mars-1", "ui_renewal_region_invalid"],
  ])("refuses the SLB line %j (%s), naming it", (line, key) => {
    const input = { mode: "auto" as const, beforeDays: "30", key: "new" as const, uploadToCas: true, cdnDomains: "", cdnAuto: false, ...none, slbListeners: `lb-ok:443\n${line}`, deleteOldUpload: false };
    expect(deployErrors(input)).toEqual({ slb: { key, line } });
    expect(renewalRequest("k1", input).deploy).toEqual([]); // the section does not send it
  });

  it.each([
    ["lb-a", "ui_renewal_alb_invalid"],
    ["lsn-a:primary", "ui_renewal_alb_invalid"],
    ["lsn-a:default:x", "ui_renewal_alb_invalid"],
    ["lsn-a@moon", "ui_renewal_region_invalid"],
  ])("refuses the ALB line %j (%s), naming it", (line, key) => {
    const input = { mode: "auto" as const, beforeDays: "30", key: "new" as const, uploadToCas: true, cdnDomains: "", cdnAuto: false, ...none, albListeners: line, deleteOldUpload: false };
    expect(deployErrors(input)).toEqual({ alb: { key, line } });
  });

  it.each([["0"], ["398"], ["1.5"], ["x"], [""]])("refuses %j days", (text) => expect(beforeDaysError(text)).toBe("ui_renewal_days_invalid"));
  it.each([["1"], ["30"], ["397"]])("takes %j days", (text) => expect(beforeDaysError(text)).toBeUndefined());
});
