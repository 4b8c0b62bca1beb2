// The CLI's state directory: the write-ahead ledger of creates (pending.json) and the orders this CLI
// placed (orders.json), shared by every keysmith process of the user so two runs see each other's pending
// creates. Where: --state-dir, KEYSMITH_STATE_DIR, $XDG_STATE_HOME/keysmith, ~/.local/state/keysmith.
// Writes take a lock file (created exclusively; a lock whose process is gone, or older than a minute, is
// broken) and replace the file by rename, so a reader never sees half a file. Nothing secret is kept here:
// CSRs, domains, contact details and ids.
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fail } from "../src/core/errors";
import type { CreateLedger, PendingCreate } from "../src/core/aliyun/write-ahead";

export interface CliOrderRecord {
  /** OrderId, CsrId, CertificateId or RecordId. */
  id: string;
  action: string;
  keys: string[];
  placedAt: string;
  /** How it was found: answered at once, or adopted by reconciliation. */
  via: "answer" | "reconciled" | "chosen";
  pendingId: string;
}

export function stateDirFrom(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag !== undefined && flag.trim() === "") fail("cli.state_dir.invalid", "--state-dir");
  const dir = flag || env.KEYSMITH_STATE_DIR || (env.XDG_STATE_HOME ? join(env.XDG_STATE_HOME, "keysmith") : join(env.HOME || homedir(), ".local", "state", "keysmith"));
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!statSync(dir).isDirectory()) throw new Error("not a directory");
  } catch {
    fail("cli.state_dir.unusable", flag !== undefined ? "--state-dir" : "KEYSMITH_STATE_DIR", { path: dir });
  }
  return dir;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Runs `fn` holding `dir/lock`; waits up to `waitMs` for another process to let go. */
export async function withLock<T>(dir: string, fn: () => Promise<T>, waitMs = 15_000): Promise<T> {
  const path = join(dir, "lock");
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, `${process.pid} ${new Date().toISOString()}\n`);
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") fail("cli.state_dir.unusable", "--state-dir", { path: dir });
      let stale = false;
      try {
        const [pid] = readFileSync(path, "utf8").split(" ");
        stale = !alive(Number(pid)) || Date.now() - statSync(path).mtimeMs > 60_000;
      } catch {
        stale = false; // gone meanwhile: try again
      }
      if (stale) rmSync(path, { force: true });
      else if (Date.now() > deadline) fail("cli.state_dir.locked", "--state-dir", { path });
      else await sleep(25 + Math.random() * 50);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}

function readJson<T>(path: string, empty: T): T {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return empty;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    fail("cli.state_dir.corrupt", path);
  }
}

function writeJson(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

export function fileLedger(dir: string): CreateLedger {
  const path = join(dir, "pending.json");
  const read = () => readJson<PendingCreate[]>(path, []);
  return {
    list: async () => read(),
    update: (fn) =>
      withLock(dir, async () => {
        const { entries, value } = await fn(read());
        writeJson(path, entries);
        return value;
      }),
  };
}

export function readOrders(dir: string): CliOrderRecord[] {
  return readJson<CliOrderRecord[]>(join(dir, "orders.json"), []);
}

/** Adds a placed or adopted result; the same id twice is kept once. */
export async function recordOrder(dir: string, order: CliOrderRecord): Promise<void> {
  await withLock(dir, async () => {
    const orders = readOrders(dir).filter((o) => !(o.id === order.id && o.action === order.action));
    writeJson(join(dir, "orders.json"), [...orders, order]);
  });
}
