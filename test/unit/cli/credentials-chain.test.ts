// The CLI's credential chain (cli/credentials/chain.ts) read from a temporary HOME: which place wins, what
// each file format yields, and the typed errors (en and zh_CN) for a missing profile, an unreadable or
// malformed configuration, an unsupported mode, a source_profile loop, half-set variables and a chain
// that finds nothing. No network: roles are only described here (test/interop/cli-credentials.test.ts
// assumes them against the emulator).
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveChain } from "../../../cli/credentials/chain";
import { parseIni } from "../../../cli/credentials/credentials-file";
import { KeysmithError } from "../../../src/core/errors";

function home(files: { config?: unknown; credentials?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "keysmith-chain-"));
  if (files.config !== undefined) {
    mkdirSync(join(dir, ".aliyun"));
    writeFileSync(join(dir, ".aliyun", "config.json"), typeof files.config === "string" ? files.config : JSON.stringify(files.config));
  }
  if (files.credentials !== undefined) {
    mkdirSync(join(dir, ".alibabacloud"));
    writeFileSync(join(dir, ".alibabacloud", "credentials"), files.credentials);
  }
  return dir;
}

const ak = (name: string, id: string, extra: Record<string, unknown> = {}) => ({ name, mode: "AK", access_key_id: id, access_key_secret: `${id}-secret`, region_id: "cn-shanghai", ...extra });
const TWO = { current: "first", profiles: [ak("first", "LTAIfirst0000001"), ak("second", "LTAIsecond000002", { region_id: "cn-beijing" })] };

function error(f: () => unknown): KeysmithError {
  try {
    f();
  } catch (err) {
    if (err instanceof KeysmithError) return err;
    throw err;
  }
  throw new Error("no error thrown");
}

describe("the order of the chain", () => {
  it("the config file's current profile when nothing else is set, with its region_id", () => {
    const r = resolveChain({ HOME: home({ config: TWO }) });
    expect(r).toMatchObject({ origin: "config-file", profile: "first", mode: "AK", regionId: "cn-shanghai", recipe: { kind: "static", accessKeyId: "LTAIfirst0000001" } });
  });

  it("--profile, then ALIBABA_CLOUD_PROFILE, pick the profile", () => {
    const h = home({ config: TWO });
    expect(resolveChain({ HOME: h }, "second")).toMatchObject({ profile: "second", regionId: "cn-beijing", recipe: { accessKeyId: "LTAIsecond000002" } });
    expect(resolveChain({ HOME: h, ALIBABA_CLOUD_PROFILE: "second" })).toMatchObject({ profile: "second" });
    expect(resolveChain({ HOME: h, ALIBABA_CLOUD_PROFILE: "second" }, "first")).toMatchObject({ profile: "first" });
  });

  it("the environment's AccessKey wins over any profile, and carries its token", () => {
    const r = resolveChain({ HOME: home({ config: TWO }), ALIBABA_CLOUD_ACCESS_KEY_ID: "LTAIenv", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "s", ALIBABA_CLOUD_SECURITY_TOKEN: "tok" }, "second");
    expect(r).toEqual({ origin: "env", recipe: { kind: "static", accessKeyId: "LTAIenv", accessKeySecret: "s", securityToken: "tok" } });
  });

  it("the OIDC variables come after the environment and before the files", () => {
    const oidc = { ALIBABA_CLOUD_ROLE_ARN: "acs:ram::1:role/r", ALIBABA_CLOUD_OIDC_PROVIDER_ARN: "acs:ram::1:oidc-provider/p", ALIBABA_CLOUD_OIDC_TOKEN_FILE: "/var/run/token", ALIBABA_CLOUD_ROLE_SESSION_NAME: "job" };
    expect(resolveChain({ HOME: home({ config: TWO }), ...oidc })).toMatchObject({
      origin: "oidc",
      recipe: { kind: "oidc", roleArn: "acs:ram::1:role/r", oidcProviderArn: "acs:ram::1:oidc-provider/p", oidcTokenFile: "/var/run/token", sessionName: "job" },
    });
    expect(resolveChain({ HOME: home(), ...oidc, ALIBABA_CLOUD_ACCESS_KEY_ID: "LTAIenv", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "s" }).origin).toBe("env");
  });

  it("the credentials file when the config file is absent: [default], or the named section", () => {
    const h = home({ credentials: "[default]\ntype = access_key\naccess_key_id = LTAIfile\naccess_key_secret = x\n\n; a comment\n[ci]\ntype = sts\naccess_key_id = STS.id\naccess_key_secret = y\nsecurity_token = \"t==\"\n" });
    expect(resolveChain({ HOME: h })).toMatchObject({ origin: "credentials-file", profile: "default", mode: "access_key", recipe: { accessKeyId: "LTAIfile" } });
    expect(resolveChain({ HOME: h }, "ci")).toMatchObject({ profile: "ci", mode: "sts", recipe: { accessKeyId: "STS.id", securityToken: "t==" } });
  });

  it("a profile named but only in the credentials file is found there", () => {
    const h = home({ config: TWO, credentials: "[other]\ntype = ecs_ram_role\nrole_name = EcsRole\n" });
    expect(resolveChain({ HOME: h }, "other")).toMatchObject({ origin: "credentials-file", recipe: { kind: "ecs", roleName: "EcsRole" } });
  });

  it("ALIBABA_CLOUD_CREDENTIALS_FILE names the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "keysmith-credfile-"));
    const path = join(dir, "creds.ini");
    writeFileSync(path, "[default]\ntype = ram_role_arn\naccess_key_id = LTAIsrc\naccess_key_secret = z\nrole_arn = acs:ram::1:role/x\nrole_session_name = s1\n");
    expect(resolveChain({ HOME: home(), ALIBABA_CLOUD_CREDENTIALS_FILE: path })).toMatchObject({
      origin: "credentials-file",
      path,
      recipe: { kind: "ram-role", roleArn: "acs:ram::1:role/x", sessionName: "s1", source: { kind: "static", accessKeyId: "LTAIsrc" } },
    });
  });

  it("the ECS instance role last, named by ALIBABA_CLOUD_ECS_METADATA", () => {
    expect(resolveChain({ HOME: home(), ALIBABA_CLOUD_ECS_METADATA: "KeysmithEcsRole" })).toEqual({ origin: "ecs-ram-role", recipe: { kind: "ecs", roleName: "KeysmithEcsRole" } });
  });
});

