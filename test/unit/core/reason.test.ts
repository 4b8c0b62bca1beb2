// The reason a create's outcome is unknown (src/core/reason.ts): a token in the ledger, text in each
// language, and any other text (an entry from before the tokens, a free-form reason) shown as it is.
import { describe, expect, it } from "vitest";
import { KeysmithError } from "../../../src/core/errors";
import { REASON_NO_ANSWER, describeReason, reasonHttp, reasonNetwork, reasonTimeout } from "../../../src/core/reason";

describe("create reasons", () => {
  it("each token reads in English and in Chinese", () => {
    const cases: [string, string, string][] = [
      [REASON_NO_ANSWER, "connection closed without an answer", "连接关闭，未收到应答"],
      [reasonTimeout(15), "no answer within 15 s", "15 秒内无应答"],
      [reasonHttp(503, "ServiceUnavailable"), "HTTP 503 ServiceUnavailable", "HTTP 503 ServiceUnavailable"],
      // The platform's own text ("Failed to fetch") stays in the ledger's token, not in what the user reads.
      [reasonNetwork("Failed to fetch"), "network error", "网络错误"],
    ];
    for (const [token, en, zh] of cases) {
      expect(describeReason("en", token)).toBe(en);
      expect(describeReason("zh_CN", token)).toBe(zh);
    }
  });

  it("text that is not a token is shown unchanged", () => {
    for (const text of ["connection closed without an answer", "HTTP 503 ServiceUnavailable", "http://127.0.0.1:1/", "timeout:soon", "15", ""]) {
      expect(describeReason("zh_CN", text)).toBe(text);
    }
  });

  it("a typed error's reason param is said in the message's language", () => {
    const err = new KeysmithError("api.create.unknown", { field: "CreateCsr", params: { pendingId: "p1", reason: REASON_NO_ANSWER, startedAt: "-" } });
    expect(err.message).toContain("(connection closed without an answer)");
    expect(err.localized("zh_CN")).toContain("连接关闭，未收到应答");
    expect(err.toData().params.reason).toBe(REASON_NO_ANSWER);
  });
});
