// An extension update must never lose a key, a CSR or an order: a schema-v1 vault (re-created from
// test/fixtures/vault-v1.json in fake-indexeddb) opened by the current code keeps every record, every
// key still signs, the exportable key exports the same PKCS#8, v2's SPKI index finds the keys, and v3 marks
// every earlier key as made here (origin "local"). A v2 vault (the v1 fixture upgraded by the v2 step alone)
// goes to v3 the same way.
import { readFileSync } from "node:fs";
import { createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openVaultDatabase, VAULT_DB_VERSION } from "../../../src/background/vault/schema";
import { verifySm2, sm2PublicKeyFromSpki } from "../../../src/core/csr/sm2";
import { readPrivateKey } from "../../../src/core/export/pkcs8";
import { KEY_SPECS, type KeySpecId } from "../../../src/core/key-spec";
import { freshFactory, hex, vaultOn } from "./helpers";

interface FixtureKey extends Record<string, unknown> {
  id: string;
  spec: KeySpecId;
  created: number;
  spkiDer: string;
  _testPkcs8: string;
}
const fixture = JSON.parse(readFileSync(new URL("../../fixtures/vault-v1.json", import.meta.url), "utf8")) as {
  dbVersion: number;
  wrappingKeyRaw: string;
  keys: FixtureKey[];
  secrets: { id: string; kind: string; privateKeyPkcs8?: string; signingKeyPkcs8?: string; iv?: string; ciphertext?: string }[];
};
const bytes = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
const importParams = (spec: KeySpecId) =>
  KEY_SPECS[spec].family === "RSA" ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } : { name: "ECDSA", namedCurve: KEY_SPECS[spec].curve! };

async function loadV1(factory: IDBFactory): Promise<void> {
  const db = await openVaultDatabase(factory, "keysmith-vault", fixture.dbVersion);
  expect(db.version).toBe(1);
  const wrappingKey = await crypto.subtle.importKey("raw", bytes(fixture.wrappingKeyRaw), "AES-GCM", false, ["encrypt", "decrypt"]);
  const secrets = [];
  for (const s of fixture.secrets) {
    const spec = fixture.keys.find((k) => k.id === s.id)!.spec;
    if (s.kind === "cryptokey") {
      secrets.push({ id: s.id, kind: "cryptokey", privateKey: await crypto.subtle.importKey("pkcs8", bytes(s.privateKeyPkcs8!), importParams(spec), false, ["sign"]) });
    } else {
      const secret: Record<string, unknown> = { id: s.id, kind: "wrapped", iv: bytes(s.iv!), ciphertext: bytes(s.ciphertext!) };
      if (s.signingKeyPkcs8) secret.signingKey = await crypto.subtle.importKey("pkcs8", bytes(s.signingKeyPkcs8), importParams(spec), false, ["sign"]);
      secrets.push(secret);
    }
  }
  const tx = db.transaction(["keys", "secrets", "meta"], "readwrite");
  await tx.objectStore("meta").put({ name: "wrappingKey", key: wrappingKey });
  for (const s of secrets) await tx.objectStore("secrets").put(s);
  for (const { _testPkcs8, ...record } of fixture.keys) await tx.objectStore("keys").put({ ...record, spkiDer: bytes(record.spkiDer) });
  await tx.done;
  db.close();
}

const DATA = new TextEncoder().encode("after the upgrade");

describe("vault schema upgrade", () => {
  it("upgrades a v1 vault to the current version without losing a key, a CSR, an order or a certificate", async () => {
    expect(VAULT_DB_VERSION).toBeGreaterThan(1);
    const factory = freshFactory();
    await loadV1(factory);
    const vault = await vaultOn(factory, { now: () => new Date(Date.UTC(2026, 0, 1)) });
    const keys = await vault.list();
    expect(keys.map((k) => k.id)).toEqual(fixture.keys.map((k) => k.id));
    for (const old of fixture.keys) {
      const key = await vault.get(old.id);
      const { created, spkiDer, _testPkcs8, ...unchanged } = old;
      expect(key).toMatchObject(unchanged);
      expect(key.createdAt).toBe(new Date(created).toISOString());
      expect(key).not.toHaveProperty("created");
      expect(key.origin).toBe("local");
      expect(hex(await vault.publicKeySpki(old.id))).toBe(spkiDer);
      // v2's bySpki index answers for upgraded records
      expect((await vault.findBySpki(bytes(spkiDer)))?.id).toBe(old.id);
      const signature = await vault.sign(old.id, DATA);
      const ok = old.spec === "EC_SM2"
        ? verifySm2(DATA, signature, sm2PublicKeyFromSpki(bytes(spkiDer).buffer)!)
        : verify(KEY_SPECS[old.spec].hash.replace("-", "").toLowerCase(), DATA, createPublicKey({ key: Buffer.from(spkiDer, "hex"), format: "der", type: "spki" }), signature);
      expect(ok, old.id).toBe(true);
    }
    const rsa = fixture.keys.find((k) => k.exportable)!;
    const exported = await readPrivateKey(await vault.exportPkcs8(rsa.id, "upgrade passphrase"), "upgrade passphrase");
    expect(hex(exported.pkcs8Der)).toBe(rsa._testPkcs8);
    expect((await vault.get("v1-p256-hidden")).certificate?.pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    vault.close();
  });

  it("upgrades a v2 vault to v3: every key gets origin \"local\", nothing else changes", async () => {
    const factory = freshFactory();
    await loadV1(factory);
    const v2 = await openVaultDatabase(factory, "keysmith-vault", 2);
    expect(v2.version).toBe(2);
    const before = (await v2.getAll("keys")) as Record<string, unknown>[];
    v2.close();
    expect(before.map((r) => r.origin)).toEqual(fixture.keys.map(() => undefined));
    expect(before.every((r) => typeof r.createdAt === "string" && typeof r.spkiSha256 === "string")).toBe(true);
    const vault = await vaultOn(factory);
    const raw = await openVaultDatabase(factory);
    expect(raw.version).toBe(VAULT_DB_VERSION);
    const after = (await raw.getAll("keys")) as Record<string, unknown>[];
    raw.close();
    expect(after).toEqual(before.map((r) => ({ ...r, origin: "local" })));
    for (const old of fixture.keys) expect((await vault.sign(old.id, DATA)).length).toBeGreaterThan(0);
    vault.close();
  });

  it("opening an upgraded vault again changes nothing", async () => {
    const factory = freshFactory();
    await loadV1(factory);
    const first = await vaultOn(factory);
    const before = await first.list();
    first.close();
    const second = await vaultOn(factory);
    expect(await second.list()).toEqual(before);
    second.close();
  });
});
