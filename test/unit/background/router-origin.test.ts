// isOwnPage (src/background/router.ts): the sender's origin is compared whole with the extension's origin,
// for Chromium's chrome-extension:// and Firefox's moz-extension:// pages alike (Firefox 153 reports the
// real moz-extension origin); no prefix tricks, no opaque "null" origins, no other extension.
import { describe, expect, it } from "vitest";
import { isOwnPage } from "../../../src/background/router";

const CHROME = { extensionId: "dndahdfaijfgmkemdljjcibbkklhcdaa", extensionOrigin: "chrome-extension://dndahdfaijfgmkemdljjcibbkklhcdaa" };
const FIREFOX = { extensionId: "keysmith@example.org", extensionOrigin: "moz-extension://6f1c2a9e-1b7d-4c55-9d0e-0c1f3a2b4d5e" };

describe("isOwnPage compares origins exactly", () => {
  it.each([
    ["a Chromium page", CHROME, { id: CHROME.extensionId, url: `${CHROME.extensionOrigin}/popup.html` }],
    ["a Chromium sender known by its origin only", CHROME, { id: CHROME.extensionId, origin: CHROME.extensionOrigin }],
    ["a Firefox page", FIREFOX, { id: FIREFOX.extensionId, url: `${FIREFOX.extensionOrigin}/options.html?tab=keys#x` }],
    ["a Firefox sender known by its origin only", FIREFOX, { id: FIREFOX.extensionId, origin: FIREFOX.extensionOrigin }],
  ])("accepts %s", (_name, opts, sender) => {
    expect(isOwnPage(sender, opts)).toBe(true);
  });

  it.each([
    ["a longer host with the same start", CHROME, { id: CHROME.extensionId, url: `${CHROME.extensionOrigin}x/popup.html` }],
    ["another extension's page", FIREFOX, { id: FIREFOX.extensionId, url: "moz-extension://00000000-1b7d-4c55-9d0e-0c1f3a2b4d5e/options.html" }],
    ["another scheme with the same host", CHROME, { id: CHROME.extensionId, url: `https://${CHROME.extensionId}/popup.html` }],
    ["a URL with user info", CHROME, { id: CHROME.extensionId, url: `chrome-extension://evil@${CHROME.extensionId}/popup.html` }],
    ["an opaque origin", { extensionId: "x", extensionOrigin: "null" }, { id: "x", url: "data:text/html,hi" }],
    ["an opaque origin string", { extensionId: "x", extensionOrigin: "null" }, { id: "x", origin: "null" }],
    ["a sender id that is not the extension's", CHROME, { id: "other", url: `${CHROME.extensionOrigin}/popup.html` }],
    ["a URL that does not parse", CHROME, { id: CHROME.extensionId, url: "chrome-extension://[bad/popup.html" }],
  ])("refuses %s", (_name, opts, sender) => {
    expect(isOwnPage(sender, opts)).toBe(false);
  });
});
