// JSON.parse that keeps big integers exact: any integer literal outside strings with more than 15
// digits is quoted before parsing (cas OrderIds are 17 digits, beyond 2^53), and fields the catalogue
// types as long are turned into strings whatever their size, so an OrderId is a string end to end.

export function quoteBigIntegers(text: string): string {
  let out = "";
  let i = 0;
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
      let j = i + (ch === "-" ? 1 : 0);
      while (j < text.length && text[j]! >= "0" && text[j]! <= "9") j++;
      const next = text[j];
      const isInteger = next !== "." && next !== "e" && next !== "E";
      const digits = j - i - (ch === "-" ? 1 : 0);
      out += isInteger && digits > 15 ? `"${text.slice(i, j)}"` : text.slice(i, j);
      i = j;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

export function stringifyLongFields(value: unknown, longFields: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => stringifyLongFields(v, longFields));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = longFields.has(k) && typeof v === "number" ? String(v) : stringifyLongFields(v, longFields);
    }
    return out;
  }
  return value;
}

export function parseApiJson(text: string, longFields: ReadonlySet<string>): unknown {
  return stringifyLongFields(JSON.parse(quoteBigIntegers(text)), longFields);
}
