// Per-key renewal settings and progress, kept in chrome.storage.local["renewals"] beside the orders (public
// data only: a policy, deploy bindings, ids and states; never key material). A key without an entry has
// renewal off. Writes are serialised like the order store's, so the tick and a page saving a policy do not
// overwrite each other's copy.
import { DEFAULT_BEFORE_DAYS, DEFAULT_FRACTION_LEFT, type RenewalPolicy } from "../../core/lifecycle/renewal";
import type { DeployBinding, RenewalProgressView } from "../../messages";
import type { Platform } from "../../platform/platform";

export const RENEWALS_KEY = "renewals";

export const DEFAULT_POLICY: Readonly<RenewalPolicy> = { mode: "off", beforeDays: DEFAULT_BEFORE_DAYS, fractionLeft: DEFAULT_FRACTION_LEFT, key: "new" };

export interface StoredRenewal {
  policy: RenewalPolicy;
  uploadToCas: boolean;
  deploy: DeployBinding[];
  /** Delete the previous upload once no binding uses it (entries stored before this setting read as false). */
  deleteOldUpload: boolean;
  progress?: RenewalProgressView;
  /** Fingerprint of the certificate whose "due" notification was raised (mode notify: once per certificate). */
  notifiedDue?: string;
  /** The profile the renewal orders, uploads and deploys under (absent: "default"). */
  profileId?: string;
}

/** The settings a user chose (what moves to a renewed key), without the progress and notice records. */
export type RenewalSettings = Pick<StoredRenewal, "policy" | "uploadToCas" | "deploy" | "deleteOldUpload" | "profileId">;

export function renewalSettings(r: RenewalSettings): RenewalSettings {
  return { policy: r.policy, uploadToCas: r.uploadToCas, deploy: r.deploy, deleteOldUpload: r.deleteOldUpload, ...(r.profileId ? { profileId: r.profileId } : {}) };
}

export interface RenewalStore {
  get(keyId: string): Promise<StoredRenewal>;
  /** Entries stored, by key id (keys with renewal never set have none). */
  all(): Promise<Record<string, StoredRenewal>>;
  update(keyId: string, change: (current: StoredRenewal) => StoredRenewal): Promise<StoredRenewal>;
  remove(keyId: string): Promise<void>;
}

export function defaultRenewal(): StoredRenewal {
  return { policy: { ...DEFAULT_POLICY }, uploadToCas: false, deploy: [], deleteOldUpload: false };
}

export function createRenewalStore(storage: Platform["storage"]): RenewalStore {
  let queue: Promise<unknown> = Promise.resolve();
  const read = async (): Promise<Record<string, StoredRenewal>> => {
    const all = ((await storage.get(RENEWALS_KEY)) as Record<string, Partial<StoredRenewal>> | undefined) ?? {};
    // Entries stored before a setting existed read as its default.
    return Object.fromEntries(Object.entries(all).map(([keyId, r]) => [keyId, { ...defaultRenewal(), ...r } as StoredRenewal]));
  };
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    get: async (keyId) => (await read())[keyId] ?? defaultRenewal(),
    all: read,
    update: (keyId, change) =>
      exclusive(async () => {
        const all = await read();
        const next = change(all[keyId] ?? defaultRenewal());
        all[keyId] = next;
        await storage.set(RENEWALS_KEY, all);
        return next;
      }),
    remove: (keyId) =>
      exclusive(async () => {
        const all = await read();
        if (!(keyId in all)) return;
        delete all[keyId];
        await storage.set(RENEWALS_KEY, all);
      }),
  };
}
