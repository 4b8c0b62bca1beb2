// Profiles: each one an Alibaba Cloud account (or a RAM role of one) with the settings that belong to an
// account — site, KMS region, endpoint with its signature version and "import without asking" consent,
// default contact and product. Kept in chrome.storage.local["profiles"] as { selectedId, profiles } (no
// secrets: a profile's AccessKey / STS token is sealed in the vault database's "credentials" store under the
// record id = the profile id, src/background/credentials.ts). The global settings (language, follow orders,
// expiry warning, reconcile window, default subject) stay in storage.local["settings"] (settings-store.ts).
//
// Migration: when "profiles" is absent (the first start of a version with profiles), the stored settings'
// account fields become the profile "default" (id "default", name "default"), selected, and are dropped
// from "settings". The credential record needs no move: its id was already "default". Records made before
// profiles (orders, pending creates, renewals) carry no profileId and belong to "default".
import { KeysmithError, fail } from "../../core/errors";
import { DEFAULT_DV_PRODUCT_CODE } from "../../core/aliyun/product-codes";
import {
  DEFAULT_PROFILE_ID, DEFAULT_SETTINGS, type ProfileRole, type ProfileSaveRequest, type ProfileView, type Settings,
} from "../../messages";
import type { Platform } from "../../platform/platform";
import { checkAutoImport, checkEndpointSettings, normalizeAutoImport, normalizeEndpoint } from "../settings-store";

export const PROFILES_KEY = "profiles";
/** The settings key (settings-store.ts SETTINGS_KEY; repeated here so the two modules do not import each other in a cycle at load). */
const SETTINGS_KEY = "settings";

/** The fields of Settings that belong to a profile (moved out of "settings" by the migration). */
export const PROFILE_SETTING_FIELDS = ["site", "kmsRegion", "endpoint", "signatureVersion", "autoImportEndpoint", "contact"] as const;

/**
 * A stored profile: the account fields pages see in ProfileView (src/messages.ts), with the same types; its
 * defaultProduct "" = none chosen (an order then names one itself).
 */
export interface StoredProfile
  extends Pick<ProfileView, "id" | "name" | "site" | "kmsRegion" | "endpoint" | "signatureVersion" | "autoImportEndpoint" | "contact" | "defaultProduct"> {
  /** Set: the profile signs with temporary credentials of this role, obtained with its source profile's. */
  role?: ProfileRole;
}

export interface ProfilesState {
  selectedId: string;
  profiles: StoredProfile[];
}

export interface ProfileStore {
  /** Every profile (migrating on first use) and the selected id. */
  state(): Promise<ProfilesState>;
  get(id: string): Promise<StoredProfile>;
  find(id: string): Promise<StoredProfile | undefined>;
  selected(): Promise<StoredProfile>;
  select(id: string): Promise<ProfilesState>;
  /** Create (no id) or update, validated; returns the stored profile. */
  save(req: ProfileSaveRequest): Promise<StoredProfile>;
  /** Update the account fields of `id` from a settings patch (settings.set on the selected profile). */
  patchSettings(id: string, patch: Partial<Settings>): Promise<StoredProfile>;
  /** Remove the record (the caller checks what holds it and removes its credentials). Selects the first remaining if it was selected. */
  remove(id: string): Promise<ProfilesState>;
}

/** Settings as the code that acts for a profile reads them: the profile's account fields over the globals. */
export function settingsOf(globals: Settings, profile: StoredProfile): Settings {
  return {
    ...globals,
    site: profile.site,
    kmsRegion: profile.kmsRegion,
    endpoint: profile.endpoint,
    signatureVersion: profile.signatureVersion,
    autoImportEndpoint: profile.autoImportEndpoint,
    contact: { ...profile.contact, ...(profile.defaultProduct ? { productCode: profile.defaultProduct } : {}) },
  };
}

