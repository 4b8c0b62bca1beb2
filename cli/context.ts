// What a command gets: its arguments, the process's streams and environment, and the user's language.
// Commands return an exit code; a thrown KeysmithError becomes exit 2 with one localized line on stderr.
import type { Locale } from "../src/core/i18n";

export interface CliContext {
  argv: string[];
  env: NodeJS.ProcessEnv;
  locale: Locale;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<Uint8Array>;
}

export interface Command {
  /** e.g. "csr" or "order create" */
  name: string;
  summary: string;
  usage: string;
  run(ctx: CliContext): Promise<number>;
}
