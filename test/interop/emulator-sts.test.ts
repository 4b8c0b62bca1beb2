// The emulator's STS (emulator/services/sts.ts) checked with the official @alicloud/sts20150401 SDK:
// AssumeRole signed with the demo key gives an `STS.` key and token that @alicloud/cas20200407 and
// pop-core then sign with, until the business clock passes the expiry (InvalidSecurityToken.Expired);
// a role that does not trust the caller is refused; AssumeRoleWithOIDC (unsigned) with tokens the
// control API mints, and refused for a wrong audience, expiry, algorithm or signature; GetCallerIdentity
// per key and account. The core's own STS calls (src/core/aliyun/sts.ts) against it; ECS instance
// metadata with IMDSv2 tokens; and `--tls`: HTTPS with a certificate from the emulator's CA, trusted by a
// Node child through NODE_EXTRA_CA_CERTS, flags and control routes included.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import * as stsModule from "@alicloud/sts20150401";
import { startEmulator, DEMO_CREDENTIALS, DEFAULT_ACCOUNT_ID, type RunningEmulator } from "../../emulator/index";
import { bannerStateLine, casClient, casModule, popClient, scratch, spawnEmulatorCli, teaConfig, write, type SdkCredentials } from "./emulator-helpers";
import { createClient, staticCredentials } from "../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../src/core/aliyun/hmac";
import { assumeRole, assumeRoleWithOidc, cachedRoleCredentials, getCallerIdentity } from "../../src/core/aliyun/sts";
import { KeysmithError } from "../../src/core/errors";

const ROOT = join(import.meta.dirname, "../..");
const StsClient = (() => {
  const mod = stsModule as unknown as { default: { default?: unknown } };
  return (typeof mod.default.default === "function" ? mod.default.default : mod.default) as typeof stsModule.default;
})();

const ROLE = `acs:ram::${DEFAULT_ACCOUNT_ID}:role/cert-manager`;
const DISTRUSTING = `acs:ram::${DEFAULT_ACCOUNT_ID}:role/other-team`;
const OIDC_ROLE = `acs:ram::${DEFAULT_ACCOUNT_ID}:role/ack-certs`;
const SHORT_ROLE = `acs:ram::${DEFAULT_ACCOUNT_ID}:role/short`;
const PROVIDER = `acs:ram::${DEFAULT_ACCOUNT_ID}:oidc-provider/ack-rrsa`;
const ISSUER = "https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/c1234";
const SECOND = { accessKeyId: "LTAI5tSecondAccountKey", accessKeySecret: "SecondAccountSecret-0123", accountId: "9876543210987654", userName: "deployer" };

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    credentials: [DEMO_CREDENTIALS, SECOND],
    roles: [
      { arn: ROLE, trusted: [DEMO_CREDENTIALS.accessKeyId] },
      { arn: DISTRUSTING, trusted: [SECOND.accountId] },
      { arn: OIDC_ROLE, trusted: [PROVIDER] },
      { arn: SHORT_ROLE, trusted: [DEFAULT_ACCOUNT_ID], maxSessionDuration: 3600 },
    ],
    oidcProviders: [{ arn: PROVIDER, issuer: ISSUER, audience: "sts.aliyuncs.com", subject: "system:serviceaccount:certs:keysmith" }],
  });
});
afterAll(async () => {
  await emu?.close();
});

function stsClient(creds?: SdkCredentials): InstanceType<typeof StsClient> {
  return new StsClient(teaConfig(emu, creds ?? emu));
}

/** The cloud's error code of a refused SDK call. */
async function refusedCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return String((err as { code?: unknown }).code ?? (err as { data?: { Code?: unknown } }).data?.Code);
  }
  throw new Error("expected a refusal");
}

async function assumeWithSdk(roleArn = ROLE, durationSeconds = 900): Promise<SdkCredentials & { securityToken: string; expiration: string }> {
  const res = await stsClient().assumeRole(new stsModule.AssumeRoleRequest({ roleArn, roleSessionName: "keysmith-test", durationSeconds }));
  const c = res.body!.credentials!;
  return { accessKeyId: c.accessKeyId!, accessKeySecret: c.accessKeySecret!, securityToken: c.securityToken!, expiration: c.expiration! };
}

const packageState = (creds: SdkCredentials) =>
  casClient(emu, creds).describePackageState(new casModule.DescribePackageStateRequest({ productCode: "symantec-free-1-free" }));

