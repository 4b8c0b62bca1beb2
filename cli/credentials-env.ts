// The CLI's credentials and client: the credential chain (cli/credentials/chain.ts: environment, OIDC role,
// ~/.aliyun/config.json, the credentials file, the ECS instance RAM role) turned into a CredentialSource
// (cli/credentials/source.ts; secrets imported as non-extractable WebCrypto HMAC keys like the extension
// does), and the global flags --profile, --endpoint, --region, --site, --signature-version. Signing is the
// core client's (src/core/aliyun/client.ts), whatever the source.
import { fail } from "../src/core/errors";
import { t } from "../src/core/i18n";
import type { CliContext } from "./context";
import { createClient, type AliyunClient, type CredentialSource, type SignatureVersion } from "../src/core/aliyun/client";
import type { Site } from "../src/core/aliyun/endpoints";
import type { FlagSpec, ParsedArgs } from "./args";
import { resolveChain } from "./credentials/chain";
import type { ChainResult } from "./credentials/recipe";
import { chainSource } from "./credentials/source";

export const GLOBAL_API_FLAGS: FlagSpec[] = [
  { name: "profile", kind: "string" },
  { name: "endpoint", kind: "string" },
  { name: "region", kind: "string" },
  { name: "site", kind: "string" },
  { name: "signature-version", kind: "string" },
  { name: "json", kind: "boolean" },
];

export interface ClientSettings {
  site: Site;
  signatureVersion: SignatureVersion;
  endpoint?: string;
}

export interface ResolvedCredentials {
  chain: ChainResult;
  credentials: CredentialSource;
  settings: ClientSettings;
}

/**
 * One resolution per environment and flags: a command that builds several clients (one per region) assumes
 * a role once. Keyed by the environment object, which is one per run.
 */
const resolved = new WeakMap<NodeJS.ProcessEnv, Map<string, ResolvedCredentials>>();

function settingsFromArgs(args: ParsedArgs, env: NodeJS.ProcessEnv): ClientSettings {
  const version = args.strings.get("signature-version") ?? "v3";
  if (version !== "v1" && version !== "v3") fail("api.cli.signature_version", "--signature-version");
  const site = args.strings.get("site") ?? "cn";
  if (site !== "cn" && site !== "intl") fail("api.cli.site", "--site", { value: site });
  const endpoint = args.strings.get("endpoint") ?? env.KEYSMITH_ENDPOINT;
  if (endpoint !== undefined && !URL.canParse(endpoint.includes("://") ? endpoint : `https://${endpoint}`)) {
    fail("api.cli.endpoint", "--endpoint", { value: endpoint });
  }
  return { site, signatureVersion: version, endpoint };
}

/** What resolving credentials needs of a command's context: the environment, and stderr in the user's language. */
export type CredentialsContext = Pick<CliContext, "env" | "locale" | "stderr">;

/**
 * The chain's answer for these flags: where the credentials come from, and the source to sign with. When
 * --profile names a profile that an earlier place of the chain (the environment, an OIDC role) overrides,
 * one line on stderr says the flag is not used, once per run.
 */
export function credentialsFromArgs(args: ParsedArgs, ctx: CredentialsContext): ResolvedCredentials {
  const env = ctx.env;
  const settings = settingsFromArgs(args, env);
  const profile = args.strings.get("profile");
  if (profile !== undefined && profile.trim() === "") fail("cli.flag.required", "--profile");
  const key = JSON.stringify([profile, settings.site, settings.signatureVersion, settings.endpoint]);
  let perEnv = resolved.get(env);
  const known = perEnv?.get(key);
  if (known) return known;
  const chain = resolveChain(env, profile);
  if (profile !== undefined && chain.profile !== profile) {
    ctx.stderr(`keysmith: ${t(ctx.locale, "api_cli_profile_unused", { profile, origin: chain.origin })}\n`);
  }
  const credentials = chainSource(chain, { env, ...settings });
  const result = { chain, credentials, settings };
  if (!perEnv) resolved.set(env, (perEnv = new Map()));
  perEnv.set(key, result);
  return result;
}

/** A client for these flags: the region is --region, else the config profile's region_id. */
export function clientFromArgs(args: ParsedArgs, ctx: CredentialsContext): AliyunClient {
  const { chain, credentials, settings } = credentialsFromArgs(args, ctx);
  return createClient({
    credentials,
    endpoint: settings.endpoint,
    region: args.strings.get("region") ?? chain.regionId,
    site: settings.site,
    signatureVersion: settings.signatureVersion,
  });
}
