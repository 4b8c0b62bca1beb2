// STS 2015-04-01: AssumeRole (signed with the caller's credentials), AssumeRoleWithOIDC (anonymous: the OIDC
// token is the proof, so the client sends it unsigned) and GetCallerIdentity. The temporary credentials
// they answer with are read by src/core/aliyun/sts.ts.
import { fail } from "../../errors";
import type { Operation } from "../operation-types";
import { fields, p, req } from "./build";

const sts = (action: string, kind: Operation["kind"], params: Operation["params"], response: string): Operation =>
  ({ service: "sts", version: "2015-04-01", action, method: "POST", kind, params, response: fields(`RequestId, ${response}`) });

/** acs:ram::<account id>:role/<name> (the name may carry a path). */
export const ROLE_ARN = /^acs:ram::\d{1,32}:role\/[A-Za-z0-9._@/+=,-]{1,128}$/;
/** acs:ram::<account id>:oidc-provider/<name>. */
export const OIDC_PROVIDER_ARN = /^acs:ram::\d{1,32}:oidc-provider\/[A-Za-z0-9._-]{1,128}$/;
/** 2 to 64 letters, digits and `. @ - _` (the STS reference's rule for RoleSessionName). */
export const ROLE_SESSION_NAME = /^[A-Za-z0-9.@_-]{2,64}$/;
export const MIN_DURATION_SECONDS = 900;
export const MAX_DURATION_SECONDS = 43_200;
/** What STS takes when DurationSeconds is omitted, and what a new role profile starts with. */
export const DEFAULT_DURATION_SECONDS = 3600;

function checkRole(params: Record<string, string>): void {
  if (params.RoleArn !== undefined && !ROLE_ARN.test(params.RoleArn)) fail("api.role.arn", "RoleArn", { value: params.RoleArn.slice(0, 200) });
  if (params.OIDCProviderArn !== undefined && !OIDC_PROVIDER_ARN.test(params.OIDCProviderArn)) {
    fail("api.role.oidc_provider_arn", "OIDCProviderArn", { value: params.OIDCProviderArn.slice(0, 200) });
  }
  if (params.RoleSessionName !== undefined && !ROLE_SESSION_NAME.test(params.RoleSessionName)) fail("api.role.session_name", "RoleSessionName");
  if (params.DurationSeconds !== undefined) {
    const seconds = Number(params.DurationSeconds);
    if (seconds < MIN_DURATION_SECONDS || seconds > MAX_DURATION_SECONDS) {
      fail("api.role.duration", "DurationSeconds", { min: MIN_DURATION_SECONDS, max: MAX_DURATION_SECONDS });
    }
  }
}

const CREDENTIALS = "Credentials:object, AssumedRoleUser:object";

// The parameters AssumeRole and AssumeRoleWithOIDC share, in the order both list them.
const ROLE_ARN_PARAM = req("RoleArn", "string", "ARN of the RAM role to assume, acs:ram::<account>:role/<name>");
const SESSION_PARAMS = [
  req("RoleSessionName", "string", "Name of the role session: 2 to 64 letters, digits and . @ - _"),
  p("DurationSeconds", "integer", `Lifetime of the temporary credentials in seconds (${MIN_DURATION_SECONDS} to the role's maximum, at most ${MAX_DURATION_SECONDS})`, { default: String(DEFAULT_DURATION_SECONDS) }),
  p("Policy", "string", "A session policy (JSON) that narrows the role's permissions", { rule: "not_blank" }),
];

export const STS_OPERATIONS: Operation[] = [
  {
    ...sts("AssumeRole", "read", [
      ROLE_ARN_PARAM,
      ...SESSION_PARAMS,
      p("ExternalId", "string", "The external ID the role's trust policy asks for", { rule: "not_blank" }),
    ], CREDENTIALS),
    crossCheck: checkRole,
  },
  {
    ...sts("AssumeRoleWithOIDC", "read", [
      ROLE_ARN_PARAM,
      req("OIDCProviderArn", "string", "ARN of the OIDC identity provider, acs:ram::<account>:oidc-provider/<name>"),
      // A bearer credential: kept out of every error like a private key.
      req("OIDCToken", "string", "The OIDC token (a JWT) issued by the identity provider", { rule: "not_blank", secret: true }),
      ...SESSION_PARAMS,
    ], `${CREDENTIALS}, OIDCTokenInfo:object`),
    crossCheck: checkRole,
    anonymous: true,
  },
  sts("GetCallerIdentity", "read", [], "AccountId, UserId, Arn, IdentityType, PrincipalId, RoleId"),
];
