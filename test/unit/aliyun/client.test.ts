// The signed client against a fake fetch that checks every request the way Alibaba Cloud would: the
// signature is recomputed with the official @alicloud/openapi-util from what went over the wire (query
// decoded, headers as sent plus the Host fetch adds). Then: exact 17-digit OrderIds, typed ApiErrors,
// read retries with jittered backoff, a create sent once, timeouts, STS.
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import OpenApiUtil from "@alicloud/openapi-util";
import { createClient, staticCredentials, type FetchLike, type SignatureVersion } from "../../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../../src/core/aliyun/hmac";
import { ApiError } from "../../../src/core/aliyun/api-error";
import { KeysmithError } from "../../../src/core/errors";

const Util = (OpenApiUtil as unknown as { default?: typeof OpenApiUtil }).default ?? OpenApiUtil;
const AK = "LTAI5tTestKeyId";
const SECRET = "testSecret*~ 中";

interface Seen {
  action: string;
  params: Record<string, string>;
  headers: Record<string, string>;
}

type Handler = (seen: Seen, call: number) => { status?: number; body: string } | "network" | "hang";

/** Verifies each request's signature with openapi-util, then answers through `handler`. */
function fakeCloud(handler: Handler, version: SignatureVersion): { fetch: FetchLike; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetch: FetchLike = async (input, init) => {
    const url = new URL(input);
    const params: Record<string, string> = {};
    for (const [k, v] of url.searchParams) params[k] = v;
    const headers = { ...init.headers };
    let action: string;
    if (version === "v1") {
      const { Signature, ...rest } = params;
      expect(Signature).toBe(Util.getRPCSignature(rest, init.method, SECRET));
      expect(init.body ?? "").toBe("");
      action = params.Action!;
    } else {
      const { authorization, accept: _accept, ...signedHeaders } = headers;
      const payload = createHash("sha256").update("").digest("hex");
      const expected = Util.getAuthorization(
        { method: init.method, pathname: "/", query: params, headers: { host: url.host, ...signedHeaders } } as never,
        "ACS3-HMAC-SHA256",
        payload,
        AK,
        SECRET,
      );
      expect(authorization).toBe(expected);
      action = headers["x-acs-action"]!;
    }
    const entry = { action, params, headers };
    seen.push(entry);
    const answer = handler(entry, seen.length);
    if (answer === "network") throw new TypeError("fetch failed");
    if (answer === "hang") {
      return new Promise((_resolve, reject) => init.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))));
    }
    const status = answer.status ?? 200;
    return { status, ok: status >= 200 && status < 300, text: async () => answer.body };
  };
  return { fetch, seen };
}

async function client(handler: Handler, version: SignatureVersion = "v3", extra: Partial<Parameters<typeof createClient>[0]> = {}) {
  const cloud = fakeCloud(handler, version);
  const sleeps: number[] = [];
  const c = createClient({
    credentials: staticCredentials({ accessKeyId: AK, hmac: await hmacKeysFromSecret(SECRET) }),
    endpoint: "http://127.0.0.1:9",
    fetch: cloud.fetch,
    signatureVersion: version,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    ...extra,
  });
  return { c, seen: cloud.seen, sleeps };
}

const ORDER_ID = "98987582437920968"; // beyond 2^53: JSON.parse alone would give ...960

