// STS 2015-04-01: AssumeRole (signed; the caller must be a principal the role trusts), AssumeRoleWithOIDC
// (unsigned; the OIDC token is checked against a registered provider), GetCallerIdentity, and the
// temporary credentials they issue (AccessKeyId `STS.…`, a secret, a token, an expiry on the business
// clock), which emulator/server.ts then accepts for every service until they expire. Roles, OIDC
// providers and the ECS instance role are set with flags (emulator/main.ts) or the control API.
//
// OIDC tokens: JWTs signed HS256 with a secret the emulator keeps per provider (the control API mints
// them: `oidcToken`); `alg` anything else (`none` above all) is refused, as are a wrong signature, an
// `iss`, `aud` or `sub` other than the provider's, and an `exp` passed on the business clock. The cloud
// checks RS256 against the provider's keys; HS256 keeps the emulator free of a JWKS endpoint.
import { createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { CloudError, CloudErrors, need } from "../cloud-error";
import type { CallInfo, ServiceContext, ServiceDefinition } from "../service";
import type { Credential } from "../signature";
import { iso } from "../json";
import { MAX_DURATION_SECONDS, MIN_DURATION_SECONDS } from "../../src/core/aliyun/operations/sts";

export interface StsRole {
  arn: string;
  accountId: string;
  name: string;
  /** 19 digits, as RAM role ids. */
  roleId: string;
  /**
   * Who may assume it: an AccessKeyId, an account id (any key of that account), a role ARN (sessions of
   * that role, for chained roles) or an OIDC provider ARN (AssumeRoleWithOIDC with its tokens).
   */
  trusted: string[];
  /** Seconds; DurationSeconds above it is refused. */
  maxSessionDuration: number;
}

/** An OIDC identity provider as defined (startEmulator's oidcProviders, the control API, --oidc-provider). */
export interface OidcProviderDefinition {
  arn: string;
  issuer: string;
  /** The client id a token's `aud` must hold. */
  audience: string;
  /** When set, a token's `sub` must be this. */
  subject?: string;
}

/** What a minted token may say otherwise than its provider (to test the refusals). */
export interface OidcTokenClaims {
  subject?: string;
  audience?: string;
  issuer?: string;
  expiresInSeconds?: number;
}

export interface OidcProvider extends OidcProviderDefinition {
  /** HS256 key of the tokens (base64url); never answered by any API. */
  secret: string;
}

/** What an STS call issued. */
export interface IssuedCredential {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  /** Business clock, ms. */
  expiresAt: number;
  accountId: string;
  roleArn: string;
  roleId: string;
  sessionName: string;
}

export interface EcsRole {
  roleArn: string;
  /** IMDSv2 only: a GET without a valid X-aliyun-ecs-metadata-token is refused. */
  requireToken: boolean;
  /** The credentials last served, handed out again while more than a third of their life is left. */
  current?: string;
}

export interface StsState {
  roles: Record<string, StsRole>;
  oidcProviders: Record<string, OidcProvider>;
  issued: Record<string, IssuedCredential>;
  ecsRole?: EcsRole;
  /** IMDSv2 tokens and when they end (business clock, ms). */
  metadataTokens: Record<string, number>;
}

export const DEFAULT_DURATION_SECONDS = 3600;
/** Lifetime of the ECS instance role's credentials, as the metadata service hands them out. */
export const ECS_ROLE_LIFETIME_SECONDS = 6 * 3600;
/** The user name a static key stands for unless it names one (GetCallerIdentity). */
export const DEFAULT_USER_NAME = "keysmith";

const ROLE_ARN = /^acs:ram::(\d{1,32}):role\/([A-Za-z0-9._@/+=,-]{1,128})$/;
const PROVIDER_ARN = /^acs:ram::(\d{1,32}):oidc-provider\/([A-Za-z0-9._-]{1,128})$/;

export function stsState(ctx: ServiceContext): StsState {
  return (ctx.state.sts ??= { roles: {}, oidcProviders: {}, issued: {}, metadataTokens: {} });
}

const random = (bytes: number): string => randomBytes(bytes).toString("base64url");
const digits = (n: number): string => Array.from({ length: n }, (_, i) => String(i === 0 ? randomInt(1, 10) : randomInt(0, 10))).join("");

/** Defines (or redefines) a role; its account comes from the ARN. Throws on a malformed ARN or duration. */
export function defineRole(ctx: ServiceContext, arn: string, trusted: readonly string[], maxSessionDuration = MAX_DURATION_SECONDS): StsRole {
  const m = ROLE_ARN.exec(arn);
  if (!m) throw new Error(`${arn}: a role ARN is acs:ram::<account id>:role/<name>`);
  if (!Number.isInteger(maxSessionDuration) || maxSessionDuration < 3600 || maxSessionDuration > MAX_DURATION_SECONDS) {
    throw new Error(`maxSessionDuration must be a whole number of seconds from 3600 to ${MAX_DURATION_SECONDS}`);
  }
  for (const t of trusted) if (!/^[A-Za-z0-9.:/@_=+,-]{1,256}$/.test(t)) throw new Error(`${t}: a trusted principal is an AccessKeyId, an account id or an ARN`);
  const state = stsState(ctx);
  const role: StsRole = { arn, accountId: m[1]!, name: m[2]!.split("/").pop()!, roleId: state.roles[arn]?.roleId ?? digits(19), trusted: [...new Set(trusted)], maxSessionDuration };
  state.roles[arn] = role;
  return role;
}

/** Registers an OIDC provider (a new HS256 secret unless it exists already). */
export function defineOidcProvider(ctx: ServiceContext, p: OidcProviderDefinition): OidcProvider {
  if (!PROVIDER_ARN.test(p.arn)) throw new Error(`${p.arn}: an OIDC provider ARN is acs:ram::<account id>:oidc-provider/<name>`);
  if (!/^https?:\/\/\S+$/.test(p.issuer)) throw new Error("issuer must be an http(s) URL");
  if (!p.audience || /\s/.test(p.audience)) throw new Error("audience must be a client id without spaces");
  const state = stsState(ctx);
  const provider: OidcProvider = { arn: p.arn, issuer: p.issuer, audience: p.audience, subject: p.subject || undefined, secret: state.oidcProviders[p.arn]?.secret ?? random(32) };
  state.oidcProviders[p.arn] = provider;
  return provider;
}

/** An HS256 JWT for a registered provider; each claim can be overridden (tests make bad tokens with it). */
export function mintOidcToken(
  ctx: ServiceContext,
  providerArn: string,
  claims: OidcTokenClaims = {},
): string {
  const provider = stsState(ctx).oidcProviders[providerArn];
  if (!provider) throw new Error(`no OIDC provider ${providerArn}`);
  const now = Math.floor(ctx.now() / 1000);
  const payload = {
    iss: claims.issuer ?? provider.issuer,
    aud: claims.audience ?? provider.audience,
    sub: claims.subject ?? provider.subject ?? "system:serviceaccount:default:keysmith",
    iat: now,
    exp: now + (claims.expiresInSeconds ?? 3600),
  };
  const head = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  const sig = createHmac("sha256", Buffer.from(provider.secret, "base64url")).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

/** Sets the role the ECS metadata endpoints answer for (defined trusting nobody else when new). */
export function setEcsRole(ctx: ServiceContext, roleArn: string, requireToken = false): EcsRole {
  const state = stsState(ctx);
  if (!state.roles[roleArn]) defineRole(ctx, roleArn, []);
  state.ecsRole = { roleArn, requireToken };
  return state.ecsRole;
}

/** The issued credential for an AccessKeyId, as the signature verifier wants it (expiry checked by the server). */
export function issuedCredential(ctx: ServiceContext, accessKeyId: string): (Credential & { expiresAt: number }) | undefined {
  const issued = ctx.state.sts?.issued[accessKeyId];
  if (!issued) return undefined;
  return { accessKeyId: issued.accessKeyId, accessKeySecret: issued.accessKeySecret, securityToken: issued.securityToken, accountId: issued.accountId, expiresAt: issued.expiresAt };
}

export function issue(ctx: ServiceContext, role: StsRole, sessionName: string, seconds: number): IssuedCredential {
  const state = stsState(ctx);
  // Credentials long expired are forgotten (a call with them is then InvalidAccessKeyId.NotFound, as in the cloud).
  for (const [id, c] of Object.entries(state.issued)) if (c.expiresAt < ctx.now() - 24 * 3600_000) delete state.issued[id];
  const cred: IssuedCredential = {
    accessKeyId: `STS.${random(18)}`,
    accessKeySecret: random(30),
    securityToken: `CAIS${random(96)}`,
    expiresAt: ctx.now() + seconds * 1000,
    accountId: role.accountId,
    roleArn: role.arn,
    roleId: role.roleId,
    sessionName,
  };
  state.issued[cred.accessKeyId] = cred;
  return cred;
}

function answer(cred: IssuedCredential, role: StsRole): Record<string, unknown> {
  return {
    Credentials: { AccessKeyId: cred.accessKeyId, AccessKeySecret: cred.accessKeySecret, SecurityToken: cred.securityToken, Expiration: iso(cred.expiresAt) },
    AssumedRoleUser: { Arn: `acs:ram::${role.accountId}:assumed-role/${role.name}/${cred.sessionName}`, AssumedRoleId: `${role.roleId}:${cred.sessionName}` },
  };
}

function duration(p: Record<string, string>, role: StsRole): number {
  const seconds = p.DurationSeconds === undefined ? DEFAULT_DURATION_SECONDS : Number(p.DurationSeconds);
  if (!Number.isInteger(seconds) || seconds < MIN_DURATION_SECONDS || seconds > role.maxSessionDuration) {
    throw new CloudError(400, "InvalidParameter.DurationSeconds", `The Min/Max value of DurationSeconds is ${MIN_DURATION_SECONDS}/${role.maxSessionDuration} seconds.`);
  }
  return seconds;
}

function findRole(ctx: ServiceContext, arn: string): StsRole {
  const role = stsState(ctx).roles[arn];
  if (!role) throw new CloudError(404, "EntityNotExist.Role", `The role not exists: ${arn}.`);
  return role;
}

/** The principals a caller is: its AccessKeyId, its account, and for a role session the role's ARN. */
function principalsOf(ctx: ServiceContext, caller: Credential): string[] {
  const issued = ctx.state.sts?.issued[caller.accessKeyId];
  const out = [caller.accessKeyId, caller.accountId ?? ctx.accountId];
  if (issued) out.push(issued.roleArn);
  return out;
}

const noPermission = (): CloudError =>
  new CloudError(403, "NoPermission", "No permission perform sts:AssumeRole on this Role. Maybe you are not authorized or the role's trust policy does not include you.");

function assumeRole(p: Record<string, string>, ctx: ServiceContext, call: CallInfo): Record<string, unknown> {
  const caller = call.caller;
  if (!caller) throw CloudErrors.missingParameter("AccessKeyId");
  const role = findRole(ctx, need(p, "RoleArn"));
  const sessionName = need(p, "RoleSessionName");
  const principals = principalsOf(ctx, caller);
  if (!role.trusted.some((t) => principals.includes(t))) throw noPermission();
  return answer(issue(ctx, role, sessionName, duration(p, role)), role);
}

const oidcFail = (code: string, message: string): CloudError => new CloudError(401, code, message);

interface JwtClaims {
  iss?: unknown;
  aud?: unknown;
  sub?: unknown;
  exp?: unknown;
}

function checkOidcToken(token: string, provider: OidcProvider, now: number): JwtClaims {
  const parts = token.split(".");
  if (parts.length !== 3) throw oidcFail("AuthenticationFail.OIDCToken.Invalid", "The number of Jwt field should be divided into 3 parts with '.' .");
  let header: { alg?: unknown };
  let claims: JwtClaims;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8")) as { alg?: unknown };
    claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as JwtClaims;
  } catch {
    throw oidcFail("AuthenticationFail.OIDCToken.Invalid", "The Jwt content is invalid that cannot be recognized.");
  }
  if (!header || typeof header !== "object" || !claims || typeof claims !== "object") {
    throw oidcFail("AuthenticationFail.OIDCToken.Invalid", "The Jwt content is invalid that cannot be recognized.");
  }
  if (header.alg !== "HS256") throw oidcFail("AuthenticationFail.OIDCToken.Invalid", `The algorithm ${String(header.alg)} that be specified in Jwt header is unknown.`);
  const expected = createHmac("sha256", Buffer.from(provider.secret, "base64url")).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2]!, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw oidcFail("AuthenticationFail.OIDCToken.InvalidSignature", "OIDC token validate failed: invalid signature.");
  }
  if (typeof claims.exp !== "number" || claims.exp * 1000 <= now) throw oidcFail("AuthenticationFail.OIDCToken.Expired", "This JsonWebToken is expired.");
  if (claims.iss !== provider.issuer) throw oidcFail("AuthenticationFail.OIDCToken.IssuerNotMatch", "Invalid issuer.");
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(provider.audience)) throw oidcFail("AuthenticationFail.OIDCToken.AudienceNotMatch", "Invalid audience.");
  if (typeof claims.sub !== "string" || claims.sub === "") throw oidcFail("AuthenticationFail.OIDCToken.Invalid", "The Jwt content is invalid that cannot be recognized.");
  if (provider.subject !== undefined && claims.sub !== provider.subject) throw oidcFail("AuthenticationFail.OIDCToken.SubjectNotMatch", "Invalid subject.");
  return claims;
}

