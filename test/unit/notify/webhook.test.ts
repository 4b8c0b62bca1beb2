// src/core/notify/webhook.ts: the robots' formats, their signatures checked against node:crypto (computed
// here independently, as DingTalk's and Feishu's documentation describe them), retries and config refusals.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { KeysmithError } from "../../../src/core/errors";
import {
  daysLeft, sendWebhook, validateWebhook, validateWebhooks, webhookRequest, type FetchLike, type NotifyMessage, type WebhookConfig,
} from "../../../src/core/notify/webhook";

const NOW = new Date("2026-03-01T08:00:00.000Z");
const MESSAGE: NotifyMessage = {
  event: "renewed",
  certificates: [{ name: "www", domains: ["www.example.com"], notAfter: "2026-05-30T08:00:00.000Z", deployed: ["cdn:www.example.com"] }],
};
const DING: WebhookConfig = { kind: "dingtalk", url: "https://oapi.dingtalk.com/robot/send?access_token=abc" };

function refusal(f: () => unknown): KeysmithError {
  try {
    f();
  } catch (err) {
    if (err instanceof KeysmithError) return err;
    throw err;
  }
  throw new Error("not refused");
}

describe("webhookRequest", () => {
  it("dingtalk text: msgtype text, content naming the certificate, days left and what to do", async () => {
    const req = await webhookRequest(DING, MESSAGE, NOW);
    expect(req.method).toBe("POST");
    expect(req.url).toBe(DING.url);
    const body = JSON.parse(req.body);
    expect(body.msgtype).toBe("text");
    expect(body.text.content).toContain("www (www.example.com)");
    expect(body.text.content).toContain("90 days left");
    expect(body.text.content).toContain("2026-05-30");
    expect(body.text.content).toContain("cdn:www.example.com");
    expect(body.text.content).toMatch(/Nothing to do/);
  });

  it("dingtalk with a secret: timestamp (ms) and sign query parameters equal to node:crypto's HMAC-SHA256", async () => {
    const secret = "SECb0a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1";
    const req = await webhookRequest({ ...DING, secret }, MESSAGE, NOW);
    const url = new URL(req.url);
    const ts = String(NOW.getTime());
    expect(url.searchParams.get("access_token")).toBe("abc");
    expect(url.searchParams.get("timestamp")).toBe(ts);
    const expected = createHmac("sha256", secret).update(`${ts}\n${secret}`, "utf8").digest("base64");
    expect(url.searchParams.get("sign")).toBe(expected);
    // On the wire it is URL-encoded (base64's + / = escaped), as DingTalk's urlEncode step asks.
    const raw = /[?&]sign=([^&]*)/.exec(req.url)![1]!;
    expect(raw).toBe(encodeURIComponent(expected));
    expect(raw).not.toMatch(/[+/=]/);
    // The secret itself never travels.
    expect(req.url + req.body).not.toContain(secret);
  });

  it("dingtalk markdown and wecom text/markdown", async () => {
    const md = JSON.parse((await webhookRequest({ ...DING, format: "markdown" }, MESSAGE, NOW)).body);
    expect(md.msgtype).toBe("markdown");
    expect(md.markdown.title).toContain("renewed");
    expect(md.markdown.text).toContain("- www (www.example.com)");
    const wecomUrl = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k";
    const wt = JSON.parse((await webhookRequest({ kind: "wecom", url: wecomUrl }, MESSAGE, NOW)).body);
    expect(wt).toMatchObject({ msgtype: "text", text: { content: expect.stringContaining("www.example.com") } });
    const wm = JSON.parse((await webhookRequest({ kind: "wecom", url: wecomUrl, format: "markdown" }, MESSAGE, NOW)).body);
    expect(wm).toMatchObject({ msgtype: "markdown", markdown: { content: expect.stringContaining("### Keysmith") } });
  });

  it("feishu with a secret: msg_type text, timestamp (s) and sign in the body = HMAC-SHA256 keyed by `timestamp\\nsecret` over nothing", async () => {
    const secret = "fs-secret-123";
    const req = await webhookRequest({ kind: "feishu", url: "https://open.feishu.cn/open-apis/bot/v2/hook/x", secret }, MESSAGE, NOW);
    const body = JSON.parse(req.body);
    const ts = String(Math.floor(NOW.getTime() / 1000));
    expect(body).toMatchObject({ msg_type: "text", content: { text: expect.stringContaining("www") }, timestamp: ts });
    expect(body.sign).toBe(createHmac("sha256", `${ts}\n${secret}`).update("").digest("base64"));
    expect(req.url).toBe("https://open.feishu.cn/open-apis/bot/v2/hook/x");
  });

  it("generic: { event, title, text, certificates } with days left; zh_CN text", async () => {
    const body = JSON.parse((await webhookRequest({ kind: "generic", url: "https://hooks.example.com/k" }, { ...MESSAGE, event: "renewal_failed", certificates: [{ name: "api", domains: ["api.example.com"], notAfter: "2026-03-04T08:00:00Z", reason: "the order failed" }] }, NOW)).body);
    expect(body).toEqual({
      event: "renewal_failed",
      title: expect.stringContaining("renewal failed"),
      text: expect.stringContaining("Reason: the order failed"),
      certificates: [{ name: "api", domains: ["api.example.com"], notAfter: "2026-03-04T08:00:00Z", daysLeft: 3, reason: "the order failed" }],
    });
    const zh = JSON.parse((await webhookRequest(DING, { ...MESSAGE, locale: "zh_CN" }, NOW)).body);
    expect(zh.text.content).toContain("剩余 90 天");
  });

  it("daysLeft counts whole days, negative once past", () => {
    expect(daysLeft("2026-03-02T07:59:59Z", NOW)).toBe(0);
    expect(daysLeft("2026-02-27T08:00:00Z", NOW)).toBe(-2);
    expect(daysLeft("nonsense", NOW)).toBeUndefined();
  });
});

