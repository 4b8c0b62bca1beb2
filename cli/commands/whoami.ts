// `keysmith whoami [--profile NAME] [--json]`: which place of the credential chain (cli/credentials/chain.ts)
// the credentials come from (env, oidc, config-file profile NAME mode M, credentials-file profile NAME
// type T, ecs-ram-role), the profile, a hint of the AccessKeyId they sign with (never the secret or the
// token) and who that is: STS GetCallerIdentity (src/core/aliyun/sts.ts). Nothing found, a missing
// profile or an unreadable configuration is exit 2 like any typed error.
import { fail } from "../../src/core/errors";
import { createClient } from "../../src/core/aliyun/client";
import { getCallerIdentity } from "../../src/core/aliyun/sts";
import { accessKeyIdHint } from "../../src/core/aliyun/redact";
import { parseArgs } from "../args";
import type { Command } from "../context";
import { GLOBAL_API_FLAGS, credentialsFromArgs } from "../credentials-env";
import type { ChainResult } from "../credentials/recipe";

/** "config-file profile second mode AK", "credentials-file profile default type sts", "env", … */
export function sourceText(chain: ChainResult): string {
  if (chain.origin === "config-file") return `config-file profile ${chain.profile} mode ${chain.mode}`;
  if (chain.origin === "credentials-file") return `credentials-file profile ${chain.profile} type ${chain.mode}`;
  if (chain.origin === "ecs-ram-role" && chain.recipe.kind === "ecs" && chain.recipe.roleName) return `ecs-ram-role ${chain.recipe.roleName}`;
  return chain.origin;
}

function roleArnOf(chain: ChainResult): string | undefined {
  return chain.recipe.kind === "ram-role" || chain.recipe.kind === "oidc" ? chain.recipe.roleArn : undefined;
}

export const whoamiCommand: Command = {
  name: "whoami",
  summary: "Say where the credentials come from (env, OIDC, aliyun-cli profile, credentials file, ECS role) and whose they are",
  usage:
    "keysmith whoami [--profile NAME] [--json] [--endpoint URL] [--site cn|intl] [--signature-version v1|v3]\n" +
    "  the chain: ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET/_SECURITY_TOKEN; ALIBABA_CLOUD_ROLE_ARN + _OIDC_PROVIDER_ARN + _OIDC_TOKEN_FILE;\n" +
    "  ~/.aliyun/config.json (--profile, ALIBABA_CLOUD_PROFILE or its current profile); ALIBABA_CLOUD_CREDENTIALS_FILE or\n" +
    "  ~/.alibabacloud/credentials; ALIBABA_CLOUD_ECS_METADATA (the ECS instance RAM role)",
  async run(ctx) {
    const args = parseArgs(ctx.argv, GLOBAL_API_FLAGS);
    if (args.positionals.length > 0) fail("cli.argument.extra", args.positionals[0]);
    const { chain, credentials, settings } = credentialsFromArgs(args, ctx);
    // The same credentials sign GetCallerIdentity: a role is assumed once, and the key shown is the one used.
    const signing = await credentials.signingCredentials();
    const client = createClient({
      credentials,
      endpoint: settings.endpoint,
      site: settings.site,
      signatureVersion: settings.signatureVersion,
    });
    const identity = await getCallerIdentity(client);
    const roleArn = roleArnOf(chain);
    const out = {
      source: chain.origin,
      ...(chain.profile !== undefined ? { profile: chain.profile } : {}),
      ...(chain.mode !== undefined ? { mode: chain.mode } : {}),
      ...(chain.path !== undefined ? { file: chain.path } : {}),
      ...(roleArn !== undefined ? { roleArn } : {}),
      accessKeyId: accessKeyIdHint(signing.accessKeyId),
      securityToken: signing.securityToken !== undefined,
      identity,
    };
    if (args.booleans.has("json")) {
      ctx.stdout(`${JSON.stringify(out, null, 2)}\n`);
      return 0;
    }
    const lines = [
      `Source: ${sourceText(chain)}`,
      ...(chain.path !== undefined ? [`File: ${chain.path}`] : []),
      `Profile: ${chain.profile ?? "-"}`,
      ...(roleArn !== undefined ? [`RoleArn: ${roleArn}`] : []),
      `AccessKeyId: ${out.accessKeyId}${out.securityToken ? " (STS)" : ""}`,
      `AccountId: ${identity.accountId}`,
      `Arn: ${identity.arn}`,
      `IdentityType: ${identity.identityType}`,
      `UserId: ${identity.userId}`,
    ];
    ctx.stdout(`${lines.join("\n")}\n`);
    return 0;
  },
};
