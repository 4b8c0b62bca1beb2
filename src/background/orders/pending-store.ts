// The worker's write-ahead ledger (src/core/aliyun/write-ahead.ts `CreateLedger`): pending creates in
// chrome.storage.local["pendingCreates"], so a create whose answer was lost, or whose worker was stopped
// mid-call, is still known after the popup closes, the worker stops or the browser restarts. One worker
// owns the storage: a promise queue is the lock (as in order-store.ts), and `update` holds it while its
// function decides (e.g. refuses a second create with the same identity).
import type { CreateLedger, PendingCreate } from "../../core/aliyun/write-ahead";
import type { Platform } from "../../platform/platform";

export const PENDING_CREATES_KEY = "pendingCreates";

export function createPendingStore(storage: Platform["storage"]): CreateLedger {
  let queue: Promise<unknown> = Promise.resolve();
  const read = async (): Promise<PendingCreate[]> => {
    const raw = await storage.get(PENDING_CREATES_KEY);
    return Array.isArray(raw) ? (raw as PendingCreate[]) : [];
  };
  return {
    list: read,
    update<T>(fn: (entries: PendingCreate[]) => Promise<{ entries: PendingCreate[]; value: T }>): Promise<T> {
      const next = queue.then(async () => {
        const result = await fn(await read());
        await storage.set(PENDING_CREATES_KEY, result.entries);
        return result.value;
      });
      // A refusal thrown inside `fn` reaches its caller; the queue goes on.
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
