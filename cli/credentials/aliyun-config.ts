// The aliyun-cli configuration, ~/.aliyun/config.json: {"current": NAME, "profiles": [{"name", "mode",
// "access_key_id", "access_key_secret", "sts_token", "ram_role_arn", "ram_session_name", "expired_seconds",
// "ram_role_name", "source_profile", "oidc_provider_arn", "oidc_token_file", "sts_region", "region_id", …}]},
// the field names aliyun-cli writes and @alicloud/credentials reads. Modes understood: AK, StsToken,
// RamRoleArn, EcsRamRole, ChainableRamRoleArn (source_profile) and OIDC; any other is a typed error.
import { fail } from "../../src/core/errors";
import { readConfigText } from "./config-text";
import type { Recipe } from "./recipe";

export const CONFIG_MODES = ["AK", "StsToken", "RamRoleArn", "EcsRamRole", "ChainableRamRoleArn", "OIDC"] as const;

export type RawProfile = Record<string, unknown>;

export interface AliyunConfig {
  path: string;
  /** The profile aliyun-cli uses when none is named ("default" when the file names none). */
  current: string;
  profiles: Map<string, RawProfile>;
}

/** Reads the file; undefined when it does not exist. Unreadable or not a configuration: a typed error. */
export function readAliyunConfig(path: string): AliyunConfig | undefined {
  const text = readConfigText(path);
  return text === undefined ? undefined : parseAliyunConfig(path, text);
}

export function parseAliyunConfig(path: string, text: string): AliyunConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the fault, which may be a secret: not shown.
    return fail("api.credentials.config_invalid", path);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) fail("api.credentials.config_invalid", path);
  const { current, profiles } = value as { current?: unknown; profiles?: unknown };
  if (profiles !== undefined && !Array.isArray(profiles)) fail("api.credentials.config_invalid", path);
  const byName = new Map<string, RawProfile>();
  for (const p of (profiles ?? []) as unknown[]) {
    if (!p || typeof p !== "object" || Array.isArray(p)) fail("api.credentials.config_invalid", path);
    const name = (p as RawProfile).name;
    if (typeof name === "string" && name !== "" && !byName.has(name)) byName.set(name, p as RawProfile);
  }
  return { path, current: typeof current === "string" && current !== "" ? current : "default", profiles: byName };
}

function text(p: RawProfile, key: string): string | undefined {
  const v = p[key];
  if (typeof v === "string") return v.trim() === "" ? undefined : v.trim();
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

/** expired_seconds / duration_seconds: aliyun-cli writes 0 for "not set". */
function seconds(p: RawProfile, key: string): number | undefined {
  const v = text(p, key);
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** The recipe for one profile; ChainableRamRoleArn follows source_profile (a loop is a typed error). */
export function configProfileRecipe(config: AliyunConfig, name: string, seen: readonly string[] = []): { recipe: Recipe; mode: string; regionId?: string } {
  const p = config.profiles.get(name);
  if (!p) return fail("api.credentials.profile_missing", seen.length > 0 ? "source_profile" : "profile", { profile: name, places: config.path });
  const mode = text(p, "mode") ?? "AK";
  const need = (key: string): string => text(p, key) ?? fail("api.credentials.profile_field", config.path, { profile: name, mode, key });
  const role = () => ({
    roleArn: need("ram_role_arn"),
    sessionName: text(p, "ram_session_name"),
    durationSeconds: seconds(p, "expired_seconds") ?? seconds(p, "duration_seconds"),
    stsRegion: text(p, "sts_region"),
  });
  const regionId = text(p, "region_id");
  switch (mode) {
    case "AK":
      return { mode, regionId, recipe: { kind: "static", accessKeyId: need("access_key_id"), accessKeySecret: need("access_key_secret") } };
    case "StsToken":
      return { mode, regionId, recipe: { kind: "static", accessKeyId: need("access_key_id"), accessKeySecret: need("access_key_secret"), securityToken: need("sts_token") } };
    case "RamRoleArn":
      return { mode, regionId, recipe: { kind: "ram-role", ...role(), source: { kind: "static", accessKeyId: need("access_key_id"), accessKeySecret: need("access_key_secret") } } };
    case "EcsRamRole":
      return { mode, regionId, recipe: { kind: "ecs", roleName: text(p, "ram_role_name") } };
    case "ChainableRamRoleArn": {
      const sourceName = need("source_profile");
      const chain = [...seen, name];
      if (chain.includes(sourceName)) fail("api.credentials.profile_loop", config.path, { profile: name, chain: [...chain, sourceName].join(" → ") });
      const source = configProfileRecipe(config, sourceName, chain).recipe;
      return { mode, regionId, recipe: { kind: "ram-role", ...role(), source } };
    }
    case "OIDC":
      return {
        mode,
        regionId,
        recipe: { kind: "oidc", ...role(), oidcProviderArn: need("oidc_provider_arn"), oidcTokenFile: need("oidc_token_file") },
      };
    default:
      return fail("api.credentials.mode_unsupported", config.path, { profile: name, mode, supported: CONFIG_MODES.join(", ") });
  }
}
