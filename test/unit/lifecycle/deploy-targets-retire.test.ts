// DeployTarget.retire with a fake `call`: ALB dissociates only the replaced uploads' additional rows, and only
// once the new one is Associated; SLB deletes only server certificates named `keysmith-<recorded upload name>`
// made from a replaced upload, once the listener serves the new CertId, and reports a refusal as kept.
import { describe, expect, it } from "vitest";
import { ALB_TARGET, DEPLOY_TARGETS, SLB_TARGET, slbServerCertificateName, type ApiCall } from "../../../src/core/lifecycle/deploy-targets";
import { ApiError } from "../../../src/core/aliyun/api-error";

type Row = Record<string, unknown>;

function recorder(answer: (action: string, params: Record<string, string>) => Row) {
  const calls: { action: string; params: Record<string, string> }[] = [];
  const call: ApiCall = async (action, params) => {
    calls.push({ action, params });
    return answer(action, params);
  };
  return { call, calls };
}

describe("ALB retire", () => {
  const rows = (newStatus: string): Row => ({
    Certificates: [
      { CertificateId: "100-cn-hangzhou", IsDefault: true, Status: "Associated" },
      { CertificateId: "200-cn-hangzhou", IsDefault: false, Status: "Associated" }, // replaced upload
      { CertificateId: "300-cn-hangzhou", IsDefault: false, Status: "Associated" }, // the user's
      { CertificateId: "400-cn-hangzhou", IsDefault: false, Status: newStatus }, // new
    ],
  });

  it("dissociates the replaced upload's additional row only, after the new one is Associated", async () => {
    const { call, calls } = recorder((action) => (action === "ListListenerCertificates" ? rows("Associated") : { JobId: "j" }));
    const done = await ALB_TARGET.retire!(call, { domain: "lsn-a:additional", certId: "400", replaced: [{ certId: "200" }, { certId: "100" }] });
    expect(done).toEqual({ removed: ["200-cn-hangzhou"], kept: [] });
    expect(calls.filter((c) => c.action === "DissociateAdditionalCertificatesFromListener").map((c) => c.params)).toEqual([{ ListenerId: "lsn-a", "Certificates.1.CertificateId": "200-cn-hangzhou" }]);
  });

  it("does nothing while the new one is still Associating, nor for a default binding", async () => {
    const { call, calls } = recorder((action) => (action === "ListListenerCertificates" ? rows("Associating") : { JobId: "j" }));
    expect(await ALB_TARGET.retire!(call, { domain: "lsn-a:additional", certId: "400", replaced: [{ certId: "200" }] })).toEqual({ removed: [], kept: [] });
    expect(await ALB_TARGET.retire!(call, { domain: "lsn-a:default", certId: "400", replaced: [{ certId: "200" }] })).toEqual({ removed: [], kept: [] });
    expect(calls.map((c) => c.action)).toEqual(["ListListenerCertificates"]);
  });
});

describe("SLB retire", () => {
  const serverCertificates: Row[] = [
    { ServerCertificateId: "sc-new", AliCloudCertificateId: "400", ServerCertificateName: slbServerCertificateName("www-NEW") },
    { ServerCertificateId: "sc-old", AliCloudCertificateId: "200", ServerCertificateName: slbServerCertificateName("www-OLD") },
    { ServerCertificateId: "sc-used", AliCloudCertificateId: "200", ServerCertificateName: slbServerCertificateName("www-OLD") },
    { ServerCertificateId: "sc-user", AliCloudCertificateId: "200", ServerCertificateName: "made-by-hand" },
  ];
  const answer = (action: string, params: Record<string, string>): Row => {
    if (action === "DescribeLoadBalancerHTTPSListenerAttribute") return { ServerCertificateId: "sc-new", StickySession: "off", HealthCheck: "off" };
    if (action === "DescribeServerCertificates") return { ServerCertificates: { ServerCertificate: params.ServerCertificateId ? serverCertificates.filter((r) => r.ServerCertificateId === params.ServerCertificateId) : serverCertificates } };
    if (action === "DeleteServerCertificate" && params.ServerCertificateId === "sc-used") throw new ApiError({ status: 400, apiCode: "CertificateAndPrivateKeyIsRefered", apiMessage: "bound", requestId: "r", recommend: "", action });
    return {};
  };

  it("deletes Keysmith's server certificates of the replaced upload, keeps one SLB refuses, never the user's", async () => {
    const { call, calls } = recorder(answer);
    const done = await SLB_TARGET.retire!(call, { domain: "lb-a:443", certId: "400", region: "cn-shanghai", replaced: [{ certId: "200", name: "www-OLD" }] });
    expect(done).toEqual({ removed: ["sc-old"], kept: [{ id: "sc-used", reason: "CertificateAndPrivateKeyIsRefered" }] });
    expect(calls.filter((c) => c.action === "DeleteServerCertificate").map((c) => c.params.ServerCertificateId)).toEqual(["sc-old", "sc-used"]);
    expect(calls.every((c) => c.params.RegionId === "cn-shanghai")).toBe(true);
  });

  it("does nothing without a recorded name, or while the listener does not serve the new CertId", async () => {
    const { call, calls } = recorder(answer);
    expect(await SLB_TARGET.retire!(call, { domain: "lb-a:443", certId: "400", replaced: [{ certId: "200" }] })).toEqual({ removed: [], kept: [] });
    expect(await SLB_TARGET.retire!(call, { domain: "lb-a:443", certId: "999", replaced: [{ certId: "200", name: "www-OLD" }] })).toEqual({ removed: [], kept: [] });
    expect(calls.some((c) => c.action === "DeleteServerCertificate")).toBe(false);
  });

  it("CDN and DCDN have no retire (a domain serves one certificate)", () => {
    expect(DEPLOY_TARGETS.cdn!.retire).toBeUndefined();
    expect(DEPLOY_TARGETS.dcdn!.retire).toBeUndefined();
  });
});
