// The background worker's entry (Chrome/Edge: MV3 service worker; Firefox: background script). Listeners
// are registered synchronously at the top level so a worker woken by a message, alarm or menu click
// receives the event that woke it. All state lives in storage; this file holds none.
import "../core/i18n-catalogs"; // first: the worker renders errors, lint findings and menus in either language
import browser from "webextension-polyfill";
import { browserPlatform } from "../platform/browser";
import { createServices } from "./services-real";
import { createSettingsStore } from "./settings-store";
import { createWorker } from "./worker";

/** Build-time switch (scripts/build-extension.mjs, Vite define): true only in test builds (KEYSMITH_TEST_HOOKS=1). */
declare const __KEYSMITH_TEST_HOOKS__: boolean;

/** Test builds only: how far the end-to-end tests moved the worker's clock (renewals due "later"). */
let testClockOffsetMs = 0;

const platform = browserPlatform();
// One settings and profile store for the services and the worker: one queue, one migration of the settings
// stored before profiles (two stores migrating at once could lose the old account fields).
const settings = createSettingsStore(platform.storage);
const worker = createWorker({
  platform,
  services: createServices(platform, settings),
  settings,
  ...(__KEYSMITH_TEST_HOOKS__ ? { now: () => new Date(Date.now() + testClockOffsetMs) } : {}),
  // Only the kind of error and where: a message could quote a payload, and payloads can carry secrets.
  onUnexpected: (where, err) => console.error(`keysmith: unexpected ${err instanceof Error ? err.name : typeof err} in ${where}`),
});

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => worker.handleMessage(message, sender));
browser.alarms.onAlarm.addListener((alarm) => {
  void worker.handleAlarm(alarm.name);
});
browser.contextMenus.onClicked.addListener((info, tab) => {
  void worker.handleMenuClick(info, tab);
});
browser.notifications.onClicked.addListener((id) => {
  void browser.notifications.clear(id);
  void platform.openPopup();
});
browser.runtime.onInstalled.addListener(() => {
  void worker.installMenus();
});
browser.runtime.onStartup.addListener(() => {
  void worker.installMenus();
  void worker.reconcileCreates().catch(() => undefined);
});
void worker.start();

// Test builds only: the end-to-end tests call the worker's functions through the service worker's global
// scope (Playwright cannot click native context menus). A plain build (`npm run build`, `npm start`)
// leaves this out, so nothing in the worker's global scope hands out the worker.
// `keysmithClock.advance(ms)` moves the worker's clock (not the signing clock: signatures keep real time).
if (__KEYSMITH_TEST_HOOKS__) {
  (globalThis as unknown as { keysmith: unknown }).keysmith = worker;
  (globalThis as unknown as { keysmithClock: unknown }).keysmithClock = {
    advance: (ms: number) => {
      testClockOffsetMs += ms;
      return testClockOffsetMs;
    },
  };
}
