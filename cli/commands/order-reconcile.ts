// `keysmith order reconcile`: settles the creates whose answer was lost (the write-ahead ledger in the
// state directory). Each is looked for at once in the cloud's lists (every page); the one new item that
// matches on substance is adopted and recorded; several are shown for --choose; with --wait SECONDS it
// keeps looking with backoff. Exit 0 when nothing is left pending, 3 when something still is.
// --place-anyway PENDING_ID places the same create again on purpose (it may duplicate); an upload's private key
// is read back from the state directory with --passphrase-file (cli/lifecycle/upload-secret.ts).
import { KeysmithError, fail } from "../../src/core/errors";
import { t } from "../../src/core/i18n";
import type { PendingCreate } from "../../src/core/aliyun/write-ahead";
import { parseArgs } from "../args";
import type { CliContext, Command } from "../context";
import { GLOBAL_API_FLAGS, clientFromArgs } from "../credentials-env";
import { placeAnywaySecrets } from "../lifecycle/upload-secret";
import { readPassphraseFile } from "../private-keys";
import { EXIT_UNKNOWN, STATE_FLAGS, cliWriteAhead, ownerAlive, ownerContext, resultIdOf, settleResult, type CliWriteAhead } from "../create";

/** A create whose run is still alive is left to it, for at most this long. */
const IN_FLIGHT_MS = 10 * 60_000;

