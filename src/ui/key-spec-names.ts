// Key-type names for the pages, kept apart from the hints the key-type chooser adds. A display name
// ("RSA 4096", "ECDSA P-256") is what sentences, key cards and the order form show; a hint ("slow to make",
// "recommended") belongs only to the choice in the chooser, next to the name (keySpecChoiceLabel).
import { t, type Locale } from "../core/i18n";
import { isKeySpec, type KeySpecId } from "./worker-api";

/** Specs whose choice in the chooser carries a hint (catalogue key `ui_keyspec_hint_<spec>`). */
const HINTED: readonly KeySpecId[] = ["RSA_4096", "EC_P256", "EC_SM2"];

/** The display name of a key spec ("RSA 4096"); a string that is not a known spec is returned as it is. */
export function keySpecName(spec: KeySpecId | string, locale: Locale): string {
  return isKeySpec(spec) ? t(locale, `ui_keyspec_${spec}`) : spec;
}

/** The chooser's hint for a spec ("slow to make", "recommended"), or undefined for a spec without one. */
export function keySpecHint(spec: KeySpecId | string, locale: Locale): string | undefined {
  return isKeySpec(spec) && HINTED.includes(spec) ? t(locale, `ui_keyspec_hint_${spec}`) : undefined;
}

/** The chooser's label: the name, and its hint in brackets when it has one. Only for <option>s. */
export function keySpecChoiceLabel(spec: KeySpecId, locale: Locale): string {
  const hint = keySpecHint(spec, locale);
  return hint ? t(locale, "ui_keyspec_choice", { name: keySpecName(spec, locale), hint }) : keySpecName(spec, locale);
}

/**
 * The name with the English indefinite article for use inside a sentence ("an RSA 4096", "an ECDSA P-256");
 * Chinese has no article and gets the name. Every spec name starts with an initialism read letter by letter,
 * so the article follows the sound of its first letter's name (R is "ar": "an RSA"; a "U…" name would be "a").
 */
export function keySpecWithArticle(spec: KeySpecId | string, locale: Locale): string {
  const name = keySpecName(spec, locale);
  if (locale !== "en") return name;
  return `${/^[AEFHILMNORSX]/i.test(name) ? "an" : "a"} ${name}`;
}
