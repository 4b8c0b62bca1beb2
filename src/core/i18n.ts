// UI and error text in English and Simplified Chinese. The catalogues live in _locales/<lang>/<area>.json
// in Chrome's messages.json shape; the build merges them into _locales/<lang>/messages.json, and the
// core renders them itself (the user may choose a language other than the browser's).
// Areas: core, vault, api, emulator, ui, background, lifecycle (one file each, so owners do not collide).
// Placeholders are `{name}`; a missing parameter is left as written.
//
// The catalogues are not imported here: they are registered. Node and the worker import
// `./i18n-catalogs` once (every area, both languages: the CLI, the worker, the emulator, vitest's setup);
// the popup and options pages fetch only their language's merged messages.json at run time
// (src/ui/catalog-loader.ts), which keeps ≈93 KB of text out of the pages' JavaScript.

export type Locale = "en" | "zh_CN";
export const LOCALES: readonly Locale[] = ["en", "zh_CN"];

export interface MessageEntry {
  message: string;
  description?: string;
}
export type MessageCatalog = Record<string, MessageEntry>;

/** What has been registered so far, per language (empty until a catalogue is registered). */
export const CATALOGS: Record<Locale, MessageCatalog> = { en: {}, zh_CN: {} };

/** Add messages to a language's catalogue (areas merge; a later entry for the same key wins). */
export function registerCatalog(locale: Locale, catalog: MessageCatalog): void {
  Object.assign(CATALOGS[locale], catalog);
}

/** Whether any catalogue for this language has been registered (the pages load one before rendering it). */
export function hasCatalog(locale: Locale): boolean {
  return Object.keys(CATALOGS[locale]).length > 0;
}

/** Map a BCP 47 tag or POSIX locale (zh-CN, zh_CN.UTF-8, zh-Hans, en-US) to one we ship. */
export function pickLocale(tag: string | undefined | null): Locale {
  const t = (tag ?? "").toLowerCase();
  return t.startsWith("zh") ? "zh_CN" : "en";
}

export function translate(locale: Locale, key: string, params: Record<string, string | number> = {}): string | undefined {
  const entry = CATALOGS[locale][key] ?? CATALOGS.en[key];
  if (!entry) return undefined;
  return entry.message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** translate() for keys that must exist: a missing key shows itself rather than an empty string. */
export function t(locale: Locale, key: string, params?: Record<string, string | number>): string {
  return translate(locale, key, params) ?? key;
}
