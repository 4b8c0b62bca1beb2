// The percent-encoding and parameter flattening both Alibaba Cloud signatures share (openapi-util's
// `encode` and `flatMap`): RFC 3986 unreserved characters stay, everything else is %XX in UTF-8, so a
// space is %20 (never +) and `*` is %2A while `~` stays literal.

export type ParamValue = string | number | boolean | bigint | null | undefined | ParamValue[] | { [key: string]: ParamValue };
export type ParamMap = Record<string, ParamValue>;

export function percentEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/!/g, "%21")
    .replace(/'/g, "%27")
    .replace(/\(/g, "%28")
    .replace(/\)/g, "%29")
    .replace(/\*/g, "%2A");
}

/** Lists become Name.1, Name.2 (from 1), objects Name.Key; null and undefined are dropped. */
export function flattenParams(params: ParamMap): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (prefix: string, value: ParamValue): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(`${prefix}.${i + 1}`, item));
      return;
    }
    if (typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
      return;
    }
    out[prefix] = String(value);
  };
  for (const [k, v] of Object.entries(params)) walk(k, v);
  return out;
}

/** Sorted by raw name in code-unit order (as the SDK's `Object.keys().sort()`), `k=v` joined by `&`. */
export function canonicalQuery(flat: Record<string, string>): string {
  return Object.keys(flat)
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(flat[k]!)}`)
    .join("&");
}

/** `YYYY-MM-DDThh:mm:ssZ`: both signatures reject milliseconds. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
