// Runs the CLI's main() in this process with `env` as its whole environment, capturing what it writes.
import { main } from "../../cli/main";

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
    return { code: await main(argv, env), out, err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}
