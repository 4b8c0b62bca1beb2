// The language of the popup and options pages. The user may choose one in the options ("auto" follows the
// browser), and `?lang=zh_CN` in a page's URL overrides both (tests, screenshots and the benchmark use it).
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { pickLocale, t, type Locale } from "../core/i18n";
import { KeysmithError, type ErrorData } from "../core/errors";
import { intlTag } from "./dates";

export type LanguageChoice = "auto" | Locale;

export function browserLanguage(): string {
  const runtime = (globalThis as { chrome?: { i18n?: { getUILanguage?: () => string } } }).chrome;
  return runtime?.i18n?.getUILanguage?.() ?? globalThis.navigator?.language ?? "en";
}

export function resolveLocale(choice: LanguageChoice | undefined, search = globalThis.location?.search ?? ""): Locale {
  const forced = new URLSearchParams(search).get("lang");
  if (forced) return pickLocale(forced);
  if (choice === "en" || choice === "zh_CN") return choice;
  return pickLocale(browserLanguage());
}

export const LocaleContext = createContext<Locale>("en");

export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** `const tr = useT(); tr("ui_key")`: every visible string goes through here. */
export function useT(): Translate {
  const locale = useContext(LocaleContext);
  return (key, params) => t(locale, key, params);
}

export function useLocale(): Locale {
  return useContext(LocaleContext);
}

/** An error from the worker, in the user's language. */
export function localizeError(locale: Locale, data: ErrorData): string {
  return KeysmithError.fromData(data).localized(locale);
}

/** Apply the locale to the document so screen readers and CJK line breaking use the right language. */
export function applyDocumentLocale(locale: Locale): void {
  document.documentElement.lang = intlTag(locale);
}
