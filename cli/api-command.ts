// Builds a CLI command from a catalogue entry: every parameter becomes a flag in kebab-case
// (ValidateType → --validate-type), a positional can stand for the ID parameter, some flags name a file
// to read (--csr FILE). Validation is the catalogue's, before anything is sent. --json prints the
// response as received, OrderId exact (a string), except fields that hold a private key, which neither
// form prints unless --include-private-key is given (cli/private-keys.ts).
import { readFileSync } from "node:fs";
import { KeysmithError, fail } from "../src/core/errors";
import { t, type Locale } from "../src/core/i18n";
import { flagName, operation, type Operation, type ServiceId } from "../src/core/aliyun/operations";
import type { ApiResponse } from "../src/core/aliyun/client";
import type { InputValue } from "../src/core/aliyun/validate";
import { parseArgs, type FlagSpec, type ParsedArgs } from "./args";
import type { CliContext, Command } from "./context";
import { GLOBAL_API_FLAGS, clientFromArgs } from "./credentials-env";
import { CREATE_FLAGS, placeCreate, reportUnknown } from "./create";
import { INCLUDE_PRIVATE_KEY_FLAG, INCLUDE_PRIVATE_KEY_FLAGS, PRIVATE_KEY_FIELDS, withoutPrivateKeys, withheldNotice } from "./private-keys";

export interface ApiCommandSpec {
  name: string;
  summary: string;
  service: ServiceId;
  action: string;
  /** Parameter given as the first positional (e.g. OrderId for `order status ORDER_ID`). */
  positional?: string;
  /** Parameters whose flag names a file to read ("-" reads stdin). */
  files?: readonly string[];
  /** Extra repeatable flags and how they fold into a parameter (e.g. --san → SubjectAlternativeNames). */
  lists?: readonly { flag: string; param: string }[];
}

export function operationFlags(op: Operation): FlagSpec[] {
  return op.params.map((p) => ({ name: flagName(p.name), kind: "string" as const }));
}

export function usageOf(spec: ApiCommandSpec, op: Operation): string {
  const parts = [`keysmith ${spec.name}`];
  if (spec.positional) parts.push(spec.positional.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase());
  for (const p of op.params) {
    if (p.name === spec.positional) continue;
    const flag = `--${flagName(p.name)} ${spec.files?.includes(p.name) ? "FILE" : p.allowed ? (p.allowed.length <= 4 ? p.allowed.join("|") : flagName(p.name).replace(/-/g, "_").toUpperCase())  : p.type.toUpperCase()}`;
    parts.push(p.required ? flag : `[${flag}]`);
  }
  for (const l of spec.lists ?? []) parts.push(`[--${l.flag} NAME]...`);
  if (op.kind === "create") parts.push("[--allow-duplicate] [--state-dir DIR]");
  parts.push("[--profile NAME] [--endpoint URL] [--region ID] [--signature-version v1|v3] [--json] [--include-private-key]");
  return parts.join(" ");
}

async function readParamFile(ctx: CliContext, path: string, flag: string): Promise<string> {
  if (path === "-") return new TextDecoder().decode(await ctx.readStdin());
  try {
    return readFileSync(path, "utf8");
  } catch {
    fail("api.cli.file_unreadable", flag, { path });
  }
}

export async function paramsFromArgs(ctx: CliContext, spec: ApiCommandSpec, op: Operation, args: ParsedArgs): Promise<Record<string, InputValue>> {
  const params: Record<string, InputValue> = {};
  for (const p of op.params) {
    const flag = flagName(p.name);
    let value = args.strings.get(flag);
    if (value !== undefined && spec.files?.includes(p.name)) value = await readParamFile(ctx, value, `--${flag}`);
    if (value !== undefined) params[p.name] = value;
  }
  for (const l of spec.lists ?? []) {
    const values = args.lists.get(l.flag);
    if (values && values.length > 0) params[l.param] = values;
  }
  if (spec.positional) {
    const [first, ...rest] = args.positionals;
    if (rest.length > 0) throw new KeysmithError("cli.argument.extra", { field: rest[0] });
    if (first !== undefined) params[spec.positional] = first;
  } else if (args.positionals.length > 0) {
    throw new KeysmithError("cli.argument.extra", { field: args.positionals[0] });
  }
  return params;
}

