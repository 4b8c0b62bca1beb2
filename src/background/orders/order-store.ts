// Orders are kept in chrome.storage.local (they hold no secrets), so a worker stopped by the browser, or
// a browser restart, loses nothing: the follower reads them back and carries on.
import { fail } from "../../core/errors";
import type { OrderView } from "../../messages";
import type { Platform } from "../../platform/platform";

export const ORDERS_KEY = "orders";

export interface StoredOrder extends OrderView {
  /** Notifications already raised for this order ("validation", "issued", "failed"), so each shows once. */
  notified: string[];
}

/** States in which the follower still has something to look at. */
export const OPEN_STATES: ReadonlySet<OrderView["state"]> = new Set(["submitted", "validation", "review"]);

export interface OrderStore {
  list(): Promise<StoredOrder[]>;
  get(id: string): Promise<StoredOrder>;
  find(id: string): Promise<StoredOrder | undefined>;
  put(order: StoredOrder): Promise<StoredOrder>;
  remove(id: string): Promise<void>;
}

export function createOrderStore(storage: Platform["storage"]): OrderStore {
  // Writes are serialised: two messages updating different orders must not overwrite each other's copy.
  let queue: Promise<unknown> = Promise.resolve();
  const read = async () => ((await storage.get(ORDERS_KEY)) as Record<string, StoredOrder> | undefined) ?? {};
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  const find = async (id: string) => (await read())[id];
  return {
    list: async () => Object.values(await read()).sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    find,
    get: async (id) => (await find(id)) ?? fail("order.not_found", "id", { id }),
    put: (order) =>
      exclusive(async () => {
        const all = await read();
        all[order.id] = order;
        await storage.set(ORDERS_KEY, all);
        return order;
      }),
    remove: (id) =>
      exclusive(async () => {
        const all = await read();
        delete all[id];
        await storage.set(ORDERS_KEY, all);
      }),
  };
}

/** Public view of a stored order (drops bookkeeping). */
export function orderView(order: StoredOrder): OrderView {
  const { notified: _notified, ...view } = order;
  return view;
}
