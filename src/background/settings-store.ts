// Settings: the global ones live in chrome.storage.local["settings"], the account ones (site, KMS region,
// endpoint, signature version, import consent, contact and product) in each profile
// (src/background/profiles/profile-store.ts); get() merges the selected profile's over the globals. Reads
// merge over the defaults, so a setting added in a later version has a value for users who saved settings
// before it existed. An endpoint override is
// checked on every save (checkEndpointSettings): plain http only to loopback, signature V1 only to Alibaba
// Cloud hosts or loopback; src/background/cloud.ts checks the same again before every signed call.
// `autoImportEndpoint` (import keys and certificates an endpoint override returns without asking) belongs to
// one endpoint: it must name the endpoint saved with it, and a new endpoint turns it off
// (importConfirmationEndpoint tells the order follower whether to ask).
import { KeysmithError, fail } from "../core/errors";
import { isAlibabaHost, isLoopbackHost } from "../core/aliyun/endpoints";
import { DEFAULT_SETTINGS, type Settings } from "../messages";
import type { Platform } from "../platform/platform";
import { createProfileStore, PROFILE_SETTING_FIELDS, settingsOf, type ProfileStore } from "./profiles/profile-store";

export const SETTINGS_KEY = "settings";

export interface SettingsStore {
  /** The selected profile's account fields over the global settings. */
  get(): Promise<Settings>;
  /** The same for profile `profileId` (absent: the selected one); `profile.not_found` when there is none. */
  forProfile(profileId?: string): Promise<Settings>;
  /** Account fields go to the selected profile (its endpoint rules), the rest to the global settings. */
  update(patch: Partial<Settings>): Promise<Settings>;
  /** The global settings alone (language, followOrders, …), without any profile's fields. */
  globals(): Promise<Settings>;
  profiles: ProfileStore;
}

export function createSettingsStore(storage: Platform["storage"], profiles: ProfileStore = createProfileStore(storage)): SettingsStore {
  // One storage read (the worker's locale, read for every message and notification, comes here). The account
  // fields are left out: before the first profile read migrates them into the profile "default"
  // (profile-store.ts) "settings" still holds them, and they are the profile's now. Every reader of account
  // fields (forProfile, update, the services' cloud) reads a profile first, and so migrates.
  const globals = async (): Promise<Settings> => {
    const stored: Record<string, unknown> = { ...((await storage.get(SETTINGS_KEY)) as Partial<Settings> | undefined) };
    for (const k of PROFILE_SETTING_FIELDS) delete stored[k];
    return { ...DEFAULT_SETTINGS, ...(stored as Partial<Settings>) };
  };
  const forProfile = async (profileId?: string): Promise<Settings> => {
    const profile = profileId ? await profiles.get(profileId) : await profiles.selected();
    return settingsOf(await globals(), profile);
  };
  return {
    get: () => forProfile(),
    forProfile,
    globals,
    profiles,
    async update(patch) {
      const account: Partial<Settings> = {};
      const global: Partial<Settings> = {};
      for (const [k, v] of Object.entries(patch) as [keyof Settings, unknown][]) {
        if (v === undefined) continue;
        ((PROFILE_SETTING_FIELDS as readonly string[]).includes(k) ? account : global)[k] = v as never;
      }
      const selected = await profiles.selected();
      // Refused (endpoint rules): nothing is stored, the globals neither.
      if (Object.keys(account).length > 0) await profiles.patchSettings(selected.id, account);
      if (Object.keys(global).length > 0) {
        const stored = ((await storage.get(SETTINGS_KEY)) as Partial<Settings> | undefined) ?? {};
        await storage.set(SETTINGS_KEY, { ...stored, ...global });
      }
      return forProfile(selected.id);
    },
  };
}

/** An endpoint override is an origin (scheme + host + port): paths and queries are dropped. */
export function normalizeEndpoint(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return "";
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    fail("settings.endpoint.invalid", "endpoint");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") fail("settings.endpoint.invalid", "endpoint");
  return url.origin;
}

export function normalizeAutoImport(text: string): string {
  try {
    return normalizeEndpoint(text);
  } catch {
    throw new KeysmithError("settings.auto_import.other_endpoint", { field: "autoImportEndpoint", params: { given: text.slice(0, 100), endpoint: "-" } });
  }
}

/** "Import without asking" names the endpoint it is saved with (an origin), or is off (""). */
export function checkAutoImport(settings: Pick<Settings, "endpoint" | "autoImportEndpoint">): void {
  const given = settings.autoImportEndpoint ?? "";
  if (given && given !== settings.endpoint) {
    throw new KeysmithError("settings.auto_import.other_endpoint", { field: "autoImportEndpoint", params: { given, endpoint: settings.endpoint || "-" } });
  }
}

/**
 * The endpoint whose keys and certificates need the user's confirmation before they go into the vault, or
 * undefined when they are imported at once: no override (Alibaba Cloud's own hosts), an override whose host is
 * an Alibaba Cloud host (`*.aliyuncs.com`), or an override for which the user turned on "import without
 * asking" (`autoImportEndpoint` equal to it).
 */
export function importConfirmationEndpoint(settings: Pick<Settings, "endpoint" | "autoImportEndpoint">): string | undefined {
  if (!settings.endpoint) return undefined;
  let url: URL;
  try {
    url = new URL(settings.endpoint);
  } catch {
    return settings.endpoint; // not a URL (edited storage): never trusted
  }
  if (isAlibabaHost(url.hostname)) return undefined;
  if (settings.autoImportEndpoint && settings.autoImportEndpoint === url.origin) return undefined;
  return url.origin;
}

/**
 * Where signed requests may go, as the settings say it: an endpoint override over plain http only to loopback
 * (127.0.0.0/8, localhost, [::1]) — on any other network the AccessKey id, the signed request and the answer
 * (certificates, a cloud-made private key) travel in the clear; signature V1 only to an Alibaba Cloud host
 * (`*.aliyuncs.com`) or loopback, because a V1 signature does not cover the host, so a request captured by
 * another server replays against the real cloud. Typed errors name the field and the host.
 */
export function checkEndpointSettings(settings: Pick<Settings, "endpoint" | "signatureVersion">): void {
  if (!settings.endpoint) return;
  let url: URL;
  try {
    url = new URL(settings.endpoint);
  } catch {
    fail("settings.endpoint.invalid", "endpoint");
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === "http:" && !loopback) {
    throw new KeysmithError("settings.endpoint.plain_http", { field: "endpoint", params: { host: url.host } });
  }
  if (settings.signatureVersion === "v1" && !loopback && !isAlibabaHost(url.hostname)) {
    throw new KeysmithError("settings.signature.v1_host", { field: "signatureVersion", params: { host: url.host } });
  }
}