function assumeRoleWithOidc(p: Record<string, string>, ctx: ServiceContext): Record<string, unknown> {
  const providerArn = need(p, "OIDCProviderArn");
  const provider = stsState(ctx).oidcProviders[providerArn];
  if (!provider) throw oidcFail("AuthenticationFail.NoPermission", "No such OIDC Provider registered.");
  const claims = checkOidcToken(need(p, "OIDCToken"), provider, ctx.now());
  const role = findRole(ctx, need(p, "RoleArn"));
  if (!role.trusted.includes(providerArn)) throw oidcFail("AuthenticationFail.NoPermission", "There is no permission");
  const cred = issue(ctx, role, need(p, "RoleSessionName"), duration(p, role));
  return {
    ...answer(cred, role),
    OIDCTokenInfo: { Issuer: provider.issuer, Subject: String(claims.sub), ClientIds: provider.audience, ExpirationTime: iso(Number(claims.exp) * 1000), IssuanceTime: iso(ctx.now()) },
  };
}

/** A stable numeric id for a static key's RAM user (the cloud's are 16 digits). */
function userIdOf(accessKeyId: string): string {
  const hash = createHmac("sha256", "keysmith-emulator-user").update(accessKeyId).digest();
  return (2n * 10n ** 15n + (hash.readBigUInt64BE(0) % 10n ** 15n)).toString();
}