/** The profile "default" from settings stored before profiles (every field kept, defaults where none was stored). */
export function profileFromSettings(stored: Partial<Settings> | undefined): StoredProfile {
  const s = { ...DEFAULT_SETTINGS, ...(stored ?? {}) };
  const { productCode, ...contact } = s.contact ?? {};
  return {
    id: DEFAULT_PROFILE_ID,
    name: DEFAULT_PROFILE_ID,
    site: s.site,
    kmsRegion: s.kmsRegion,
    endpoint: s.endpoint,
    signatureVersion: s.signatureVersion,
    autoImportEndpoint: s.autoImportEndpoint,
    contact,
    defaultProduct: productCode ?? "",
  };
}

function newProfile(id: string, name: string): StoredProfile {
  return {
    id,
    name,
    site: DEFAULT_SETTINGS.site,
    kmsRegion: DEFAULT_SETTINGS.kmsRegion,
    endpoint: "",
    signatureVersion: DEFAULT_SETTINGS.signatureVersion,
    autoImportEndpoint: "",
    contact: { validateType: "DNS" },
    defaultProduct: DEFAULT_DV_PRODUCT_CODE,
  };
}

/**
 * The endpoint rules of settings.set for a profile's account fields: the endpoint is an origin, plain http
 * only to loopback, V1 only to Alibaba Cloud or loopback, and the import consent names the endpoint saved
 * with it (a new endpoint turns it off unless this same save gives it). Throws the typed refusal.
 */
export function applyAccountFields(before: StoredProfile, patch: Partial<Pick<StoredProfile, "site" | "kmsRegion" | "endpoint" | "signatureVersion" | "autoImportEndpoint" | "contact" | "defaultProduct">>): StoredProfile {
  const next: StoredProfile = { ...before };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
  if (next.endpoint) next.endpoint = normalizeEndpoint(next.endpoint);
  if (next.autoImportEndpoint) next.autoImportEndpoint = normalizeAutoImport(next.autoImportEndpoint);
  if (patch.autoImportEndpoint === undefined && next.endpoint !== before.endpoint) next.autoImportEndpoint = "";
  checkEndpointSettings(next);
  checkAutoImport(next);
  return next;
}

/** Role profiles lead to a profile that signs with its own credentials: no loop (`profile.role.cycle`). */
export function checkRoleChain(profiles: StoredProfile[], candidate: StoredProfile): void {
  const byId = new Map(profiles.map((p) => [p.id, p]));
  byId.set(candidate.id, candidate);
  const seen = [candidate.id];
  let at = candidate;
  while (at.role) {
    const source = byId.get(at.role.sourceProfileId);
    if (!source) fail("profile.not_found", "role.sourceProfileId", { id: at.role.sourceProfileId });
    if (seen.includes(source.id)) {
      throw new KeysmithError("profile.role.cycle", {
        field: "role.sourceProfileId",
        params: { profile: candidate.name, chain: [...seen, source.id].map((id) => byId.get(id)?.name ?? id).join(" → ") },
      });
    }
    seen.push(source.id);
    at = source;
  }
}

