// Signature V3 (ACS3-HMAC-SHA256, Authorization header), as openapi-util's getAuthorization computes it
// and with the header set the generated SDKs send. Pure: clock and nonce are handed in.
import { flattenParams, isoSeconds, percentEncode, type ParamMap } from "./encode";
import { sha256Hex, toHex, utf8, type Hmac } from "./hmac";
import type { SignerContext } from "./sign-v1";

export const V3_ALGORITHM = "ACS3-HMAC-SHA256";

export interface V3Request {
  method: "GET" | "POST";
  /** The host as the request reaches the server (with a port when not the default). */
  host: string;
  action: string;
  version: string;
  /** Query parameters; flattened like V1 (Name.1, Name.Key). */
  query: ParamMap;
  body?: Uint8Array;
  contentType?: string;
  /** Further headers to send and, if x-acs-*, sign (e.g. x-acs-credentials-provider). */
  extraHeaders?: Record<string, string>;
}

export interface SignedV3 {
  /** Headers to send, Authorization included (host is signed but set by fetch itself). */
  headers: Record<string, string>;
  query: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

/** The query as V3 canonicalizes it: sorted raw names, values encoded, `k=` for empty. */
export function v3CanonicalQuery(flat: Record<string, string>): string {
  return Object.keys(flat)
    .sort()
    .map((k) => `${k}=${percentEncode(flat[k]!)}`)
    .join("&");
}

export function v3CanonicalHeaders(headers: Record<string, string>): { text: string; names: string[] } {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === "host" || lower === "content-type" || lower.startsWith("x-acs-")) {
      grouped.set(lower, [...(grouped.get(lower) ?? []), value.trim()]);
    }
  }
  const names = [...grouped.keys()].sort();
  return { text: names.map((n) => `${n}:${grouped.get(n)!.sort().join(",")}\n`).join(""), names };
}

export async function signV3(request: V3Request, ctx: SignerContext): Promise<SignedV3> {
  const body = request.body ?? new Uint8Array();
  const payloadHash = await sha256Hex(body);
  const headers: Record<string, string> = {
    host: request.host,
    "x-acs-action": request.action,
    "x-acs-version": request.version,
    "x-acs-date": isoSeconds(ctx.now),
    "x-acs-signature-nonce": ctx.nonce,
    "x-acs-content-sha256": payloadHash,
    ...(request.extraHeaders ?? {}),
  };
  if (request.contentType) headers["content-type"] = request.contentType;
  if (ctx.securityToken) {
    headers["x-acs-accesskey-id"] = ctx.accessKeyId;
    headers["x-acs-security-token"] = ctx.securityToken;
  }
  const query = flattenParams(request.query);
  const canonical = v3CanonicalHeaders(headers);
  const canonicalRequest = [
    request.method,
    "/",
    v3CanonicalQuery(query),
    canonical.text,
    canonical.names.join(";"),
    payloadHash,
  ].join("\n");
  const stringToSign = `${V3_ALGORITHM}\n${await sha256Hex(utf8.encode(canonicalRequest))}`;
  const signature = toHex(await ctx.hmac.sign(utf8.encode(stringToSign)));
  const authorization = `${V3_ALGORITHM} Credential=${ctx.accessKeyId},SignedHeaders=${canonical.names.join(";")},Signature=${signature}`;
  return { headers: { ...headers, authorization, accept: "application/json" }, query, canonicalRequest, stringToSign, signature };
}
