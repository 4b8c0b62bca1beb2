// The CLI's credential chain against the emulator: with HOME holding ~/.aliyun/config.json, which key
// signs each call (--profile, ALIBABA_CLOUD_PROFILE, the current profile, the environment over all of
// them), what `keysmith whoami` says, and the exit-2 cases. A recorder on loopback
// (test/support/api-recorder.ts) sits between the CLI and the emulator and notes, per request, the action, the
// AccessKeyId that signed it and the security token it carried; the emulator behind it verifies every
// signature as the cloud does.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issuedIn, startApiRecorder, type ApiRecorder, type SeenRequest } from "../support/api-recorder";
import { runCli } from "../support/run-cli";
import { startEmulator, type RunningEmulator } from "../../emulator/index";

const FIRST = { accessKeyId: "LTAI5tFirstProfileKey01", accessKeySecret: "FirstProfileSecret-For-Tests" };
const SECOND = { accessKeyId: "LTAI5tSecondProfileKey2", accessKeySecret: "SecondProfileSecret-For-Tests" };
const ENV_KEY = { accessKeyId: "LTAI5tEnvironmentKey03", accessKeySecret: "EnvironmentSecret-For-Tests" };

function homeWith(config: unknown): string {
  const home = mkdtempSync(join(tmpdir(), "keysmith-home-"));
  mkdirSync(join(home, ".aliyun"));
  writeFileSync(join(home, ".aliyun", "config.json"), typeof config === "string" ? config : JSON.stringify(config, null, 2));
  return home;
}

const akProfile = (name: string, key: typeof FIRST) => ({ name, mode: "AK", access_key_id: key.accessKeyId, access_key_secret: key.accessKeySecret, region_id: "cn-hangzhou" });

/**
 * For the enclosing describe: an emulator that knows `keys` (`setup` defines the rest), the recorder in
 * front of it, and `run`, the CLI with HOME `home` pointed at the recorder, answering its result with what
 * the recorder saw during this run.
 */
function cliThroughRecorder(home: string, keys: (typeof FIRST)[], setup: (emu: RunningEmulator) => void = () => undefined) {
  const cli = {} as { emu: RunningEmulator; recorder: ApiRecorder };
  beforeAll(async () => {
    cli.emu = await startEmulator({ port: 0, credentials: keys });
    setup(cli.emu);
    cli.recorder = await startApiRecorder(cli.emu);
  });
  afterAll(async () => {
    await cli.recorder?.close();
    await cli.emu?.close();
  });
  async function run(argv: string[], env: Record<string, string> = {}) {
    const from = cli.recorder.seen.length;
    const r = await runCli([...argv, "--endpoint", cli.recorder.url], { HOME: home, KEYSMITH_LANG: "en", ...env });
    return { ...r, seen: cli.recorder.seen.slice(from) };
  }
  return Object.assign(cli, { run });
}

