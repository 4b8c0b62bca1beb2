// The CLI's credential chain against the emulator: with HOME holding ~/.aliyun/config.json, which key
// signs each call (--profile, ALIBABA_CLOUD_PROFILE, the current profile, the environment over all of
// them), what `keysmith whoami` says, and the exit-2 cases. A recorder on loopback sits between the CLI
// and the emulator and notes, per request, the action, the AccessKeyId that signed it and the security
// token it carried (V1: query parameters; V3: the Authorization header's Credential and
// x-acs-security-token); the emulator behind it verifies every signature as the cloud does.
import { request as httpRequest, createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli";
import { startEmulator, type RunningEmulator } from "../../emulator/index";

interface Seen {
  action: string;
  accessKeyId: string | undefined;
  securityToken: string | undefined;
  status: number;
  body: string;
}

/** Forwards every request unchanged (Host included, so V3 signatures still verify) and notes what signed it. */
async function startRecorder(target: RunningEmulator): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://recorder");
      const auth = String(req.headers.authorization ?? "");
      const entry: Seen = {
        action: url.searchParams.get("Action") ?? String(req.headers["x-acs-action"] ?? ""),
        accessKeyId: url.searchParams.get("AccessKeyId") ?? /Credential=([^,]+)/.exec(auth)?.[1],
        securityToken: url.searchParams.get("SecurityToken") ?? (req.headers["x-acs-security-token"] as string | undefined),
        status: 0,
        body: "",
      };
      const upstream = httpRequest({ host: target.host, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on("data", (c: Buffer) => parts.push(c));
        answer.on("end", () => {
          entry.status = answer.statusCode ?? 0;
          entry.body = Buffer.concat(parts).toString("utf8");
          seen.push(entry);
          res.writeHead(entry.status, answer.headers);
          res.end(Buffer.concat(parts));
        });
      });
      upstream.on("error", () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const FIRST = { accessKeyId: "LTAI5tFirstProfileKey01", accessKeySecret: "FirstProfileSecret-For-Tests" };
const SECOND = { accessKeyId: "LTAI5tSecondProfileKey2", accessKeySecret: "SecondProfileSecret-For-Tests" };
const ENV_KEY = { accessKeyId: "LTAI5tEnvironmentKey03", accessKeySecret: "EnvironmentSecret-For-Tests" };

function homeWith(config: unknown): string {
  const home = mkdtempSync(join(tmpdir(), "keysmith-home-"));
  mkdirSync(join(home, ".aliyun"));
  writeFileSync(join(home, ".aliyun", "config.json"), typeof config === "string" ? config : JSON.stringify(config, null, 2));
  return home;
}

const akProfile = (name: string, key: typeof FIRST) => ({ name, mode: "AK", access_key_id: key.accessKeyId, access_key_secret: key.accessKeySecret, region_id: "cn-hangzhou" });

describe("aliyun-cli profiles: which key signs", () => {
  let emu: RunningEmulator;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  const home = homeWith({ current: "first", profiles: [akProfile("first", FIRST), akProfile("second", SECOND)] });

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, credentials: [FIRST, SECOND, ENV_KEY] });
    recorder = await startRecorder(emu);
  });
  afterAll(async () => {
    await recorder?.close();
    await emu?.close();
  });

  /** Runs the CLI through the recorder; answers what it saw for this run. */
  async function run(argv: string[], env: Record<string, string> = {}) {
    const from = recorder.seen.length;
    const r = await runCli([...argv, "--endpoint", recorder.url], { HOME: home, KEYSMITH_LANG: "en", ...env });
    return { ...r, seen: recorder.seen.slice(from) };
  }

  it.each(["v1", "v3"] as const)("--profile second signs with the second profile's key (%s)", async (version) => {
    const r = await run(["package", "status", "--json", "--signature-version", version, "--profile", "second"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(Number(JSON.parse(r.out).TotalCount)).toBeGreaterThan(0);
    expect(r.seen.map((s) => [s.action, s.accessKeyId])).toEqual([["DescribePackageState", SECOND.accessKeyId]]);
  });

  it("the flag may come before the command: keysmith --profile second package status", async () => {
    const r = await run(["--profile", "second", "package", "status", "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.seen.map((s) => s.accessKeyId)).toEqual([SECOND.accessKeyId]);
  });

  it("without a flag the config's current profile signs; ALIBABA_CLOUD_PROFILE picks another", async () => {
    const current = await run(["package", "status"]);
    expect(current.code).toBe(0);
    expect(current.seen.map((s) => s.accessKeyId)).toEqual([FIRST.accessKeyId]);
    const byEnv = await run(["package", "status"], { ALIBABA_CLOUD_PROFILE: "second" });
    expect(byEnv.code).toBe(0);
    expect(byEnv.seen.map((s) => s.accessKeyId)).toEqual([SECOND.accessKeyId]);
  });

  it("the environment's AccessKey wins over the current profile and over --profile", async () => {
    const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: ENV_KEY.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: ENV_KEY.accessKeySecret };
    const plain = await run(["package", "status"], env);
    const flagged = await run(["package", "status", "--profile", "second"], env);
    expect([plain.code, flagged.code]).toEqual([0, 0]);
    expect([...plain.seen, ...flagged.seen].map((s) => s.accessKeyId)).toEqual([ENV_KEY.accessKeyId, ENV_KEY.accessKeyId]);
  });

  it("a profile that is nowhere: exit 2, one line naming both files, nothing sent (en, zh_CN)", async () => {
    const en = await run(["package", "status", "--profile", "third"]);
    expect(en.code).toBe(2);
    expect(en.err.trim().split("\n")).toHaveLength(1);
    expect(en.err).toContain(`--profile: there is no profile "third" in ${join(home, ".aliyun", "config.json")}, ${join(home, ".alibabacloud", "credentials")}`);
    const zh = await run(["package", "status", "--profile", "third"], { KEYSMITH_LANG: "zh_CN" });
    expect(zh.code).toBe(2);
    expect(zh.err).toContain("没有名为“third”的配置");
    expect([...en.seen, ...zh.seen]).toEqual([]);
  });

  it("an unreadable config and an empty chain: exit 2 naming the file, or every place looked at", async () => {
    const broken = homeWith("{ not json");
    const bad = await runCli(["package", "status", "--endpoint", recorder.url], { HOME: broken, KEYSMITH_LANG: "en" });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`${join(broken, ".aliyun", "config.json")} is not an aliyun-cli configuration`);
    const empty = mkdtempSync(join(tmpdir(), "keysmith-home-empty-"));
    const none = await runCli(["order", "list", "--endpoint", recorder.url], { HOME: empty, KEYSMITH_LANG: "zh_CN" });
    expect(none.code).toBe(2);
    expect(none.err.trim().split("\n")).toHaveLength(1);
    expect(none.err).toContain("未找到凭证");
    for (const place of ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_OIDC_TOKEN_FILE", join(empty, ".aliyun", "config.json"), join(empty, ".alibabacloud", "credentials"), "ALIBABA_CLOUD_ECS_METADATA"]) {
      expect(none.err).toContain(place);
    }
  });
});