describe("emulator STS with @alicloud/sts20150401", () => {
  it("AssumeRole with the demo key: cas accepts the STS key and token until the business clock passes the expiry", async () => {
    const temp = await assumeWithSdk(ROLE, 900);
    expect(temp.accessKeyId).toMatch(/^STS\./);
    expect(temp.securityToken.length).toBeGreaterThan(20);
    expect(Date.parse(temp.expiration) - Date.now()).toBeGreaterThan(800_000);

    expect((await packageState(temp)).body?.totalCount).toBeGreaterThan(0);
    // pop-core (Signature V1, the token as a signed parameter) too.
    const pop = (await popClient(emu, "2020-04-07", temp).request("DescribePackageState", { ProductCode: "symantec-free-1-free" }, { method: "POST" })) as { TotalCount: number };
    expect(pop.TotalCount).toBeGreaterThan(0);

    // Without the token, or with another one, the key is refused.
    expect(await refusedCode(packageState({ accessKeyId: temp.accessKeyId, accessKeySecret: temp.accessKeySecret }))).toBe("MissingSecurityToken");
    expect(await refusedCode(packageState({ ...temp, securityToken: `${temp.securityToken}x` }))).toBe("InvalidSecurityToken.MismatchWithAccessKey");

    emu.control.advanceTime(901_000);
    expect(await refusedCode(packageState(temp))).toBe("InvalidSecurityToken.Expired");
    // The demo key itself is untouched by the clock.
    expect((await packageState(emu)).body?.totalCount).toBeGreaterThan(0);
  });

  it("refuses a role that does not trust the caller, a role that does not exist, and a duration beyond the role's", async () => {
    expect(await refusedCode(assumeWithSdk(DISTRUSTING))).toBe("NoPermission");
    expect(await refusedCode(assumeWithSdk(`acs:ram::${DEFAULT_ACCOUNT_ID}:role/nobody`))).toBe("EntityNotExist.Role");
    expect(await refusedCode(assumeWithSdk(SHORT_ROLE, 7200))).toBe("InvalidParameter.DurationSeconds");
    expect(await refusedCode(assumeWithSdk(ROLE, 100))).toBe("InvalidParameter");
    // An account-wide trust: any key of that account.
    expect((await assumeWithSdk(SHORT_ROLE, 3600)).accessKeyId).toMatch(/^STS\./);
    const second = await stsClient(SECOND).assumeRole(new stsModule.AssumeRoleRequest({ roleArn: DISTRUSTING, roleSessionName: "deploy" }));
    expect(second.body?.assumedRoleUser?.arn).toBe(`acs:ram::${DEFAULT_ACCOUNT_ID}:assumed-role/other-team/deploy`);
  });

  it("GetCallerIdentity answers per key: RAM users of two accounts, and the assumed role", async () => {
    const demo = (await stsClient().getCallerIdentity()).body!;
    expect(demo).toMatchObject({ accountId: DEFAULT_ACCOUNT_ID, identityType: "RAMUser", arn: `acs:ram::${DEFAULT_ACCOUNT_ID}:user/keysmith` });
    const second = (await stsClient(SECOND).getCallerIdentity()).body!;
    expect(second).toMatchObject({ accountId: SECOND.accountId, identityType: "RAMUser", arn: `acs:ram::${SECOND.accountId}:user/deployer` });
    expect(second.userId).not.toBe(demo.userId);
    const temp = await assumeWithSdk(ROLE, 900);
    const assumed = (await stsClient(temp).getCallerIdentity()).body!;
    expect(assumed.identityType).toBe("AssumedRoleUser");
    expect(assumed.arn).toBe(`acs:ram::${DEFAULT_ACCOUNT_ID}:assumed-role/cert-manager/keysmith-test`);
    expect(assumed.principalId).toMatch(/^\d{19}:keysmith-test$/);
  });

  it("AssumeRoleWithOIDC: a token the provider accepts gives working credentials; bad tokens are refused by code", async () => {
    const anonymous = new StsClient(teaConfig(emu, { accessKeyId: "", accessKeySecret: "" }));
    const call = (token: string, providerArn = PROVIDER) =>
      anonymous.assumeRoleWithOIDC(new stsModule.AssumeRoleWithOIDCRequest({ roleArn: OIDC_ROLE, OIDCProviderArn: providerArn, OIDCToken: token, roleSessionName: "pod-1" }));
    const good = await call(emu.control.oidcToken(PROVIDER));
    const c = good.body!.credentials!;
    expect(c.accessKeyId).toMatch(/^STS\./);
    expect(good.body?.OIDCTokenInfo?.subject).toBe("system:serviceaccount:certs:keysmith");
    expect((await packageState({ accessKeyId: c.accessKeyId!, accessKeySecret: c.accessKeySecret!, securityToken: c.securityToken! })).body?.totalCount).toBeGreaterThan(0);

    const token = emu.control.oidcToken(PROVIDER);
    const [head, body, sig] = token.split(".") as [string, string, string];
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${body}.`;
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, "base64url").toString()), sub: "system:serviceaccount:other:x" })).toString("base64url")}.${sig}`;
    expect(await refusedCode(call(emu.control.oidcToken(PROVIDER, { audience: "someone-else" })))).toBe("AuthenticationFail.OIDCToken.AudienceNotMatch");
    expect(await refusedCode(call(emu.control.oidcToken(PROVIDER, { issuer: "https://evil.example.com" })))).toBe("AuthenticationFail.OIDCToken.IssuerNotMatch");
    expect(await refusedCode(call(emu.control.oidcToken(PROVIDER, { subject: "system:serviceaccount:other:x" })))).toBe("AuthenticationFail.OIDCToken.SubjectNotMatch");
    expect(await refusedCode(call(emu.control.oidcToken(PROVIDER, { expiresInSeconds: -10 })))).toBe("AuthenticationFail.OIDCToken.Expired");
    expect(await refusedCode(call(none))).toBe("AuthenticationFail.OIDCToken.Invalid");
    expect(await refusedCode(call(forged))).toBe("AuthenticationFail.OIDCToken.InvalidSignature");
    expect(await refusedCode(call(token, `acs:ram::${DEFAULT_ACCOUNT_ID}:oidc-provider/unknown`))).toBe("AuthenticationFail.NoPermission");
  });
});

