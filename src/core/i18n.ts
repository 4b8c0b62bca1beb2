// UI and error text in English and Simplified Chinese. The catalogues live in _locales/<lang>/<area>.json
// in Chrome's messages.json shape; the build merges them into _locales/<lang>/messages.json, and the
// core renders them itself (the user may choose a language other than the browser's).
// Areas: core, vault, api, emulator, ui, background (one file each, so owners do not collide).
// Placeholders are `{name}`; a missing parameter is left as written.
import enCore from "../../_locales/en/core.json";
import enVault from "../../_locales/en/vault.json";
import enApi from "../../_locales/en/api.json";
import enEmulator from "../../_locales/en/emulator.json";
import enUi from "../../_locales/en/ui.json";
import enBackground from "../../_locales/en/background.json";
import zhCore from "../../_locales/zh_CN/core.json";
import zhVault from "../../_locales/zh_CN/vault.json";
import zhApi from "../../_locales/zh_CN/api.json";
import zhEmulator from "../../_locales/zh_CN/emulator.json";
import zhUi from "../../_locales/zh_CN/ui.json";
import zhBackground from "../../_locales/zh_CN/background.json";

export type Locale = "en" | "zh_CN";
export const LOCALES: readonly Locale[] = ["en", "zh_CN"];

export interface MessageEntry {
  message: string;
  description?: string;
}
export type MessageCatalog = Record<string, MessageEntry>;

export const CATALOGS: Record<Locale, MessageCatalog> = {
  en: { ...enCore, ...enVault, ...enApi, ...enEmulator, ...enUi, ...enBackground },
  zh_CN: { ...zhCore, ...zhVault, ...zhApi, ...zhEmulator, ...zhUi, ...zhBackground },
};

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
