// `keysmith renew --webhook-config FILE` against the emulator, with local HTTP listeners on 127.0.0.1 standing
// in for a DingTalk robot: the renewed certificate's message arrives in DingTalk's format (msgtype text,
// text.content naming the certificate and its days left) with `timestamp` and `sign` query parameters that
// verify (node:crypto, as DingTalk checks them); a listener answering 500 twice then 200 gets the message on
// the third try; one that always fails is reported on stderr and the exit code stays 0; a bad webhook file
// exits 2 naming the field, before anything is sent.
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/index";
import { renewRunner } from "../support/renew-cli";

const DAY = 24 * 60 * 60 * 1000;
const SECRET = "SECwebhook0123456789abcdef";
let emu: RunningEmulator;
const dir = mkdtempSync(join(tmpdir(), "keysmith-cli-webhook-"));
const stateDir = join(dir, "state");
const pass = join(dir, "pass.txt");
const config = join(dir, "renew.yaml");
const hooks = join(dir, "webhook.yaml");

const renewFile = (mode: string) => `certificates:
  - name: www-hook
    domains: [www.example.com]
    keySpec: EC_P256
    mode: ${mode}
    contact: { username: "Li Lei", email: ops@example.com, phone: "13800000000" }
`;

interface Received {
  url: string;
  body: Record<string, unknown>;
}

/** A listener answering from `statuses` in turn (the last one repeated), recording every request. */
async function listener(statuses: number[]): Promise<{ server: Server; url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      got.push({ url: req.url ?? "", body: JSON.parse(data) as Record<string, unknown> });
      const status = statuses[Math.min(got.length - 1, statuses.length - 1)]!;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(status === 200 ? '{"errcode":0,"errmsg":"ok"}' : '{"errcode":-1,"errmsg":"busy"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/robot/send?access_token=t0k`, got };
}
const servers: Server[] = [];

const renew = renewRunner(() => emu, { config, pass, stateDir });

beforeAll(async () => {
  emu = await startEmulator();
  writeFileSync(pass, "renew passphrase\n");
});
afterAll(async () => {
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  await emu?.close();
});

describe("keysmith renew --webhook-config", { timeout: 120_000 }, () => {
  it("a renewal posts a signed DingTalk text message naming the certificate and its days left", async () => {
    const hook = await listener([200]);
    servers.push(hook.server);
    writeFileSync(config, renewFile("auto"));
    writeFileSync(hooks, `kind: dingtalk\nurl: "${hook.url}"\nsecret: ${SECRET}\n`);
    const before = Date.now();
    const run = await renew("--webhook-config", hooks);
    expect(run.code, run.err + run.out).toBe(0);
    expect(run.out).toMatch(/webhook: renewed sent to 127\.0\.0\.1/);
    expect(hook.got).toHaveLength(1);
    const { url, body } = hook.got[0]!;
    expect(body.msgtype).toBe("text");
    const content = (body.text as { content: string }).content;
    expect(content).toContain("www-hook (www.example.com)");
    expect(content).toMatch(/\b(89|90) days left/);
    expect(content).not.toMatch(/PRIVATE KEY|renew passphrase/);
    expect(content).not.toContain(emu.accessKeySecret);
    // The signature verifies as DingTalk checks it: HMAC-SHA256 keyed by the secret over "timestamp\nsecret".
    const q = new URL(url, "http://127.0.0.1").searchParams;
    expect(q.get("access_token")).toBe("t0k");
    const ts = q.get("timestamp")!;
    expect(Number(ts)).toBeGreaterThanOrEqual(before);
    expect(Number(ts)).toBeLessThanOrEqual(Date.now());
    expect(q.get("sign")).toBe(createHmac("sha256", SECRET).update(`${ts}\n${SECRET}`).digest("base64"));
    expect(url).not.toContain(SECRET);
  });

  it("a listener answering 500 twice then 200 gets the due notice on the third try", async () => {
    const hook = await listener([500, 500, 200]);
    servers.push(hook.server);
    writeFileSync(config, renewFile("notify"));
    writeFileSync(hooks, JSON.stringify([{ kind: "dingtalk", url: hook.url }]));
    const run = await renew("--webhook-config", hooks, "--now", new Date(Date.now() + 70 * DAY).toISOString());
    expect(run.code, run.err + run.out).toBe(0);
    expect(hook.got).toHaveLength(3);
    const content = (hook.got[2]!.body.text as { content: string }).content;
    expect(content).toMatch(/expiring soon/);
    expect(content).toContain("www-hook");
    expect(content).toMatch(/\d+ days left/);
    expect(run.out).toMatch(/webhook: expiring sent/);
  });

  it("a delivery that keeps failing is reported on stderr and does not change the exit code", async () => {
    const hook = await listener([503]);
    servers.push(hook.server);
    writeFileSync(hooks, JSON.stringify({ kind: "generic", url: hook.url.replace("/robot/send?access_token=t0k", "/hook") }));
    const run = await renew("--webhook-config", hooks, "--now", new Date(Date.now() + 70 * DAY).toISOString());
    expect(run.code, run.err).toBe(0);
    expect(hook.got).toHaveLength(3);
    expect(hook.got[0]!.body).toMatchObject({ event: "expiring", certificates: [{ name: "www-hook", domains: ["www.example.com"] }] });
    expect(run.err).toMatch(/webhook not delivered: .*after 3 attempt\(s\): HTTP 503 \(the run's outcome is unchanged\)/);
  });

  it("a bad webhook file exits 2 naming the field, before anything is sent", async () => {
    const before = emu.control.counts();
    writeFileSync(hooks, `kind: dingtalk\nurl: https://example.com/robot/send\n`);
    const run = await renew("--webhook-config", hooks);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/webhook\.yaml: url: a dingtalk robot's URL is on oapi\.dingtalk\.com/);
    writeFileSync(hooks, `kind: generic\nurl: http://192.0.2.1/hook\n`);
    const plain = await renew("--webhook-config", hooks);
    expect(plain.code).toBe(2);
    expect(plain.err).toMatch(/url: 192\.0\.2\.1 is not https/);
    expect(emu.control.counts()).toEqual(before);
  });
});