describe("validateWebhook", () => {
  it("accepts the robots on their hosts, generic https, and plain http to loopback only", () => {
    expect(validateWebhook({ kind: "dingtalk", url: DING.url, secret: "SECabc" })).toEqual({ ...DING, secret: "SECabc" });
    expect(validateWebhook({ kind: "feishu", url: "https://open.larksuite.com/open-apis/bot/v2/hook/x" }).kind).toBe("feishu");
    expect(validateWebhook({ kind: "wecom", url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", format: "markdown" }).format).toBe("markdown");
    expect(validateWebhook({ kind: "generic", url: "https://hooks.example.com/x" }).url).toBe("https://hooks.example.com/x");
    expect(validateWebhook({ kind: "dingtalk", url: "http://127.0.0.1:9999/robot/send" }).url).toBe("http://127.0.0.1:9999/robot/send");
    expect(validateWebhooks([{ kind: "generic", url: "http://localhost:1/x" }, DING])).toHaveLength(2);
  });

  it("refuses with typed errors naming the field and the rule", () => {
    const cases: [unknown, string, string][] = [
      [{ kind: "slack", url: DING.url }, "notify.webhook.kind", "kind"],
      [{ kind: "dingtalk", url: "https://evil.example.com/robot/send" }, "notify.webhook.url.host", "url"],
      [{ kind: "feishu", url: "https://open.feishu.cn.evil.com/x" }, "notify.webhook.url.host", "url"],
      [{ kind: "wecom", url: "https://oapi.dingtalk.com/x" }, "notify.webhook.url.host", "url"],
      [{ kind: "generic", url: "http://hooks.example.com/x" }, "notify.webhook.url.https", "url"],
      [{ kind: "generic", url: "http://192.168.1.2/x" }, "notify.webhook.url.https", "url"],
      [{ kind: "generic", url: "ftp://127.0.0.1/x" }, "notify.webhook.url.https", "url"],
      [{ kind: "generic", url: "not a url" }, "notify.webhook.url.invalid", "url"],
      [{ kind: "generic", url: "https://u:p@hooks.example.com/" }, "notify.webhook.url.invalid", "url"],
      [{ kind: "wecom", url: "https://qyapi.weixin.qq.com/x", secret: "s" }, "notify.webhook.secret.unsigned", "secret"],
      [{ kind: "dingtalk", url: DING.url, secret: "has space" }, "notify.webhook.secret.invalid", "secret"],
      [{ kind: "feishu", url: "https://open.feishu.cn/x", format: "markdown" }, "notify.webhook.format", "format"],
      [{ kind: "dingtalk", url: DING.url, token: "x" }, "notify.webhook.field_unknown", "token"],
      ["https://oapi.dingtalk.com/", "notify.webhook.not_object", "webhook"],
    ];
    for (const [input, code, field] of cases) {
      const err = refusal(() => validateWebhook(input));
      expect(err.code, JSON.stringify(input)).toBe(code);
      expect(err.field).toBe(field);
      expect(err.message).not.toMatch(/^error_/); // has its text
    }
    expect(refusal(() => validateWebhooks([DING, { kind: "x", url: "" }], "notify")).field).toBe("notify[1].kind");
  });
});

describe("sendWebhook", () => {
  function fake(answers: ({ status: number; body?: string } | "network")[]) {
    const calls: { url: string; body: string }[] = [];
    const sleeps: number[] = [];
    const fetch: FetchLike = async (url, init) => {
      calls.push({ url, body: init.body });
      const a = answers[Math.min(calls.length - 1, answers.length - 1)]!;
      if (a === "network") throw new TypeError("fetch failed");
      return { status: a.status, text: async () => a.body ?? "" };
    };
    return { calls, sleeps, deps: { fetch, now: () => NOW, sleep: async (ms: number) => void sleeps.push(ms) } };
  }

  it("retries 500, a network error and 429, then delivers", async () => {
    const f = fake([{ status: 500 }, "network", { status: 200, body: '{"errcode":0,"errmsg":"ok"}' }]);
    expect(await sendWebhook(DING, MESSAGE, f.deps)).toEqual({ ok: true, attempts: 3 });
    expect(f.calls).toHaveLength(3);
    expect(f.sleeps).toEqual([1000, 2000]);
    const g = fake([{ status: 429 }, { status: 200, body: "{}" }]);
    expect(await sendWebhook(DING, MESSAGE, g.deps)).toEqual({ ok: true, attempts: 2 });
  });

  it("a robot's JSON error (errcode != 0) is retried, then reported as a typed error after the bounded attempts", async () => {
    const f = fake([{ status: 200, body: '{"errcode":310000,"errmsg":"sign not match"}' }]);
    const r = await sendWebhook({ ...DING, secret: "SECx" }, MESSAGE, f.deps);
    expect(r.ok).toBe(false);
    expect(f.calls).toHaveLength(3);
    if (!r.ok) {
      expect(r.error.code).toBe("notify.webhook.delivery");
      expect(r.error.params).toMatchObject({ host: "oapi.dingtalk.com", attempts: 3, reason: "310000 sign not match" });
      expect(r.error.message).toContain(": 310000 sign not match");
    }
    const feishu = fake([{ status: 200, body: '{"code":19021,"msg":"sign match fail"}' }, { status: 200, body: '{"code":0}' }]);
    expect(await sendWebhook({ kind: "feishu", url: "https://open.feishu.cn/x" }, MESSAGE, feishu.deps)).toEqual({ ok: true, attempts: 2 });
  });

  it("a 4xx other than 429 is not retried; a delivery never throws", async () => {
    const f = fake([{ status: 404 }]);
    const r = await sendWebhook({ kind: "generic", url: "https://hooks.example.com/x" }, MESSAGE, f.deps);
    expect(r).toMatchObject({ ok: false, attempts: 1 });
    expect(f.calls).toHaveLength(1);
    const boom: FetchLike = async () => {
      throw new Error("boom");
    };
    await expect(sendWebhook(DING, MESSAGE, { fetch: boom, now: () => NOW, sleep: async () => undefined, attempts: 2 })).resolves.toMatchObject({ ok: false, attempts: 2 });
  });

  it("a network error or a timeout is reported in words in the reader's language, not as the platform's text", async () => {
    const f = fake(["network"]);
    const r = await sendWebhook(DING, MESSAGE, { ...f.deps, attempts: 2 });
    if (r.ok) throw new Error("delivered");
    expect(r.error.params.reason).toBe("network:TypeError: fetch failed");
    expect(r.error.localized("en")).toBe("The webhook at oapi.dingtalk.com was not delivered after 2 attempt(s): network error");
    expect(r.error.localized("zh_CN")).toBe("发往 oapi.dingtalk.com 的 Webhook 在 2 次尝试后仍未送达：网络错误");
    const slow: FetchLike = async () => {
      throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
    };
    const t = await sendWebhook(DING, MESSAGE, { fetch: slow, now: () => NOW, sleep: async () => undefined, attempts: 1, timeoutMs: 4000 });
    if (t.ok) throw new Error("delivered");
    expect(t.error.localized("en")).toContain("after 1 attempt(s): no answer within 4 s");
    expect(t.error.localized("zh_CN")).toContain("4 秒内无应答");
  });

  it("each attempt is signed afresh with the clock of that attempt", async () => {
    let t = NOW.getTime();
    const urls: string[] = [];
    const fetch: FetchLike = async (url) => {
      urls.push(url);
      return { status: urls.length < 2 ? 502 : 200, text: async () => "{}" };
    };
    await sendWebhook({ ...DING, secret: "SECabc" }, MESSAGE, { fetch, now: () => new Date((t += 1000)), sleep: async () => undefined });
    expect(new URL(urls[0]!).searchParams.get("timestamp")).not.toBe(new URL(urls[1]!).searchParams.get("timestamp"));
  });
});
