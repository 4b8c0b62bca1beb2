// renewal.*: a vault key's renewal policy, upload opt-in and deploy bindings (src/background/lifecycle/
// renewal-store.ts). The payload's policy was already checked by the core's validateRenewalPolicy at the door
// (payload-schemas.ts); here the rules that need the key: it exists, the upload to cas needs a key the vault
// may export, and SM2 keys cannot be renewed or uploaded automatically.
import { KeysmithError } from "../../core/errors";
import { renewalDueAt, validateRenewalPolicy } from "../../core/lifecycle/renewal";
import type { KeyRenewal, KeyView } from "../../messages";
import { renewalSettings, type RenewalStore, type StoredRenewal } from "../lifecycle/renewal-store";
import type { Handler } from "../router";
import type { Services } from "../services";

/** The page's view of a key's renewal: what is stored plus when its current certificate is due. */
export function renewalView(key: KeyView, stored: StoredRenewal): KeyRenewal {
  const view: KeyRenewal = { keyId: key.id, ...renewalSettings(stored) };
  if (stored.policy.mode !== "off" && key.certificate) {
    try {
      view.dueAt = renewalDueAt(new Date(key.certificate.notBefore), new Date(key.certificate.notAfter), stored.policy).toISOString();
    } catch {
      // A certificate with unreadable dates has no due time; the tick skips it too.
    }
  }
  if (stored.progress) view.progress = stored.progress;
  return view;
}

/**
 * The rules a policy must meet for this key. `uploadToCas` sends the private key to the user's Alibaba Cloud
 * account, so a key the vault keeps non-exportable is refused (its owner chose that it never leaves); SM2
 * keys get neither auto renewal (DV orders take no SM2 CSR) nor the upload (cas wants an SM2 signing and
 * encryption pair, which the vault does not hold). Deleting the previous upload needs the upload.
 */
export function checkRenewalForKey(key: KeyView, next: StoredRenewal): void {
  if (next.uploadToCas && !key.exportable) {
    throw new KeysmithError("renewal.upload.not_exportable", { field: "uploadToCas", params: { label: key.label || key.commonName || key.id } });
  }
  if (key.spec === "EC_SM2" && next.uploadToCas) throw new KeysmithError("renewal.upload.sm2", { field: "uploadToCas" });
  if (key.spec === "EC_SM2" && next.policy.mode === "auto") throw new KeysmithError("renewal.auto.sm2", { field: "policy.mode" });
  if (next.deploy.length > 0 && !next.uploadToCas) throw new KeysmithError("renewal.deploy.needs_upload", { field: "deploy" });
  // Only an upload Keysmith made can be deleted: without the upload there is none.
  if (next.deleteOldUpload && !next.uploadToCas) throw new KeysmithError("renewal.delete_old.needs_upload", { field: "deleteOldUpload" });
}

/**
 * `profileFor(given)`: the profile a renewal records — the one named (it must exist), else the selected one;
 * a renewal set without `profileId` keeps the profile it has.
 */
export function renewalHandlers(services: Services, store: RenewalStore, onChanged: () => Promise<void>, profileFor: (given: string | undefined) => Promise<string>) {
  const handlers: {
    "renewal.get": Handler<"renewal.get">;
    "renewal.set": Handler<"renewal.set">;
  } = {
    "renewal.get": async ({ keyId }) => {
      const key = await services.keys.get(keyId);
      return renewalView(key, await store.get(keyId));
    },
    "renewal.set": async ({ keyId, policy, uploadToCas, deploy, deleteOldUpload, profileId }) => {
      const key = await services.keys.get(keyId);
      const current = await store.get(keyId);
      const next: StoredRenewal = {
        ...current,
        policy: validateRenewalPolicy(policy, "policy"),
        uploadToCas: uploadToCas ?? current.uploadToCas,
        deploy: deploy ?? current.deploy,
        deleteOldUpload: deleteOldUpload ?? current.deleteOldUpload,
        profileId: profileId !== undefined || !current.profileId ? await profileFor(profileId) : current.profileId,
      };
      checkRenewalForKey(key, next); // refused: nothing is stored
      const stored = await store.update(keyId, (c) => ({ ...c, ...renewalSettings(next) }));
      await onChanged();
      return renewalView(key, stored);
    },
  };
  return handlers;
}