function getCallerIdentity(_p: Record<string, string>, ctx: ServiceContext, call: CallInfo): Record<string, unknown> {
  const caller = call.caller;
  if (!caller) throw CloudErrors.missingParameter("AccessKeyId");
  const issued = ctx.state.sts?.issued[caller.accessKeyId];
  if (issued) {
    const role = stsState(ctx).roles[issued.roleArn];
    const name = role?.name ?? issued.roleArn.split("/").pop();
    const principal = `${issued.roleId}:${issued.sessionName}`;
    return {
      AccountId: issued.accountId, UserId: principal, PrincipalId: principal, RoleId: issued.roleId,
      Arn: `acs:ram::${issued.accountId}:assumed-role/${name}/${issued.sessionName}`, IdentityType: "AssumedRoleUser",
    };
  }
  const accountId = caller.accountId ?? ctx.accountId;
  const userId = userIdOf(caller.accessKeyId);
  return { AccountId: accountId, UserId: userId, PrincipalId: userId, Arn: `acs:ram::${accountId}:user/${caller.userName ?? DEFAULT_USER_NAME}`, IdentityType: "RAMUser" };
}

export const stsService: ServiceDefinition = {
  id: "sts",
  version: "2015-04-01",
  host: "sts.aliyuncs.com",
  handlers: { AssumeRole: assumeRole, AssumeRoleWithOIDC: assumeRoleWithOidc, GetCallerIdentity: getCallerIdentity },
  creates: [],
};