export function createProfileStore(storage: Platform["storage"], options: { newId?: () => string } = {}): ProfileStore {
  const newId = options.newId ?? (() => globalThis.crypto.randomUUID());
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  async function read(): Promise<ProfilesState> {
    const stored = (await storage.get(PROFILES_KEY)) as ProfilesState | undefined;
    if (stored && Array.isArray(stored.profiles) && stored.profiles.length > 0) return stored;
    // First start with profiles: the settings stored so far become "default". Written before the account
    // fields leave "settings", so a worker stopped in between reads the profile and migrates nothing twice.
    // Only ever called inside `exclusive`, and the worker and its services share one store (main.ts): one
    // migration at a time.
    const settings = (await storage.get(SETTINGS_KEY)) as (Partial<Settings> & Record<string, unknown>) | undefined;
    const state: ProfilesState = { selectedId: DEFAULT_PROFILE_ID, profiles: [profileFromSettings(settings)] };
    await storage.set(PROFILES_KEY, state);
    if (settings) {
      const globals = { ...settings };
      for (const k of PROFILE_SETTING_FIELDS) delete globals[k];
      await storage.set(SETTINGS_KEY, globals);
    }
    return state;
  }

  const write = (state: ProfilesState) => storage.set(PROFILES_KEY, state);
  // Every read goes through the queue too: read() may migrate, and two migrations at once (one stripping the
  // account fields from "settings" while the other is between its two reads) would write a "default" built
  // from the defaults. Queued, the second read finds the profiles the first one wrote.
  const find = async (id: string) => (await exclusive(read)).profiles.find((p) => p.id === id);
  const get = async (id: string) => (await find(id)) ?? fail("profile.not_found", "profileId", { id });

  return {
    state: () => exclusive(read),
    find,
    get,
    async selected() {
      const state = await exclusive(read);
      return state.profiles.find((p) => p.id === state.selectedId) ?? state.profiles[0]!;
    },
    select: (id) =>
      exclusive(async () => {
        const state = await read();
        if (!state.profiles.some((p) => p.id === id)) fail("profile.not_found", "id", { id });
        const next = { ...state, selectedId: id };
        await write(next);
        return next;
      }),
    save: (req) =>
      exclusive(async () => {
        const state = await read();
        const name = req.name.trim();
        if (!name) fail("profile.name.required", "name");
        const before = req.id !== undefined ? (state.profiles.find((p) => p.id === req.id) ?? fail("profile.not_found", "id", { id: req.id })) : newProfile(newId(), name);
        const clash = state.profiles.find((p) => p.id !== before.id && p.name.toLowerCase() === name.toLowerCase());
        if (clash) fail("profile.name.taken", "name", { name });
        const next = applyAccountFields({ ...before, name }, {
          site: req.site,
          kmsRegion: req.kmsRegion,
          endpoint: req.endpoint,
          signatureVersion: req.signatureVersion,
          autoImportEndpoint: req.autoImportEndpoint,
          contact: req.contact,
          defaultProduct: req.defaultProduct,
        });
        if (req.role === null) delete next.role;
        else if (req.role) next.role = { ...req.role };
        checkRoleChain(state.profiles, next); // a role signing with itself too: "name → name"
        const profiles = state.profiles.some((p) => p.id === next.id) ? state.profiles.map((p) => (p.id === next.id ? next : p)) : [...state.profiles, next];
        await write({ ...state, profiles });
        return next;
      }),
    patchSettings: (id, patch) =>
      exclusive(async () => {
        const state = await read();
        const before = state.profiles.find((p) => p.id === id) ?? fail("profile.not_found", "profileId", { id });
        const fields: Parameters<typeof applyAccountFields>[1] = {
          site: patch.site,
          kmsRegion: patch.kmsRegion,
          endpoint: patch.endpoint,
          signatureVersion: patch.signatureVersion,
          autoImportEndpoint: patch.autoImportEndpoint,
        };
        if (patch.contact) {
          const { productCode, ...contact } = patch.contact;
          fields.contact = contact;
          fields.defaultProduct = productCode ?? "";
        }
        const next = applyAccountFields(before, fields);
        await write({ ...state, profiles: state.profiles.map((p) => (p.id === id ? next : p)) });
        return next;
      }),
    remove: (id) =>
      exclusive(async () => {
        const state = await read();
        if (!state.profiles.some((p) => p.id === id)) fail("profile.not_found", "id", { id });
        const profiles = state.profiles.filter((p) => p.id !== id);
        if (profiles.length === 0) fail("profile.last", "id", { id });
        const next = { selectedId: state.selectedId === id ? profiles[0]!.id : state.selectedId, profiles };
        await write(next);
        return next;
      }),
  };
}
