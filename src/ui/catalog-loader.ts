// The pages' messages: only the language shown, fetched from the extension package at run time
// (_locales/<lang>/messages.json, every area merged by the build) and registered with the core's i18n, so
// `t`, `translate` and `KeysmithError.localized` work as in the worker, errors the worker sends as data
// included. Bundling both languages instead put ≈93 KB of text into the pages' JavaScript.
import { hasCatalog, registerCatalog, type Locale, type MessageCatalog } from "../core/i18n";

const loading = new Map<Locale, Promise<void>>();

/** Relative to the page (popup.html and options.html sit at the package root, as in the e2e test server). */
export function catalogUrl(locale: Locale): string {
  return `_locales/${locale}/messages.json`;
}

/**
 * Resolves once `locale`'s messages are registered. Started once per language; a failed fetch is logged
 * and may be retried by the next call (the page then shows message keys rather than nothing).
 */
export function ensureCatalog(locale: Locale): Promise<void> {
  if (hasCatalog(locale)) return Promise.resolve();
  let pending = loading.get(locale);
  if (!pending) {
    pending = fetch(catalogUrl(locale))
      .then((res) => {
        if (!res.ok) throw new Error(`${catalogUrl(locale)}: HTTP ${res.status}`);
        return res.json() as Promise<MessageCatalog>;
      })
      .then((catalog) => registerCatalog(locale, catalog))
      .catch((err: unknown) => {
        loading.delete(locale);
        console.error("keysmith: messages not loaded:", err instanceof Error ? err.message : String(err));
      });
    loading.set(locale, pending);
  }
  return pending;
}