// ---- ECS instance metadata (the CLI's EcsRamRole source) ----

export interface MetadataAnswer {
  status: number;
  body: string;
  contentType: string;
}

const text = (status: number, body: string): MetadataAnswer => ({ status, body, contentType: "text/plain;charset=utf-8" });

/**
 * `PUT /latest/api/token` (IMDSv2, TTL header 1..21600 s), `GET /latest/meta-data/ram/security-credentials/`
 * (the role name) and `GET …/security-credentials/<role>` (the credentials JSON), for a path under
 * `/latest/` (emulator/server.ts sends only those). Everything is 404 while no ECS role is set.
 */
export function metadataRequest(ctx: ServiceContext, method: string, path: string, headers: Record<string, string>): MetadataAnswer {
  const state = stsState(ctx);
  const ecs = state.ecsRole;
  if (!ecs) return text(404, "Not Found");
  for (const [t, end] of Object.entries(state.metadataTokens)) if (end <= ctx.now()) delete state.metadataTokens[t];
  if (path === "/latest/api/token") {
    if (method !== "PUT") return text(405, "Method Not Allowed");
    const ttl = Number(headers["x-aliyun-ecs-metadata-token-ttl-seconds"]);
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21_600) return text(400, "X-aliyun-ecs-metadata-token-ttl-seconds must be a whole number from 1 to 21600.");
    const token = random(32);
    state.metadataTokens[token] = ctx.now() + ttl * 1000;
    return text(200, token);
  }
  if (method !== "GET") return text(405, "Method Not Allowed");
  const given = headers["x-aliyun-ecs-metadata-token"];
  if (given !== undefined && state.metadataTokens[given] === undefined) return text(401, "Unauthorized: the metadata token is invalid or expired.");
  if (given === undefined && ecs.requireToken) return text(403, "Forbidden: this instance requires a metadata token (IMDSv2).");
  const role = state.roles[ecs.roleArn];
  if (!role) return text(404, "Not Found");
  const base = "/latest/meta-data/ram/security-credentials/";
  if (path === base || path === base.slice(0, -1)) return text(200, role.name);
  if (path !== `${base}${role.name}`) return text(404, "Not Found");
  let cred = ecs.current ? state.issued[ecs.current] : undefined;
  if (!cred || cred.expiresAt - ctx.now() < (ECS_ROLE_LIFETIME_SECONDS * 1000) / 3) {
    cred = issue(ctx, role, "ecs-instance", ECS_ROLE_LIFETIME_SECONDS);
    ecs.current = cred.accessKeyId;
  }
  const body = JSON.stringify({
    AccessKeyId: cred.accessKeyId, AccessKeySecret: cred.accessKeySecret, SecurityToken: cred.securityToken,
    Expiration: iso(cred.expiresAt), LastUpdated: iso(ctx.now()), Code: "Success",
  });
  return { status: 200, body, contentType: "application/json;charset=utf-8" };
}

/** The control API's view: roles, providers (no secrets), the ECS role and the credentials issued (ids and expiries only). */
export function stsSummary(ctx: ServiceContext): Record<string, unknown> {
  const s = stsState(ctx);
  return {
    roles: Object.values(s.roles),
    oidcProviders: Object.values(s.oidcProviders).map(({ secret: _secret, ...rest }) => rest),
    ecsRole: s.ecsRole ? { roleArn: s.ecsRole.roleArn, requireToken: s.ecsRole.requireToken } : null,
    issued: Object.values(s.issued).map((c) => ({ accessKeyId: c.accessKeyId, roleArn: c.roleArn, sessionName: c.sessionName, expiration: iso(c.expiresAt), expired: c.expiresAt <= ctx.now() })),
  };
}
