// The options page's "Webhook notifications" in real Chromium: a DingTalk robot stood in for by a local
// listener on 127.0.0.1 (the loopback origin granted, as the page's permission request would get it), kind,
// URL and signing secret saved, "Send a test message" pressed: the listener receives one DingTalk text message
// whose `sign` verifies (node:crypto), the page says it was delivered, and the secret never comes back to the page.
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectText, expectVisible, launchExtension, openExtensionPage, sendRaw, waitFor, type ExtensionSession } from "./harness";

const SECRET = "SECe2e0123456789abcdef";
let server: Server;
let hookUrl: string;
const got: { url: string; body: Record<string, unknown> }[] = [];
let session: ExtensionSession;

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      got.push({ url: req.url ?? "", body: JSON.parse(data) as Record<string, unknown> });
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/robot/send?access_token=e2e`;
  session = await launchExtension({ grantHosts: ["http://127.0.0.1/*"] });
});
afterAll(async () => {
  await session?.dispose();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("options: webhook notifications", () => {
  it("configuring a loopback DingTalk webhook and pressing 'Send a test message' delivers a signed DingTalk message", async () => {
    const page = await openExtensionPage(session, "options.html?lang=en");
    await page.waitForSelector("body[data-ready=true]");
    await page.selectOption("#webhook-kind", "dingtalk");
    await page.fill("#webhook-url", hookUrl);
    await page.fill("#webhook-secret", SECRET);
    await page.click("#save-webhook");
    await expectVisible(page, "#webhook-saved", true, "the webhook saved");
    await expectVisible(page, "#webhook-secret-stored", true, "a secret is stored");
    expect(await page.inputValue("#webhook-secret")).toBe(""); // the typed secret is forgotten

    await page.click("#test-webhook");
    await waitFor(async () => got.length === 1, "the listener received the test message");
    await expectVisible(page, "#webhook-test-ok", true, "the page says it was delivered");
    await expectText(page, "#webhook-last", /Last delivery/, "the last delivery shown");

    const { url, body } = got[0]!;
    expect(body.msgtype).toBe("text");
    expect((body.text as { content: string }).content).toMatch(/^Keysmith: test message/);
    const q = new URL(url, "http://127.0.0.1").searchParams;
    expect(q.get("access_token")).toBe("e2e");
    const ts = q.get("timestamp")!;
    expect(q.get("sign")).toBe(createHmac("sha256", SECRET).update(`${ts}\n${SECRET}`).digest("base64"));

    // Pages never get the secret back.
    const view = await sendRaw(page, "webhook.get", {});
    expect(view).toMatchObject({ ok: true, value: { kind: "dingtalk", url: hookUrl, hasSecret: true, last: { ok: true, event: "test" } } });
    expect(JSON.stringify(view)).not.toContain(SECRET);
    // A robot URL on another host is refused naming the field, nothing stored.
    const wrong = await sendRaw(page, "webhook.set", { kind: "dingtalk", url: "https://example.com/robot/send" });
    expect(wrong).toMatchObject({ ok: false, error: { code: "notify.webhook.url.host", field: "url" } });
    expect(got).toHaveLength(1);
  });
});
