// `npm run emulator` (scripts/emulator.mjs → emulator/main.ts): prints the endpoint and the documented demo
// credentials, and its flags reach the server (here --throttle and --state).
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { RunningEmulator } from "../../emulator/index";
import { DEMO_CREDENTIALS } from "../../emulator/index";
import { bannerStateLine, rawV1, scratch, spawnEmulatorCli } from "./emulator-helpers";

describe("npm run emulator", () => {
  it("prints endpoint and demo credentials; --throttle and --state take effect", async () => {
    const stateFile = join(scratch(), "state.json");
    const { out, url, stop } = await spawnEmulatorCli(["--port", "0", "--throttle", "1", "--state", stateFile], bannerStateLine);
    try {
      expect(url).toMatch(/^http:\/\//);
      expect(out).toContain(`AccessKeyId        ${DEMO_CREDENTIALS.accessKeyId}`);
      expect(out).toContain(`AccessKeySecret    ${DEMO_CREDENTIALS.accessKeySecret}`);
      const emu = { url, ...DEMO_CREDENTIALS } as unknown as RunningEmulator;
      expect((await rawV1(emu, "2020-04-07", "DescribePackageState", {})).body.Code).toBe("Throttling");
      expect((await rawV1(emu, "2020-04-07", "DescribePackageState", {})).body.TotalCount).toBe(20);
      expect(existsSync(stateFile)).toBe(true);
    } finally {
      stop();
    }
  });

  it("does not echo a secret passed on the command line", async () => {
    const { out, stop } = await spawnEmulatorCli(["--port", "0", "--access-key-id", "AKmine", "--access-key-secret", "my-own-secret"], bannerStateLine);
    try {
      expect(out).toContain("AKmine");
      expect(out).not.toContain("my-own-secret");
    } finally {
      stop();
    }
  });
});
