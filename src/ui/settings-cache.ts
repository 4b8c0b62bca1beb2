// The popup renders at once from the last settings it saw (kept in the page's localStorage: language,
// default subject and contact, nothing secret), then refreshes them from the worker. Waiting for the
// worker first would add a message round trip, or a worker start-up, to every popup opening.
import type { Settings } from "./worker-api";
import { defaultSettings } from "./settings-defaults";

const KEY = "keysmith.settings-snapshot";

export function cachedSettings(): Settings {
  try {
    const text = globalThis.localStorage?.getItem(KEY);
    if (text) return { ...defaultSettings(), ...(JSON.parse(text) as Partial<Settings>) };
  } catch {
    // A corrupt or unavailable snapshot only costs the fast start.
  }
  return defaultSettings();
}

export function rememberSettings(s: Settings): void {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify(s));
  } catch {
    // Storage full or disabled: the next popup waits for the worker's answer instead.
  }
}
