// The thin platform adapter: webextension-polyfill gives one promise-based `browser.*` over Chrome, Edge
// and Firefox. Everything browser-specific the worker touches goes through `Platform`, a narrow interface
// that unit tests replace with an in-memory fake (test/unit/background/fake-platform.ts).
import browser from "webextension-polyfill";
import type { Platform } from "./platform";
import { hostPermissionGranted } from "./host-pattern";

export function browserPlatform(): Platform {
  return {
    extensionId: browser.runtime.id,
    extensionOrigin: new URL(browser.runtime.getURL("/")).origin,
    storage: {
      get: async (key) => (await browser.storage.local.get(key))[key],
      set: (key, value) => browser.storage.local.set({ [key]: value }),
      remove: (key) => browser.storage.local.remove(key),
    },
    // storage.session: the polyfill wraps it like storage.local (Chrome 102+, Firefox 115+).
    ...sessionArea(),
    alarms: {
      create: async (name, info) => {
        await browser.alarms.create(name, info);
      },
      clear: (name) => browser.alarms.clear(name),
      get: async (name) => (await browser.alarms.get(name)) ?? undefined,
    },
    notify: async (id, title, message) => {
      await browser.notifications.create(id, {
        type: "basic",
        iconUrl: browser.runtime.getURL("icons/icon-128.png"),
        title,
        message,
      });
    },
    menus: {
      removeAll: () => browser.contextMenus.removeAll(),
      create: (props) =>
        new Promise<void>((resolve) => {
          browser.contextMenus.create(props, () => resolve());
        }),
    },
    injectFunction: async (tabId, frameId, func, args) => {
      const results = await browser.scripting.executeScript({
        target: { tabId, frameIds: frameId === undefined ? undefined : [frameId] },
        func,
        args,
      });
      return results[0]?.result;
    },
    openPopup: async () => {
      // action.openPopup needs a user gesture in some browsers; fall back to a tab.
      try {
        await browser.action.openPopup();
      } catch {
        await browser.tabs.create({ url: browser.runtime.getURL("popup.html") });
      }
    },
    hasHostPermission: (origin) => hostPermissionGranted(origin, (p) => browser.permissions.contains(p)),
    uiLanguage: () => browser.i18n.getUILanguage(),
  };
}

function sessionArea(): Pick<Platform, "session"> {
  const area = browser.storage.session as typeof browser.storage.session | undefined;
  if (!area) return {};
  return {
    session: {
      get: async (key) => (await area.get(key))[key],
      set: (key, value) => area.set({ [key]: value }),
      remove: (key) => area.remove(key),
    },
  };
}
