// STS credentials from the CLI: ALIBABA_CLOUD_SECURITY_TOKEN is sent (and signed) in both signature
// versions; the emulator checks it belongs to the AccessKey and refuses a call without it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli";
import { startEmulator, type RunningEmulator } from "../../emulator/index";

const STS = { accessKeyId: "STS.NUgYrLnoC37mZZCNnAbez2", accessKeySecret: "StsSecret-for-tests*~", securityToken: "CAIS+token/with==special ~*chars" };
let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, credentials: [STS] });
});
afterAll(async () => {
  await emu?.close();
});

const run = (argv: string[], env: Record<string, string>) => runCli(argv, { KEYSMITH_LANG: "en", ...env });

describe.each(["v1", "v3"] as const)("STS credentials, signature %s", (version) => {
  const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: STS.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: STS.accessKeySecret };

  it("a call with the token succeeds", async () => {
    const r = await run(["package", "status", "--json", "--endpoint", emu.url, "--signature-version", version], { ...env, ALIBABA_CLOUD_SECURITY_TOKEN: STS.securityToken });
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(Number(JSON.parse(r.out).TotalCount)).toBeGreaterThan(0);
  });

  it("a call without the token is refused with the STS explanation", async () => {
    const r = await run(["package", "status", "--endpoint", emu.url, "--signature-version", version], env);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/SecurityToken|security token|STS/i);
    expect(r.err).not.toContain(STS.accessKeySecret);
  });
});
