// `npm run emulator` (scripts/emulator.mjs → emulator/main.ts): prints the endpoint and the documented demo
// credentials, and its flags reach the server (here --throttle and --state).
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { RunningEmulator } from "../../emulator/index";
import { DEMO_CREDENTIALS } from "../../emulator/index";
import { rawV1, scratch } from "./emulator-helpers";

const ROOT = join(import.meta.dirname, "../..");

describe("npm run emulator", () => {
  it("prints endpoint and demo credentials; --throttle and --state take effect", async () => {
    const stateFile = join(scratch(), "state.json");
    const child = spawn(process.execPath, [join(ROOT, "scripts/emulator.mjs"), "--port", "0", "--throttle", "1", "--state", stateFile], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      let out = "";
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes("AccessKeySecret")) resolve();
        });
        child.once("exit", (code) => reject(new Error(`emulator exited (${String(code)}): ${out}`)));
      });
      const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
      expect(out).toContain(`AccessKeyId        ${DEMO_CREDENTIALS.accessKeyId}`);
      expect(out).toContain(`AccessKeySecret    ${DEMO_CREDENTIALS.accessKeySecret}`);
      const emu = { url, ...DEMO_CREDENTIALS } as unknown as RunningEmulator;
      expect((await rawV1(emu, "2020-04-07", "DescribePackageState", {})).body.Code).toBe("Throttling");
      expect((await rawV1(emu, "2020-04-07", "DescribePackageState", {})).body.TotalCount).toBe(20);
      expect(existsSync(stateFile)).toBe(true);
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("does not echo a secret passed on the command line", async () => {
    const child = spawn(process.execPath, [join(ROOT, "scripts/emulator.mjs"), "--port", "0", "--access-key-id", "AKmine", "--access-key-secret", "my-own-secret"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      let out = "";
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes("state ")) resolve();
        });
        child.once("exit", (code) => reject(new Error(`emulator exited (${String(code)}): ${out}`)));
      });
      expect(out).toContain("AKmine");
      expect(out).not.toContain("my-own-secret");
    } finally {
      child.kill("SIGTERM");
    }
  });
});
