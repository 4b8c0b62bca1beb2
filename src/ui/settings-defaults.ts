// What the pages assume when the worker has no settings yet (first run) or cannot be reached: the worker's
// own defaults (src/messages.ts), as a fresh copy the page may change.
import { DEFAULT_SETTINGS, type Settings } from "../messages";

export function defaultSettings(): Settings {
  return structuredClone(DEFAULT_SETTINGS);
}
