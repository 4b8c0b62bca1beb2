// Fuzzing backup files (src/core/export/backup.ts): decryptBackup on arbitrary bytes, on envelopes with any
// field replaced by any JSON value, and on authentic envelopes whose plaintext is anything, throws only
// KeysmithError in bounded time; decryptBackup(encryptBackup(v)) is v.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { decryptBackup, encryptBackup } from "../../../src/core/export/backup";
import { base64Encode } from "../../../src/core/pem";
import { TEST_TIMEOUT, codeOfAsync, mutatedBytes, params, typedOnlyAsync } from "./fuzz-support";

const PASS = "backup passphrase";
const FAST = { iterations: 1 };
let envelope: Record<string, unknown>;
let envelopeBytes: Uint8Array;

beforeAll(async () => {
  envelopeBytes = await encryptBackup({ keys: [{ id: "k1", pkcs8: "AAAA" }] }, PASS, FAST);
  envelope = JSON.parse(new TextDecoder().decode(envelopeBytes)) as Record<string, unknown>;
});

/** An envelope as encryptBackup writes it, around any plaintext bytes (authentic: GCM verifies). */
async function sealed(plaintext: Uint8Array, iterations = 1): Promise<Uint8Array> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(PASS), "PBKDF2", false, ["deriveKey"]);
  const key = await crypto.subtle.deriveKey({ name: "PBKDF2", salt, iterations, hash: "SHA-256" }, base, { name: "AES-GCM", length: 256 }, false, ["encrypt"]);
  const additionalData = new TextEncoder().encode("keysmith-backup/1");
  const data = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData }, key, plaintext.slice().buffer as ArrayBuffer));
  const env = {
    format: "keysmith-backup", version: 1,
    kdf: { name: "PBKDF2", hash: "SHA-256", iterations, salt: base64Encode(salt) },
    cipher: { name: "AES-256-GCM", iv: base64Encode(iv) },
    data: base64Encode(data),
  };
  return new TextEncoder().encode(JSON.stringify(env));
}

/** Replace the value at a path (e.g. ["kdf", "salt"]) or delete it. */
function edited(value: Record<string, unknown>, path: readonly string[], replacement: unknown, remove: boolean): Record<string, unknown> {
  const copy = structuredClone(value);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== "object") return copy;
    node = node[key] as Record<string, unknown>;
  }
  if (remove) delete node[path[path.length - 1]!];
  else node[path[path.length - 1]!] = replacement;
  return copy;
}

const PATHS = [["format"], ["version"], ["kdf"], ["kdf", "name"], ["kdf", "hash"], ["kdf", "iterations"], ["kdf", "salt"], ["cipher"], ["cipher", "name"], ["cipher", "iv"], ["data"]] as const;
// Iterations stay small here: the file's count (capped at 10,000,000) sets the PBKDF2 work, by design.
const fieldValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.integer({ min: -5, max: 50 }), fc.base64String({ maxLength: 40 }), fc.constantFrom(null, "", "AAAA", "!!"));

describe("fuzz: decryptBackup", () => {
  it("an envelope with any field replaced or removed gives the payload or a KeysmithError", { timeout: TEST_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), fieldValue, fc.boolean(), async (path, value, remove) => {
        const bytes = new TextEncoder().encode(JSON.stringify(edited(envelope, path, value, remove)));
        await typedOnlyAsync(() => decryptBackup(bytes, PASS));
      }),
      params(0.5),
    );
  });

  it("corrupted file bytes and arbitrary JSON give a KeysmithError", { timeout: TEST_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(mutatedBytes(envelopeBytes), fc.uint8Array({ maxLength: 64 }), fc.jsonValue({ maxDepth: 3 }).map((v) => new TextEncoder().encode(JSON.stringify(v) ?? ""))),
        fc.constantFrom(PASS, "", "wrong"),
        async (bytes, passphrase) => {
          await typedOnlyAsync(() => decryptBackup(bytes, passphrase));
        },
      ),
      params(0.5),
    );
  });

  it("an authentic envelope around any plaintext gives its JSON or vault.backup.invalid", { timeout: TEST_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.string({ unit: "binary", maxLength: 40 }).map((s) => new TextEncoder().encode(s))), async (plaintext) => {
        const file = await sealed(plaintext);
        const { value, error } = await typedOnlyAsync(() => decryptBackup(file, PASS));
        if (error) expect(error.code).toBe("vault.backup.invalid");
        else expect(value).toEqual(JSON.parse(new TextDecoder().decode(plaintext)));
      }),
      params(0.3),
    );
  });

  it("decryptBackup(encryptBackup(v)) is v for any JSON value", { timeout: TEST_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        expect(await decryptBackup(await encryptBackup(value, PASS, FAST), PASS)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      params(0.3),
    );
  });
});

describe("backup regressions found by fuzzing", () => {
  it("kdf.salt or cipher.iv missing or not a string is vault.backup.invalid", async () => {
    for (const [path, value] of [[["kdf", "salt"], undefined], [["kdf", "salt"], 7], [["cipher", "iv"], undefined], [["cipher", "iv"], { a: 1 }], [["cipher", "iv"], "AAAA"]] as const) {
      const bytes = new TextEncoder().encode(JSON.stringify(edited(envelope, path, value, value === undefined)));
      expect(await codeOfAsync(() => decryptBackup(bytes, PASS)), path.join(".")).toBe("vault.backup.invalid");
    }
  });

  it("an authentic envelope whose plaintext is not JSON is vault.backup.invalid", async () => {
    expect(await codeOfAsync(async () => decryptBackup(await sealed(new TextEncoder().encode("not json")), PASS))).toBe("vault.backup.invalid");
    expect(await codeOfAsync(async () => decryptBackup(await sealed(new Uint8Array([0xff, 0xfe])), PASS))).toBe("vault.backup.invalid");
    expect(await decryptBackup(await sealed(new TextEncoder().encode('{"keys":[]}')), PASS)).toEqual({ keys: [] });
  });
});
