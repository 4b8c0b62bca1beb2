// Turns what the chain found (cli/credentials/chain.ts) into the client's CredentialSource. Fixed keys are
// imported as non-extractable WebCrypto HMAC keys at once; a RAM role (AssumeRole signed with its source's
// credentials), an OIDC role (AssumeRoleWithOIDC, anonymous) and the ECS instance role (the metadata
// service) go through src/core/aliyun/sts.ts cachedRoleCredentials: obtained on first use, kept in memory
// only, renewed before they expire. STS calls go where the other calls go (--endpoint, --site,
// --signature-version); a profile's sts_region (or ALIBABA_CLOUD_STS_REGION) picks the regional STS host.
import { readFileSync } from "node:fs";
import { KeysmithError, fail } from "../../src/core/errors";
import { createClient, type CredentialSource, type SignatureVersion } from "../../src/core/aliyun/client";
import type { Site } from "../../src/core/aliyun/endpoints";
import { hmacKeysFromSecret } from "../../src/core/aliyun/hmac";
import { assumeRole, assumeRoleWithOidc, cachedRoleCredentials } from "../../src/core/aliyun/sts";
import { ecsMetadataEndpoint, ecsRoleCredentials } from "./ecs-metadata";
import { ENV, isTrue } from "./chain";
import type { ChainResult, Recipe } from "./recipe";

export interface SourceOptions {
  env: NodeJS.ProcessEnv;
  endpoint?: string;
  site: Site;
  signatureVersion: SignatureVersion;
}

/** What a role's errors name as its profile: the profile, else where the role came from. */
export function chainLabel(chain: ChainResult): string {
  return chain.profile ?? chain.origin;
}

function staticSource(accessKeyId: string, secret: string, securityToken?: string): CredentialSource {
  const keys = hmacKeysFromSecret(secret);
  // Imported at once; a failure surfaces at the first call, not as an unhandled rejection now.
  keys.catch(() => undefined);
  return { signingCredentials: async () => ({ accessKeyId, hmac: await keys, securityToken }) };
}

/** A session name STS accepts (2 to 64 of A-Z a-z 0-9 . @ - _). */
function defaultSessionName(): string {
  return `keysmith-${Date.now()}`;
}

function readOidcToken(path: string, field: string): string {
  let token: string;
  try {
    token = readFileSync(path, "utf8").trim();
  } catch (err) {
    return fail("api.credentials.oidc_token", field, { path, reason: (err as NodeJS.ErrnoException).code ?? "EIO" });
  }
  if (token === "") fail("api.credentials.oidc_token", field, { path, reason: "empty" });
  return token;
}

/**
 * cachedRoleCredentials reports any failure of `obtain` that is not an STS refusal as api.role.unavailable;
 * a typed error of the CLI's own (an unreadable token file, the metadata service's refusal) is given back
 * as itself, so the user reads what is wrong and where.
 */
function ownErrorsFirst(source: CredentialSource): CredentialSource {
  return {
    async signingCredentials() {
      try {
        return await source.signingCredentials();
      } catch (err) {
        if (err instanceof KeysmithError && err.code === "api.role.unavailable" && err.cause instanceof KeysmithError && err.cause.code.startsWith("api.credentials.")) throw err.cause;
        throw err;
      }
    },
  };
}

export function recipeSource(recipe: Recipe, chain: ChainResult, opts: SourceOptions): CredentialSource {
  const label = chainLabel(chain);
  const field = chain.path ?? (chain.origin === "oidc" ? ENV.oidcTokenFile : chain.origin === "ecs-ram-role" ? ENV.ecsMetadata : "-");
  switch (recipe.kind) {
    case "static":
      return staticSource(recipe.accessKeyId, recipe.accessKeySecret, recipe.securityToken);
    case "ram-role": {
      const sts = createClient({
        credentials: recipeSource(recipe.source, chain, opts),
        endpoint: opts.endpoint,
        site: opts.site,
        region: recipe.stsRegion,
        signatureVersion: opts.signatureVersion,
      });
      const request = { roleArn: recipe.roleArn, roleSessionName: recipe.sessionName ?? defaultSessionName(), durationSeconds: recipe.durationSeconds };
      return ownErrorsFirst(cachedRoleCredentials(() => assumeRole(sts, request), { roleArn: recipe.roleArn, profile: label }));
    }
    case "oidc": {
      // Read now, so a missing token file is exit 2 before anything is sent; read again at each renewal
      // (the cluster rotates the file).
      readOidcToken(recipe.oidcTokenFile, field);
      const obtain = () =>
        assumeRoleWithOidc({
          endpoint: opts.endpoint,
          site: opts.site,
          region: recipe.stsRegion,
          roleArn: recipe.roleArn,
          oidcProviderArn: recipe.oidcProviderArn,
          oidcToken: readOidcToken(recipe.oidcTokenFile, field),
          roleSessionName: recipe.sessionName ?? defaultSessionName(),
          durationSeconds: recipe.durationSeconds,
        });
      return ownErrorsFirst(cachedRoleCredentials(obtain, { roleArn: recipe.roleArn, profile: label }));
    }
    case "ecs": {
      const metadata = {
        endpoint: ecsMetadataEndpoint(opts.env),
        roleName: recipe.roleName,
        imdsV1Disabled: isTrue(opts.env, ENV.imdsV1Disabled),
        field,
      };
      return ownErrorsFirst(cachedRoleCredentials(() => ecsRoleCredentials(metadata), { roleArn: `ecs-ram-role:${recipe.roleName ?? "-"}`, profile: label }));
    }
  }
}

/** The chain's CredentialSource. */
export function chainSource(chain: ChainResult, opts: SourceOptions): CredentialSource {
  return recipeSource(chain.recipe, chain, opts);
}
