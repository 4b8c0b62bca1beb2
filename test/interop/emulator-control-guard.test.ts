// The emulator's control endpoint (`/__emulator/…`, emulator/server.ts) answers only requests that name a
// loopback Host (127.0.0.1, localhost, [::1], any port) and, for POSTs, say Content-Type application/json:
// a web page's text/plain or form POST (no CORS preflight needed) and a DNS-rebound name get 403 in the
// cloud's error shape, and nothing changes. Raw HTTP requests to 127.0.0.1, so the Host header is exactly
// what the test says. Also: the --state file is written through an exclusive temporary file and a rename.
import { request } from "node:http";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/index";
import { saveStateAtomic, type EmulatorState } from "../../emulator/state";
import { scratch } from "./emulator-helpers";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  await emu?.close();
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: emu.port, method, path, headers, setHost: false }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const local = () => `127.0.0.1:${emu.port}`;
const faultsBody = JSON.stringify({ latencyMs: 5 });

function expectForbidden(answer: Answer, why: RegExp): void {
  expect(answer.status).toBe(403);
  expect(answer.body).toMatchObject({ Code: "Forbidden.ControlEndpoint" });
  expect(String(answer.body.Message)).toMatch(why);
  expect(String(answer.body.RequestId)).toMatch(/^[0-9A-F-]{36}$/);
}

describe("control endpoint: Host and Content-Type", () => {
  it("refuses Host: evil.example (DNS rebinding), for GET and POST, and changes nothing", async () => {
    expectForbidden(await raw("GET", "/__emulator/state", { host: "evil.example" }), /Host/);
    expectForbidden(await raw("GET", "/__emulator/state", { host: `evil.example:${emu.port}` }), /Host/);
    expectForbidden(await raw("POST", "/__emulator/faults", { host: "evil.example", "content-type": "application/json" }, faultsBody), /Host/);
    expectForbidden(await raw("GET", "/__emulator/counts", { host: "127.0.0.1.evil.example" }), /Host/);
    expectForbidden(await raw("GET", "/__emulator/counts", {}), /Host/);
    expect(emu.control.snapshot().faults).toEqual({});
  });

  it("refuses a POST with Content-Type text/plain, a form type or none, and changes nothing", async () => {
    for (const type of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx"]) {
      expectForbidden(await raw("POST", "/__emulator/faults", { host: local(), "content-type": type }, faultsBody), /Content-Type/);
    }
    expectForbidden(await raw("POST", "/__emulator/faults", { host: local() }, faultsBody), /Content-Type/);
    expect(emu.control.snapshot().faults).toEqual({});
  });

  it("answers a loopback Host (127.0.0.1, localhost, [::1], with or without a port) and JSON POSTs", async () => {
    for (const host of [local(), "127.0.0.1", "localhost", `LOCALHOST:${emu.port}`, "[::1]", `[::1]:${emu.port}`]) {
      const answer = await raw("GET", "/__emulator/counts", { host });
      expect(answer.status, host).toBe(200);
      expect(answer.body).toMatchObject({ orders: expect.any(Number), dnsRecords: expect.any(Number) });
    }
    const set = await raw("POST", "/__emulator/faults", { host: local(), "content-type": "application/json; charset=utf-8" }, faultsBody);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ ok: true, faults: { latencyMs: 5 } });
    const cleared = await raw("POST", "/__emulator/faults", { host: "localhost", "content-type": "application/json" }, "{}");
    expect(cleared.status).toBe(200);
    expect(emu.control.snapshot().faults).toEqual({});
  });

  it("fetch from Node (Host 127.0.0.1:PORT) passes with a JSON type and is refused with fetch's default text/plain", async () => {
    const refused = await fetch(`${emu.url}/__emulator/zones`, { method: "POST", body: JSON.stringify({ zone: "refused.example" }) });
    expect(refused.status).toBe(403);
    expect(emu.control.snapshot().zones).not.toContain("refused.example");
    const ok = await fetch(`${emu.url}/__emulator/zones`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ zone: "allowed.example" }) });
    expect(ok.status).toBe(200);
    expect(emu.control.snapshot().zones).toContain("allowed.example");
  });

  it("the cloud API itself is not affected by the control endpoint's rules", async () => {
    const answer = await raw("GET", "/?Action=DescribePackageState", { host: "evil.example" });
    expect(answer.status).not.toBe(403);
    expect(answer.body).toHaveProperty("Code");
  });
});

describe("the --state file", () => {
  it("is rewritten after each change through a temporary file and a rename: mode 0600, no temporary file left", async () => {
    const folder = scratch();
    const stateFile = join(folder, "state.json");
    const withState = await startEmulator({ port: 0, stateFile });
    try {
      for (let i = 0; i < 20; i++) withState.control.addZone(`zone${i}.example`);
      const saved = JSON.parse(readFileSync(stateFile, "utf8")) as EmulatorState;
      expect(saved.dns.zones).toContain("zone19.example");
      expect(statSync(stateFile).mode & 0o777).toBe(0o600);
      expect(readdirSync(folder)).toEqual(["state.json"]);
    } finally {
      await withState.close();
    }
    const again = await startEmulator({ port: 0, stateFile });
    try {
      expect(again.control.snapshot().zones).toContain("zone7.example");
    } finally {
      await again.close();
    }
  });

  it("a write that cannot be renamed into place fails, leaves the target as it was and no temporary file", () => {
    const folder = scratch();
    const target = join(folder, "state.json");
    mkdirSync(target); // a folder where the file should go: the rename fails
    writeFileSync(join(target, "keep"), "x");
    const state = JSON.parse(JSON.stringify({ format: 1 })) as EmulatorState;
    expect(() => saveStateAtomic(target, state)).toThrow();
    expect(readdirSync(folder)).toEqual(["state.json"]);
    expect(existsSync(join(target, "keep"))).toBe(true);
  });

  it("repeated writes keep the last state and leave no temporary file beside it", () => {
    const folder = scratch();
    const target = join(folder, "state.json");
    const state = JSON.parse(JSON.stringify({ format: 1, n: 0 })) as EmulatorState & { n: number };
    for (let n = 1; n <= 50; n++) {
      state.n = n;
      saveStateAtomic(target, state);
    }
    expect((JSON.parse(readFileSync(target, "utf8")) as { n: number }).n).toBe(50);
    expect(readdirSync(folder)).toEqual(["state.json"]);
  });
});