describe("the core's STS (src/core/aliyun/sts.ts) against the emulator", () => {
  it("assumes a role with the demo key, caches it, and signs cas calls with it; OIDC goes out unsigned", async () => {
    const source = createClient({ endpoint: emu.url, credentials: staticCredentials({ accessKeyId: emu.accessKeyId, hmac: await hmacKeysFromSecret(emu.accessKeySecret) }) });
    let requests = 0;
    const role = cachedRoleCredentials(() => {
      requests++;
      return assumeRole(source, { roleArn: ROLE, roleSessionName: "core", durationSeconds: 900 });
    }, { roleArn: ROLE, profile: "certs" });
    for (const version of ["v3", "v1"] as const) {
      const client = createClient({ endpoint: emu.url, credentials: role, signatureVersion: version });
      expect((await client.call("cas", "DescribePackageState", { ProductCode: "symantec-free-1-free" })).TotalCount).toBeGreaterThan(0);
      expect((await getCallerIdentity(client)).identityType).toBe("AssumedRoleUser");
    }
    expect(requests).toBe(1);

    const refused = cachedRoleCredentials(() => assumeRole(source, { roleArn: DISTRUSTING, roleSessionName: "core" }), { roleArn: DISTRUSTING, profile: "other" });
    const err = await refused.signingCredentials().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeysmithError);
    expect((err as KeysmithError).code).toBe("api.role.refused");
    expect((err as KeysmithError).localized("en")).toContain(DISTRUSTING);
    expect((err as KeysmithError).localized("en")).toContain("NoPermission");

    const oidc = await assumeRoleWithOidc({ endpoint: emu.url, roleArn: OIDC_ROLE, oidcProviderArn: PROVIDER, oidcToken: emu.control.oidcToken(PROVIDER), roleSessionName: "pod-2" });
    const viaOidc = createClient({ endpoint: emu.url, credentials: staticCredentials({ accessKeyId: oidc.accessKeyId, hmac: await hmacKeysFromSecret(oidc.accessKeySecret), securityToken: oidc.securityToken }) });
    expect((await getCallerIdentity(viaOidc)).arn).toBe(`acs:ram::${DEFAULT_ACCOUNT_ID}:assumed-role/ack-certs/pod-2`);
  });
});

