// settings.*: read and partial update; the caller refreshes what depends on them (menu titles, alarms).
import type { Handler } from "../router";
import type { SettingsStore } from "../settings-store";

export function settingsHandlers(settings: SettingsStore, onSettingsChanged: () => Promise<void>) {
  const handlers: {
    "settings.get": Handler<"settings.get">;
    "settings.set": Handler<"settings.set">;
  } = {
    "settings.get": () => settings.get(),
    "settings.set": async (p) => {
      const next = await settings.update(p);
      await onSettingsChanged();
      return next;
    },
  };
  return handlers;
}
