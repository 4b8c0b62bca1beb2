// keyUsage bits and extKeyUsage purposes a CSR may request, by the names RFC 5280 gives them.
import { fail } from "../errors";
import type { KeySpecId } from "../key-spec";
import { OID_CLIENT_AUTH, OID_SERVER_AUTH } from "./oids";

export const KEY_USAGE_FLAGS = {
  digitalSignature: 1,
  nonRepudiation: 2,
  keyEncipherment: 4,
  dataEncipherment: 8,
  keyAgreement: 16,
  keyCertSign: 32,
  cRLSign: 64,
  encipherOnly: 128,
  decipherOnly: 256,
} as const;
export type KeyUsageName = keyof typeof KEY_USAGE_FLAGS;
export const KEY_USAGE_NAMES = Object.keys(KEY_USAGE_FLAGS) as KeyUsageName[];

export const EXT_KEY_USAGES = {
  serverAuth: OID_SERVER_AUTH,
  clientAuth: OID_CLIENT_AUTH,
} as const;
export type ExtKeyUsageName = keyof typeof EXT_KEY_USAGES;
export const EXT_KEY_USAGE_NAMES = Object.keys(EXT_KEY_USAGES) as ExtKeyUsageName[];

export function isKeyUsageName(text: string): text is KeyUsageName {
  return Object.prototype.hasOwnProperty.call(KEY_USAGE_FLAGS, text);
}
export function isExtKeyUsageName(text: string): text is ExtKeyUsageName {
  return Object.prototype.hasOwnProperty.call(EXT_KEY_USAGES, text);
}

/** Names of the keyUsage bits set in `flags`. */
export function keyUsageNames(flags: number): KeyUsageName[] {
  return KEY_USAGE_NAMES.filter((n) => (flags & KEY_USAGE_FLAGS[n]) !== 0);
}

/** The name of an extKeyUsage OID, or the OID itself. */
export function extKeyUsageName(oid: string): string {
  return EXT_KEY_USAGE_NAMES.find((n) => EXT_KEY_USAGES[n] === oid) ?? oid;
}

/** "digitalSignature,keyEncipherment" → names; an unknown one is a typed error naming `field`. */
export function parseKeyUsages(text: string, field = "keyUsage"): KeyUsageName[] {
  return splitList(text).map((name) => (isKeyUsageName(name) ? name : fail("csr.key_usage.unknown", field, { value: name, allowed: KEY_USAGE_NAMES.join(", ") })));
}

/** "serverAuth,clientAuth" → names; an unknown one is a typed error naming `field`. */
export function parseExtKeyUsages(text: string, field = "extKeyUsage"): ExtKeyUsageName[] {
  return splitList(text).map((name) =>
    isExtKeyUsageName(name) ? name : fail("csr.ext_key_usage.unknown", field, { value: name, allowed: EXT_KEY_USAGE_NAMES.join(", ") }),
  );
}

function splitList(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter(Boolean);
}

/** Same as KEY_USAGE_FLAGS. */
export const KEY_USAGES = KEY_USAGE_FLAGS;

/**
 * The usual keyUsage per family: RSA keys also encipher (TLS RSA key exchange), EC/SM2 keys only sign. By the
 * spec id's family prefix rather than KEY_SPECS, so the pages can use it without loading the catalogue.
 */
export function defaultKeyUsage(key: { spec: KeySpecId }): KeyUsageName[] {
  return key.spec.startsWith("RSA_") ? ["digitalSignature", "keyEncipherment"] : ["digitalSignature"];
}

/** What `--key-usage default --ext-key-usage serverAuth` and an unspecified `csr.create` request: a TLS server's usages. */
export const TLS_SERVER_EXT_KEY_USAGE: readonly ExtKeyUsageName[] = ["serverAuth"];
