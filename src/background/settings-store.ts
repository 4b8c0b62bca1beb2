// Settings live in chrome.storage.local under one key. Reads merge over the defaults, so a setting added
// in a later version has a value for users who saved settings before it existed. An endpoint override is
// checked on every save (checkEndpointSettings): plain http only to loopback, signature V1 only to Alibaba
// Cloud hosts or loopback; src/background/cloud.ts checks the same again before every signed call.
import { KeysmithError, fail } from "../core/errors";
import { isAlibabaHost, isLoopbackHost } from "../core/aliyun/endpoints";
import { DEFAULT_SETTINGS, type Settings } from "../messages";
import type { Platform } from "../platform/platform";

export const SETTINGS_KEY = "settings";

export interface SettingsStore {
  get(): Promise<Settings>;
  update(patch: Partial<Settings>): Promise<Settings>;
}

export function createSettingsStore(storage: Platform["storage"]): SettingsStore {
  const get = async (): Promise<Settings> => {
    const stored = (await storage.get(SETTINGS_KEY)) as Partial<Settings> | undefined;
    return { ...DEFAULT_SETTINGS, ...(stored ?? {}) };
  };
  return {
    get,
    async update(patch) {
      const next = { ...(await get()), ...patch };
      if (next.endpoint) next.endpoint = normalizeEndpoint(next.endpoint);
      checkEndpointSettings(next); // refused: nothing is stored
      await storage.set(SETTINGS_KEY, next);
      return next;
    },
  };
}

/** An endpoint override is an origin (scheme + host + port): paths and queries are dropped. */
export function normalizeEndpoint(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return "";
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    fail("settings.endpoint.invalid", "endpoint");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") fail("settings.endpoint.invalid", "endpoint");
  return url.origin;
}

/**
 * Where signed requests may go, as the settings say it: an endpoint override over plain http only to loopback
 * (127.0.0.0/8, localhost, [::1]) — on any other network the AccessKey id, the signed request and the answer
 * (certificates, a cloud-made private key) travel in the clear; signature V1 only to an Alibaba Cloud host
 * (`*.aliyuncs.com`) or loopback, because a V1 signature does not cover the host, so a request captured by
 * another server replays against the real cloud. Typed errors name the field and the host.
 */
export function checkEndpointSettings(settings: Pick<Settings, "endpoint" | "signatureVersion">): void {
  if (!settings.endpoint) return;
  let url: URL;
  try {
    url = new URL(settings.endpoint);
  } catch {
    fail("settings.endpoint.invalid", "endpoint");
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === "http:" && !loopback) {
    throw new KeysmithError("settings.endpoint.plain_http", { field: "endpoint", params: { host: url.host } });
  }
  if (settings.signatureVersion === "v1" && !loopback && !isAlibabaHost(url.hostname)) {
    throw new KeysmithError("settings.signature.v1_host", { field: "signatureVersion", params: { host: url.host } });
  }
}
