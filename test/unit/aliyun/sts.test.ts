// STS in the core (src/core/aliyun/sts.ts): the calls' wire form and answers against a fake fetch whose V3
// signatures are recomputed with the official @alicloud/openapi-util; AssumeRoleWithOIDC sent without any
// credential; the in-memory role cache refreshing before expiry on a fake clock, one request for many
// waiting callers, and typed errors naming the role ARN and the profile; secrets kept out of error texts.
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import OpenApiUtil from "@alicloud/openapi-util";
import { createClient, staticCredentials, type FetchLike } from "../../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../../src/core/aliyun/hmac";
import { ApiError } from "../../../src/core/aliyun/api-error";
import { endpointFor } from "../../../src/core/aliyun/endpoints";
import { operation } from "../../../src/core/aliyun/operations";
import { validateParams } from "../../../src/core/aliyun/validate";
import { assumeRole, assumeRoleWithOidc, cachedRoleCredentials, getCallerIdentity, type TemporaryCredentials } from "../../../src/core/aliyun/sts";
import { KeysmithError } from "../../../src/core/errors";

const Util = (OpenApiUtil as unknown as { default?: typeof OpenApiUtil }).default ?? OpenApiUtil;
const AK = "LTAI5tSourceKeyId";
const SECRET = "sourceSecret-0123456789";
const ROLE = "acs:ram::1234567890123456:role/cert-manager";
const PROVIDER = "acs:ram::1234567890123456:oidc-provider/ack-rrsa";
const TEMP_SECRET = "TempSecretAbcdefghijklmnopqrstuvwxyz0123";
const TOKEN = "CAIS-temporary-security-token-0123456789abcdefghijklmnop";

interface Seen {
  url: URL;
  headers: Record<string, string>;
  params: Record<string, string>;
}

/** A fake STS: checks V3 signatures (when there is an Authorization) and answers through `answer`. */
function fakeSts(answer: (seen: Seen) => { status?: number; body: unknown }, secret = SECRET, ak = AK): { fetch: FetchLike; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetch: FetchLike = async (input, init) => {
    const url = new URL(input);
    const params = Object.fromEntries(url.searchParams);
    const headers = { ...init.headers };
    if (headers.authorization) {
      const { authorization, accept: _accept, ...signedHeaders } = headers;
      const payload = createHash("sha256").update("").digest("hex");
      const expected = Util.getAuthorization(
        { method: init.method, pathname: "/", query: params, headers: { host: url.host, ...signedHeaders } } as never,
        "ACS3-HMAC-SHA256", payload, ak, secret,
      );
      expect(authorization).toBe(expected);
    }
    const entry = { url, headers, params };
    seen.push(entry);
    const { status = 200, body } = answer(entry);
    return { status, ok: status < 300, text: async () => (typeof body === "string" ? body : JSON.stringify(body)) };
  };
  return { fetch, seen };
}

const credentialsAnswer = (expiration = "2030-01-01T00:00:00Z") => ({
  RequestId: "req-1",
  Credentials: { AccessKeyId: "STS.NUgYrLnoC37mZZCNnAbez2", AccessKeySecret: TEMP_SECRET, SecurityToken: TOKEN, Expiration: expiration },
  AssumedRoleUser: { Arn: `${ROLE}/keysmith`, AssumedRoleId: "344584339364951186:keysmith" },
});

async function sourceClient(fetch: FetchLike, extra: { securityToken?: string } = {}) {
  return createClient({
    credentials: staticCredentials({ accessKeyId: AK, hmac: await hmacKeysFromSecret(SECRET), ...extra }),
    endpoint: "https://sts.aliyuncs.com",
    fetch,
    retries: 0,
  });
}

function refusal(err: unknown): KeysmithError {
  expect(err).toBeInstanceOf(KeysmithError);
  return err as KeysmithError;
}

