// The emulator's own verifier (emulator/signature.ts) against the published vectors (research notes §1.4
// and §2.3): it must accept exactly the documented signatures, and refuse them once anything changes.
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { verifyV1, verifyV3, type VerifyContext, type WireRequest } from "../../emulator/signature";
import { CloudError } from "../../emulator/cloud-error";

function ctx(at: string, accessKeyId: string, accessKeySecret: string): VerifyContext {
  const seen = new Set<string>();
  return {
    findCredential: (id) => (id === accessKeyId ? { accessKeyId, accessKeySecret } : undefined),
    now: () => Date.parse(at),
    useNonce: (ak, nonce) => !seen.has(`${ak}:${nonce}`) && Boolean(seen.add(`${ak}:${nonce}`)),
  };
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof CloudError) return err.code;
    throw err;
  }
  return "accepted";
}

const vectorB = {
  AccessKeyId: "testid",
  Action: "DescribeRegions",
  Format: "XML",
  SignatureMethod: "HMAC-SHA1",
  SignatureNonce: "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
  SignatureVersion: "1.0",
  Timestamp: "2016-02-23T12:46:24Z",
  Version: "2014-05-26",
};

describe("V1 verifier", () => {
  it("accepts the published vector B (GET) and vector A, from the query or from a form body", () => {
    const get: WireRequest = { method: "GET", path: "/", query: { ...vectorB, Signature: "OLeaidS1JvxuMvnyHOwuJ+uX5qY=" }, form: {}, headers: {}, body: Buffer.alloc(0) };
    const call = verifyV1(get, ctx("2016-02-23T12:50:00Z", "testid", "testsecret"));
    expect(call).toMatchObject({ signatureVersion: "V1", action: "DescribeRegions", version: "2014-05-26", params: {} });

    const a = {
      AccessKeyId: "testid", Action: "DescribeDedicatedHosts", Format: "JSON", RegionId: "cn-beijing", SignatureMethod: "HMAC-SHA1",
      SignatureNonce: "edb2b34af0af9a6d14deaf7c1a5315eb", SignatureVersion: "1.0", Timestamp: "2023-03-13T08:34:30Z", Version: "2014-05-26",
      Signature: "9NaGiOspFP5UPcwX8Iwt2YJXXuk=",
    };
    const { Action, Version, Signature, ...rest } = a;
    const split: WireRequest = { method: "GET", path: "/", query: { Action, Version, Signature }, form: rest, headers: {}, body: Buffer.alloc(0) };
    expect(verifyV1(split, ctx("2023-03-13T08:40:00Z", "testid", "testsecret")).action).toBe("DescribeDedicatedHosts");
  });

  it("refuses the same vector with another method, a changed value, another secret, outside the window, or replayed", () => {
    const base: WireRequest = { method: "GET", path: "/", query: { ...vectorB, Signature: "OLeaidS1JvxuMvnyHOwuJ+uX5qY=" }, form: {}, headers: {}, body: Buffer.alloc(0) };
    const at = "2016-02-23T12:50:00Z";
    expect(codeOf(() => verifyV1({ ...base, method: "POST" }, ctx(at, "testid", "testsecret")))).toBe("SignatureDoesNotMatch");
    expect(codeOf(() => verifyV1({ ...base, query: { ...base.query, Format: "JSON" } }, ctx(at, "testid", "testsecret")))).toBe("SignatureDoesNotMatch");
    expect(codeOf(() => verifyV1(base, ctx(at, "testid", "othersecret")))).toBe("SignatureDoesNotMatch");
    expect(codeOf(() => verifyV1(base, ctx(at, "otherid", "testsecret")))).toBe("InvalidAccessKeyId.NotFound");
    expect(codeOf(() => verifyV1(base, ctx("2016-02-23T13:02:00Z", "testid", "testsecret")))).toBe("InvalidTimeStamp.Expired");
    const once = ctx(at, "testid", "testsecret");
    expect(codeOf(() => verifyV1(base, once))).toBe("accepted");
    expect(codeOf(() => verifyV1(base, once))).toBe("SignatureNonceUsed");
  });
});

describe("V3 verifier", () => {
  const empty = createHash("sha256").update("").digest("hex");
  const headers = {
    host: "ecs.cn-shanghai.aliyuncs.com",
    "x-acs-action": "RunInstances",
    "x-acs-version": "2014-05-26",
    "x-acs-date": "2023-10-26T10:22:32Z",
    "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
    "x-acs-content-sha256": empty,
    authorization:
      "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0",
  };
  const request: WireRequest = {
    method: "POST",
    path: "/",
    query: { ImageId: "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd", RegionId: "cn-shanghai" },
    form: {},
    headers,
    body: Buffer.alloc(0),
  };
  const at = "2023-10-26T10:25:00Z";

  it("accepts the documented worked example", () => {
    const call = verifyV3(request, ctx(at, "YourAccessKeyId", "YourAccessKeySecret"));
    expect(call).toMatchObject({ signatureVersion: "V3", action: "RunInstances", params: { RegionId: "cn-shanghai" } });
  });

  it("refuses it with a changed query, an unsigned x-acs header, a wrong body hash or a stale date", () => {
    const c = () => ctx(at, "YourAccessKeyId", "YourAccessKeySecret");
    expect(codeOf(() => verifyV3({ ...request, query: { ...request.query, RegionId: "cn-hangzhou" } }, c()))).toBe("SignatureDoesNotMatch");
    expect(codeOf(() => verifyV3({ ...request, headers: { ...headers, "x-acs-credentials-provider": "static_ak" } }, c()))).toBe("IncompleteSignature");
    expect(codeOf(() => verifyV3({ ...request, body: Buffer.from("x=1") }, c()))).toBe("IncompleteSignature");
    expect(codeOf(() => verifyV3(request, ctx("2023-10-26T11:00:00Z", "YourAccessKeyId", "YourAccessKeySecret")))).toBe("InvalidTimeStamp.Expired");
    expect(codeOf(() => verifyV3(request, ctx(at, "YourAccessKeyId", "wrong")))).toBe("SignatureDoesNotMatch");
  });
});
