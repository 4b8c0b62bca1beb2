// STS 2015-04-01 for RAM roles: AssumeRole signed with a source's credentials, AssumeRoleWithOIDC sent
// anonymously (the OIDC token is the proof), GetCallerIdentity, and cachedRoleCredentials, the
// CredentialSource over temporary credentials that keeps them in memory only and obtains new ones before
// they expire. Pure core: fetch and WebCrypto are the ones handed in or the platform's.
import { KeysmithError, fail } from "../errors";
import { ApiError } from "./api-error";
import { createClient, type AliyunClient, type ApiResponse, type CredentialSource, type FetchLike, type SigningCredentials } from "./client";
import type { Site } from "./endpoints";
import { hmacKeysFromSecret } from "./hmac";

export interface TemporaryCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  /** ISO time. */
  expiration: string;
}

export interface CallerIdentity {
  accountId: string;
  userId: string;
  arn: string;
  identityType: string;
  principalId?: string;
}

export interface AssumeRoleRequest {
  roleArn: string;
  roleSessionName: string;
  durationSeconds?: number;
  policy?: string;
  externalId?: string;
}

export interface AssumeRoleWithOidcRequest {
  endpoint?: string;
  site?: Site;
  region?: string;
  fetch?: FetchLike;
  roleArn: string;
  oidcProviderArn: string;
  oidcToken: string;
  roleSessionName: string;
  durationSeconds?: number;
  policy?: string;
}

/** Signed with the client's credentials (service "sts"). */
export async function assumeRole(client: AliyunClient, req: AssumeRoleRequest): Promise<TemporaryCredentials> {
  const answer = await client.call("sts", "AssumeRole", {
    RoleArn: req.roleArn,
    RoleSessionName: req.roleSessionName,
    DurationSeconds: req.durationSeconds,
    Policy: req.policy,
    ExternalId: req.externalId,
  });
  return credentialsFrom(answer, "AssumeRole");
}

/** Who the client's credentials belong to. */
export async function getCallerIdentity(client: AliyunClient): Promise<CallerIdentity> {
  const answer = await client.call("sts", "GetCallerIdentity");
  const text = (name: string, required: boolean): string | undefined => {
    const value = answer[name];
    if (typeof value === "string" && value !== "") return value;
    if (typeof value === "number") return String(value);
    if (required) fail("api.role.answer", name, { action: "GetCallerIdentity" });
    return undefined;
  };
  const identity: CallerIdentity = {
    accountId: text("AccountId", true)!,
    userId: text("UserId", true)!,
    arn: text("Arn", true)!,
    identityType: text("IdentityType", true)!,
  };
  const principalId = text("PrincipalId", false);
  if (principalId !== undefined) identity.principalId = principalId;
  return identity;
}

/** Anonymous: no credentials are needed or sent. */
export async function assumeRoleWithOidc(opts: AssumeRoleWithOidcRequest): Promise<TemporaryCredentials> {
  const client = createClient({ endpoint: opts.endpoint, site: opts.site, region: opts.region, fetch: opts.fetch });
  const answer = await client.call("sts", "AssumeRoleWithOIDC", {
    RoleArn: opts.roleArn,
    OIDCProviderArn: opts.oidcProviderArn,
    OIDCToken: opts.oidcToken,
    RoleSessionName: opts.roleSessionName,
    DurationSeconds: opts.durationSeconds,
    Policy: opts.policy,
  });
  return credentialsFrom(answer, "AssumeRoleWithOIDC");
}

/**
 * AccessKeyId, AccessKeySecret, SecurityToken and Expiration of an STS answer's Credentials or of the ECS
 * metadata service's answer (cli/credentials/ecs-metadata.ts), each a non-empty string; the first one that
 * is not goes to `missing`, which throws the caller's own error.
 */
export function temporaryCredentialsFrom(record: Record<string, unknown>, missing: (name: string) => never): TemporaryCredentials {
  const part = (name: string): string => {
    const value = record[name];
    return typeof value === "string" && value !== "" ? value : missing(name);
  };
  return { accessKeyId: part("AccessKeyId"), accessKeySecret: part("AccessKeySecret"), securityToken: part("SecurityToken"), expiration: part("Expiration") };
}

