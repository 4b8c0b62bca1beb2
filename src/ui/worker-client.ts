// WorkerApi over chrome.runtime messaging (src/messages.ts `sendMessage`). The page's locale goes with each
// request so the worker renders lint findings and errors in the language the user sees.
import { sendMessage } from "../messages";
import type { Locale } from "../core/i18n";
import type { WorkerApi } from "./worker-api";

let pageLocale: Locale | undefined;

/** Set once the page knows its language (settings read, or the URL's ?lang=). */
export function setRequestLocale(locale: Locale): void {
  pageLocale = locale;
}

export function createWorkerClient(): WorkerApi {
  return {
    send: (type, payload) => sendMessage(type, payload, pageLocale ? { locale: pageLocale } : {}),
  };
}
