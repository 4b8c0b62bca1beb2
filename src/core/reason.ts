// Why a create's outcome is unknown, kept in the write-ahead ledger (src/core/aliyun/write-ahead.ts) as a
// short language-neutral token and shown in the reader's language: in typed errors' messages (a `reason`
// param, src/core/errors.ts), in the popup's pending-create card and in the CLI. Tokens:
//   no_answer                 the connection closed without an answer (a replayed copy refused as such)
//   timeout:<seconds>         no answer within that many seconds
//   http:<status>:<ApiCode>   a 5xx answer (it may follow a commit)
//   network:<detail>          the request failed on the way (the detail is the platform's own text)
// Anything else (an entry written before these tokens) is shown as it is.
import { translate, type Locale } from "./i18n";

export const REASON_NO_ANSWER = "no_answer";

export const reasonTimeout = (seconds: number | string): string => `timeout:${seconds}`;
export const reasonHttp = (status: number, apiCode: string): string => `http:${status}:${apiCode}`;
export const reasonNetwork = (detail: string): string => `network:${detail.slice(0, 200)}`;

/** The reason in `locale`; text that is not a token comes back unchanged. */
export function describeReason(locale: Locale, reason: string): string {
  if (reason === REASON_NO_ANSWER) return translate(locale, "reason_no_answer") ?? reason;
  let m = /^timeout:(\d+)$/.exec(reason);
  if (m) return translate(locale, "reason_timeout", { seconds: m[1]! }) ?? reason;
  m = /^http:(\d{3}):([\w.-]+)$/.exec(reason);
  if (m) return translate(locale, "reason_http", { status: m[1]!, code: m[2]! }) ?? reason;
  m = /^network:([^]*)$/.exec(reason);
  if (m) return translate(locale, "reason_network", { detail: m[1]! }) ?? reason;
  return reason;
}