describe("STS calls", () => {
  it("AssumeRole is signed with the source's key and answers the temporary credentials", async () => {
    const cloud = fakeSts(() => ({ body: credentialsAnswer() }));
    const temp = await assumeRole(await sourceClient(cloud.fetch), { roleArn: ROLE, roleSessionName: "keysmith", durationSeconds: 900, externalId: "abc" });
    expect(temp).toEqual({ accessKeyId: "STS.NUgYrLnoC37mZZCNnAbez2", accessKeySecret: TEMP_SECRET, securityToken: TOKEN, expiration: "2030-01-01T00:00:00Z" });
    const [req] = cloud.seen;
    expect(req!.headers["x-acs-action"]).toBe("AssumeRole");
    expect(req!.headers["x-acs-version"]).toBe("2015-04-01");
    expect(req!.headers.authorization).toContain(`Credential=${AK},`);
    expect(req!.params).toEqual({ RoleArn: ROLE, RoleSessionName: "keysmith", DurationSeconds: "900", ExternalId: "abc" });
  });

  it("GetCallerIdentity reads the account, user, ARN and type", async () => {
    const cloud = fakeSts(() => ({
      body: { RequestId: "r", AccountId: "1234567890123456", UserId: "216959339000654321", Arn: "acs:ram::1234567890123456:user/alice", IdentityType: "RAMUser", PrincipalId: "216959339000654321" },
    }));
    const id = await getCallerIdentity(await sourceClient(cloud.fetch));
    expect(id).toEqual({ accountId: "1234567890123456", userId: "216959339000654321", arn: "acs:ram::1234567890123456:user/alice", identityType: "RAMUser", principalId: "216959339000654321" });
    expect(cloud.seen[0]!.headers["x-acs-action"]).toBe("GetCallerIdentity");
  });

  it("AssumeRoleWithOIDC goes out without Authorization or any AccessKey, to the site's STS endpoint", async () => {
    const cloud = fakeSts(() => ({ body: { ...credentialsAnswer(), OIDCTokenInfo: { Subject: "system:serviceaccount:certs:keysmith" } } }));
    const temp = await assumeRoleWithOidc({ fetch: cloud.fetch, site: "intl", roleArn: ROLE, oidcProviderArn: PROVIDER, oidcToken: "eyJhbGciOiJIUzI1NiJ9.e30.sig", roleSessionName: "pod-1" });
    expect(temp.securityToken).toBe(TOKEN);
    const [req] = cloud.seen;
    expect(req!.url.host).toBe("sts.ap-southeast-1.aliyuncs.com");
    expect(req!.headers.authorization).toBeUndefined();
    expect(req!.headers["x-acs-action"]).toBe("AssumeRoleWithOIDC");
    expect(JSON.stringify(req!.headers)).not.toMatch(/LTAI|accesskey/i);
    expect(req!.params).toEqual({ RoleArn: ROLE, OIDCProviderArn: PROVIDER, OIDCToken: "eyJhbGciOiJIUzI1NiJ9.e30.sig", RoleSessionName: "pod-1" });
  });

  it("a refusal quoting the OIDC token or the security token does not carry them out", async () => {
    const oidcToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwb2QifQ.c2VjcmV0LXNpZ25hdHVyZQ";
    const quoting = fakeSts((seen) => ({ status: 400, body: { Code: "InvalidParameter.OIDCToken", Message: `bad token ${seen.params.OIDCToken}`, RequestId: "r" } }));
    const err = await assumeRoleWithOidc({ fetch: quoting.fetch, roleArn: ROLE, oidcProviderArn: PROVIDER, oidcToken, roleSessionName: "pod-1" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).apiCode).toBe("InvalidParameter.OIDCToken");
    expect(JSON.stringify((err as ApiError).toData())).not.toContain(oidcToken);

    const echo = fakeSts((seen) => ({ status: 400, body: { Code: "SignatureDoesNotMatch", Message: `string to sign: ${seen.headers["x-acs-security-token"]}`, RequestId: "r" } }));
    const client = await sourceClient(echo.fetch, { securityToken: TOKEN });
    const refused = await client.call("sts", "GetCallerIdentity").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(echo.seen[0]!.headers["x-acs-security-token"]).toBe(TOKEN);
    expect(JSON.stringify((refused as ApiError).toData())).not.toContain(TOKEN);
    expect((refused as ApiError).apiMessage).toContain("[security token withheld]");
  });

  it("an answer without the credentials is refused by name, without quoting what it held", async () => {
    const cloud = fakeSts(() => ({ body: { RequestId: "r", Credentials: { AccessKeyId: "STS.x", AccessKeySecret: TEMP_SECRET, Expiration: "2030-01-01T00:00:00Z" } } }));
    const err = refusal(await assumeRole(await sourceClient(cloud.fetch), { roleArn: ROLE, roleSessionName: "keysmith" }).catch((e: unknown) => e));
    expect(err.code).toBe("api.role.answer");
    expect(err.field).toBe("Credentials.SecurityToken");
    expect(JSON.stringify(err.toData())).not.toContain(TEMP_SECRET);
  });

  it("checks the role ARN, session name and duration locally, in both languages", () => {
    const op = operation("sts", "AssumeRole");
    const cases: [Record<string, string>, string, string][] = [
      [{ RoleArn: "arn:aws:iam::1:role/x", RoleSessionName: "ok-name" }, "api.role.arn", "RoleArn"],
      [{ RoleArn: ROLE, RoleSessionName: "a" }, "api.role.session_name", "RoleSessionName"],
      [{ RoleArn: ROLE, RoleSessionName: "has space" }, "api.role.session_name", "RoleSessionName"],
      [{ RoleArn: ROLE, RoleSessionName: "ok", DurationSeconds: "899" }, "api.role.duration", "DurationSeconds"],
      [{ RoleArn: ROLE, RoleSessionName: "ok", DurationSeconds: "43201" }, "api.role.duration", "DurationSeconds"],
    ];
    for (const [params, code, field] of cases) {
      let caught: unknown;
      try {
        validateParams(op, params);
      } catch (e) {
        caught = e;
      }
      const err = refusal(caught);
      expect([err.code, err.field]).toEqual([code, field]);
      expect(err.localized("en")).toContain(field);
      expect(err.localized("zh_CN")).toContain(field);
      expect(err.localized("zh_CN")).not.toBe(err.localized("en"));
    }
    const oidc = operation("sts", "AssumeRoleWithOIDC");
    expect(oidc.anonymous).toBe(true);
    let caught: unknown;
    try {
      validateParams(oidc, { RoleArn: ROLE, OIDCProviderArn: "acs:ram::1:role/x", OIDCToken: "t.t.t", RoleSessionName: "ok" });
    } catch (e) {
      caught = e;
    }
    expect(refusal(caught).code).toBe("api.role.oidc_provider_arn");
  });

  it("finds STS centrally per site, or in the region given", () => {
    expect(endpointFor("sts", { site: "cn" }).host).toBe("sts.aliyuncs.com");
    expect(endpointFor("sts", { site: "intl" }).host).toBe("sts.ap-southeast-1.aliyuncs.com");
    expect(endpointFor("sts", { site: "cn", region: "cn-shanghai" }).host).toBe("sts.cn-shanghai.aliyuncs.com");
  });
});

