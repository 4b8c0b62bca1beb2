// One typed error for everything a user can get wrong. `code` is stable (tests, UI and CLI key on it),
// `field` names what was wrong and `params` fill the localized message (_locales/*/: key `error_<code>`
// with dots as underscores). Errors cross worker messages as plain data (`toData` / `fromData`).
import { translate, type Locale } from "./i18n";
import { describeReason } from "./reason";

export type ErrorParams = Record<string, string | number>;

export interface ErrorData {
  code: string;
  field?: string;
  params: ErrorParams;
  /** English rendering, for logs and for callers that do not localize. */
  message: string;
}

export class KeysmithError extends Error {
  override readonly name = "KeysmithError";
  readonly code: string;
  readonly field?: string;
  readonly params: ErrorParams;

  constructor(code: string, options: { field?: string; params?: ErrorParams; cause?: unknown } = {}) {
    const params = { ...(options.params ?? {}) };
    super(renderError(code, options.field, params, "en"), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
    this.params = params;
  }

  /** The message in the user's language. */
  localized(locale: Locale): string {
    return renderError(this.code, this.field, this.params, locale);
  }

  toData(): ErrorData {
    return { code: this.code, field: this.field, params: this.params, message: this.message };
  }

  static fromData(data: ErrorData): KeysmithError {
    return new KeysmithError(data.code, { field: data.field, params: data.params });
  }
}

export function isKeysmithError(value: unknown): value is KeysmithError {
  return value instanceof KeysmithError;
}

/** Throw a typed error; `never` lets TypeScript narrow after a failed check. */
export function fail(code: string, field?: string, params?: ErrorParams): never {
  throw new KeysmithError(code, { field, params });
}

export function errorMessageKey(code: string): string {
  return `error_${code.replace(/[^A-Za-z0-9]/g, "_")}`;
}

function renderError(code: string, field: string | undefined, params: ErrorParams, locale: Locale): string {
  const values: ErrorParams = { ...params };
  if (field !== undefined) values.field = field;
  if (typeof values.reason === "string") values.reason = describeReason(locale, values.reason);
  const text = translate(locale, errorMessageKey(code), values);
  if (text !== undefined) return text;
  const generic = translate(locale, "error_generic", { code, field: field ?? "-" });
  return generic ?? `${code}${field ? ` (${field})` : ""}`;
}
