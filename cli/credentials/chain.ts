// The CLI's credential chain, in the order of the Alibaba Cloud SDKs' default chain (@alicloud/credentials
// DefaultCredentialsProvider) and aliyun-cli: the first place that has credentials wins.
//   1. environment: ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN
//   2. OIDC role: ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE
//      (ALIBABA_CLOUD_ROLE_SESSION_NAME) → AssumeRoleWithOIDC
//   3. the aliyun-cli configuration ~/.aliyun/config.json: the profile named by --profile, else
//      ALIBABA_CLOUD_PROFILE, else the file's `current` (off with ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true)
//   4. the credentials file ALIBABA_CLOUD_CREDENTIALS_FILE or ~/.alibabacloud/credentials: that profile's
//      section, else [default]
//   5. the ECS instance RAM role named by ALIBABA_CLOUD_ECS_METADATA
// Unlike the SDKs' chain, a place that is there but broken does not pass silently to the next: an unreadable
// or malformed file, a named profile found nowhere, or a half-set group of variables is a typed error
// (exit 2), and so is a chain that finds nothing (naming every place it looked). Files are read at once and
// synchronously; roles are assumed on first use (cli/credentials/source.ts).
import { homedir } from "node:os";
import { join } from "node:path";
import { fail } from "../../src/core/errors";
import { configProfileRecipe, readAliyunConfig } from "./aliyun-config";
import { credentialsFileRecipe, readCredentialsFile } from "./credentials-file";
import type { ChainResult } from "./recipe";

export const ENV = {
  accessKeyId: "ALIBABA_CLOUD_ACCESS_KEY_ID",
  accessKeySecret: "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
  securityToken: "ALIBABA_CLOUD_SECURITY_TOKEN",
  roleArn: "ALIBABA_CLOUD_ROLE_ARN",
  oidcProviderArn: "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
  oidcTokenFile: "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
  roleSessionName: "ALIBABA_CLOUD_ROLE_SESSION_NAME",
  stsRegion: "ALIBABA_CLOUD_STS_REGION",
  profile: "ALIBABA_CLOUD_PROFILE",
  cliProfileDisabled: "ALIBABA_CLOUD_CLI_PROFILE_DISABLED",
  credentialsFile: "ALIBABA_CLOUD_CREDENTIALS_FILE",
  ecsMetadata: "ALIBABA_CLOUD_ECS_METADATA",
  ecsMetadataDisabled: "ALIBABA_CLOUD_ECS_METADATA_DISABLED",
  imdsV1Disabled: "ALIBABA_CLOUD_IMDSV1_DISABLED",
} as const;

const value = (env: NodeJS.ProcessEnv, name: string): string | undefined => env[name]?.trim() || undefined;
export const isTrue = (env: NodeJS.ProcessEnv, name: string): boolean => value(env, name)?.toLowerCase() === "true";

/** HOME (USERPROFILE on Windows) of the given environment; the process's home when it names none. */
export function homeOf(env: NodeJS.ProcessEnv): string {
  return value(env, "HOME") ?? value(env, "USERPROFILE") ?? homedir();
}

export function aliyunConfigPath(env: NodeJS.ProcessEnv): string {
  return join(homeOf(env), ".aliyun", "config.json");
}

export function credentialsFilePath(env: NodeJS.ProcessEnv): string {
  return value(env, ENV.credentialsFile) ?? join(homeOf(env), ".alibabacloud", "credentials");
}

/** `profile`: the --profile flag's value, if given. */
export function resolveChain(env: NodeJS.ProcessEnv, profile?: string): ChainResult {
  // 1. The environment's AccessKey. One half without the other is a mistake, not "look further".
  const accessKeyId = value(env, ENV.accessKeyId);
  const secret = env[ENV.accessKeySecret];
  if (accessKeyId || secret) {
    if (!accessKeyId) fail("api.credentials.missing", ENV.accessKeyId);
    if (!secret) fail("api.credentials.missing", ENV.accessKeySecret);
    return { origin: "env", recipe: { kind: "static", accessKeyId, accessKeySecret: secret, securityToken: env[ENV.securityToken] || undefined } };
  }

  // 2. The OIDC role (what ACK's RRSA injects into a pod).
  const providerArn = value(env, ENV.oidcProviderArn);
  const tokenFile = value(env, ENV.oidcTokenFile);
  if (providerArn || tokenFile) {
    const present = providerArn ? ENV.oidcProviderArn : ENV.oidcTokenFile;
    const roleArn = value(env, ENV.roleArn) ?? fail("api.credentials.oidc_incomplete", ENV.roleArn, { present });
    if (!providerArn) fail("api.credentials.oidc_incomplete", ENV.oidcProviderArn, { present });
    if (!tokenFile) fail("api.credentials.oidc_incomplete", ENV.oidcTokenFile, { present });
    return {
      origin: "oidc",
      recipe: {
        kind: "oidc",
        roleArn,
        oidcProviderArn: providerArn,
        oidcTokenFile: tokenFile,
        sessionName: value(env, ENV.roleSessionName),
        stsRegion: value(env, ENV.stsRegion),
      },
    };
  }

  // 3. The aliyun-cli configuration.
  const named = profile?.trim() || value(env, ENV.profile);
  const namedBy = profile?.trim() ? "--profile" : ENV.profile;
  const configPath = aliyunConfigPath(env);
  if (!isTrue(env, ENV.cliProfileDisabled)) {
    const config = readAliyunConfig(configPath);
    if (config && config.profiles.size > 0) {
      const name = named ?? config.current;
      if (config.profiles.has(name)) {
        const found = configProfileRecipe(config, name);
        return { origin: "config-file", profile: name, path: configPath, ...found };
      }
      // The file's own `current` names a profile it lacks: broken, whatever comes after.
      if (!named) fail("api.credentials.profile_missing", "current", { profile: name, places: configPath });
    }
  }

  // 4. The credentials file.
  const credPath = credentialsFilePath(env);
  const sections = readCredentialsFile(credPath, value(env, ENV.credentialsFile) !== undefined);
  const section = named ?? "default";
  const found = sections?.get(section);
  if (found) return { origin: "credentials-file", profile: section, path: credPath, ...credentialsFileRecipe(credPath, section, found) };
  if (named) fail("api.credentials.profile_missing", namedBy, { profile: named, places: `${configPath}, ${credPath}` });

  // 5. The ECS instance RAM role.
  const roleName = value(env, ENV.ecsMetadata);
  if (roleName && !isTrue(env, ENV.ecsMetadataDisabled)) return { origin: "ecs-ram-role", recipe: { kind: "ecs", roleName } };

  return fail("api.credentials.none", undefined, { configFile: configPath, credentialsFile: credPath });
}
