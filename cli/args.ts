// A small argv parser: `--name value`, `--name=value`, repeated flags collect, `--` ends flags.
// Commands declare their flags so an unknown or malformed one is a typed error naming it.
import { KeysmithError } from "../src/core/errors";

export interface FlagSpec {
  /** kebab-case name without the dashes */
  name: string;
  /** "string" takes a value; "boolean" takes none; "list" takes a value and may repeat */
  kind: "string" | "boolean" | "list";
}

export interface ParsedArgs {
  positionals: string[];
  strings: Map<string, string>;
  lists: Map<string, string[]>;
  booleans: Set<string>;
}

export function parseArgs(argv: readonly string[], flags: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(flags.map((f) => [f.name, f]));
  const out: ParsedArgs = { positionals: [], strings: new Map(), lists: new Map(), booleans: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--") || arg === "-") {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) throw new KeysmithError("cli.flag.unknown", { field: `--${name}` });
    if (spec.kind === "boolean") {
      if (eq !== -1) throw new KeysmithError("cli.flag.no_value", { field: `--${name}` });
      out.booleans.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined) throw new KeysmithError("cli.flag.value_missing", { field: `--${name}` });
      i++;
    }
    if (spec.kind === "list") out.lists.set(name, [...(out.lists.get(name) ?? []), value]);
    else {
      if (out.strings.has(name)) throw new KeysmithError("cli.flag.repeated", { field: `--${name}` });
      out.strings.set(name, value);
    }
  }
  return out;
}

export function requireString(args: ParsedArgs, name: string): string {
  const v = args.strings.get(name);
  if (v === undefined || v === "") throw new KeysmithError("cli.flag.required", { field: `--${name}` });
  return v;
}
