// Host-permission match patterns for an endpoint override's origin. Firefox answers permissions.contains()
// for "http://127.0.0.1:8787/*" with false even while "http://127.0.0.1/*" is granted (its match patterns
// carry no port), while Chrome/Edge honour a port, and a pattern without one would grant every port of the
// host there. So the options page asks Firefox for the host's pattern and Chrome/Edge for the origin's own,
// and the worker accepts either grant.

/**
 * The pattern the options page asks the browser for: the origin's own ("http://127.0.0.1:8787/*"), or, where
 * match patterns carry no port (Firefox), scheme and host ("http://127.0.0.1/*").
 */
export function hostPermissionPattern(origin: string, portless = false): string {
  const url = new URL(origin);
  return portless ? `${url.protocol}//${url.hostname}/*` : `${url.origin}/*`;
}

/** True in Firefox, whose host permissions carry no port: runtime.getBrowserInfo exists only there. */
export function permissionsIgnorePorts(): boolean {
  const g = globalThis as { browser?: { runtime?: { getBrowserInfo?: unknown } } };
  return typeof g.browser?.runtime?.getBrowserInfo === "function";
}

/** Every pattern whose grant lets the extension reach `origin`: the host's, then the origin's own. */
export function hostPermissionPatterns(origin: string): string[] {
  return [...new Set([hostPermissionPattern(origin, true), hostPermissionPattern(origin)])];
}

/** Whether `contains` (a permissions API's) grants any of `origin`'s patterns (hostPermissionPatterns). */
export async function hostPermissionGranted(origin: string, contains: (p: { origins: string[] }) => Promise<boolean>): Promise<boolean> {
  for (const pattern of hostPermissionPatterns(origin)) if (await contains({ origins: [pattern] })) return true;
  return false;
}
