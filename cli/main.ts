// keysmith: argv in, core calls, exit codes out (0 ok, 1 check failed, 2 invalid input or usage).
import { KeysmithError, isKeysmithError } from "../src/core/errors";
import { pickLocale, t } from "../src/core/i18n";
import { COMMANDS } from "./commands/index";
import type { CliContext, Command } from "./context";
import { GLOBAL_API_FLAGS } from "./credentials-env";

function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  // Longest match first, so "order create" wins over "order".
  const sorted = [...COMMANDS].sort((a, b) => b.name.split(" ").length - a.name.split(" ").length);
  for (const command of sorted) {
    const words = command.name.split(" ");
    if (words.every((w, i) => argv[i] === w)) return { command, rest: argv.slice(words.length) };
  }
  return undefined;
}

/** Global flags that may also come before the command (`keysmith --profile NAME package status`). */
const LEADING_VALUE_FLAGS = new Set(GLOBAL_API_FLAGS.filter((f) => f.kind === "string").map((f) => f.name));

/** Moves such flags from before the command to after it, where the command's parser reads them. */
export function liftLeadingFlags(argv: readonly string[]): string[] {
  const lifted: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith("--")) {
    const arg = argv[i]!;
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (!LEADING_VALUE_FLAGS.has(name)) break;
    if (eq !== -1) {
      lifted.push(arg);
      i += 1;
    } else {
      if (argv[i + 1] === undefined) break;
      lifted.push(arg, argv[i + 1]!);
      i += 2;
    }
  }
  return [...argv.slice(i), ...lifted];
}

function usage(): string {
  const lines = ["Usage: keysmith <command> [options]", "", "Commands:"];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(26)} ${c.summary}`);
  return lines.join("\n") + "\n";
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const locale = pickLocale(env.KEYSMITH_LANG ?? env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG);
  const ctx: Omit<CliContext, "argv"> = {
    env,
    locale,
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return new Uint8Array(Buffer.concat(chunks));
    },
  };
  if (argv.length === 0 || argv[0] === "help" || argv[0] === "--help" || argv[0] === "-h") {
    ctx.stdout(usage());
    return argv.length === 0 ? 2 : 0;
  }
  argv = liftLeadingFlags(argv);
  const found = findCommand(argv);
  if (!found) {
    ctx.stderr(`keysmith: ${new KeysmithError("cli.command.unknown", { field: argv[0] }).localized(locale)}\n`);
    return 2;
  }
  if (found.rest.includes("--help")) {
    ctx.stdout(`Usage: ${found.command.usage}\n`);
    return 0;
  }
  try {
    return await found.command.run({ ...ctx, argv: found.rest });
  } catch (err) {
    if (isKeysmithError(err)) {
      ctx.stderr(`keysmith: ${err.localized(locale)}\n`);
      return 2;
    }
    // Anything else is our bug, not the user's input: say so without a stack full of internals.
    ctx.stderr(`keysmith: ${t(locale, "cli_internal_error")}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