describe("cachedRoleCredentials", () => {
  const label = { roleArn: ROLE, profile: "prod" };
  const T0 = Date.parse("2025-06-01T00:00:00Z");

  /** A fake clock and an obtain that counts its calls and issues credentials living `lifetimeMs`. */
  function setup(lifetimeMs: number) {
    let clock = T0;
    let calls = 0;
    const obtain = async (): Promise<TemporaryCredentials> => {
      calls++;
      return { accessKeyId: `STS.key${calls}`, accessKeySecret: `secret-${calls}`, securityToken: `token-${calls}`, expiration: new Date(clock + lifetimeMs).toISOString() };
    };
    return { obtain, now: () => new Date(clock), advance: (ms: number) => (clock += ms), calls: () => calls };
  }

  it("keeps one set until less than a fifth of a long lifetime is left, then obtains the next", async () => {
    const s = setup(60 * 60_000); // an hour: a fifth (12 min) is more than 5 min
    const source = cachedRoleCredentials(s.obtain, label, { now: s.now });
    const first = await source.signingCredentials();
    expect(first.accessKeyId).toBe("STS.key1");
    expect(first.securityToken).toBe("token-1");
    expect(first.securityTokenExpiresAt).toBe(new Date(T0 + 60 * 60_000).toISOString());
    s.advance(47 * 60_000); // 13 min left
    expect((await source.signingCredentials()).accessKeyId).toBe("STS.key1");
    expect(s.calls()).toBe(1);
    s.advance(2 * 60_000); // 11 min left: under a fifth
    expect((await source.signingCredentials()).accessKeyId).toBe("STS.key2");
    expect(s.calls()).toBe(2);
  });

  it("refreshes a short lifetime 5 minutes before it ends", async () => {
    const s = setup(15 * 60_000); // a fifth is 3 min: the 5 min floor applies
    const source = cachedRoleCredentials(s.obtain, label, { now: s.now });
    await source.signingCredentials();
    s.advance(9 * 60_000); // 6 min left
    expect((await source.signingCredentials()).accessKeyId).toBe("STS.key1");
    s.advance(2 * 60_000); // 4 min left
    expect((await source.signingCredentials()).accessKeyId).toBe("STS.key2");
  });

  it("signs with the temporary secret: the HMAC keys are the ones of AccessKeySecret", async () => {
    const s = setup(60 * 60_000);
    const creds = await cachedRoleCredentials(s.obtain, label, { now: s.now }).signingCredentials();
    const data = new TextEncoder().encode("string to sign");
    const expected = await (await hmacKeysFromSecret("secret-1")).v3.sign(data);
    expect(Buffer.from(await creds.hmac.v3.sign(data)).toString("hex")).toBe(Buffer.from(expected).toString("hex"));
  });

  it("sends one request however many callers wait, and all get its answer", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const source = cachedRoleCredentials(async () => {
      calls++;
      await gate;
      return { accessKeyId: "STS.shared", accessKeySecret: "s", securityToken: "t", expiration: "2030-01-01T00:00:00Z" };
    }, label, { now: () => new Date(T0) });
    const waiting = Array.from({ length: 8 }, () => source.signingCredentials());
    release();
    const all = await Promise.all(waiting);
    expect(calls).toBe(1);
    expect(new Set(all.map((c) => c.accessKeyId))).toEqual(new Set(["STS.shared"]));
    expect(new Set(all).size).toBe(1);
  });

  it("a refused role is a typed error naming the ARN, the profile and STS's code, in both languages", async () => {
    const source = cachedRoleCredentials(async () => {
      throw new ApiError({ status: 403, apiCode: "NoPermission", apiMessage: "You are not authorized to do this action.", requestId: "req-9", recommend: "", action: "AssumeRole" });
    }, label);
    const err = refusal(await source.signingCredentials().catch((e: unknown) => e));
    expect(err.code).toBe("api.role.refused");
    expect(err.params).toMatchObject({ roleArn: ROLE, profile: "prod", apiCode: "NoPermission", requestId: "req-9" });
    for (const locale of ["en", "zh_CN"] as const) {
      const text = err.localized(locale);
      expect(text).toContain(ROLE);
      expect(text).toContain("prod");
      expect(text).toContain("NoPermission");
      expect(text).not.toMatch(/\{\w+\}/);
    }
    // Across worker messages it stays the same error.
    expect(KeysmithError.fromData(err.toData()).localized("en")).toBe(err.localized("en"));
  });

  it("expired credentials, from STS's answer or the source's token, are api.role.expired naming ARN and profile", async () => {
    const stale = cachedRoleCredentials(async () => ({ accessKeyId: "STS.old", accessKeySecret: "s", securityToken: "t", expiration: "2025-05-31T23:00:00Z" }), label, { now: () => new Date(T0) });
    const a = refusal(await stale.signingCredentials().catch((e: unknown) => e));
    expect(a.code).toBe("api.role.expired");
    expect(a.localized("en")).toContain(ROLE);
    expect(a.localized("en")).toContain("prod");
    expect(a.localized("en")).toContain("2025-05-31T23:00:00Z");

    const sourceExpired = cachedRoleCredentials(async () => {
      throw new ApiError({ status: 400, apiCode: "InvalidSecurityToken.Expired", apiMessage: "Specified SecurityToken is expired.", requestId: "r", recommend: "", action: "AssumeRole" });
    }, label);
    const b = refusal(await sourceExpired.signingCredentials().catch((e: unknown) => e));
    expect(b.code).toBe("api.role.expired");
    expect(b.localized("zh_CN")).toContain(ROLE);
    expect(b.localized("zh_CN")).toContain("InvalidSecurityToken.Expired");

    const noAnswer = cachedRoleCredentials(async () => {
      throw new KeysmithError("api.network", { field: "AssumeRole", params: { reason: "fetch failed" } });
    }, label);
    const c = refusal(await noAnswer.signingCredentials().catch((e: unknown) => e));
    expect(c.code).toBe("api.role.unavailable");
    expect(c.params).toMatchObject({ roleArn: ROLE, profile: "prod" });
  });

  it("goes on with still-valid credentials when a refresh fails, and fails once they have expired", async () => {
    let clock = T0;
    let fail = false;
    const source = cachedRoleCredentials(async () => {
      if (fail) throw new ApiError({ status: 404, apiCode: "EntityNotExist.Role", apiMessage: "The role not exists.", requestId: "r", recommend: "", action: "AssumeRole" });
      return { accessKeyId: "STS.one", accessKeySecret: "s", securityToken: "t", expiration: new Date(T0 + 60 * 60_000).toISOString() };
    }, label, { now: () => new Date(clock) });
    await source.signingCredentials();
    fail = true;
    clock = T0 + 55 * 60_000; // in the refresh window, not expired
    expect((await source.signingCredentials()).accessKeyId).toBe("STS.one");
    clock = T0 + 61 * 60_000;
    expect(refusal(await source.signingCredentials().catch((e: unknown) => e)).code).toBe("api.role.refused");
  });

  it("drives a client end to end: AssumeRole with the source, then calls signed with the STS key and token", async () => {
    const sts = fakeSts(() => ({ body: credentialsAnswer() }));
    const source = await sourceClient(sts.fetch);
    const roleCreds = cachedRoleCredentials(() => assumeRole(source, { roleArn: ROLE, roleSessionName: "keysmith" }), label);
    const target = fakeSts(() => ({ body: { RequestId: "r", AccountId: "1234567890123456", UserId: "344584339364951186:keysmith", Arn: `${ROLE}/keysmith`, IdentityType: "AssumedRoleUser" } }), TEMP_SECRET, "STS.NUgYrLnoC37mZZCNnAbez2");
    const client = createClient({ credentials: roleCreds, endpoint: "https://sts.aliyuncs.com", fetch: target.fetch, retries: 0 });
    expect((await getCallerIdentity(client)).identityType).toBe("AssumedRoleUser");
    await getCallerIdentity(client);
    expect(sts.seen).toHaveLength(1);
    expect(target.seen).toHaveLength(2);
    for (const req of target.seen) {
      expect(req.headers["x-acs-accesskey-id"]).toBe("STS.NUgYrLnoC37mZZCNnAbez2");
      expect(req.headers["x-acs-security-token"]).toBe(TOKEN);
    }
  });
});
