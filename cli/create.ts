// Every create the CLI sends goes through the write-ahead ledger in the state directory
// (cli/state-dir.ts, src/core/aliyun/write-ahead.ts): a second create for the same CSR, domain or record
// while one is pending is refused naming it (exit 2), an order still open for the CSR too, unless
// --allow-duplicate; a lost answer is exit 3, "outcome unknown", naming the pending create that
// `keysmith order reconcile` settles.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { isKeysmithError, type KeysmithError } from "../src/core/errors";
import type { AliyunClient, ApiResponse } from "../src/core/aliyun/client";
import { operation, type Operation } from "../src/core/aliyun/operations";
import { createWriteAhead, type ExistingOrder, type PendingCreate, type WriteAhead } from "../src/core/aliyun/write-ahead";
import type { InputValue } from "../src/core/aliyun/validate";
import type { FlagSpec, ParsedArgs } from "./args";
import type { CliContext } from "./context";
import { fileLedger, readOrders, recordOrder, stateDirFrom } from "./state-dir";

/** Exit code of a create whose outcome is unknown (the answer was lost; it may have been carried out). */
export const EXIT_UNKNOWN = 3;

export const STATE_FLAGS: FlagSpec[] = [{ name: "state-dir", kind: "string" }];
export const CREATE_FLAGS: FlagSpec[] = [...STATE_FLAGS, { name: "allow-duplicate", kind: "boolean" }];

/** The reconciliation window for CLI runs: KEYSMITH_RECONCILE_SECONDS, default 600. */
function windowMs(env: NodeJS.ProcessEnv): number | undefined {
  const s = Number(env.KEYSMITH_RECONCILE_SECONDS);
  return Number.isFinite(s) && s > 0 ? s * 1000 : undefined;
}

export interface CliWriteAhead {
  wa: WriteAhead;
  dir: string;
}

export function cliWriteAhead(client: AliyunClient, args: ParsedArgs, env: NodeJS.ProcessEnv): CliWriteAhead {
  const dir = stateDirFrom(args.strings.get("state-dir"), env);
  const describe = operation("cas", "DescribeCertificateState");
  const openOrderFor = async (keys: string[]): Promise<ExistingOrder | undefined> => {
    const csrKeys = keys.filter((k) => k.startsWith("csr:"));
    if (csrKeys.length === 0) return undefined;
    for (const order of readOrders(dir)) {
      if (!order.keys.some((k) => csrKeys.includes(k))) continue;
      if (!/^Create.*(Request)$/.test(order.action)) continue; // cas orders; CSR-only creates are not orders
      // The local record may be old: ask the order's state now. Open means awaiting validation or review.
      try {
        const state = await client.callOperation(describe, { OrderId: order.id });
        const type = String(state.Type ?? "");
        if (type === "domain_verify" || type === "process") return { id: order.id, state: type };
      } catch (err) {
        if (isKeysmithError(err) && (err as KeysmithError).code === "api.remote.no_order") continue;
        throw err;
      }
    }
    return undefined;
  };
  const wa = createWriteAhead({ client, ledger: fileLedger(dir), now: () => new Date(), newId: () => randomUUID(), openOrderFor, windowMs: windowMs(env) });
  return { wa, dir };
}

/** Who is sending a create: `order reconcile` leaves a live run's create alone. */
export function ownerContext(): Record<string, string> {
  return { pid: String(process.pid), host: hostname() };
}

/** True while the process that wrote a pending entry is still running here. */
export function ownerAlive(entry: PendingCreate): boolean {
  const pid = Number(entry.context?.pid);
  if (!Number.isSafeInteger(pid) || pid <= 0 || entry.context?.host !== hostname()) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The id a create's result is known by (OrderId, CsrId, CertificateId, RecordId). */
export function resultIdOf(entry: PendingCreate, response: ApiResponse): string | undefined {
  const field = operation(entry.service, entry.action).reconcile?.resultField;
  const v = field ? response[field] : undefined;
  return v === undefined ? entry.resultId : String(v);
}

/** Records a settled result in orders.json, then drops its ledger entry. */
export async function settleResult(cw: CliWriteAhead, entry: PendingCreate, resultId: string, via: "answer" | "reconciled" | "chosen"): Promise<void> {
  await recordOrder(cw.dir, { id: resultId, action: entry.action, keys: entry.keys, placedAt: entry.startedAt, via, pendingId: entry.id });
  await cw.wa.settle(entry.id);
}

export type PlaceResult = { response: ApiResponse; entry: PendingCreate } | { unknown: KeysmithError };

/**
 * Places `op` under the ledger. A lost answer comes back as `{ unknown }` for the caller to report with
 * exit 3; refusals and invalid input are thrown (exit 2 through cli/main.ts).
 */
export async function placeCreate(
  ctx: CliContext,
  client: AliyunClient,
  args: ParsedArgs,
  op: Operation,
  params: Readonly<Record<string, InputValue>>,
): Promise<PlaceResult & { cw: CliWriteAhead }> {
  const cw = cliWriteAhead(client, args, ctx.env);
  try {
    const placed = await cw.wa.place(op, params, { allowDuplicate: args.booleans.has("allow-duplicate"), context: ownerContext() });
    const id = resultIdOf(placed.entry, placed.response);
    if (id) await settleResult(cw, placed.entry, id, "answer");
    else await cw.wa.settle(placed.entry.id);
    return { ...placed, cw };
  } catch (err) {
    if (isKeysmithError(err) && err.code === "api.create.unknown") return { unknown: err, cw };
    throw err;
  }
}

/** Says what is known of a create whose answer was lost, and how to settle it. */
export function reportUnknown(ctx: CliContext, err: KeysmithError, json: boolean): number {
  ctx.stderr(`keysmith: ${err.localized(ctx.locale)}\n`);
  if (json) ctx.stdout(`${JSON.stringify({ outcome: "unknown", pendingId: err.params.pendingId, action: err.field, reason: err.params.reason })}\n`);
  return EXIT_UNKNOWN;
}
