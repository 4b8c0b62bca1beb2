// `keysmith renew` against an emulator, as the renewal interop tests run it: the file, the passphrase file and
// the state directory fixed, short pacing (--interval 0.05, --timeout 60), English, extra flags appended.
import type { RunningEmulator } from "../../emulator/index";
import { runCli, type CliRun } from "./run-cli";

export function renewRunner(emu: () => Pick<RunningEmulator, "url" | "accessKeyId" | "accessKeySecret">, files: { config: string; pass: string; stateDir: string }) {
  return (...extra: string[]): Promise<CliRun> => {
    const e = emu();
    return runCli(["renew", "--config", files.config, "--passphrase-file", files.pass, "--state-dir", files.stateDir, "--interval", "0.05", "--timeout", "60", "--endpoint", e.url, ...extra], {
      ALIBABA_CLOUD_ACCESS_KEY_ID: e.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: e.accessKeySecret,
      KEYSMITH_LANG: "en",
      KEYSMITH_STATE_DIR: files.stateDir,
    });
  };
}
