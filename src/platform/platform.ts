// What the background worker needs from the browser, and nothing more. The real implementation is
// browser.ts (webextension-polyfill); tests pass an in-memory one.

export interface MenuProperties {
  id: string;
  parentId?: string;
  title: string;
  contexts: ("selection" | "editable" | "page" | "link")[];
  documentUrlPatterns?: string[];
}

export interface Platform {
  extensionId: string;
  /** e.g. chrome-extension://<id> or moz-extension://<uuid> */
  extensionOrigin: string;
  /** chrome.storage.local, one JSON value per key. */
  storage: {
    get(key: string): Promise<unknown>;
    set(key: string, value: unknown): Promise<void>;
    remove(key: string): Promise<void>;
  };
  /**
   * storage.session (Chrome 102+, Firefox 115+; the polyfill passes it through): in memory, cleared when the
   * browser closes, readable by the extension's pages and worker only. Holds the unlocked vault key
   * (src/background/vault/lock.ts). Absent in a platform without it: the worker then keeps it in its memory.
   */
  session?: {
    get(key: string): Promise<unknown>;
    set(key: string, value: unknown): Promise<void>;
    remove(key: string): Promise<void>;
  };
  alarms: {
    create(name: string, info: { when?: number; delayInMinutes?: number; periodInMinutes?: number }): Promise<void>;
    clear(name: string): Promise<boolean>;
    get(name: string): Promise<{ name: string; scheduledTime: number } | undefined>;
  };
  notify(id: string, title: string, message: string): Promise<void>;
  menus: {
    removeAll(): Promise<void>;
    create(props: MenuProperties): Promise<void>;
  };
  /** scripting.executeScript with a self-contained function; returns the first frame's result. */
  injectFunction<A extends unknown[], R>(tabId: number, frameId: number | undefined, func: (...args: A) => R, args: A): Promise<unknown>;
  openPopup(): Promise<void>;
  hasHostPermission(origin: string): Promise<boolean>;
  uiLanguage(): string;
}
