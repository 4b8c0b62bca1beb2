// Host-permission match patterns for an endpoint override's origin. Firefox answers permissions.contains()
// for "http://127.0.0.1:8787/*" with false even while "http://127.0.0.1/*" is granted (its match patterns
// carry no port), and Chrome/Edge let a pattern without a port cover every port of the host; so the pages
// ask for the host's pattern, and the worker accepts either that or the origin's own (granted by earlier
// versions, which asked with the port).

/** The pattern the options page asks the browser for: scheme and host, every port ("http://127.0.0.1/*"). */
export function hostPermissionPattern(origin: string): string {
  const url = new URL(origin);
  return `${url.protocol}//${url.hostname}/*`;
}

/** Every pattern whose grant lets the extension reach `origin`: the host's, then the origin's own. */
export function hostPermissionPatterns(origin: string): string[] {
  return [...new Set([hostPermissionPattern(origin), `${new URL(origin).origin}/*`])];
}
