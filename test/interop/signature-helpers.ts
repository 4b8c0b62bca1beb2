// Shared by the signature interop tests: Node-side HMACs (the signers only see the Hmac interface) and
// the generated parameter values the issue lists (Chinese, PEM with newlines, `*`, `~`, spaces, empty, lists).
import { createHmac } from "node:crypto";
import fc from "fast-check";
import type { Hmac } from "../../src/core/aliyun/hmac";

export function nodeHmac(algorithm: "sha1" | "sha256", key: string): Hmac {
  return { sign: async (data) => new Uint8Array(createHmac(algorithm, key).update(data).digest()) };
}

const pieces = ["中文", "证书", " ", "*", "~", "!", "'", "(", ")", "+", "=", "&", "/", "%", "\n", "-----BEGIN CERTIFICATE REQUEST-----\nMIIB+/=\n-----END CERTIFICATE REQUEST-----", "a", "Z", "0", ".", "_", "é", "😀"];
export const paramText = fc.array(fc.constantFrom(...pieces), { minLength: 0, maxLength: 6 }).map((p) => p.join(""));
export const paramName = fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,10}$/);
export const paramValue = fc.oneof(
  { weight: 4, arbitrary: paramText },
  { weight: 1, arbitrary: fc.array(paramText, { minLength: 1, maxLength: 3 }) },
);
export const paramSet = fc.dictionary(paramName, paramValue, { minKeys: 0, maxKeys: 6 });
export const secret = fc.oneof(fc.constant("testsecret"), fc.stringMatching(/^[A-Za-z0-9]{8,30}$/));
export const nonce = fc.stringMatching(/^[0-9a-f]{32}$/);
export const date = fc.date({ min: new Date("2015-01-01T00:00:00Z"), max: new Date("2035-01-01T00:00:00Z"), noInvalidDate: true });
