// The WorkerApi the pages use: the worker client, with settings replies remembered for the next opening
// (settings-cache.ts, so the popup's first render is in the right language) and held back until the
// catalogue of their language is loaded (catalog-loader.ts), so a language change never shows message keys.
import type { Settings, WorkerApi } from "./worker-api";
import { ensureCatalog } from "./catalog-loader";
import { resolveLocale } from "./locale";
import { rememberSettings } from "./settings-cache";

export function pageApi(api: WorkerApi): WorkerApi {
  return {
    async send(type, payload) {
      if (type !== "settings.get" && type !== "settings.set") return api.send(type, payload);
      try {
        const reply = await api.send(type, payload);
        // ReplyOf<"settings.get" | "settings.set"> is Settings; TypeScript does not narrow T from `type`.
        const settings = reply as unknown as Settings;
        rememberSettings(settings);
        await ensureCatalog(resolveLocale(settings.language));
        return reply;
      } catch (err) {
        // A page that falls back to default settings follows the browser's language: have that one ready.
        await ensureCatalog(resolveLocale("auto"));
        throw err;
      }
    },
  };
}
