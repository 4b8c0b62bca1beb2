// The worker's door. Every message passes three checks before a handler sees it: the sender is one of
// this extension's own pages (not a content script, not another extension, not a web page), the type is
// in the protocol, and the payload matches that type's schema. Whatever a handler throws goes back as
// ErrorData; nothing thrown crosses as a bare string, and an unexpected error's text (which could carry
// anything) is replaced by a generic code.
import { KeysmithError, type ErrorData } from "../core/errors";
import type { Locale } from "../core/i18n";
import { MESSAGE_TYPES, type MessageType, type ReplyOf, type Reply, type RequestOf } from "../messages";
import { PAYLOAD_SCHEMAS } from "./payload-schemas";

export interface HandlerContext {
  /** The language to render texts in (the page's choice, else the settings/browser language). */
  locale: Locale;
}

export type Handler<T extends MessageType> = (payload: RequestOf<T>, ctx: HandlerContext) => Promise<ReplyOf<T>>;
export type HandlerTable = { [T in MessageType]: Handler<T> };

export interface SenderLike {
  id?: string;
  url?: string;
  origin?: string;
  tab?: { id?: number; url?: string };
}

export interface RouterOptions {
  extensionId: string;
  extensionOrigin: string;
  defaultLocale: () => Promise<Locale>;
  /** Called with unexpected (non-Keysmith) errors; never sent to the page. */
  onUnexpected?: (type: string, err: unknown) => void;
}

/**
 * `scheme://host` of a URL, taken from its parts. Chromium and Firefox (153 on, for moz-extension) give an
 * extension page's real origin as URL.origin, but the URL standard itself gives "null" for schemes it does
 * not know (as Node does), so the origin is built the same way everywhere and compared whole.
 */
function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    // A page's URL never carries user info; one that does is not taken for the page it names.
    return u.host && !u.username && !u.password ? `${u.protocol}//${u.host}` : undefined;
  } catch {
    return undefined;
  }
}

export function isOwnPage(sender: SenderLike, opts: Pick<RouterOptions, "extensionId" | "extensionOrigin">): boolean {
  if (sender.id !== opts.extensionId) return false;
  const url = sender.url ?? sender.origin;
  if (!url) return false;
  // Exact origin comparison; an opaque "null" origin never matches.
  const origin = originOf(url);
  return origin !== undefined && origin !== "null" && origin === opts.extensionOrigin;
}

export function createRouter(handlers: HandlerTable, opts: RouterOptions) {
  const known = new Set<string>(MESSAGE_TYPES);
  return async function route(message: unknown, sender: SenderLike): Promise<Reply<unknown>> {
    try {
      if (!isOwnPage(sender, opts)) throw new KeysmithError("message.sender.refused");
      if (!message || typeof message !== "object") throw new KeysmithError("message.type.unknown", { field: "type", params: { type: "-" } });
      const { type, payload, locale } = message as { type?: unknown; payload?: unknown; locale?: unknown };
      if (typeof type !== "string" || !known.has(type)) {
        throw new KeysmithError("message.type.unknown", { field: "type", params: { type: String(type).slice(0, 60) } });
      }
      const t = type as MessageType;
      const checked = PAYLOAD_SCHEMAS[t].check(payload ?? {}, "payload");
      const ctx: HandlerContext = {
        locale: locale === "en" || locale === "zh_CN" ? locale : await opts.defaultLocale(),
      };
      // The table is typed per message; indexing by a union loses the pairing, so call through one cast.
      const handler = handlers[t] as unknown as (p: unknown, c: HandlerContext) => Promise<unknown>;
      return { ok: true, value: await handler(checked, ctx) };
    } catch (err) {
      return { ok: false, error: toErrorData(err, (e) => opts.onUnexpected?.(String((message as { type?: unknown })?.type), e)) };
    }
  };
}

export function toErrorData(err: unknown, onUnexpected?: (err: unknown) => void): ErrorData {
  if (err instanceof KeysmithError) return err.toData();
  // Duck-typed: an error carrying its own data (ApiError from another bundle copy, or fromData output).
  if (err && typeof err === "object" && "toData" in err && typeof (err as { toData: unknown }).toData === "function") {
    const data = (err as { toData(): ErrorData }).toData();
    if (data && typeof data.code === "string") return data;
  }
  onUnexpected?.(err);
  return new KeysmithError("worker.unexpected", { params: { name: err instanceof Error ? err.name : typeof err } }).toData();
}
