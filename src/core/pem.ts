// PEM (RFC 7468): labelled base64 between BEGIN/END lines. Strict: text outside the blocks is allowed
// (people paste with surrounding prose), but a block with bad base64 or mismatched labels is an error.
import { KeysmithError } from "./errors";

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

export function base64Encode(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function base64Decode(text: string, field = "pem"): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) throw new KeysmithError("pem.base64.invalid", { field });
  const bin = atob(clean);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function pemEncode(label: string, der: Uint8Array): string {
  const b64 = base64Encode(der);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** A "-----BEGIN X-----" or "-----END X-----" line marker whose label starts at `at`, or undefined. */
function markerLabel(text: string, at: number): { label: string; end: number } | undefined {
  let i = at;
  while (i < text.length && /[A-Z0-9 ]/.test(text[i]!)) i++;
  if (i === at || !text.startsWith("-----", i)) return undefined;
  return { label: text.slice(at, i), end: i + 5 };
}

/**
 * The raw blocks of `text` in order: each BEGIN marker paired with the first END marker after it (whatever
 * lies between is the body). One forward pass: a regular expression with a lazy body rescans the rest of
 * the text for every BEGIN that has no END, which is quadratic (100,000 BEGIN lines took 35 s).
 */
function scanBlocks(text: string, only?: string): { begin: string; body: string; end: string; start: number; stop: number }[] {
  const beginMark = only === undefined ? "-----BEGIN " : `-----BEGIN ${only}-----`;
  const endMark = only === undefined ? "-----END " : `-----END ${only}-----`;
  const blocks: { begin: string; body: string; end: string; start: number; stop: number }[] = [];
  let pos = 0;
  for (;;) {
    const b = text.indexOf(beginMark, pos);
    if (b < 0) return blocks;
    const begin = only === undefined ? markerLabel(text, b + beginMark.length) : { label: only, end: b + beginMark.length };
    if (!begin) {
      pos = b + 1;
      continue;
    }
    // The first well-formed END after this BEGIN; when there is none, no later BEGIN has one either.
    let e = begin.end;
    let end: { label: string; end: number } | undefined;
    for (;;) {
      const found = text.indexOf(endMark, e);
      if (found < 0) return blocks;
      end = only === undefined ? markerLabel(text, found + endMark.length) : { label: only, end: found + endMark.length };
      if (end) {
        e = found;
        break;
      }
      e = found + 1;
    }
    blocks.push({ begin: begin.label, body: text.slice(begin.end, e), end: end.label, start: b, stop: end.end });
    pos = end.end;
  }
}

/** Every PEM block in `text`, in order. */
export function pemDecodeAll(text: string, field = "pem"): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const { begin, body, end } of scanBlocks(text)) {
    if (begin !== end) throw new KeysmithError("pem.label.mismatch", { field, params: { begin, end } });
    // RFC 7468 allows no headers, but legacy OpenSSL "Proc-Type"/"DEK-Info" encryption is a different format.
    if (/^\s*Proc-Type:/m.test(body)) throw new KeysmithError("pem.legacy_encryption", { field });
    blocks.push({ label: begin, der: base64Decode(body, field) });
  }
  return blocks;
}

/**
 * The CERTIFICATE blocks of `text` as PEM text, in order (leaf first for a cas `Certificate`), each with LF
 * line endings, no blank lines and a final newline, whatever line endings and spacing the cloud sent.
 */
export function certificatePems(text: string): string[] {
  return scanBlocks(text, "CERTIFICATE")
    .filter((block) => block.body.length > 0)
    .map((block) => `${text.slice(block.start, block.stop).replace(/\r\n?/g, "\n").replace(/\n{2,}/g, "\n")}\n`);
}

export function isPem(text: string): boolean {
  return /-----BEGIN [A-Z0-9 ]+-----/.test(text);
}

/** Bytes that may be PEM text or raw DER: the DER blocks with `label`, or the bytes themselves when not PEM. */
export function derFromPemOrDer(input: string | Uint8Array, labels: readonly string[], field = "pem"): Uint8Array[] {
  const text = typeof input === "string" ? input : looksLikeText(input) ? new TextDecoder().decode(input) : undefined;
  if (text === undefined) return [input as Uint8Array];
  if (!isPem(text)) throw new KeysmithError("pem.not_found", { field, params: { labels: labels.join(", ") } });
  const blocks = pemDecodeAll(text, field).filter((b) => labels.includes(b.label));
  if (blocks.length === 0) throw new KeysmithError("pem.not_found", { field, params: { labels: labels.join(", ") } });
  return blocks.map((b) => b.der);
}

function looksLikeText(bytes: Uint8Array): boolean {
  // DER always starts with a SEQUENCE tag (0x30); PEM starts with printable text.
  return bytes.length > 0 && bytes[0] !== 0x30;
}