describe("config file modes", () => {
  const h = home({
    config: {
      current: "role",
      profiles: [
        ak("base", "LTAIbase"),
        { name: "sts", mode: "StsToken", access_key_id: "STS.a", access_key_secret: "b", sts_token: "c" },
        { name: "role", mode: "RamRoleArn", access_key_id: "LTAIsrc", access_key_secret: "s", ram_role_arn: "acs:ram::1:role/a", ram_session_name: "sess", expired_seconds: 1800, sts_region: "cn-hangzhou" },
        { name: "ecs", mode: "EcsRamRole", ram_role_name: "" },
        { name: "chain", mode: "ChainableRamRoleArn", source_profile: "role", ram_role_arn: "acs:ram::2:role/b", expired_seconds: 0 },
        { name: "oidc", mode: "OIDC", ram_role_arn: "acs:ram::1:role/o", oidc_provider_arn: "acs:ram::1:oidc-provider/p", oidc_token_file: "/t" },
        { name: "sso", mode: "CloudSSO" },
        { name: "half", mode: "AK", access_key_id: "LTAIhalf", access_key_secret: "" },
        { name: "loop-a", mode: "ChainableRamRoleArn", source_profile: "loop-b", ram_role_arn: "acs:ram::1:role/a" },
        { name: "loop-b", mode: "ChainableRamRoleArn", source_profile: "loop-a", ram_role_arn: "acs:ram::1:role/b" },
      ],
    },
  });
  const env = { HOME: h, KEYSMITH_LANG: "en" };

  it("StsToken, RamRoleArn, EcsRamRole (no role name: asked from the metadata), ChainableRamRoleArn, OIDC", () => {
    expect(resolveChain(env, "sts").recipe).toEqual({ kind: "static", accessKeyId: "STS.a", accessKeySecret: "b", securityToken: "c" });
    expect(resolveChain(env).recipe).toEqual({ kind: "ram-role", roleArn: "acs:ram::1:role/a", sessionName: "sess", durationSeconds: 1800, stsRegion: "cn-hangzhou", source: { kind: "static", accessKeyId: "LTAIsrc", accessKeySecret: "s" } });
    expect(resolveChain(env, "ecs").recipe).toEqual({ kind: "ecs", roleName: undefined });
    expect(resolveChain(env, "chain")).toMatchObject({ mode: "ChainableRamRoleArn", recipe: { kind: "ram-role", roleArn: "acs:ram::2:role/b", durationSeconds: undefined, source: { kind: "ram-role", roleArn: "acs:ram::1:role/a" } } });
    expect(resolveChain(env, "oidc").recipe).toMatchObject({ kind: "oidc", roleArn: "acs:ram::1:role/o", oidcTokenFile: "/t" });
  });

  it("an unsupported mode, an empty field and a source_profile loop are typed errors naming the file and profile", () => {
    const sso = error(() => resolveChain(env, "sso"));
    expect(sso.code).toBe("api.credentials.mode_unsupported");
    expect(sso.message).toContain(join(h, ".aliyun", "config.json"));
    expect(sso.message).toMatch(/"sso".*CloudSSO.*AK, StsToken, RamRoleArn, EcsRamRole, ChainableRamRoleArn, OIDC/);
    const half = error(() => resolveChain(env, "half"));
    expect(half.code).toBe("api.credentials.profile_field");
    expect(half.message).toMatch(/"half".*access_key_secret/);
    const loop = error(() => resolveChain(env, "loop-a"));
    expect(loop.code).toBe("api.credentials.profile_loop");
    expect(loop.message).toContain("loop-a → loop-b → loop-a");
  });
});