describe("signed client", () => {
  for (const version of ["v1", "v3"] as const) {
    it(`${version}: signs as openapi-util does and keeps a 17-digit OrderId exact`, async () => {
      const { c, seen } = await client(() => ({ body: `{"RequestId":"r-1","Type":"domain_verify","OrderId":${ORDER_ID}}` }), version);
      const reply = await c.call("cas", "DescribeCertificateState", { OrderId: ORDER_ID });
      expect(reply.OrderId).toBe(ORDER_ID);
      expect(reply.Type).toBe("domain_verify");
      expect(seen[0]!.params.OrderId).toBe(ORDER_ID);
      if (version === "v1") {
        expect(seen[0]!.params).toMatchObject({ Action: "DescribeCertificateState", Version: "2020-04-07", AccessKeyId: AK, SignatureMethod: "HMAC-SHA1" });
      } else {
        expect(seen[0]!.headers["x-acs-version"]).toBe("2020-04-07");
      }
    });

    it(`${version}: values with Chinese, PEM newlines, '*', '~' and spaces survive signing and the wire`, async () => {
      const { c, seen } = await client(() => ({ body: `{"RequestId":"r","CsrId":12345678901234567,"Csr":"x"}` }), version);
      const reply = await c.call("cas", "CreateCsr", {
        Algorithm: "RSA", KeySize: 2048, CommonName: "www.example.com", CountryCode: "CN",
        Province: "浙江 省*~", Locality: "杭州\n西湖", CorpName: "Ex (Co) 'Ltd' !",
      });
      expect(reply.CsrId).toBe("12345678901234567");
      const create = seen.find((s) => s.action === "CreateCsr")!;
      expect(create.params.Province).toBe("浙江 省*~");
      expect(create.params.Locality).toBe("杭州\n西湖");
    });

    it(`${version}: sends the STS token as the SDK does`, async () => {
      const { c, seen } = await client(() => ({ body: `{"RequestId":"r","TotalCount":1,"UsedCount":0,"IssuedCount":0}` }), version, {
        credentials: staticCredentials({ accessKeyId: AK, hmac: await hmacKeysFromSecret(SECRET), securityToken: "sts-token", securityTokenExpiresAt: "2099-01-01T00:00:00Z" }),
      });
      await c.call("cas", "DescribePackageState");
      if (version === "v1") expect(seen[0]!.params.SecurityToken).toBe("sts-token");
      else expect(seen[0]!.headers["x-acs-security-token"]).toBe("sts-token");
    });
  }

  it("refuses an expired STS token locally, before anything is sent", async () => {
    const { c, seen } = await client(() => ({ body: "{}" }), "v3", {
      credentials: staticCredentials({ accessKeyId: AK, hmac: await hmacKeysFromSecret(SECRET), securityToken: "t", securityTokenExpiresAt: "2020-01-01T00:00:00Z" }),
      now: () => new Date("2026-01-01T00:00:00Z"),
    });
    await expect(c.call("cas", "DescribePackageState")).rejects.toMatchObject({ code: "api.credentials.token_expired" });
    expect(seen).toHaveLength(0);
  });

  it("refuses invalid parameters locally, naming the field, with nothing sent", async () => {
    const { c, seen } = await client(() => ({ body: "{}" }));
    await expect(c.call("cas", "CreateCertificateRequest", { Domain: "a.example.com", Email: "x@example.com", Phone: "13800000000", ValidateType: "DNS" }))
      .rejects.toMatchObject({ code: "api.param.required", field: "Username" });
    await expect(c.call("cas", "CreateCertificateRequest", { Domain: "a.example.com", Username: "A", Email: "x@example.com", Phone: "13800000000", ValidateType: "HTTP" }))
      .rejects.toMatchObject({ code: "api.param.allowed", field: "ValidateType" });
    await expect(c.call("cas", "DescribeCertificateState", { OrderId: "12ab" })).rejects.toMatchObject({ code: "api.param.type", field: "OrderId" });
    expect(seen).toHaveLength(0);
  });

  it("turns a refusal into an ApiError with status, Code, Message, RequestId, Recommend and an explanation", async () => {
    const body = JSON.stringify({ RequestId: "REQ-1", HostId: "cas.aliyuncs.com", Code: "NotFoundOrder", Message: "order not found", Recommend: "https://api.aliyun.com/troubleshoot?q=NotFoundOrder" });
    const { c } = await client(() => ({ status: 404, body }));
    const err = await c.call("cas", "CancelOrderRequest", { OrderId: ORDER_ID }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const api = err as ApiError;
    expect(api).toMatchObject({ status: 404, apiCode: "NotFoundOrder", apiMessage: "order not found", requestId: "REQ-1", code: "api.remote.no_order" });
    expect(api.recommend).toContain("troubleshoot");
    expect(api.localized("en")).toContain("REQ-1");
    expect(api.localized("zh_CN")).not.toBe(api.localized("en"));
    // Across a worker message it keeps its code and text.
    expect(KeysmithError.fromData(api.toData()).localized("en")).toBe(api.localized("en"));
  });

  it("reads an XML error body too", async () => {
    const xml = "<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>R2</RequestId><Code>SignatureDoesNotMatch</Code><Message>no match</Message></Error>";
    const { c } = await client(() => ({ status: 400, body: xml }));
    await expect(c.call("cas", "DescribePackageState")).rejects.toMatchObject({ apiCode: "SignatureDoesNotMatch", requestId: "R2", code: "api.remote.signature" });
  });

  it("retries a read on Throttling and 5xx with jittered, growing backoff", async () => {
    const { c, seen, sleeps } = await client((_s, n) =>
      n === 1 ? { status: 400, body: `{"Code":"Throttling.User","RequestId":"a"}` } : n === 2 ? { status: 503, body: `{"Code":"ServiceUnavailable"}` } : { body: `{"RequestId":"ok","TotalCount":3}` },
    );
    const reply = await c.call("cas", "DescribePackageState");
    expect(reply.TotalCount).toBe(3);
    expect(seen).toHaveLength(3);
    expect(sleeps).toEqual([200, 400]); // random() = 0.5 of 400·2^n
  });

  it("retries a read after a network error, and gives up with api.network after the retries", async () => {
    const { c, seen } = await client(() => "network", "v3", { retries: 2 });
    await expect(c.call("cas", "ListUserCertificateOrder")).rejects.toMatchObject({ code: "api.network", field: "ListUserCertificateOrder" });
    expect(seen).toHaveLength(3);
  });

  it("does not retry a read refused for a reason retrying cannot fix", async () => {
    const { c, seen } = await client(() => ({ status: 400, body: `{"Code":"InvalidParameter"}` }));
    await expect(c.call("cas", "DescribePackageState")).rejects.toMatchObject({ code: "api.remote.parameter" });
    expect(seen).toHaveLength(1);
  });

  it("never retries a write", async () => {
    const { c, seen } = await client(() => ({ status: 503, body: `{"Code":"ServiceUnavailable"}` }));
    await expect(c.call("cas", "DeleteCertificateRequest", { OrderId: ORDER_ID })).rejects.toBeInstanceOf(ApiError);
    expect(seen).toHaveLength(1);
  });

  it("times out with AbortController and says so", async () => {
    const { c } = await client(() => "hang", "v3", { timeoutMs: 10, retries: 0 });
    await expect(c.call("cas", "DescribePackageState")).rejects.toMatchObject({ code: "api.timeout" });
  });

  describe("a create whose answer is lost", () => {
    const create = { Domain: "www.example.com", Username: "Li Lei", Email: "li@example.com", Phone: "13800000000", ValidateType: "DNS" };

    it("is sent once and never retried: the loss is reported as such (reconciling is the write-ahead's)", async () => {
      const { c, seen } = await client(() => "network");
      await expect(c.call("cas", "CreateCertificateRequest", create)).rejects.toMatchObject({ code: "api.network", field: "CreateCertificateRequest" });
      expect(seen.map((s) => s.action)).toEqual(["CreateCertificateRequest"]);
    });

    it("a 503 after a create is an ApiError sent once (the write-ahead treats it as unknown)", async () => {
      const { c, seen } = await client(() => ({ status: 503, body: `{"Code":"ServiceUnavailable","RequestId":"q"}` }));
      await expect(c.call("cas", "CreateCertificateRequest", create)).rejects.toMatchObject({ status: 503 });
      expect(seen).toHaveLength(1);
    });

    it("a refused create is an ApiError", async () => {
      const { c } = await client(() => ({ status: 404, body: `{"Code":"NotRemainCount","RequestId":"q"}` }));
      await expect(c.call("cas", "CreateCertificateRequest", create)).rejects.toMatchObject({ code: "api.remote.no_quota", status: 404 });
    });
  });
});
