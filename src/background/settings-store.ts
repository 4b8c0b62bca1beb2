// Settings live in chrome.storage.local under one key. Reads merge over the defaults, so a setting added
// in a later version has a value for users who saved settings before it existed.
import { fail } from "../core/errors";
import { DEFAULT_SETTINGS, type Settings } from "../messages";
import type { Platform } from "../platform/platform";

export const SETTINGS_KEY = "settings";

export interface SettingsStore {
  get(): Promise<Settings>;
  update(patch: Partial<Settings>): Promise<Settings>;
}

export function createSettingsStore(storage: Platform["storage"]): SettingsStore {
  const get = async (): Promise<Settings> => {
    const stored = (await storage.get(SETTINGS_KEY)) as Partial<Settings> | undefined;
    return { ...DEFAULT_SETTINGS, ...(stored ?? {}) };
  };
  return {
    get,
    async update(patch) {
      const next = { ...(await get()), ...patch };
      if (next.endpoint) next.endpoint = normalizeEndpoint(next.endpoint);
      await storage.set(SETTINGS_KEY, next);
      return next;
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
