// JSON.parse that keeps big integers exact: any integer literal outside strings with more than 15
// digits is quoted before parsing (cas OrderIds are 17 digits, beyond 2^53), and fields the catalogue
// types as long are turned into strings whatever their size, so an OrderId is a string end to end.
import { KeysmithError } from "../errors";

/** How deep an answer may nest: the cloud's are a few levels; the walk below is recursive. */
export const MAX_RESPONSE_DEPTH = 64;

export function quoteBigIntegers(text: string): string {
  let out = "";
  let i = 0;
  const digitsFrom = (j: number) => {
    while (j < text.length && text[j]! >= "0" && text[j]! <= "9") j++;
    return j;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === "-" || (ch >= "0" && ch <= "9")) {
      // The whole number token (int, fraction, exponent), so that the digits of a long fraction or
      // exponent ("0.12345678901234567890") are never taken for an integer of their own.
      const intStart = i + (ch === "-" ? 1 : 0);
      const intEnd = digitsFrom(intStart);
      let j = intEnd;
      let isInteger = true;
      if (text[j] === ".") {
        isInteger = false;
        j = digitsFrom(j + 1);
      }
      if (text[j] === "e" || text[j] === "E") {
        isInteger = false;
        j++;
        if (text[j] === "+" || text[j] === "-") j++;
        j = digitsFrom(j);
      }
      if (j === i) j = i + 1; // a lone "-": JSON.parse will say what is wrong
      out += isInteger && intEnd - intStart > 15 ? `"${text.slice(i, j)}"` : text.slice(i, j);
      i = j;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

export function stringifyLongFields(value: unknown, longFields: ReadonlySet<string>, depth = 0): unknown {
  if (depth > MAX_RESPONSE_DEPTH) throw new KeysmithError("api.response.too_deep", { field: "response", params: { max: MAX_RESPONSE_DEPTH } });
  if (Array.isArray(value)) return value.map((v) => stringifyLongFields(v, longFields, depth + 1));
  if (value && typeof value === "object") {
    // Object.fromEntries defines own properties: plain assignment would treat a "__proto__" key as the
    // prototype setter and drop it.
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, longFields.has(k) && typeof v === "number" ? String(v) : stringifyLongFields(v, longFields, depth + 1)]),
    );
  }
  return value;
}

/** The answer's JSON, long integers as strings. Not JSON, or nested too deep: a typed error. */
export function parseApiJson(text: string, longFields: ReadonlySet<string>): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(quoteBigIntegers(text));
  } catch (cause) {
    throw new KeysmithError("api.response.json_invalid", { field: "response", cause });
  }
  return stringifyLongFields(parsed, longFields);
}
