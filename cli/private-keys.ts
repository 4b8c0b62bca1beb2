// How the CLI lets a private key out. Written to a file: encrypted (PKCS#8, PBES2) with a passphrase file,
// or in the clear only when --unencrypted asks for it; neither is exit 2 before anything is written
// (cli/commands/csr.ts, cli/commands/order-wait.ts). Printed: API answers never show a field that holds a
// private key (PrivateKey, Key, EncryptPrivateKey, SignPrivateKey, at any depth) unless
// --include-private-key is given, neither as text nor with --json (cli/api-command.ts).
import { readFile } from "node:fs/promises";
import { KeysmithError, fail } from "../src/core/errors";
import { t, type Locale } from "../src/core/i18n";
import { encryptPkcs8Pem, readPrivateKey } from "../src/core/export/pkcs8";
import type { ApiResponse } from "../src/core/aliyun/client";
import type { FlagSpec, ParsedArgs } from "./args";

export const UNENCRYPTED_FLAG = "unencrypted";
export const INCLUDE_PRIVATE_KEY_FLAG = "include-private-key";
export const INCLUDE_PRIVATE_KEY_FLAGS: FlagSpec[] = [{ name: INCLUDE_PRIVATE_KEY_FLAG, kind: "boolean" }];

/** Fields of an API answer that hold a private key. */
export const PRIVATE_KEY_FIELDS: ReadonlySet<string> = new Set(["PrivateKey", "Key", "EncryptPrivateKey", "SignPrivateKey"]);

/** Like `openssl -passin file:`: the first line, without its line ending; unreadable or empty is exit 2 naming `flag`. */
export async function readPassphraseFile(path: string, flag: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return fail("cli.passphrase_file.unreadable", flag);
  }
  const passphrase = text.split(/\r?\n/)[0] ?? "";
  if (passphrase === "") fail("cli.passphrase_file.empty", flag);
  return passphrase;
}

export type KeyProtection = { encrypt: true; passphrase: string } | { encrypt: false };

/**
 * What to do with a private key this command may write: `passphraseFlag` names the passphrase file
 * (`--passphrase-file`, `--key-passphrase-file`); `--unencrypted` writes it in the clear. Neither, or both,
 * is a typed error naming the flags (exit 2), thrown before anything is read or written.
 */
export function keyProtectionChoice(args: ParsedArgs, passphraseFlag: string): { passphraseFile?: string; unencrypted: boolean } {
  const passphraseFile = args.strings.get(passphraseFlag);
  const unencrypted = args.booleans.has(UNENCRYPTED_FLAG);
  if (passphraseFile !== undefined && unencrypted) {
    throw new KeysmithError("api.cli.flag_conflict", { field: `--${UNENCRYPTED_FLAG}`, params: { other: `--${passphraseFlag}` } });
  }
  if (passphraseFile === undefined && !unencrypted) {
    throw new KeysmithError("cli.private_key.protection_required", { field: `--${passphraseFlag}`, params: { unencrypted: `--${UNENCRYPTED_FLAG}` } });
  }
  return { passphraseFile, unencrypted };
}

/** `keyProtectionChoice`, then the passphrase file read (exit 2 when unreadable or empty). */
export async function keyProtection(args: ParsedArgs, passphraseFlag: string): Promise<KeyProtection> {
  const choice = keyProtectionChoice(args, passphraseFlag);
  if (choice.passphraseFile === undefined) return { encrypt: false };
  return { encrypt: true, passphrase: await readPassphraseFile(choice.passphraseFile, `--${passphraseFlag}`) };
}

/**
 * A private key PEM as the service sent it (PKCS#8, PKCS#1 or SEC1), as encrypted PKCS#8 under
 * `passphrase` (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC). One that cannot be read is a typed error naming
 * `field`.
 */
export async function encryptServiceKey(pem: string, passphrase: string, field: string): Promise<string> {
  let pkcs8: Uint8Array;
  try {
    pkcs8 = (await readPrivateKey(pem, undefined, { extractable: true })).pkcs8Der;
  } catch (err) {
    if (err instanceof KeysmithError) throw new KeysmithError(err.code, { field, params: err.params });
    throw err;
  }
  try {
    return await encryptPkcs8Pem(pkcs8, passphrase);
  } finally {
    pkcs8.fill(0);
  }
}

/**
 * The answer without the fields that hold a private key (at any depth), and the names of those withheld.
 * With `include`, the answer as received.
 */
export function withoutPrivateKeys(response: ApiResponse, include: boolean): { response: ApiResponse; withheld: string[] } {
  if (include) return { response, withheld: [] };
  const withheld = new Set<string>();
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (!value || typeof value !== "object") return value;
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value; // not a parsed JSON object: left as it is
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (PRIVATE_KEY_FIELDS.has(k) && typeof v === "string" && v !== "") {
        withheld.add(k);
        continue;
      }
      out[k] = strip(v);
    }
    return out;
  };
  return { response: strip(response) as ApiResponse, withheld: [...withheld] };
}

/** The stderr line saying which fields were withheld and how to get them. */
export function withheldNotice(locale: Locale, withheld: readonly string[]): string {
  return t(locale, "api_cli_private_key_withheld", { fields: withheld.join(", "), flag: `--${INCLUDE_PRIVATE_KEY_FLAG}` });
}
