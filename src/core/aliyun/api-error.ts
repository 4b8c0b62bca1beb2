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

/** Reads the error body (JSON with Code/Message or code/message; XML <Error>) into an ApiError. */
export function apiErrorFromResponse(action: string, status: number, body: string): ApiError {
  let fields: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === "object") fields = parsed as Record<string, unknown>;
  } catch {
    for (const name of ["Code", "Message", "RequestId", "Recommend"]) {
      const m = new RegExp(`<${name}>(?:<!\\[CDATA\\[)?([\\s\\S]*?)(?:\\]\\]>)?</${name}>`).exec(body);
      if (m) fields[name] = m[1];
    }
  }
  const pick = (a: string, b: string) => String(fields[a] ?? fields[b] ?? "");
  return new ApiError({
    status,
    apiCode: pick("Code", "code") || `HTTP${status}`,
    apiMessage: pick("Message", "message").slice(0, 500),
    requestId: pick("RequestId", "requestId"),
    recommend: pick("Recommend", "recommend"),
    action,
  });
}
