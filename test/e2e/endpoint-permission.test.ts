// A custom endpoint whose host permission was never granted gets nothing (src/background/cloud.ts
// checkDestination, run by the real worker in Chromium). The "endpoint" is a plain node http listener on
// 127.0.0.1 that counts every request: with no grant it must count none, whatever the worker is asked to do
// (test credentials, a read, a create); with the loopback grant the same messages reach it (the control).
// A LAN endpoint over plain http is refused at save, before anything could be sent.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchExtension, openExtensionPage, sendRaw, waitFor, type ExtensionSession } from "./harness";

let server: Server;
let seen: string[] = [];
let endpoint: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ RequestId: "counted", TotalCount: 1, UsedCount: 0, IssuedCount: 0 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const CONTACT = { username: "Li Lei", email: "ops@example.com", phone: "13800000000", validateType: "DNS" as const };

async function connect(session: ExtensionSession) {
  const page = await openExtensionPage(session, "options.html?lang=en");
  await page.waitForSelector("body[data-ready=true]");
  const creds = await sendRaw(page, "credentials.set", { accessKeyId: "LTAI5tEndpointTest", accessKeySecret: "EndpointTestSecret" });
  expect(creds.ok).toBe(true);
  const saved = await sendRaw(page, "settings.set", { endpoint });
  expect(saved).toMatchObject({ ok: true, value: { endpoint } });
  return page;
}

describe("a custom endpoint without its host permission", () => {
  let session: ExtensionSession;
  afterAll(async () => {
    await session?.dispose();
  });

  it("receives no request: every signed call is refused in the worker, naming the permission", async () => {
    session = await launchExtension(); // no grants: the optional loopback permission was never given
    const page = await connect(session);
    seen = [];
    const test = await sendRaw(page, "credentials.test", {});
    expect(test.ok).toBe(true);
    if (test.ok) expect(test.value).toMatchObject({ ok: false, error: { code: "cloud.endpoint.no_permission", params: { permission: `${endpoint}/*` } } });
    const read = await sendRaw(page, "orders.packageState", {});
    expect(read).toMatchObject({ ok: false, error: { code: "cloud.endpoint.no_permission", field: "endpoint" } });
    const create = await sendRaw(page, "orders.certificateRequest", { ...CONTACT, domain: "www.example.com" });
    expect(create).toMatchObject({ ok: false, error: { code: "cloud.endpoint.no_permission" } });
    // The create was refused before the write-ahead ledger: no pending create, no order.
    expect(await sendRaw(page, "orders.pending", {})).toEqual({ ok: true, value: [] });
    expect(await sendRaw(page, "orders.list", {})).toEqual({ ok: true, value: [] });
    // The page says where signed requests would go.
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    await waitFor(async () => (await page.textContent("#endpoint-destination"))?.includes(endpoint), "the destination named");
    // Give any stray request time to arrive before counting.
    await new Promise((r) => setTimeout(r, 500));
    expect(seen).toEqual([]);
  });

  it("plain http to a LAN address is refused at save (nothing is contacted)", async () => {
    const page = await openExtensionPage(session, "options.html?lang=en");
    for (const lan of ["http://192.168.1.10", "http://10.0.0.5"]) {
      const reply = await sendRaw(page, "settings.set", { endpoint: lan });
      expect(reply).toMatchObject({ ok: false, error: { code: "settings.endpoint.plain_http", field: "endpoint" } });
    }
    const v1 = await sendRaw(page, "settings.set", { endpoint: "https://gateway.example.com", signatureVersion: "v1" });
    expect(v1).toMatchObject({ ok: false, error: { code: "settings.signature.v1_host" } });
    expect(await sendRaw(page, "settings.get", {})).toMatchObject({ ok: true, value: { endpoint, signatureVersion: "v3" } });
  });
});

describe("the same endpoint with the host permission granted (control)", () => {
  it("receives the signed calls", async () => {
    const session = await launchExtension({ grantHosts: ["http://127.0.0.1/*"] });
    try {
      const page = await connect(session);
      seen = [];
      const read = await sendRaw(page, "orders.packageState", {});
      expect(read).toMatchObject({ ok: true });
      await waitFor(async () => seen.length > 0, "the listener counted the request");
      expect(seen[0]).toMatch(/^POST \//);
    } finally {
      await session.dispose();
    }
  });
});