describe("ECS instance metadata", () => {
  it("answers the role name and credentials only for a role set, IMDSv2 tokens checked", async () => {
    expect((await fetch(`${emu.url}/latest/meta-data/ram/security-credentials/`)).status).toBe(404);
    emu.control.setEcsRole(ROLE, true);
    expect((await fetch(`${emu.url}/latest/meta-data/ram/security-credentials/`)).status).toBe(403);
    expect((await fetch(`${emu.url}/latest/api/token`, { method: "PUT", headers: { "X-aliyun-ecs-metadata-token-ttl-seconds": "0" } })).status).toBe(400);
    const token = await (await fetch(`${emu.url}/latest/api/token`, { method: "PUT", headers: { "X-aliyun-ecs-metadata-token-ttl-seconds": "60" } })).text();
    const headers = { "X-aliyun-ecs-metadata-token": token };
    expect((await fetch(`${emu.url}/latest/meta-data/ram/security-credentials/`, { headers: { "X-aliyun-ecs-metadata-token": "forged" } })).status).toBe(401);
    const name = await (await fetch(`${emu.url}/latest/meta-data/ram/security-credentials/`, { headers })).text();
    expect(name).toBe("cert-manager");
    const creds = (await (await fetch(`${emu.url}/latest/meta-data/ram/security-credentials/${name}`, { headers })).json()) as Record<string, string>;
    expect(creds.Code).toBe("Success");
    expect(creds.AccessKeyId).toMatch(/^STS\./);
    expect(Date.parse(creds.Expiration!)).toBeGreaterThan(Date.now());
    expect((await packageState({ accessKeyId: creds.AccessKeyId!, accessKeySecret: creds.AccessKeySecret!, securityToken: creds.SecurityToken! })).body?.totalCount).toBeGreaterThan(0);
    // The same credentials while most of their life is left.
    const again = (await (await fetch(`${emu.url}/latest/meta-data/ram/security-credentials/${name}`, { headers })).json()) as Record<string, string>;
    expect(again.AccessKeyId).toBe(creds.AccessKeyId);
  });
});

/** Runs `fetch(url)` in a Node child with the given environment: its status, or the error's cause code. */
async function childFetch(url: string, env: Record<string, string>): Promise<string> {
  const script = "fetch(process.argv[1]).then((r) => console.log('status', r.status), (e) => console.log('error', e.cause?.code ?? e.message))";
  const { stdout } = await promisify(execFile)(process.execPath, ["-e", script, url], { env: { PATH: process.env.PATH ?? "", ...env } });
  return stdout.trim();
}

describe("--tls", () => {
  it("serves HTTPS with a certificate from the emulator's CA; a child trusting the CA PEM connects", async () => {
    const tls = await startEmulator({ port: 0, tls: true });
    try {
      expect(tls.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(tls.caPem).toContain("BEGIN CERTIFICATE");
      const caFile = write(scratch(), "ca.pem", tls.caPem!);
      expect(await childFetch(`${tls.url}/__emulator/counts`, { NODE_EXTRA_CA_CERTS: caFile })).toBe("status 200");
      expect(await childFetch(`${tls.url}/__emulator/counts`, {})).toMatch(/^error (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
    } finally {
      await tls.close();
    }
  });

  it("npm run emulator -- --tls --ca-out FILE --role …: the CA file lets the SDK assume the role over HTTPS", async () => {
    const caFile = join(scratch(), "emulator-ca.pem");
    const { out, url, stop } = await spawnEmulatorCli(["--port", "0", "--tls", "--ca-out", caFile, "--role", `${ROLE}=${DEMO_CREDENTIALS.accessKeyId}`], bannerStateLine);
    try {
      expect(url).toMatch(/^https:\/\//);
      expect(out).toContain(`${ROLE} (trusts ${DEMO_CREDENTIALS.accessKeyId})`);
      expect(await childFetch(`${url}/__emulator/sts`, { NODE_EXTRA_CA_CERTS: caFile })).toBe("status 200");
      // The official SDK in a child that trusts the CA through NODE_EXTRA_CA_CERTS, over https.
      const script = [
        "const m = require('@alicloud/sts20150401'); const { Config } = require('@alicloud/openapi-core').$OpenApiUtil;",
        "const C = m.default.default ?? m.default;",
        `const c = new C(new Config({ accessKeyId: '${DEMO_CREDENTIALS.accessKeyId}', accessKeySecret: '${DEMO_CREDENTIALS.accessKeySecret}', endpoint: new URL(process.argv[1]).host, protocol: 'https' }));`,
        `c.assumeRole(new m.AssumeRoleRequest({ roleArn: '${ROLE}', roleSessionName: 'tls' })).then((r) => console.log(r.body.credentials.accessKeyId), (e) => console.log('error', e.code ?? e.message));`,
      ].join("\n");
      const { stdout } = await promisify(execFile)(process.execPath, ["-e", script, url], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", NODE_EXTRA_CA_CERTS: caFile } });
      expect(stdout.trim()).toMatch(/^STS\./);
    } finally {
      stop();
    }
  });
});
