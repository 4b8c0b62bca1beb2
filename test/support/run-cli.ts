// Runs the CLI's main() in this process with `env` as its whole environment, capturing what it writes.
// Unless `env` names one, the CLI's state directory (pending creates, placed orders) is one temporary
// directory per test file, never the user's own.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../cli/main";

const STATE_DIR = mkdtempSync(join(tmpdir(), "keysmith-cli-state-"));

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  let out = "";
  let err = "";
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  try {
    return { code: await main(argv, { KEYSMITH_STATE_DIR: STATE_DIR, ...env }), out, err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}
