// What a credential source in the CLI's chain amounts to, before anything is fetched or imported: fixed
// keys, a RAM role assumed with other credentials, an OIDC role, or the ECS instance's RAM role. The
// readers (cli/credentials/aliyun-config.ts, cli/credentials/credentials-file.ts, cli/credentials/chain.ts)
// produce one; cli/credentials/source.ts turns it into the client's CredentialSource.

export interface StaticRecipe {
  kind: "static";
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export interface RamRoleRecipe {
  kind: "ram-role";
  roleArn: string;
  sessionName?: string;
  durationSeconds?: number;
  /** STS region (sts.<region>.aliyuncs.com); the global sts.aliyuncs.com when absent. */
  stsRegion?: string;
  /** The credentials AssumeRole is signed with. */
  source: Recipe;
}

export interface OidcRecipe {
  kind: "oidc";
  roleArn: string;
  oidcProviderArn: string;
  oidcTokenFile: string;
  sessionName?: string;
  durationSeconds?: number;
  stsRegion?: string;
}

export interface EcsRoleRecipe {
  kind: "ecs";
  /** Asked from the metadata service when absent. */
  roleName?: string;
}

export type Recipe = StaticRecipe | RamRoleRecipe | OidcRecipe | EcsRoleRecipe;

/** Where the chain found the credentials (`keysmith whoami` prints it). */
export type CredentialOrigin = "env" | "oidc" | "config-file" | "credentials-file" | "ecs-ram-role";

export interface ChainResult {
  origin: CredentialOrigin;
  recipe: Recipe;
  /** The profile (config-file, credentials-file). */
  profile?: string;
  /** The config file's mode (AK, StsToken, RamRoleArn, …) or the credentials file's type. */
  mode?: string;
  /** The file the credentials came from. */
  path?: string;
  /** The config profile's region_id: the default for --region. */
  regionId?: string;
}