/** The answer's Credentials; a missing part is named, never quoted (the rest of it is secret). */
function credentialsFrom(answer: ApiResponse, action: string): TemporaryCredentials {
  const creds = answer.Credentials;
  if (!creds || typeof creds !== "object" || Array.isArray(creds)) fail("api.role.answer", "Credentials", { action });
  const temporary = temporaryCredentialsFrom(creds as Record<string, unknown>, (name) => fail("api.role.answer", `Credentials.${name}`, { action }));
  if (!Number.isFinite(Date.parse(temporary.expiration))) fail("api.role.answer", "Credentials.Expiration", { action });
  return temporary;
}

/** The least time left before cached credentials are replaced; a fifth of their lifetime when that is more. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/** STS refusal codes that mean the source's own temporary credentials have run out. */
const EXPIRED_CODES = new Set(["InvalidSecurityToken.Expired"]);

export interface RoleCredentialSource extends CredentialSource {
  /** Forget the cached credentials (the next call obtains new ones). */
  clear(): void;
}

interface Cached {
  creds: SigningCredentials;
  expiresAt: number;
  refreshAt: number;
}

/**
 * Temporary credentials from `obtain`, cached in memory only. They are replaced when less than
 * max(5 min, 1/5 of their lifetime) is left, by one request however many callers wait; while that request
 * fails and the cached ones have not expired yet, those are still handed out. Failures become typed errors
 * naming the role and the profile: api.role.refused (STS said no: its code and message), api.role.expired
 * (the source's token, or the credentials obtained, have expired) or api.role.unavailable (no answer).
 */
export function cachedRoleCredentials(
  obtain: () => Promise<TemporaryCredentials>,
  label: { roleArn: string; profile: string },
  opts: { now?: () => Date } = {},
): RoleCredentialSource {
  const now = opts.now ?? (() => new Date());
  let cached: Cached | undefined;
  let pending: Promise<Cached> | undefined;

  async function fetchNew(): Promise<Cached> {
    let temp: TemporaryCredentials;
    try {
      temp = await obtain();
    } catch (err) {
      throw roleError(err, label);
    }
    const obtainedAt = now().getTime();
    const expiresAt = Date.parse(temp.expiration);
    if (!Number.isFinite(expiresAt) || expiresAt <= obtainedAt) {
      throw new KeysmithError("api.role.expired", { field: "RoleArn", params: { ...label, detail: temp.expiration.slice(0, 100) } });
    }
    const margin = Math.max(REFRESH_MARGIN_MS, (expiresAt - obtainedAt) / 5);
    const creds: SigningCredentials = {
      accessKeyId: temp.accessKeyId,
      hmac: await hmacKeysFromSecret(temp.accessKeySecret),
      securityToken: temp.securityToken,
      securityTokenExpiresAt: temp.expiration,
    };
    return { creds, expiresAt, refreshAt: expiresAt - margin };
  }

  return {
    async signingCredentials() {
      const t = now().getTime();
      if (cached && t < cached.refreshAt) return cached.creds;
      if (!pending) {
        pending = fetchNew().finally(() => {
          pending = undefined;
        });
      }
      const mine = pending;
      try {
        cached = await mine;
        return cached.creds;
      } catch (err) {
        // A failed refresh while the cached credentials still hold: go on with those, try again next call.
        if (cached && now().getTime() < cached.expiresAt) return cached.creds;
        throw err;
      }
    },
    clear() {
      cached = undefined;
    },
  };
}

function roleError(err: unknown, label: { roleArn: string; profile: string }): KeysmithError {
  if (err instanceof ApiError) {
    const params = { ...label, apiCode: err.apiCode, apiMessage: err.apiMessage, requestId: err.requestId, status: err.status };
    if (EXPIRED_CODES.has(err.apiCode)) return new KeysmithError("api.role.expired", { field: "RoleArn", params: { ...params, detail: `${err.apiCode}: ${err.apiMessage}` }, cause: err });
    return new KeysmithError("api.role.refused", { field: "RoleArn", params, cause: err });
  }
  if (err instanceof KeysmithError) {
    if (err.code.startsWith("api.role.")) return new KeysmithError(err.code, { field: err.field, params: { ...err.params, ...label }, cause: err });
    if (err.code === "api.credentials.token_expired") {
      return new KeysmithError("api.role.expired", { field: "RoleArn", params: { ...label, detail: String(err.params.expiresAt ?? "") }, cause: err });
    }
  }
  const detail = err instanceof Error ? err.message.slice(0, 300) : String(err).slice(0, 300);
  return new KeysmithError("api.role.unavailable", { field: "RoleArn", params: { ...label, detail }, cause: err });
}
