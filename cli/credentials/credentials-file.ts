// The shared credentials file of the Alibaba Cloud SDKs (ALIBABA_CLOUD_CREDENTIALS_FILE or
// ~/.alibabacloud/credentials): INI, one section per profile, `type` = access_key (access_key_id,
// access_key_secret), sts (+ security_token), ram_role_arn (access_key_id, access_key_secret, role_arn,
// role_session_name), ecs_ram_role (role_name) or oidc_role_arn (role_arn, oidc_provider_arn,
// oidc_token_file_path), the names @alicloud/credentials reads.
import { fail } from "../../src/core/errors";
import { readConfigText } from "./config-text";
import type { Recipe } from "./recipe";

export const CREDENTIAL_FILE_TYPES = ["access_key", "sts", "ram_role_arn", "ecs_ram_role", "oidc_role_arn"] as const;

export type IniSections = Map<string, Map<string, string>>;

/** `[section]`, `key = value`, `;` and `#` comment lines; a value may be quoted. Keys are case-sensitive. */
export function parseIni(text: string): IniSections {
  const sections: IniSections = new Map();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith(";") || line.startsWith("#")) continue;
    const section = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (section) {
      const name = section[1]!;
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      continue;
    }
    const eq = line.indexOf("=");
    if (eq === -1 || !current) continue;
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) value = value.slice(1, -1);
    current.set(line.slice(0, eq).trim(), value);
  }
  return sections;
}

/** Reads the file; undefined when it does not exist (and `mustExist` is false). */
export function readCredentialsFile(path: string, mustExist: boolean): IniSections | undefined {
  const text = readConfigText(path, mustExist);
  return text === undefined ? undefined : parseIni(text);
}

export function credentialsFileRecipe(path: string, profile: string, section: Map<string, string>): { recipe: Recipe; mode: string } {
  const type = section.get("type")?.trim() || "";
  const get = (key: string) => section.get(key)?.trim() || undefined;
  const need = (key: string): string => get(key) ?? fail("api.credentials.profile_field", path, { profile, mode: type || "-", key });
  switch (type) {
    case "access_key":
      return { mode: type, recipe: { kind: "static", accessKeyId: need("access_key_id"), accessKeySecret: need("access_key_secret") } };
    case "sts":
      return { mode: type, recipe: { kind: "static", accessKeyId: need("access_key_id"), accessKeySecret: need("access_key_secret"), securityToken: need("security_token") } };
    case "ram_role_arn":
      return {
        mode: type,
        recipe: {
          kind: "ram-role",
          roleArn: need("role_arn"),
          sessionName: get("role_session_name"),
          source: { kind: "static", accessKeyId: need("access_key_id"), accessKeySecret: need("access_key_secret") },
        },
      };
    case "ecs_ram_role":
      return { mode: type, recipe: { kind: "ecs", roleName: get("role_name") } };
    case "oidc_role_arn":
      return { mode: type, recipe: { kind: "oidc", roleArn: need("role_arn"), oidcProviderArn: need("oidc_provider_arn"), oidcTokenFile: need("oidc_token_file_path") } };
    default:
      return fail("api.credentials.mode_unsupported", path, { profile, mode: type || "-", supported: CREDENTIAL_FILE_TYPES.join(", ") });
  }
}
