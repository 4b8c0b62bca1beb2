// V1 signatures against the published vectors and >=200 generated cases whose expected value comes
// from the official @alicloud/openapi-util at test time.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import OpenApiUtil from "@alicloud/openapi-util";
import { flattenParams } from "../../src/core/aliyun/encode";
import { signRpcV1, signRpcV1Params } from "../../src/core/aliyun/sign-v1";
import { hmacKeysFromSecret } from "../../src/core/aliyun/hmac";
import { date, nodeHmac, nonce, paramSet, secret } from "./signature-helpers";

const Util = (OpenApiUtil as unknown as { default?: typeof OpenApiUtil }).default ?? OpenApiUtil;

describe("signature V1 (HMAC-SHA1)", () => {
  it("reproduces the published vector B (DescribeRegions, testsecret)", async () => {
    const params = {
      Timestamp: "2016-02-23T12:46:24Z", Format: "XML", AccessKeyId: "testid", Action: "DescribeRegions",
      SignatureMethod: "HMAC-SHA1", SignatureNonce: "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", Version: "2014-05-26", SignatureVersion: "1.0",
    };
    const signed = await signRpcV1Params("GET", params, nodeHmac("sha1", "testsecret&"));
    expect(signed.signature).toBe("OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
    expect(signed.stringToSign).toBe(
      "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26",
    );
  });

  it("reproduces vector A through signRpcV1 with a non-extractable WebCrypto key", async () => {
    const keys = await hmacKeysFromSecret("testsecret");
    const signed = await signRpcV1(
      { method: "GET", format: "JSON", params: { Action: "DescribeDedicatedHosts", RegionId: "cn-beijing", Version: "2014-05-26" } },
      { hmac: keys.v1, accessKeyId: "testid", now: new Date("2023-03-13T08:34:30Z"), nonce: "edb2b34af0af9a6d14deaf7c1a5315eb" },
    );
    expect(signed.signature).toBe("9NaGiOspFP5UPcwX8Iwt2YJXXuk=");
  });

  it("includes the STS token in the signed set (vector A + SecurityToken)", async () => {
    const signed = await signRpcV1(
      { method: "GET", format: "JSON", params: { Action: "DescribeDedicatedHosts", RegionId: "cn-beijing", Version: "2014-05-26" } },
      { hmac: nodeHmac("sha1", "testsecret&"), accessKeyId: "testid", securityToken: "sts-token-value", now: new Date("2023-03-13T08:34:30Z"), nonce: "edb2b34af0af9a6d14deaf7c1a5315eb" },
    );
    expect(signed.signature).toBe("15MJzKu9gtGPVp4xLqAA08+fiGk=");
  });

  it("matches openapi-util for 300 generated requests (GET and POST)", async () => {
    await fc.assert(
      fc.asyncProperty(paramSet, secret, nonce, date, fc.constantFrom("GET", "POST"), fc.option(fc.constant("sts-tok*en ~"), { nil: undefined }),
        async (params, key, n, now, method, securityToken) => {
          const signed = await signRpcV1(
            { method: method as "GET" | "POST", params: { ...params, Action: "CreateCsr", Version: "2020-04-07" } },
            { hmac: nodeHmac("sha1", `${key}&`), accessKeyId: "LTAIexample", securityToken, now, nonce: n },
          );
          const { Signature: _s, ...signedSet } = signed.params;
          expect(signed.signature).toBe(Util.getRPCSignature(signedSet, method, key));
          // The flattening agrees with the SDK's (lists as Name.1 …).
          for (const [k, v] of Object.entries(flattenParams(params))) expect(signedSet[k]).toBe(v);
        }),
      { numRuns: 300 },
    );
  });
});