describe("exit-2 errors", () => {
  it("a named profile found nowhere names both files, in English and Chinese", () => {
    const h = home({ config: TWO });
    const err = error(() => resolveChain({ HOME: h }, "third"));
    expect(err.code).toBe("api.credentials.profile_missing");
    expect(err.field).toBe("--profile");
    expect(err.message).toContain(`"third"`);
    expect(err.message).toContain(join(h, ".aliyun", "config.json"));
    expect(err.message).toContain(join(h, ".alibabacloud", "credentials"));
    expect(err.localized("zh_CN")).toMatch(/没有名为「third」/);
    expect(error(() => resolveChain({ HOME: h, ALIBABA_CLOUD_PROFILE: "third" })).field).toBe("ALIBABA_CLOUD_PROFILE");
  });

  it("a config whose current profile is missing", () => {
    const err = error(() => resolveChain({ HOME: home({ config: { current: "gone", profiles: [ak("first", "LTAIx")] } }) }));
    expect(err).toMatchObject({ code: "api.credentials.profile_missing", field: "current" });
    expect(err.message).toContain(`"gone"`);
  });

  it("a config file that is not JSON is refused without quoting it (it may hold a secret)", () => {
    const err = error(() => resolveChain({ HOME: home({ config: '{"profiles": [{"access_key_secret": "TopSecretValue" ' }) }));
    expect(err.code).toBe("api.credentials.config_invalid");
    expect(err.message).not.toContain("TopSecretValue");
    expect(error(() => resolveChain({ HOME: home({ config: { profiles: "no" } }) })).code).toBe("api.credentials.config_invalid");
  });

  it("an unreadable config file", () => {
    const h = home({ config: TWO });
    const path = join(h, ".aliyun", "config.json");
    if (process.getuid?.() === 0) {
      // root reads a mode-000 file: a folder in the file's place is unreadable for everyone.
      const h2 = home();
      mkdirSync(join(h2, ".aliyun", "config.json"), { recursive: true });
      const err = error(() => resolveChain({ HOME: h2 }));
      expect(err).toMatchObject({ code: "api.credentials.config_unreadable", field: join(h2, ".aliyun", "config.json") });
      expect(err.message).toContain("EISDIR");
      return;
    }
    chmodSync(path, 0o000);
    expect(error(() => resolveChain({ HOME: h })).code).toBe("api.credentials.config_unreadable");
  });

  it("ALIBABA_CLOUD_CREDENTIALS_FILE naming a file that is not there", () => {
    const err = error(() => resolveChain({ HOME: home(), ALIBABA_CLOUD_CREDENTIALS_FILE: "/nonexistent/keysmith-creds" }));
    expect(err).toMatchObject({ code: "api.credentials.config_unreadable", field: "/nonexistent/keysmith-creds" });
  });

  it("half the environment's AccessKey, or half the OIDC variables", () => {
    expect(error(() => resolveChain({ HOME: home(), ALIBABA_CLOUD_ACCESS_KEY_SECRET: "s" }))).toMatchObject({ code: "api.credentials.missing", field: "ALIBABA_CLOUD_ACCESS_KEY_ID" });
    const oidc = error(() => resolveChain({ HOME: home(), ALIBABA_CLOUD_OIDC_TOKEN_FILE: "/t", ALIBABA_CLOUD_ROLE_ARN: "acs:ram::1:role/r" }));
    expect(oidc).toMatchObject({ code: "api.credentials.oidc_incomplete", field: "ALIBABA_CLOUD_OIDC_PROVIDER_ARN" });
  });

  it("nothing anywhere: one line naming every place, in English and Chinese", () => {
    const h = home();
    const err = error(() => resolveChain({ HOME: h }));
    expect(err.code).toBe("api.credentials.none");
    for (const text of [err.message, err.localized("zh_CN")]) {
      expect(text).not.toContain("\n");
      for (const place of ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_OIDC_TOKEN_FILE", join(h, ".aliyun", "config.json"), join(h, ".alibabacloud", "credentials"), "ALIBABA_CLOUD_ECS_METADATA"]) {
        expect(text).toContain(place);
      }
    }
    expect(err.localized("zh_CN")).toContain("未找到凭证");
  });

  it("a config file with no profiles passes on to the next place", () => {
    const err = error(() => resolveChain({ HOME: home({ config: { current: "", profiles: [] } }) }));
    expect(err.code).toBe("api.credentials.none");
  });
});

it("parseIni: sections, comments, quoted values, spaces around =", () => {
  const ini = parseIni("# c\n[a]\nk=v\n  x =  'y z'  \n[b c]\n; c\nq = \"1\"\n");
  expect(Object.fromEntries([...ini].map(([k, v]) => [k, Object.fromEntries(v)]))).toEqual({ a: { k: "v", x: "y z" }, "b c": { q: "1" } });
});
