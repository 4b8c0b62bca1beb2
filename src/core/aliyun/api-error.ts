// One typed error for every answer Alibaba Cloud refuses: HTTP status, Code, Message, RequestId and
// Recommend travel as params (so they survive toData/fromData across worker messages), and the error's
// own code picks a user-facing explanation for the common codes (_locales/*/api.json).
import { KeysmithError } from "../errors";

/** Cloud Code → explanation key suffix; anything else is "api.remote.other". */
const EXPLAINED: Record<string, string> = {
  SignatureDoesNotMatch: "signature",
  IncompleteSignature: "signature",
  "InvalidAccessKeyId.NotFound": "access_key",
  "InvalidAccessKeyId.Inactive": "access_key",
  "InvalidTimeStamp.Expired": "clock",
  IllegalTimestamp: "clock",
  SignatureNonceUsed: "nonce",
  MissingParameter: "parameter",
  InvalidParameter: "parameter",
  Throttling: "throttling",
  "Throttling.User": "throttling",
  "Throttling.Api": "throttling",
  "Forbidden.RAM": "forbidden",
  Forbidden: "forbidden",
  NoPermission: "forbidden",
  "InvalidSecurityToken.Expired": "token",
  "InvalidSecurityToken.Malformed": "token",
  "InvalidSecurityToken.MismatchWithAccessKey": "token",
  MissingSecurityToken: "token",
  NotFoundPackage: "no_package",
  NotRemainCount: "no_quota",
  NotFoundOrder: "no_order",
  OrderStateError: "order_state",
  DeleteFail: "delete_fail",
  CreateCertificateRequestFailed: "create_failed",
  ServiceUnavailable: "unavailable",
  InternalError: "unavailable",
  Error: "unavailable",
  DomainRecordDuplicate: "dns_duplicate",
};

export interface ApiErrorDetails {
  status: number;
  apiCode: string;
  apiMessage: string;
  requestId: string;
  recommend: string;
  action: string;
}

export class ApiError extends KeysmithError {
  readonly status: number;
  readonly apiCode: string;
  readonly apiMessage: string;
  readonly requestId: string;
  readonly recommend: string;

  constructor(details: ApiErrorDetails) {
    super(apiErrorCode(details.apiCode), {
      field: details.action,
      params: { ...details, status: details.status },
    });
    this.status = details.status;
    this.apiCode = details.apiCode;
    this.apiMessage = details.apiMessage;
    this.requestId = details.requestId;
    this.recommend = details.recommend;
  }

  /** Throttling, 5xx: worth another try for a read. */
  get retryable(): boolean {
    return this.status >= 500 || this.apiCode.startsWith("Throttling") || this.apiCode === "ServiceUnavailable";
  }
}

export function apiErrorCode(apiCode: string): string {
  return `api.remote.${EXPLAINED[apiCode] ?? "other"}`;
}

export function isApiErrorData(data: { code: string }): boolean {
  return data.code.startsWith("api.remote.");
}

/** The text between the first `<name>` and the first `</name>` after it, CDATA unwrapped. One pass each:
 * a lazy regular expression rescans the rest of the body for every unclosed `<Code>` (quadratic). */
function xmlElement(body: string, name: string): string | undefined {
  const open = `<${name}>`;
  const start = body.indexOf(open);
  if (start < 0) return undefined;
  const end = body.indexOf(`</${name}>`, start + open.length);
  if (end < 0) return undefined;
  let text = body.slice(start + open.length, end);
  if (text.startsWith("<![CDATA[")) text = text.slice("<![CDATA[".length);
  if (text.endsWith("]]>")) text = text.slice(0, -"]]>".length);
  return text;
}

/** A field of the error body as text: strings, numbers and booleans as such, anything else as its JSON
 * (String() on an object whose toString is not callable throws a TypeError). */
function fieldText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "";
  }
}

/** At most `max` UTF-16 units without splitting a surrogate pair. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** Reads the error body (JSON with Code/Message or code/message; XML <Error>) into an ApiError. */
export function apiErrorFromResponse(action: string, status: number, body: string): ApiError {
  let fields: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === "object") fields = parsed as Record<string, unknown>;
  } catch {
    for (const name of ["Code", "Message", "RequestId", "Recommend"]) {
      const text = xmlElement(body, name);
      if (text !== undefined) fields[name] = text;
    }
  }
  const own = (name: string) => (Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : undefined);
  const pick = (a: string, b: string) => fieldText(own(a) ?? own(b));
  return new ApiError({
    status,
    apiCode: truncate(pick("Code", "code"), 200) || `HTTP${status}`,
    apiMessage: truncate(pick("Message", "message"), 500),
    requestId: truncate(pick("RequestId", "requestId"), 200),
    recommend: truncate(pick("Recommend", "recommend"), 500),
    action,
  });
}

/**
 * The cloud's answer for something it does not hold (e.g. cas NotFoundCertificate for a CertId already
 * deleted): a client error whose code says "not found" or "not exist".
 */
export function isNotFoundError(err: unknown): boolean {
  return err instanceof ApiError && err.status < 500 && /notfound|not_found|notexist|not_exist/i.test(err.apiCode);
}