describe("aliyun-cli profiles: which key signs", () => {
  const home = homeWith({ current: "first", profiles: [akProfile("first", FIRST), akProfile("second", SECOND)] });
  const cli = cliThroughRecorder(home, [FIRST, SECOND, ENV_KEY]);
  const run = cli.run;

  it.each(["v1", "v3"] as const)("--profile second signs with the second profile's key (%s)", async (version) => {
    const r = await run(["package", "status", "--json", "--signature-version", version, "--profile", "second"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(Number(JSON.parse(r.out).TotalCount)).toBeGreaterThan(0);
    expect(r.seen.map((s) => [s.action, s.accessKeyId])).toEqual([["DescribePackageState", SECOND.accessKeyId]]);
  });

  it("the flag may come before the command: keysmith --profile second package status", async () => {
    const r = await run(["--profile", "second", "package", "status", "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.seen.map((s) => s.accessKeyId)).toEqual([SECOND.accessKeyId]);
  });

  it("without a flag the config's current profile signs; ALIBABA_CLOUD_PROFILE picks another", async () => {
    const current = await run(["package", "status"]);
    expect(current.code).toBe(0);
    expect(current.seen.map((s) => s.accessKeyId)).toEqual([FIRST.accessKeyId]);
    const byEnv = await run(["package", "status"], { ALIBABA_CLOUD_PROFILE: "second" });
    expect(byEnv.code).toBe(0);
    expect(byEnv.seen.map((s) => s.accessKeyId)).toEqual([SECOND.accessKeyId]);
  });

  it("the environment's AccessKey wins over the current profile and over --profile", async () => {
    const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: ENV_KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: ENV_KEY.accessKeySecret };
    const plain = await run(["package", "status"], env);
    const flagged = await run(["package", "status", "--profile", "second"], env);
    expect([plain.code, flagged.code]).toEqual([0, 0]);
    expect([...plain.seen, ...flagged.seen].map((s) => s.accessKeyId)).toEqual([ENV_KEY.accessKeyId, ENV_KEY.accessKeyId]);
    // The unused flag is said once, on stderr (stdout stays the command's answer); without the flag, nothing.
    expect(flagged.err.match(/--profile second is not used: env comes first in the credential chain\./g)).toHaveLength(1);
    expect(plain.err).toBe("");
    const zh = await run(["package", "status", "--profile", "second", "--json"], { ...env, KEYSMITH_LANG: "zh_CN" });
    expect(zh.err).toContain("未使用 --profile second：凭证链中 env 优先。");
    expect(() => JSON.parse(zh.out) as unknown).not.toThrow();
  });

  it("a profile that is nowhere: exit 2, one line naming both files, nothing sent (en, zh_CN)", async () => {
    const en = await run(["package", "status", "--profile", "third"]);
    expect(en.code).toBe(2);
    expect(en.err.trim().split("\n")).toHaveLength(1);
    expect(en.err).toContain(`--profile: there is no profile "third" in ${join(home, ".aliyun", "config.json")}, ${join(home, ".alibabacloud", "credentials")}`);
    const zh = await run(["package", "status", "--profile", "third"], { KEYSMITH_LANG: "zh_CN" });
    expect(zh.code).toBe(2);
    expect(zh.err).toContain("没有名为「third」的配置");
    expect([...en.seen, ...zh.seen]).toEqual([]);
  });

  it("an unreadable config and an empty chain: exit 2 naming the file, or every place looked at", async () => {
    const broken = homeWith("{ not json");
    const bad = await runCli(["package", "status", "--endpoint", cli.recorder.url], { HOME: broken, KEYSMITH_LANG: "en" });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`${join(broken, ".aliyun", "config.json")} is not an aliyun-cli configuration`);
    const empty = mkdtempSync(join(tmpdir(), "keysmith-home-empty-"));
    const none = await runCli(["order", "list", "--endpoint", cli.recorder.url], { HOME: empty, KEYSMITH_LANG: "zh_CN" });
    expect(none.code).toBe(2);
    expect(none.err.trim().split("\n")).toHaveLength(1);
    expect(none.err).toContain("未找到凭证");
    for (const place of ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_OIDC_TOKEN_FILE", join(empty, ".aliyun", "config.json"), join(empty, ".alibabacloud", "credentials"), "ALIBABA_CLOUD_ECS_METADATA"]) {
      expect(none.err).toContain(place);
    }
  });
});

const ACCOUNT = "1234567890123456";
const ROLE = `acs:ram::${ACCOUNT}:role/keysmith-renew`;
const SECOND_ROLE = `acs:ram::${ACCOUNT}:role/keysmith-deploy`;
const UNTRUSTING_ROLE = `acs:ram::${ACCOUNT}:role/nobody-trusts-you`;
const ECS_ROLE = `acs:ram::${ACCOUNT}:role/KeysmithEcsRole`;
const PROVIDER = { arn: `acs:ram::${ACCOUNT}:oidc-provider/ack-rrsa-c0ffee`, issuer: "https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/c0ffee", audience: "sts.aliyuncs.com", subject: "system:serviceaccount:certs:keysmith" };
const SOURCE = { accessKeyId: "LTAI5tRoleSourceKey0004", accessKeySecret: "RoleSourceSecret-For-Tests" };

describe("roles: AssumeRole, AssumeRoleWithOIDC and the ECS instance role against the emulator's STS", () => {
  const home = homeWith({
    current: "role",
    profiles: [
      akProfile("source", SOURCE),
      { name: "role", mode: "RamRoleArn", access_key_id: SOURCE.accessKeyId, access_key_secret: SOURCE.accessKeySecret, ram_role_arn: ROLE, ram_session_name: "keysmith-test", expired_seconds: 900 },
      { name: "chained", mode: "ChainableRamRoleArn", source_profile: "role", ram_role_arn: SECOND_ROLE },
      { name: "refused", mode: "RamRoleArn", access_key_id: SOURCE.accessKeyId, access_key_secret: SOURCE.accessKeySecret, ram_role_arn: UNTRUSTING_ROLE },
      { name: "ecs", mode: "EcsRamRole", ram_role_name: "" },
    ],
  });

  const cli = cliThroughRecorder(home, [SOURCE], (emu) => {
    emu.control.defineRole(ROLE, [SOURCE.accessKeyId, PROVIDER.arn]);
    emu.control.defineRole(SECOND_ROLE, [ROLE]);
    emu.control.defineRole(UNTRUSTING_ROLE, []);
    emu.control.defineOidcProvider(PROVIDER);
    emu.control.setEcsRole(ECS_ROLE, true);
  });
  const run = cli.run;

  const issuedIds = () => (cli.emu.control.sts() as { issued: { accessKeyId: string; roleArn: string }[] }).issued;

  it.each(["v1", "v3"] as const)("RamRoleArn: AssumeRole signed with the source key, then cas signed with the STS. key and its token (%s)", async (version) => {
    const r = await run(["package", "status", "--signature-version", version]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.seen.map((s) => s.action)).toEqual(["AssumeRole", "DescribePackageState"]);
    const [assume, cas] = r.seen as [SeenRequest, SeenRequest];
    expect(assume.accessKeyId).toBe(SOURCE.accessKeyId);
    expect(assume.securityToken).toBeUndefined();
    const temp = issuedIn(assume);
    expect(temp.accessKeyId).toMatch(/^STS\./);
    expect(cas.accessKeyId).toBe(temp.accessKeyId);
    expect(cas.securityToken).toBe(temp.securityToken);
    expect(cas.status).toBe(200);
    // The emulator's side: it issued that key for that role, and accepted it for cas.
    expect(issuedIds()).toContainEqual(expect.objectContaining({ accessKeyId: temp.accessKeyId, roleArn: ROLE, sessionName: "keysmith-test" }));
  });

  it("ChainableRamRoleArn: the first role's session assumes the second role", async () => {
    const r = await run(["package", "status", "--profile", "chained"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.seen.map((s) => s.action)).toEqual(["AssumeRole", "AssumeRole", "DescribePackageState"]);
    const [first, second, cas] = r.seen as [SeenRequest, SeenRequest, SeenRequest];
    expect(first.accessKeyId).toBe(SOURCE.accessKeyId);
    expect(second.accessKeyId).toBe(issuedIn(first).accessKeyId);
    expect(second.securityToken).toBe(issuedIn(first).securityToken);
    expect(cas.accessKeyId).toBe(issuedIn(second).accessKeyId);
    expect(issuedIds()).toContainEqual(expect.objectContaining({ accessKeyId: issuedIn(second).accessKeyId, roleArn: SECOND_ROLE }));
  });

  it("OIDC variables: AssumeRoleWithOIDC sent unsigned with the token file, then cas signed with the STS. key and its token", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keysmith-oidc-"));
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, `${cli.emu.control.oidcToken(PROVIDER.arn)}\n`);
    const r = await run(["package", "status"], { ALIBABA_CLOUD_ROLE_ARN: ROLE, ALIBABA_CLOUD_OIDC_PROVIDER_ARN: PROVIDER.arn, ALIBABA_CLOUD_OIDC_TOKEN_FILE: tokenFile, ALIBABA_CLOUD_ROLE_SESSION_NAME: "cronjob" });
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.seen.map((s) => [s.action, s.accessKeyId])).toEqual([["AssumeRoleWithOIDC", undefined], ["DescribePackageState", issuedIn(r.seen[0]!).accessKeyId]]);
    expect(r.seen[1]!.securityToken).toBe(issuedIn(r.seen[0]!).securityToken);
    expect(issuedIds()).toContainEqual(expect.objectContaining({ accessKeyId: issuedIn(r.seen[0]!).accessKeyId, roleArn: ROLE, sessionName: "cronjob" }));
  });

  it("EcsRamRole: the role name and credentials from the metadata service (IMDSv2 token), cas signed with them", async () => {
    const r = await run(["package", "status", "--profile", "ecs"], { KEYSMITH_ECS_METADATA_ENDPOINT: cli.emu.url });
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.seen).toHaveLength(1);
    const cas = r.seen[0]!;
    expect(cas.accessKeyId).toMatch(/^STS\./);
    expect(cas.securityToken).toBeTruthy();
    expect(issuedIds()).toContainEqual(expect.objectContaining({ accessKeyId: cas.accessKeyId, roleArn: ECS_ROLE }));
    // ALIBABA_CLOUD_ECS_METADATA names the role when nothing else is set.
    const bare = await runCli(["package", "status", "--endpoint", cli.recorder.url], { HOME: mkdtempSync(join(tmpdir(), "keysmith-home-ecs-")), ALIBABA_CLOUD_ECS_METADATA: "KeysmithEcsRole", KEYSMITH_ECS_METADATA_ENDPOINT: cli.emu.url });
    expect(bare.err).toBe("");
    expect(bare.code).toBe(0);
  });

  it("whoami names the source, the profile and the caller identity; --json for scripts; never the secret", async () => {
    const role = await run(["whoami"]);
    expect(role.code).toBe(0);
    expect(role.out).toContain("Source: config-file profile role mode RamRoleArn");
    expect(role.out).toContain(`RoleArn: ${ROLE}`);
    expect(role.out).toMatch(/AccessKeyId: STS\.…\S{4} \(STS\)/);
    expect(role.out).toContain(`Arn: acs:ram::${ACCOUNT}:assumed-role/keysmith-renew/keysmith-test`);
    expect(role.out).toContain("IdentityType: AssumedRoleUser");
    expect(role.seen.map((s) => s.action)).toEqual(["AssumeRole", "GetCallerIdentity"]);
    expect(role.seen[1]!.accessKeyId).toBe(issuedIn(role.seen[0]!).accessKeyId);

    const json = await run(["whoami", "--profile", "source", "--json"]);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.out) as Record<string, unknown>;
    expect(out).toMatchObject({ source: "config-file", profile: "source", mode: "AK", file: join(home, ".aliyun", "config.json"), accessKeyId: "LTAI…0004", securityToken: false });
    expect(out.identity).toMatchObject({ accountId: ACCOUNT, identityType: "RAMUser" });

    const env = await run(["whoami", "--profile", "source"], { ALIBABA_CLOUD_ACCESS_KEY_ID: SOURCE.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: SOURCE.accessKeySecret });
    expect(env.code).toBe(0);
    expect(env.out).toContain("Source: env\n");
    expect(env.err).toContain("--profile source is not used: env comes first");
    for (const r of [role, json, env]) expect(r.out + r.err).not.toContain(SOURCE.accessKeySecret);
  });

  it("a role that does not trust the key, an unreadable token file, an unreachable metadata service: exit 2, one line", async () => {
    const refused = await run(["package", "status", "--profile", "refused"]);
    expect(refused.code).toBe(2);
    expect(refused.err.trim().split("\n")).toHaveLength(1);
    expect(refused.err).toContain(UNTRUSTING_ROLE);
    expect(refused.err).toContain("refused");
    expect(refused.seen.map((s) => s.action)).toEqual(["AssumeRole"]);

    const missing = await run(["package", "status"], { ALIBABA_CLOUD_ROLE_ARN: ROLE, ALIBABA_CLOUD_OIDC_PROVIDER_ARN: PROVIDER.arn, ALIBABA_CLOUD_OIDC_TOKEN_FILE: "/nonexistent/keysmith-token" });
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("ALIBABA_CLOUD_OIDC_TOKEN_FILE: the OIDC token file /nonexistent/keysmith-token cannot be read");
    expect(missing.seen).toEqual([]);

    const dead = await run(["package", "status", "--profile", "ecs"], { KEYSMITH_ECS_METADATA_ENDPOINT: "http://127.0.0.1:9", KEYSMITH_LANG: "zh_CN" });
    expect(dead.code).toBe(2);
    expect(dead.err).toContain("ECS 元数据服务 http://127.0.0.1:9");
    expect(dead.seen).toEqual([]);
  });
});
