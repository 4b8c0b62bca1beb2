// The emulator's own verifier for Signature V1 (HMAC-SHA1 over the parameters) and V3 (ACS3-HMAC-SHA256
// over a canonical request). Written from the published algorithm with node:crypto, deliberately sharing
// nothing with the client's signer in src/core/aliyun, so a mistake in one cannot hide in the other.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { CloudErrors } from "./cloud-error";

export interface Credential {
  accessKeyId: string;
  accessKeySecret: string;
  /** When set, this is an STS credential: every request must carry this SecurityToken. */
  securityToken?: string;
  /** The account the key belongs to (GetCallerIdentity, role trust); the emulator's own when absent. */
  accountId?: string;
  /** The RAM user the key stands for (GetCallerIdentity's Arn); `keysmith` when absent. */
  userName?: string;
  /** Issued STS credentials: refused with InvalidSecurityToken.Expired from then on (business clock, ms). */
  expiresAt?: number;
}

/** What the server read off the wire, before any interpretation. */
export interface WireRequest {
  method: string;
  path: string;
  /** Decoded query parameters, in arrival order (duplicates: last wins). */
  query: Record<string, string>;
  /** Decoded form-body parameters (application/x-www-form-urlencoded), empty otherwise. */
  form: Record<string, string>;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface VerifiedCall {
  signatureVersion: "V1" | "V3";
  accessKeyId: string;
  action: string;
  version: string;
  /** Operation parameters: V1 common parameters removed; V3 the query and form merged. */
  params: Record<string, string>;
}

export interface VerifyContext {
  findCredential(accessKeyId: string): Credential | undefined;
  /** Milliseconds since the epoch, the server's idea of "now" for timestamp checks. */
  now(): number;
  /** Records the nonce; false when it was seen within the replay window. */
  useNonce(accessKeyId: string, nonce: string): boolean;
}

export const TIMESTAMP_WINDOW_MS = 15 * 60 * 1000;
const V3_ALGORITHM = "ACS3-HMAC-SHA256";
// RegionId is not among them: SLB takes it as a parameter of every call (pop-core sends one by default; a
// catalogued operation that does not name it has it dropped with the other unknown parameters).
const V1_COMMON = new Set([
  "Action", "Version", "Format", "AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce",
  "SignatureType", "Timestamp", "SecurityToken", "Signature", "ResourceOwnerAccount",
]);

/** RFC 3986 percent-encoding as both signature versions define it (space %20, `~` literal, `!'()*` escaped). */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalize(params: Record<string, string>, encodeKeys = true): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${encodeKeys ? percentEncode(k) : k}=${percentEncode(params[k]!)}`)
    .join("&");
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function checkTimestamp(value: string | undefined, name: string, ctx: VerifyContext): void {
  if (!value) throw CloudErrors.missingParameter(name);
  // Both versions send UTC seconds, `YYYY-MM-DDThh:mm:ssZ`; accept milliseconds too, as the gateway does.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(value)) throw CloudErrors.timestampFormat(value);
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw CloudErrors.timestampFormat(value);
  if (Math.abs(ctx.now() - at) > TIMESTAMP_WINDOW_MS) throw CloudErrors.timestampExpired(value);
}

function checkToken(credential: Credential, token: string | undefined): void {
  if (credential.securityToken === undefined) {
    if (token !== undefined && token !== "") throw CloudErrors.securityTokenMalformed();
    return;
  }
  if (token === undefined || token === "") throw CloudErrors.securityTokenMissing();
  if (!sameText(token, credential.securityToken)) throw CloudErrors.securityTokenMismatch();
}

function lookup(accessKeyId: string | undefined, ctx: VerifyContext): Credential {
  if (!accessKeyId) throw CloudErrors.missingParameter("AccessKeyId");
  const credential = ctx.findCredential(accessKeyId);
  if (!credential) throw CloudErrors.accessKeyNotFound();
  return credential;
}

export function isV3(request: WireRequest): boolean {
  return (request.headers["authorization"] ?? "").startsWith(V3_ALGORITHM);
}

/** Signature V1: parameters from the query and the form body merged, `Signature` dropped, re-encoded. */
export function verifyV1(request: WireRequest, ctx: VerifyContext): VerifiedCall {
  const all = { ...request.query, ...request.form };
  const { Signature: signature, ...signed } = all;
  if (!signed.Action) throw CloudErrors.missingParameter("Action");
  if (!signed.Version) throw CloudErrors.missingParameter("Version");
  const credential = lookup(signed.AccessKeyId, ctx);
  if (!signature) throw CloudErrors.missingParameter("Signature");
  if (signed.SignatureMethod !== "HMAC-SHA1") throw CloudErrors.invalidParameter("SignatureMethod", "Only HMAC-SHA1 is supported.");
  if (signed.SignatureVersion !== "1.0") throw CloudErrors.invalidParameter("SignatureVersion", "Only 1.0 is supported.");
  if (!signed.SignatureNonce) throw CloudErrors.missingParameter("SignatureNonce");
  checkTimestamp(signed.Timestamp, "Timestamp", ctx);
  const stringToSign = `${request.method.toUpperCase()}&${percentEncode("/")}&${percentEncode(canonicalize(signed))}`;
  const expected = createHmac("sha1", `${credential.accessKeySecret}&`).update(stringToSign, "utf8").digest("base64");
  if (!sameText(expected, signature)) throw CloudErrors.signatureDoesNotMatch(stringToSign);
  checkToken(credential, signed.SecurityToken);
  if (!ctx.useNonce(credential.accessKeyId, signed.SignatureNonce)) throw CloudErrors.nonceUsed();
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed)) if (!V1_COMMON.has(k)) params[k] = v;
  return { signatureVersion: "V1", accessKeyId: credential.accessKeyId, action: signed.Action, version: signed.Version, params };
}

interface V3Authorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(value: string): V3Authorization {
  const rest = value.slice(V3_ALGORITHM.length).trim();
  const fields = new Map<string, string>();
  for (const part of rest.split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get("Credential");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!accessKeyId || signedHeaders === undefined || !signature) throw CloudErrors.incompleteSignature("Authorization needs Credential, SignedHeaders and Signature.");
  return { accessKeyId, signedHeaders: signedHeaders.split(";").filter((h) => h !== ""), signature };
}

/** Headers the V3 canonical request must cover for the signature to mean anything. */
const V3_REQUIRED_SIGNED = ["host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"];

/** Signature V3: whatever headers the client signed, over the query, the headers and the body's hash. */
export function verifyV3(request: WireRequest, ctx: VerifyContext): VerifiedCall {
  const auth = parseAuthorization(request.headers["authorization"]!);
  const credential = lookup(auth.accessKeyId, ctx);
  const signed = auth.signedHeaders.map((h) => h.toLowerCase());
  for (const name of V3_REQUIRED_SIGNED) {
    if (!signed.includes(name)) throw CloudErrors.incompleteSignature(`The header ${name} must be signed.`);
  }
  // Every x-acs-* header that was sent must be signed too, or it could be changed in flight.
  for (const name of Object.keys(request.headers)) {
    if (name.startsWith("x-acs-") && !signed.includes(name)) throw CloudErrors.incompleteSignature(`The header ${name} is not signed.`);
  }
  const action = request.headers["x-acs-action"];
  const version = request.headers["x-acs-version"];
  if (!action) throw CloudErrors.missingParameter("x-acs-action");
  if (!version) throw CloudErrors.missingParameter("x-acs-version");
  checkTimestamp(request.headers["x-acs-date"], "x-acs-date", ctx);
  const bodyHash = createHash("sha256").update(request.body).digest("hex");
  const claimedHash = request.headers["x-acs-content-sha256"] ?? "";
  if (claimedHash !== bodyHash) throw CloudErrors.incompleteSignature("x-acs-content-sha256 is not the SHA-256 of the body.");
  const sortedNames = [...signed].sort();
  const canonicalHeaders = sortedNames.map((name) => `${name}:${(request.headers[name] ?? "").trim()}\n`).join("");
  const canonicalRequest = [
    request.method.toUpperCase(),
    request.path || "/",
    canonicalize(request.query),
    canonicalHeaders,
    sortedNames.join(";"),
    claimedHash,
  ].join("\n");
  const stringToSign = `${V3_ALGORITHM}\n${createHash("sha256").update(canonicalRequest, "utf8").digest("hex")}`;
  const expected = createHmac("sha256", credential.accessKeySecret).update(stringToSign, "utf8").digest("hex");
  if (!sameText(expected, auth.signature.toLowerCase())) throw CloudErrors.signatureDoesNotMatch(stringToSign);
  checkToken(credential, request.headers["x-acs-security-token"]);
  const nonce = request.headers["x-acs-signature-nonce"];
  if (!nonce) throw CloudErrors.missingParameter("x-acs-signature-nonce");
  if (!ctx.useNonce(credential.accessKeyId, nonce)) throw CloudErrors.nonceUsed();
  return { signatureVersion: "V3", accessKeyId: credential.accessKeyId, action, version, params: { ...request.query, ...request.form } };
}

/**
 * An unsigned call (no Authorization, no AccessKeyId, no Signature) to an operation that takes none (STS
 * AssumeRoleWithOIDC): action and version from the V3 headers or the V1 parameters, as the Tea SDK's
 * anonymous RPC request carries both. Undefined when the request is not such a call.
 */
export function anonymousCall(request: WireRequest, isAnonymous: (version: string, action: string) => boolean): VerifiedCall | undefined {
  if (request.headers["authorization"] !== undefined) return undefined;
  const all = { ...request.query, ...request.form };
  if (all.AccessKeyId !== undefined || all.Signature !== undefined) return undefined;
  const action = request.headers["x-acs-action"] ?? all.Action;
  const version = request.headers["x-acs-version"] ?? all.Version;
  if (!action || !version || !isAnonymous(version, action)) return undefined;
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) if (!V1_COMMON.has(k)) params[k] = v;
  return { signatureVersion: request.headers["x-acs-action"] ? "V3" : "V1", accessKeyId: "", action, version, params };
}

export function verifyRequest(request: WireRequest, ctx: VerifyContext): VerifiedCall {
  return isV3(request) ? verifyV3(request, ctx) : verifyV1(request, ctx);
}