interface Outcome {
  pendingId: string;
  action: string;
  state: "adopted" | "placed" | "chosen" | "unknown" | "ambiguous" | "in_flight" | "window_over" | "gone";
  resultId?: string;
  startedAt: string;
  checks: number;
  windowEndsAt: string;
  candidates?: PendingCreate["candidates"];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function describe(ctx: CliContext, o: Outcome): string {
  const p = { action: o.action, pendingId: o.pendingId, id: o.resultId ?? "", startedAt: o.startedAt, checks: o.checks, windowEndsAt: o.windowEndsAt };
  const lines = [t(ctx.locale, `cli_reconcile_${o.state}`, p)];
  for (const c of o.candidates ?? []) {
    lines.push(`  ${c.id}: ${Object.entries(c.summary).map(([k, v]) => `${k}=${v}`).join(", ")}`);
  }
  return lines.join("\n") + "\n";
}

async function look(cw: CliWriteAhead, entry: PendingCreate, now: number): Promise<Outcome> {
  const base = { pendingId: entry.id, action: entry.action, startedAt: entry.startedAt, windowEndsAt: entry.windowEndsAt };
  if (entry.state === "pending" && ownerAlive(entry) && now - Date.parse(entry.startedAt) < IN_FLIGHT_MS) return { ...base, state: "in_flight", checks: entry.checks };
  const r = await cw.wa.check(entry);
  if (r.outcome === "adopted") {
    await settleResult(cw, r.entry, r.resultId, "reconciled");
    return { ...base, state: "adopted", resultId: r.resultId, checks: r.entry.checks };
  }
  if (r.outcome === "gone") return { ...base, state: "gone", checks: entry.checks };
  if (r.outcome === "ambiguous") return { ...base, state: "ambiguous", checks: r.entry.checks, candidates: r.entry.candidates };
  const over = r.entry.nextCheckAt === undefined;
  return { ...base, state: over ? "window_over" : "unknown", checks: r.entry.checks, windowEndsAt: r.entry.windowEndsAt };
}

export const orderReconcileCommand: Command = {
  name: "order reconcile",
  summary: "Find the result of creates whose answer was lost (pending creates) and record it",
  usage:
    "keysmith order reconcile [--wait SECONDS] [--choose PENDING_ID=ID] [--place-anyway PENDING_ID [--passphrase-file FILE]] [--state-dir DIR] [--profile NAME] [--endpoint URL] [--json]\n" +
    "  Exit 0: nothing left pending; 3: some create's outcome is still unknown or needs --choose.",
  async run(ctx) {
    const args = parseArgs(ctx.argv, [
      ...GLOBAL_API_FLAGS,
      ...STATE_FLAGS,
      { name: "wait", kind: "string" },
      { name: "choose", kind: "string" },
      { name: "place-anyway", kind: "string" },
      { name: "passphrase-file", kind: "string" },
    ]);
    if (args.positionals.length > 0) throw new KeysmithError("cli.argument.extra", { field: args.positionals[0] });
    const waitText = args.strings.get("wait");
    const waitS = waitText === undefined ? 0 : Number(waitText);
    if (!Number.isFinite(waitS) || waitS < 0 || waitS > 86_400) fail("cli.reconcile.wait", "--wait", { value: waitText ?? "" });
    const json = args.booleans.has("json");
    const cw = cliWriteAhead(clientFromArgs(args, ctx), args, ctx.env);
    const outcomes: Outcome[] = [];

    const choose = args.strings.get("choose");
    const anyway = args.strings.get("place-anyway");
    if (choose !== undefined && anyway !== undefined) throw new KeysmithError("api.cli.flag_conflict", { field: "--choose", params: { other: "--place-anyway" } });
    if (choose !== undefined) {
      const m = /^([^=\s]+)=(\S+)$/.exec(choose) ?? fail("cli.reconcile.choose", "--choose", { value: choose });
      const entry = await cw.wa.choose(m[1]!, m[2]!);
      await settleResult(cw, entry, m[2]!, "chosen");
      outcomes.push({ pendingId: entry.id, action: entry.action, state: "chosen", resultId: m[2]!, startedAt: entry.startedAt, checks: entry.checks, windowEndsAt: entry.windowEndsAt });
    } else if (anyway !== undefined) {
      try {
        // An upload's private key is not in the ledger: it comes back from the state directory's key.
        const entry = (await cw.wa.list()).find((e) => e.id === anyway);
        const passphraseFile = args.strings.get("passphrase-file");
        const secrets = entry ? await placeAnywaySecrets(entry, cw.dir, passphraseFile === undefined ? undefined : await readPassphraseFile(passphraseFile, "--passphrase-file")) : {};
        const placed = await cw.wa.placeAnyway(anyway, ownerContext(), secrets);
        const id = resultIdOf(placed.entry, placed.response) ?? "";
        await settleResult(cw, placed.entry, id, "answer");
        outcomes.push({ pendingId: anyway, action: placed.entry.action, state: "placed", resultId: id, startedAt: placed.entry.startedAt, checks: 0, windowEndsAt: placed.entry.windowEndsAt });
      } catch (err) {
        if (!(err instanceof KeysmithError && err.code === "api.create.unknown")) throw err;
        ctx.stderr(`keysmith: ${err.localized(ctx.locale)}\n`);
        return EXIT_UNKNOWN;
      }
    } else {
      const deadline = Date.now() + waitS * 1000;
      let open = await cw.wa.list();
      if (open.length === 0 && !json) ctx.stdout(`${t(ctx.locale, "cli_reconcile_none")}\n`);
      for (;;) {
        const round: Outcome[] = [];
        for (const entry of open) round.push(await look(cw, entry, Date.now()));
        const unsettled = round.filter((o) => o.state === "unknown" || o.state === "in_flight");
        const left = deadline - Date.now();
        if (unsettled.length === 0 || left <= 0) {
          outcomes.push(...round);
          break;
        }
        outcomes.push(...round.filter((o) => !unsettled.includes(o)));
        const ids = new Set(unsettled.map((o) => o.pendingId));
        open = (await cw.wa.list()).filter((e) => ids.has(e.id));
        const next = Math.min(...open.map((e) => (e.nextCheckAt ? Date.parse(e.nextCheckAt) : Date.now() + 2_000)));
        await sleep(Math.max(250, Math.min(left, next - Date.now())));
      }
    }
    if (json) ctx.stdout(`${JSON.stringify(outcomes, null, 2)}\n`);
    else for (const o of outcomes) ctx.stdout(describe(ctx, o));
    const remaining = await cw.wa.list();
    return remaining.some((e) => e.state !== "committed") ? EXIT_UNKNOWN : 0;
  },
};
