// The vault passphrase (src/background/vault/lock.ts, rekey.ts, passphrase.ts) over fake-indexeddb:
// with a passphrase no CryptoKey and no plain private material is stored (what a disk reader would get),
// a locked vault refuses every key use and signed call, wrong passphrases slow down, and setting,
// changing and removing the passphrase keep every key and the AccessKey working (or change nothing); a vault
// from before schema v4 brings its AccessKey from the old credentials database.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createCredentialStore } from "../../../src/background/credentials";
import { PAYLOAD_SCHEMAS } from "../../../src/background/payload-schemas";
import { PASSPHRASE_MIN_LENGTH } from "../../../src/messages";
import { EXPORT_PASSPHRASE_MIN } from "../../../src/ui/passphrase-rules";
import { VaultLock, memorySession } from "../../../src/background/vault/lock";
import { removeVaultPassphrase, setVaultPassphrase, unlockVault } from "../../../src/background/vault/passphrase";
import { openVaultDatabase, STORE_SECRETS, VAULT_DB_VERSION } from "../../../src/background/vault/schema";
import { code, dumpDatabase, FAST, freshFactory, vaultOn } from "./helpers";

const SECRET = "KeysmithUnitSecret2026";
const PASS = "correct horse battery";

function setup(now = () => Date.now()) {
  const factory = freshFactory();
  const lock = new VaultLock({ indexedDB: factory, iterations: FAST.iterations, session: memorySession(), now });
  const credentials = createCredentialStore({ lock });
  return { factory, lock, credentials, vault: () => vaultOn(factory, { lock }) };
}

async function hmacV3(credentials: ReturnType<typeof createCredentialStore>, text: string): Promise<string> {
  const creds = await credentials.signingCredentials();
  return Buffer.from(await creds.hmac.v3.sign(new TextEncoder().encode(text))).toString("hex");
}

const expectedV3 = (text: string) => createHmac("sha256", SECRET).update(text).digest("hex");

