// JSON text with 64-bit integers written as bare numbers, as the cloud writes OrderId and CsrId.
// JavaScript numbers cannot hold 17 digits, so such fields are carried as `Long` (decimal text) and the
// serializer writes their digits without quotes.
export class Long {
  constructor(readonly digits: string) {
    if (!/^-?\d+$/.test(digits)) throw new Error(`not an integer: ${digits}`);
  }
  toString(): string {
    return this.digits;
  }
}

export const long = (digits: string | bigint): Long => new Long(String(digits));

export function toCloudJson(value: unknown): string {
  if (value instanceof Long) return value.digits;
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : toCloudJson(v))).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${toCloudJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** A time as the cloud writes it in these answers: ISO 8601 to the second, UTC ("2026-12-01T10:00:00Z"). */
export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
