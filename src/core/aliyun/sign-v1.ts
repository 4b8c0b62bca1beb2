// Signature V1 (RPC, HMAC-SHA1, SignatureVersion=1.0), as openapi-util's getRPCSignature computes it.
// Pure: the clock and the nonce come in, so tests reproduce published vectors exactly.
import { canonicalQuery, flattenParams, isoSeconds, percentEncode, type ParamMap } from "./encode";
import { toBase64, utf8, type Hmac } from "./hmac";

export interface RpcV1Request {
  method: "GET" | "POST";
  /** Operation parameters plus Action and Version; common parameters are added here. */
  params: ParamMap;
  /** "JSON" by default (the cas doc's value); tests pass what a vector uses. */
  format?: string;
}

export interface SignerContext {
  hmac: Hmac;
  accessKeyId: string;
  securityToken?: string;
  now: Date;
  nonce: string;
}

export interface SignedRpcV1 {
  /** Every parameter including Signature, flattened. */
  params: Record<string, string>;
  stringToSign: string;
  signature: string;
  /** `k=v&…` of every parameter including Signature, ready for a query string or a form body. */
  encoded: string;
}

/** The common parameters V1 adds around an operation's own. */
export function rpcV1CommonParams(ctx: Omit<SignerContext, "hmac">, format = "JSON"): Record<string, string> {
  const common: Record<string, string> = {
    Format: format,
    AccessKeyId: ctx.accessKeyId,
    SignatureMethod: "HMAC-SHA1",
    SignatureVersion: "1.0",
    SignatureNonce: ctx.nonce,
    Timestamp: isoSeconds(ctx.now),
  };
  if (ctx.securityToken) common.SecurityToken = ctx.securityToken;
  return common;
}

/** Signs an already complete parameter set (the vectors give their own common parameters). */
export async function signRpcV1Params(method: string, flat: Record<string, string>, hmac: Hmac): Promise<SignedRpcV1> {
  const { Signature: _dropped, ...signed } = flat;
  const stringToSign = `${method}&${percentEncode("/")}&${percentEncode(canonicalQuery(signed))}`;
  const signature = toBase64(await hmac.sign(utf8.encode(stringToSign)));
  const params = { ...signed, Signature: signature };
  return { params, stringToSign, signature, encoded: canonicalQuery(params) };
}

export async function signRpcV1(request: RpcV1Request, ctx: SignerContext): Promise<SignedRpcV1> {
  const flat = { ...flattenParams(request.params), ...rpcV1CommonParams(ctx, request.format) };
  return signRpcV1Params(request.method, flat, ctx.hmac);
}