/**
 * Human output: one `Name: value` line per top-level field; lists of records one line per item. A field
 * holding a private key shows a notice instead, unless `includePrivateKey`, so a key does not land in
 * scrollback or CI logs by accident.
 */
export function renderResponse(response: ApiResponse, locale: Locale = "en", includePrivateKey = false): string {
  return (
    Object.entries(response)
      .map(([k, v]) => {
        if (!includePrivateKey && PRIVATE_KEY_FIELDS.has(k) && typeof v === "string" && v !== "") return `${k}: ${t(locale, "api_cli_private_key_hidden")}`;
        // Lists of records (orders, CSRs, DNS records): one line per item.
        const list = Array.isArray(v) ? v : listInside(v);
        if (list && list.every((item) => item && typeof item === "object")) {
          const lines = list.map((item) => `  - ${Object.entries(item as Record<string, unknown>).map(([ik, iv]) => `${ik}=${typeof iv === "string" ? iv : JSON.stringify(iv)}`).join(", ")}`);
          return [`${k}: (${list.length})`, ...lines].join("\n");
        }
        const text = typeof v === "string" ? v : JSON.stringify(v);
        return text.includes("\n") ? `${k}:\n${text.trimEnd()}` : `${k}: ${text}`;
      })
      .join("\n") + "\n"
  );
}

/** Alidns nests its lists one level down: {"DomainRecords": {"Record": [...]}}. */
function listInside(value: unknown): unknown[] | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const entries = Object.values(value);
  return entries.length === 1 && Array.isArray(entries[0]) ? entries[0] : undefined;
}

/**
 * Prints an API answer: `--json` as received but for private-key fields (withheld, named in one line on
 * stderr) unless `--include-private-key`; otherwise `renderResponse`.
 */
export function printResponse(ctx: CliContext, args: ParsedArgs, response: ApiResponse): void {
  const include = args.booleans.has(INCLUDE_PRIVATE_KEY_FLAG);
  if (!args.booleans.has("json")) {
    ctx.stdout(renderResponse(response, ctx.locale, include));
    return;
  }
  const shown = withoutPrivateKeys(response, include);
  ctx.stdout(`${JSON.stringify(shown.response, null, 2)}\n`);
  if (shown.withheld.length > 0) ctx.stderr(`keysmith: ${withheldNotice(ctx.locale, shown.withheld)}\n`);
}

export function apiCommand(spec: ApiCommandSpec): Command {
  const op = operation(spec.service, spec.action);
  const flags: FlagSpec[] = [
    ...GLOBAL_API_FLAGS,
    ...(op.kind === "create" ? CREATE_FLAGS : []),
    ...operationFlags(op),
    ...(spec.lists ?? []).map((l) => ({ name: l.flag, kind: "list" as const })),
    ...INCLUDE_PRIVATE_KEY_FLAGS,
  ];
  return {
    name: spec.name,
    summary: spec.summary,
    usage: usageOf(spec, op),
    async run(ctx) {
      const args = parseArgs(ctx.argv, flags);
      const params = await paramsFromArgs(ctx, spec, op, args);
      const client = clientFromArgs(args, ctx);
      let response: ApiResponse;
      if (op.kind === "create") {
        const placed = await placeCreate(ctx, client, args, op, params);
        if ("unknown" in placed) return reportUnknown(ctx, placed.unknown, args.booleans.has("json"));
        response = placed.response;
      } else {
        response = await client.callOperation(op, params);
      }
      printResponse(ctx, args, response);
      return 0;
    },
  };
}
