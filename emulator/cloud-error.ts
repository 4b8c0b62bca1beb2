// Errors as the cloud's gateway and services send them: an HTTP status and a JSON body with RequestId,
// HostId, Code, Message and Recommend. Thrown anywhere in the emulator, written by the server.
export class CloudError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The common gateway and service errors, one constructor each so every call site reads as the cloud's code. */
export const CloudErrors = {
  signatureDoesNotMatch: (stringToSign: string) =>
    new CloudError(400, "SignatureDoesNotMatch", `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`),
  incompleteSignature: (why: string) => new CloudError(400, "IncompleteSignature", `The request signature does not conform to Aliyun standards. ${why}`),
  accessKeyNotFound: () => new CloudError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."),
  timestampExpired: (value: string) =>
    new CloudError(400, "InvalidTimeStamp.Expired", `Specified time stamp or date value is expired. The request time ${value} is more than 15 minutes from the server time.`),
  timestampFormat: (value: string) => new CloudError(400, "InvalidTimeStamp.Format", `Specified time stamp or date value is not well formatted: ${value}.`),
  nonceUsed: () => new CloudError(400, "SignatureNonceUsed", "Specified signature nonce was used already."),
  missingParameter: (name: string) =>
    new CloudError(400, "MissingParameter", `The input parameter "${name}" that is mandatory for processing this request is not supplied.`),
  invalidParameter: (name: string, why: string) => new CloudError(400, "InvalidParameter", `The specified parameter "${name}" is not valid. ${why}`.trim()),
  securityTokenMissing: () => new CloudError(400, "MissingSecurityToken", "The SecurityToken of this AccessKey is not supplied."),
  securityTokenMismatch: () => new CloudError(400, "InvalidSecurityToken.MismatchWithAccessKey", "The SecurityToken does not match the AccessKey."),
  securityTokenExpired: () => new CloudError(400, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired."),
  securityTokenMalformed: () => new CloudError(400, "InvalidSecurityToken.Malformed", "Specified SecurityToken is malformed."),
  unknownVersion: (version: string) => new CloudError(400, "InvalidVersion", `Specified parameter Version "${version}" is not valid.`),
  unknownAction: (action: string) => new CloudError(404, "InvalidAction.NotFound", `Specified api "${action}" is not found, please check your url and method.`),
  throttling: () => new CloudError(400, "Throttling", "Request was denied due to request throttling."),
  serviceUnavailable: () => new CloudError(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."),
  internalError: () => new CloudError(500, "InternalError", "The request processing has failed due to some unknown error."),
  // The emulator's choice of codes for requests it refuses before reading them as API calls (emulator/server.ts).
  badRequest: (why: string) => new CloudError(400, "BadRequest", `The request is malformed: ${why}`),
  bodyTooLarge: (limit: number) => new CloudError(413, "RequestEntityTooLarge", `The request body exceeds the limit of ${limit} bytes.`),
  targetTooLong: (limit: number) => new CloudError(414, "RequestURITooLong", `The request target (path and query string) exceeds the limit of ${limit} bytes.`),
  headersTooLarge: () => new CloudError(431, "RequestHeaderFieldsTooLarge", "The request line and headers are too large."),
  expectationFailed: () => new CloudError(417, "ExpectationFailed", "Only the Expect value 100-continue is supported."),
} as const;

/** A required parameter's value; absent or empty is the cloud's MissingParameter. */
export function need(p: Record<string, string>, name: string): string {
  const v = p[name];
  if (v === undefined || v === "") throw CloudErrors.missingParameter(name);
  return v;
}
