// profile.*: list (no secrets), select, save (create or update, validated by profiles/profile-store.ts) and
// delete. A profile that something still acts under — an open order, a pending create, a renewal binding
// of a key, a role profile signing AssumeRole with it — is not deleted unless `force`: the refusal
// (`profile.in_use`) names the profile and counts each. Deleting removes the profile's sealed credentials.
import type { CreateLedger } from "../../core/aliyun/write-ahead";
import { KeysmithError } from "../../core/errors";
import { DEFAULT_PROFILE_ID, profileOrDefault, type ProfileList, type ProfileView } from "../../messages";
import type { RenewalStore } from "../lifecycle/renewal-store";
import { OPEN_STATES, type OrderStore } from "../orders/order-store";
import type { StoredProfile } from "../profiles/profile-store";
import type { Handler } from "../router";
import type { Services } from "../services";
import type { SettingsStore } from "../settings-store";

/** The profile a record belongs to: its own profileId, or "default" for records made before profiles. */
export const profileOfRecord = (r: { profileId?: string } | { context?: Record<string, string> }): string =>
  ("profileId" in r && r.profileId) || ("context" in r && r.context?.profileId) || DEFAULT_PROFILE_ID;

export interface ProfileDeps {
  services: Services;
  settings: SettingsStore;
  orders: OrderStore;
  ledger: Pick<CreateLedger, "list">;
  renewals: RenewalStore;
  /** The selection or a profile changed: menus, alarms and the follower look again. */
  onChanged: () => Promise<void>;
}

export async function profileView(services: Services, p: StoredProfile): Promise<ProfileView> {
  const status = await services.credentials.status(p.id).catch(() => ({ configured: false, accessKeyIdHint: "", hasSecurityToken: false, securityTokenExpiresAt: undefined }));
  const view: ProfileView = {
    id: p.id,
    name: p.name,
    kind: p.role ? "role" : status.hasSecurityToken ? "sts" : "accessKey",
    accessKeyIdHint: p.role ? "" : status.accessKeyIdHint,
    site: p.site,
    kmsRegion: p.kmsRegion,
    endpoint: p.endpoint,
    signatureVersion: p.signatureVersion,
    autoImportEndpoint: p.autoImportEndpoint,
    contact: { ...p.contact },
    defaultProduct: p.defaultProduct,
    configured: status.configured,
  };
  if (p.role) Object.assign(view, { roleArn: p.role.roleArn, sourceProfileId: p.role.sourceProfileId, roleSessionName: p.role.roleSessionName, durationSeconds: p.role.durationSeconds });
  // Either kind: the stored STS token's expiry, or (a role) that of the temporary credentials held in memory.
  if (status.securityTokenExpiresAt) view.tokenExpiresAt = status.securityTokenExpiresAt;
  return view;
}

/** What still acts under profile `id`; empty counts: nothing. */
export async function profileHolds(deps: Pick<ProfileDeps, "orders" | "ledger" | "renewals" | "settings">, id: string) {
  const [orders, entries, renewals, state] = await Promise.all([deps.orders.list(), deps.ledger.list(), deps.renewals.all(), deps.settings.profiles.state()]);
  return {
    orders: orders.filter((o) => (OPEN_STATES.has(o.state) || o.state === "unknown") && o.orderId && profileOfRecord(o) === id).length,
    creates: entries.filter((e) => profileOfRecord(e) === id).length,
    renewals: Object.values(renewals).filter((r) => (r.policy.mode !== "off" || r.deploy.length > 0 || (r.progress !== undefined && r.progress.finishedAt === undefined)) && profileOrDefault(r.profileId) === id).length,
    roles: state.profiles.filter((p) => p.role?.sourceProfileId === id).length,
  };
}

export function profileHandlers(deps: ProfileDeps) {
  const { services, settings } = deps;
  const list = async (): Promise<ProfileList> => {
    const state = await settings.profiles.state();
    return { profiles: await Promise.all(state.profiles.map((p) => profileView(services, p))), selectedId: state.selectedId };
  };
  const handlers: {
    "profile.list": Handler<"profile.list">;
    "profile.select": Handler<"profile.select">;
    "profile.save": Handler<"profile.save">;
    "profile.delete": Handler<"profile.delete">;
  } = {
    "profile.list": list,
    "profile.select": async ({ id }) => {
      await settings.profiles.select(id);
      await deps.onChanged();
      return list();
    },
    "profile.save": async (req) => {
      const saved = await settings.profiles.save(req);
      services.credentials.forget?.(saved.id); // a changed role (or source) obtains new temporary credentials
      await deps.onChanged();
      return profileView(services, saved);
    },
    "profile.delete": async ({ id, force }) => {
      const profile = await settings.profiles.get(id);
      const holds = await profileHolds(deps, id);
      if (!force && (holds.orders || holds.creates || holds.renewals || holds.roles)) {
        throw new KeysmithError("profile.in_use", { field: "id", params: { profile: profile.name, ...holds } });
      }
      const all = await settings.profiles.state();
      if (all.profiles.length === 1) throw new KeysmithError("profile.last", { field: "id", params: { id } });
      await services.credentials.clear(id); // its sealed record (none for a role)
      services.credentials.forget?.(id);
      await settings.profiles.remove(id);
      await deps.onChanged();
      return list();
    },
  };
  return handlers;
}
