// The worker's webhook (src/background/notify/webhook-notifier.ts, fed by the renewer's outcomes): a renewal
// finished by the alarm reaches a fake fetch as a signed DingTalk text message naming the certificate and its
// days left; the secret is never shown back to pages; a webhook that keeps failing is retried, recorded as the
// last delivery and notified, and the renewal's own notification is unaffected.
import { createHmac } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { KeyRenewal, WebhookDeliveryView, WebhookView } from "../../../src/messages";
import { DAY, renewalHarness } from "./renewal-harness";

const h = renewalHarness();
const HOOK = "https://oapi.dingtalk.com/robot/send?access_token=unit";
const SECRET = "SECunit0123456789";

let posts: { url: string; body: Record<string, unknown> }[] = [];
let answer = 200;
beforeEach(() => {
  posts = [];
  answer = 200;
  const real = globalThis.fetch;
  // Only the robot's URL is faked; the emulator is reached as usual.
  vi.stubGlobal("fetch", async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.startsWith("https://oapi.dingtalk.com/")) return real(input, init);
    posts.push({ url, body: JSON.parse(String(init?.body)) as Record<string, unknown> });
    return new Response(answer === 200 ? '{"errcode":0,"errmsg":"ok"}' : "busy", { status: answer });
  });
});
afterEach(() => vi.unstubAllGlobals());

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(check(), what).toBe(true);
}

describe("webhook notifications from the worker", () => {
  it("a renewal done by the alarm reaches the webhook in DingTalk format, signed; the secret never comes back", async () => {
    const t = await h.setup({ policy: { mode: "auto" } });
    const saved = await t.value<WebhookView>("webhook.set", { kind: "dingtalk", url: HOOK, secret: SECRET });
    expect(saved).toEqual({ kind: "dingtalk", url: HOOK, hasSecret: true });
    expect(JSON.stringify(await t.value("settings.get", {}))).not.toContain(SECRET);

    h.advance(61 * DAY);
    await h.tickUntil(t, () => h.renewals(t)[t.key.id]?.progress?.finishedAt !== undefined);
    await eventually(() => posts.length === 1, "the webhook got the renewal");
    const { url, body } = posts[0]!;
    expect(body.msgtype).toBe("text");
    const content = (body.text as { content: string }).content;
    expect(content).toContain("renewed");
    expect(content).toContain(`${t.domain} (${t.domain})`);
    expect(content).toMatch(/\d+ days left/);
    expect(content).not.toMatch(/PRIVATE KEY/);
    const q = new URL(url).searchParams;
    const ts = q.get("timestamp")!;
    expect(q.get("sign")).toBe(createHmac("sha256", SECRET).update(`${ts}\n${SECRET}`).digest("base64"));
    let view = await t.value<WebhookView>("webhook.get", {});
    for (let i = 0; i < 100 && !view.last; i++) {
      await new Promise((r) => setTimeout(r, 25));
      view = await t.value<WebhookView>("webhook.get", {});
    }
    expect(view).toMatchObject({ hasSecret: true, last: { ok: true, event: "renewed", attempts: 1 } });
    expect(JSON.stringify(view)).not.toContain(SECRET);
  });

  it("a webhook answering 500 is retried, then recorded and notified; the due notice itself is unaffected", async () => {
    const t = await h.setup({ policy: { mode: "notify" } });
    await t.value<WebhookView>("webhook.set", { kind: "dingtalk", url: HOOK });
    answer = 500;
    h.advance(61 * DAY);
    await t.worker.renewer.tick();
    expect(t.notifications.filter((n) => n.id === `renewal:${t.key.id}:due`)).toHaveLength(1);
    await eventually(() => t.notifications.some((n) => n.id === "webhook:failed"), "the failed delivery notified");
    expect(posts).toHaveLength(3);
    expect((posts[0]!.body.text as { content: string }).content).toMatch(/expiring soon/);
    const last = (await t.value<WebhookView>("webhook.get", {})).last as WebhookDeliveryView;
    expect(last).toMatchObject({ ok: false, event: "expiring", attempts: 3, error: { code: "notify.webhook.delivery" } });
    expect(await t.value<KeyRenewal>("renewal.get", { keyId: t.key.id })).toMatchObject({ policy: { mode: "notify" } });

    // "Send a test message" answers with the delivery's outcome.
    answer = 200;
    expect(await t.value<WebhookDeliveryView>("webhook.test", {})).toMatchObject({ ok: true, event: "test", attempts: 1 });
    // The secret is kept for the same robot only (a save without one); another robot's URL drops it.
    await t.value<WebhookView>("webhook.set", { kind: "dingtalk", url: HOOK, secret: "SECkeep" });
    expect(await t.value<WebhookView>("webhook.set", { kind: "dingtalk", url: HOOK })).toMatchObject({ hasSecret: true });
    expect(await t.value<WebhookView>("webhook.set", { kind: "dingtalk", url: `${HOOK}2` })).toMatchObject({ hasSecret: false });
    // A robot URL on the wrong host is refused naming the field.
    await expect(t.value("webhook.set", { kind: "dingtalk", url: "https://example.com/robot" })).rejects.toThrow(/notify\.webhook\.url\.host.*"field":"url"/);
  });
});