describe("vault passphrase", () => {
  it("set first: nothing but ciphertext is stored, every key works unlocked, and everything is refused locked", async () => {
    const { factory, lock, credentials, vault } = setup();
    await setVaultPassphrase(lock, { passphrase: PASS });
    const v = await vault();
    await credentials.set({ accessKeyId: "LTAI5tUnit", accessKeySecret: SECRET });
    const keys = [
      await v.createKey({ spec: "RSA_2048", exportable: true }),
      await v.createKey({ spec: "EC_P256", exportable: false }),
      await v.createKey({ spec: "EC_SM2", exportable: false }),
      await v.createKey({ spec: "EC_P384", exportable: true }),
    ];
    const dump = await dumpDatabase(factory);
    // A disk reader gets every stored CryptoKey's bytes: with a passphrase there must be none at all.
    expect(dump).not.toContain("cryptoKey");
    expect(dump).not.toContain(Buffer.from(SECRET).toString("hex"));
    const secrets = (await (await lock.db()).getAll(STORE_SECRETS)) as { kind: string }[];
    expect(secrets.map((s) => s.kind)).toEqual(["sealed", "sealed", "sealed", "sealed"]);
    for (const key of keys) expect((await v.sign(key.id, new Uint8Array([1, 2, 3]))).length).toBeGreaterThan(32);
    expect(await hmacV3(credentials, "x")).toBe(expectedV3("x"));
    expect(await code(v.exportPkcs8(keys[1]!.id, PASS))).toBe("export.key.not_exportable");

    await lock.lock();
    expect(await lock.status()).toMatchObject({ hasPassphrase: true, locked: true, unprotectedKeys: 0 });
    for (const key of keys) expect(await code(v.sign(key.id, new Uint8Array([1])))).toBe("vault.locked");
    expect(await code(v.createKey({ spec: "EC_P256", exportable: true }))).toBe("vault.locked");
    expect(await code(v.exportPem(keys[0]!.id, "pkcs8", { unencrypted: true }))).toBe("vault.locked");
    expect(await code(v.backup("a long backup passphrase"))).toBe("vault.locked");
    expect(await code(credentials.signingCredentials())).toBe("vault.locked");
    expect(await code(credentials.set({ accessKeyId: "LTAI5tOther", accessKeySecret: "other" }))).toBe("vault.locked");
    expect((await v.list()).length).toBe(4); // public records stay readable

    await unlockVault(lock, PASS);
    expect(await hmacV3(credentials, "y")).toBe(expectedV3("y"));
    expect((await v.sign(keys[2]!.id, new Uint8Array([9]))).length).toBeGreaterThan(32);
  });

  it("wrong passphrases are refused with a growing delay, and the right one after the wait unlocks", async () => {
    let t = 1_000_000;
    const { lock, vault } = setup(() => t);
    await setVaultPassphrase(lock, { passphrase: PASS });
    const key = await (await vault()).createKey({ spec: "EC_P256", exportable: false });
    await lock.lock();
    for (let i = 0; i < 3; i++) expect(await code(lock.unlock(`wrong guess ${i}`))).toBe("vault.passphrase.wrong");
    // Three wrong: the next try must wait 1 s; the right passphrase too is refused until then.
    expect(await code(lock.unlock(PASS))).toBe("vault.unlock.wait");
    t += 1_001;
    expect(await code(lock.unlock("wrong again!"))).toBe("vault.passphrase.wrong");
    t += 1_500;
    expect(await code(lock.unlock(PASS))).toBe("vault.unlock.wait"); // now 2 s
    t += 600;
    await lock.unlock(PASS);
    expect((await (await vault()).sign(key.id, new Uint8Array([1]))).length).toBeGreaterThan(32);
  });

  it("idle policy: the vault locks after N minutes without use", async () => {
    let t = 5_000_000;
    const { lock, vault } = setup(() => t);
    await setVaultPassphrase(lock, { passphrase: PASS });
    await lock.setLockPolicy({ kind: "idle", minutes: 5 });
    const v = await vault();
    const key = await v.createKey({ spec: "EC_SM2", exportable: true });
    t += 4 * 60_000;
    await v.sign(key.id, new Uint8Array([1])); // a use restarts the clock
    t += 4 * 60_000;
    expect((await lock.status()).locked).toBe(false);
    t += 2 * 60_000;
    expect(await code(v.sign(key.id, new Uint8Array([1])))).toBe("vault.locked");
  });

  it("set on a vault with keys and credentials, change and remove: the same keys, exports and secret throughout", async () => {
    const { factory, lock, credentials, vault } = setup();
    const v = await vault();
    await credentials.set({ accessKeyId: "LTAI5tUnit", accessKeySecret: SECRET });
    const rsa = await v.createKey({ spec: "RSA_2048", exportable: true });
    const sm2 = await v.createKey({ spec: "EC_SM2", exportable: true });
    const legacy = await v.createKey({ spec: "EC_P256", exportable: false });
    const rsaPem = await v.exportPem(rsa.id, "pkcs8", { unencrypted: true });
    const sm2Pem = await v.exportPem(sm2.id, "pkcs8", { unencrypted: true });

    await setVaultPassphrase(lock, { passphrase: PASS });
    const status = await lock.status();
    expect(status).toMatchObject({ hasPassphrase: true, locked: false, unprotectedKeys: 1 });
    const dump = await dumpDatabase(factory);
    // Only the one non-exportable key made before the passphrase is still a stored CryptoKey (it cannot be read to re-encrypt).
    expect(dump.match(/cryptoKey/g)?.length).toBe(1);
    expect(await v.exportPem(rsa.id, "pkcs8", { unencrypted: true })).toBe(rsaPem);
    expect(await v.exportPem(sm2.id, "pkcs8", { unencrypted: true })).toBe(sm2Pem);
    expect(await hmacV3(credentials, "a")).toBe(expectedV3("a"));

    expect(await code(setVaultPassphrase(lock, { passphrase: "another passphrase" }))).toBe("vault.passphrase.current_required");
    expect(await code(setVaultPassphrase(lock, { passphrase: "another passphrase", current: "not the one" }))).toBe("vault.passphrase.wrong");
    await setVaultPassphrase(lock, { passphrase: "another passphrase", current: PASS });
    await lock.lock();
    expect(await code(lock.unlock(PASS))).toBe("vault.passphrase.wrong");
    await lock.unlock("another passphrase");
    expect(await v.exportPem(sm2.id, "pkcs8", { unencrypted: true })).toBe(sm2Pem);

    await removeVaultPassphrase(lock, "another passphrase");
    expect(await lock.status()).toMatchObject({ hasPassphrase: false, locked: false });
    expect(await v.exportPem(rsa.id, "pkcs8", { unencrypted: true })).toBe(rsaPem);
    expect(await hmacV3(credentials, "b")).toBe(expectedV3("b"));
    expect((await v.sign(legacy.id, new Uint8Array([1]))).length).toBeGreaterThan(32);
  });

  it("a re-encryption that fails half-way writes nothing", async () => {
    const { lock, credentials, vault } = setup();
    const v = await vault();
    await credentials.set({ accessKeyId: "LTAI5tUnit", accessKeySecret: SECRET });
    const good = await v.createKey({ spec: "EC_SM2", exportable: true });
    const bad = await v.createKey({ spec: "RSA_2048", exportable: true });
    const goodPem = await v.exportPem(good.id, "pkcs8", { unencrypted: true });
    // Damage the second key's ciphertext: its re-encryption fails after the first key's succeeded in memory.
    const db = await lock.db();
    const secret = (await db.get(STORE_SECRETS, bad.id)) as { ciphertext: Uint8Array };
    secret.ciphertext[5]! ^= 0xff;
    await db.put(STORE_SECRETS, secret);
    expect(await code(setVaultPassphrase(lock, { passphrase: PASS }))).toBe("vault.record.damaged");
    expect(await lock.status()).toMatchObject({ hasPassphrase: false });
    expect(await v.exportPem(good.id, "pkcs8", { unencrypted: true })).toBe(goodPem);
    expect(await hmacV3(credentials, "c")).toBe(expectedV3("c"));
  });

  it("a vault from before schema v4: the AccessKey kept in its own database moves into the vault database, the old one is deleted, and a passphrase then seals it", async () => {
    const factory = freshFactory();
    // The v3 vault and the separate "keysmith-credentials" database (store "credentials", record "default",
    // the secret sealed under a stored non-extractable AES-GCM key) as an older Keysmith left them.
    (await openVaultDatabase(factory, "keysmith-vault", 3)).close();
    const wrappingKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "unwrapKey"]);
    const seal = async (text: string) => {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      return { iv, wrapped: await crypto.subtle.encrypt({ name: "AES-GCM", iv }, wrappingKey, new TextEncoder().encode(text)) };
    };
    const record = {
      id: "default", accessKeyId: "LTAI5tOlder", wrappingKey, v1: await seal(`${SECRET}&`), v3: await seal(SECRET), savedAt: "2026-01-01T00:00:00.000Z#old",
    };
    await new Promise<void>((resolve, reject) => {
      const request = factory.open("keysmith-credentials", 1);
      request.onupgradeneeded = () => void request.result.createObjectStore("credentials", { keyPath: "id" });
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        const tx = request.result.transaction("credentials", "readwrite");
        tx.objectStore("credentials").put(record);
        tx.oncomplete = () => (request.result.close(), resolve());
        tx.onerror = () => reject(tx.error);
      };
    });

    const lock = new VaultLock({ indexedDB: factory, iterations: FAST.iterations, session: memorySession() });
    const credentials = createCredentialStore({ lock });
    expect(await credentials.status()).toMatchObject({ configured: true, accessKeyIdHint: "LTAI…lder" });
    expect(await hmacV3(credentials, "moved")).toBe(expectedV3("moved"));
    expect((await lock.db()).version).toBe(VAULT_DB_VERSION);
    expect((await factory.databases()).map((d) => d.name)).not.toContain("keysmith-credentials");

    await setVaultPassphrase(lock, { passphrase: PASS });
    const dump = await dumpDatabase(factory);
    expect(dump).not.toMatch(/cryptoKey/i);
    await lock.lock();
    expect(await code(credentials.signingCredentials())).toBe("vault.locked");
    await lock.unlock(PASS);
    expect(await hmacV3(credentials, "sealed")).toBe(expectedV3("sealed"));
  });

  it("the worker refuses passphrases under 10 characters for the vault and under 12 for exports and backups (code points, not only spaces)", () => {
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as { code?: string; field?: string }).code + " " + (err as { field?: string }).field;
      }
      return "accepted";
    };
    expect(refused(() => PAYLOAD_SCHEMAS["vault.setPassphrase"].check({ passphrase: "nine char" }, "payload"))).toBe("passphrase.too_short payload.passphrase");
    expect(refused(() => PAYLOAD_SCHEMAS["keys.backup"].check({ passphrase: "          " }, "payload"))).toBe("passphrase.too_short payload.passphrase");
    expect(refused(() => PAYLOAD_SCHEMAS["keys.export"].check({ keyId: "k", format: "pkcs12", passphrase: "short" }, "payload"))).toBe("passphrase.too_short payload.passphrase");
    expect(refused(() => PAYLOAD_SCHEMAS["vault.setPassphrase"].check({ passphrase: "密钥口令保护十个字符" }, "payload"))).toBe("accepted");
    // Eleven characters: enough for the vault, not for a file that can be attacked offline; twelve are.
    expect(refused(() => PAYLOAD_SCHEMAS["vault.setPassphrase"].check({ passphrase: "eleven char" }, "payload"))).toBe("accepted");
    expect(refused(() => PAYLOAD_SCHEMAS["keys.backup"].check({ passphrase: "eleven char" }, "payload"))).toBe("passphrase.too_short payload.passphrase");
    expect(refused(() => PAYLOAD_SCHEMAS["keys.export"].check({ keyId: "k", format: "pkcs12", passphrase: "eleven char" }, "payload"))).toBe("passphrase.too_short payload.passphrase");
    expect(refused(() => PAYLOAD_SCHEMAS["keys.backup"].check({ passphrase: "密钥备份口令不要告诉别人" }, "payload"))).toBe("accepted");
    expect(refused(() => PAYLOAD_SCHEMAS["keys.export"].check({ keyId: "k", format: "pkcs12", passphrase: "twelve chars" }, "payload"))).toBe("accepted");
    expect([PASSPHRASE_MIN_LENGTH, EXPORT_PASSPHRASE_MIN]).toEqual([10, 12]);
    expect(refused(() => PAYLOAD_SCHEMAS["vault.setLockPolicy"].check({ policy: { kind: "idle" } }, "payload"))).toBe("message.payload.invalid payload.policy.minutes");
  });
});
