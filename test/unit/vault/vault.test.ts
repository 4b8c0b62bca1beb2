// The vault over fake-indexeddb: keys of every spec survive a reopen and still sign, exports follow the
// exportable flag, certificates pair by public key, deletes are confirmed, backups round-trip, and the
// stored data holds no private key bytes.
import { createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { KEY_SPEC_IDS, KEY_SPECS, type KeySpecId } from "../../../src/core/key-spec";
import { verifySm2, sm2PublicKeyFromSpki } from "../../../src/core/csr/sm2";
import { readPrivateKey, decryptPkcs8 } from "../../../src/core/export/pkcs8";
import { parseCertificates } from "../../../src/core/cert/certificate";
import { isKeysmithError } from "../../../src/core/errors";
import { dumpDatabase, freshFactory, hex, makeCa, vaultOn, code } from "./helpers";

const DATA = new TextEncoder().encode("to be signed by the vault");

function verifies(spec: KeySpecId, spkiDer: Uint8Array, signature: Uint8Array): boolean {
  if (spec === "EC_SM2") return verifySm2(DATA, signature, sm2PublicKeyFromSpki(spkiDer.slice().buffer)!);
  const key = createPublicKey({ key: Buffer.from(spkiDer), format: "der", type: "spki" });
  return verify(KEY_SPECS[spec].hash.replace("-", "").toLowerCase(), DATA, key, signature);
}

describe("vault keys", () => {
  it("makes a key of every spec, non-exportable and exportable, that signs again after the vault is reopened", async () => {
    const factory = freshFactory();
    let vault = await vaultOn(factory);
    const made: { id: string; spec: KeySpecId }[] = [];
    for (const spec of KEY_SPEC_IDS) {
      for (const exportable of [false, true]) {
        if (spec === "RSA_4096" && exportable) continue; // one 4096-bit key is enough time spent
        const key = await vault.createKey({ spec, exportable, label: `${spec} ${exportable}` });
        expect(key).toMatchObject({ spec, exportable, state: "csr", orderIds: [] });
        made.push({ id: key.id, spec });
      }
    }
    vault.close();
    vault = await vaultOn(factory);
    expect((await vault.list()).map((k) => k.id).sort()).toEqual(made.map((m) => m.id).sort());
    for (const { id, spec } of made) {
      const signature = await vault.sign(id, DATA);
      expect(verifies(spec, await vault.publicKeySpki(id), signature), spec).toBe(true);
    }
    vault.close();
  });

  it("returns plain data only: no CryptoKey or key bytes in list() or get()", async () => {
    const vault = await vaultOn(freshFactory());
    const key = await vault.createKey({ spec: "EC_P256", exportable: true, subject: "CN=example.com", sans: ["www.example.com"] });
    const listed = await vault.list();
    expect(structuredClone(listed)).toEqual(listed);
    expect(JSON.parse(JSON.stringify(listed))).toEqual(listed);
    expect(key.label).toBe("example.com");
    expect(key.commonName).toBe("example.com");
    expect(key.sans).toEqual(["example.com", "www.example.com"]);
    expect(key.csrPem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    expect((await vault.findByCsr(key.csrPem!))?.id).toBe(key.id);
    const other = await vault.createKey({ spec: "EC_SM2", exportable: false, subject: "CN=sm2.example.com" });
    expect((await vault.findByCsr(other.csrPem!))?.id).toBe(other.id);
    await vault.delete(other.id, { confirm: true });
    expect(await vault.findByCsr(other.csrPem!)).toBeUndefined();
    vault.close();
  });

  it("stores no private key bytes in the clear: not for SM2, not for exportable RSA/EC keys", async () => {
    const factory = freshFactory();
    const vault = await vaultOn(factory);
    const secrets: string[] = [];
    for (const spec of ["EC_SM2", "EC_P256", "RSA_2048"] as const) {
      const key = await vault.createKey({ spec, exportable: true });
      const pem = await vault.exportPem(key.id, "pkcs8", { unencrypted: true });
      const read = await readPrivateKey(pem, undefined, { extractable: true });
      secrets.push(hex(read.pkcs8Der));
      if (read.kind === "sm2") secrets.push(hex(read.privateKey));
      else secrets.push(hex(Buffer.from((await crypto.subtle.exportKey("jwk", read.privateKey)).d!, "base64url")));
    }
    const sm2Hidden = await vault.createKey({ spec: "EC_SM2", exportable: false });
    await vault.sign(sm2Hidden.id, DATA);
    const dump = await dumpDatabase(factory);
    expect(dump.length).toBeGreaterThan(1000);
    for (const secret of secrets) {
      expect(dump).not.toContain(secret);
    }
    // Non-exportable WebCrypto keys are stored as non-extractable CryptoKeys.
    const p256 = await vault.createKey({ spec: "EC_P256", exportable: false });
    const after = await dumpDatabase(factory);
    expect(after).toContain('"cryptoKey":"private","extractable":false');
    expect(after).not.toMatch(/"cryptoKey":"private","extractable":true/);
    expect(p256.exportable).toBe(false);
    vault.close();
  });
});

describe("vault exports", () => {
  it("refuses every export of a non-exportable key with a typed error", async () => {
    const vault = await vaultOn(freshFactory());
    const key = await vault.createKey({ spec: "EC_P256", exportable: false });
    expect(await code(vault.exportPkcs8(key.id, "passphrase"))).toBe("export.key.not_exportable");
    expect(await code(vault.exportPem(key.id, "sec1", { unencrypted: true }))).toBe("export.key.not_exportable");
    expect(await code(vault.backup("passphrase"))).toBe("no error");
    vault.close();
  });

  it("exports an exportable key as encrypted PKCS#8 that decrypts to the same public key", async () => {
    const vault = await vaultOn(freshFactory());
    for (const spec of ["RSA_2048", "EC_P384", "EC_SM2"] as const) {
      const key = await vault.createKey({ spec, exportable: true });
      const pem = await vault.exportPkcs8(key.id, "correct horse");
      expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
      expect(await code(decryptPkcs8(pem, "wrong horse"))).toBe("export.passphrase.wrong");
      const read = await readPrivateKey(pem, "correct horse");
      expect(read.spec).toBe(spec);
      expect(hex(read.spkiDer)).toBe(hex(await vault.publicKeySpki(key.id)));
    }
    vault.close();
  });

  it("plain exports need { unencrypted: true } and fit the key type", async () => {
    const vault = await vaultOn(freshFactory());
    const rsa = await vault.createKey({ spec: "RSA_2048", exportable: true });
    const ec = await vault.createKey({ spec: "EC_P256", exportable: true });
    expect(await code(vault.exportPem(rsa.id, "pkcs1", {} as { unencrypted: true }))).toBe("export.unencrypted.not_confirmed");
    expect(await vault.exportPem(rsa.id, "pkcs1", { unencrypted: true })).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(await vault.exportPem(ec.id, "sec1", { unencrypted: true })).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(await code(vault.exportPem(ec.id, "pkcs1", { unencrypted: true }))).toBe("export.format.wrong_key_type");
    expect(await code(vault.exportPem(rsa.id, "sec1", { unencrypted: true }))).toBe("export.format.wrong_key_type");
    expect(await code(vault.exportPem(ec.id, "bundle", { unencrypted: true }))).toBe("export.pkcs12.no_certificate");
    expect(await code(vault.exportPkcs12(ec.id, "pass"))).toBe("export.pkcs12.no_certificate");
    vault.close();
  });
});

describe("vault certificates", () => {
  it("pairs a leaf + chain by public key, whatever its name, and exports key + leaf + chain", async () => {
    const ca = await makeCa();
    const vault = await vaultOn(freshFactory(), { now: () => new Date(Date.UTC(2026, 0, 1)) });
    const other = await vault.createKey({ spec: "EC_P256", exportable: true, subject: "CN=example.com" });
    const key = await vault.createKey({ spec: "EC_P256", exportable: true, subject: "CN=example.com" });
    const { leafPem, chainPem } = await ca.issue(await vault.publicKeySpki(key.id), { cn: "example.com", dns: ["example.com"] });
    const paired = await vault.importCertificate(leafPem + chainPem);
    expect(paired.id).toBe(key.id);
    expect(paired.state).toBe("issued");
    expect(paired.notAfter).toBe("2030-01-01T00:00:00.000Z");
    expect(paired.certificate).toMatchObject({ subject: "CN=example.com", issuer: "CN=Keysmith Test Root", sans: ["example.com"] });
    expect((await vault.get(other.id)).certificate).toBeUndefined();
    const bundle = await vault.exportPem(key.id, "bundle", { unencrypted: true });
    expect(bundle.match(/-----BEGIN [A-Z ]+-----/g)).toEqual(["-----BEGIN PRIVATE KEY-----", "-----BEGIN CERTIFICATE-----", "-----BEGIN CERTIFICATE-----"]);
    expect(bundle).not.toMatch(/\n\s*\n/);
    expect(parseCertificates(bundle).leaf.spkiDer).toEqual(await vault.publicKeySpki(key.id));
    vault.close();
  });

  it("reports an issued key as expired once its certificate's notAfter has passed", async () => {
    const ca = await makeCa();
    let now = new Date(Date.UTC(2026, 0, 1));
    const vault = await vaultOn(freshFactory(), { now: () => now });
    const key = await vault.createKey({ spec: "EC_P256", exportable: false });
    const { leafPem } = await ca.issue(await vault.publicKeySpki(key.id), { notAfter: new Date(Date.UTC(2026, 5, 1)) });
    expect((await vault.importCertificate(leafPem)).state).toBe("issued");
    now = new Date(Date.UTC(2026, 6, 1));
    expect((await vault.get(key.id)).state).toBe("expired");
    vault.close();
  });

  it("refuses a certificate that matches no key, or is not a certificate, and stores nothing", async () => {
    const ca = await makeCa();
    const factory = freshFactory();
    const vault = await vaultOn(factory);
    const key = await vault.createKey({ spec: "EC_P256", exportable: false });
    const stranger = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign"])) as CryptoKeyPair;
    const { leafPem } = await ca.issue(new Uint8Array(await crypto.subtle.exportKey("spki", stranger.publicKey)));
    const before = await dumpDatabase(factory);
    expect(await code(vault.importCertificate(leafPem))).toBe("cert.no_matching_key");
    expect(await code(vault.importCertificate("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))).toBe("cert.not_a_certificate");
    expect(await code(vault.importCertificate("hello"))).toBe("cert.not_a_certificate");
    expect(await code(vault.importCertificate(key.csrPem ?? "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n"))).toBe("cert.not_a_certificate");
    expect(await dumpDatabase(factory)).toBe(before);
    vault.close();
  });
});

describe("vault orders and deletion", () => {
  it("links orders, and deleting needs confirmation, and force when orders are open", async () => {
    const vault = await vaultOn(freshFactory());
    const key = await vault.createKey({ spec: "EC_P256", exportable: false });
    const linked = await vault.linkOrder(key.id, "order-1");
    expect(linked).toMatchObject({ state: "ordered", orderIds: ["order-1"] });
    expect((await vault.linkOrder(key.id, "order-1")).orderIds).toEqual(["order-1"]);
    expect(await code(vault.delete(key.id, { confirm: false }))).toBe("vault.delete.unconfirmed");
    try {
      await vault.delete(key.id, { confirm: true });
      expect.unreachable();
    } catch (error) {
      expect(isKeysmithError(error) && error.code).toBe("vault.delete.open_orders");
      expect(isKeysmithError(error) && error.message).toContain("order-1");
    }
    expect((await vault.list()).length).toBe(1);
    await vault.delete(key.id, { confirm: true, force: true });
    expect(await vault.list()).toEqual([]);
    expect(await code(vault.get(key.id))).toBe("vault.key.not_found");
    expect(await code(vault.setState(key.id, "issued"))).toBe("vault.key.not_found");
    vault.close();
  });

  it("asks the worker which orders are open when told how", async () => {
    const vault = await vaultOn(freshFactory(), { openOrders: (k) => k.orderIds.filter((id) => id !== "done") });
    const key = await vault.createKey({ spec: "EC_P256", exportable: false });
    await vault.linkOrder(key.id, "done");
    await vault.delete(key.id, { confirm: true });
    expect(await vault.list()).toEqual([]);
    vault.close();
  });

  it("validates states, specs and labels", async () => {
    const vault = await vaultOn(freshFactory());
    const key = await vault.createKey({ spec: "EC_P256", exportable: false });
    expect(await code(vault.setState(key.id, "lost" as never))).toBe("vault.state.invalid");
    expect(await code(vault.createKey({ spec: "RSA_1024" as never, exportable: false }))).toBe("vault.spec.unknown");
    expect(await code(vault.createKey({ spec: "EC_P256", exportable: false, label: "x".repeat(201) }))).toBe("vault.label.too_long");
    vault.close();
  });

  it("asks for persistent storage when the platform offers it", async () => {
    let asked = 0;
    const vault = await vaultOn(freshFactory(), { storage: { persist: async () => (asked++, true) } });
    expect(await vault.persist()).toBe(true);
    expect(asked).toBe(1);
    vault.close();
    const bare = await vaultOn(freshFactory(), { storage: {} });
    expect(await bare.persist()).toBe(false);
    bare.close();
  });
});

describe("vault backup", () => {
  it("backs up exportable keys with their certificates and restores them into another vault", async () => {
    const ca = await makeCa();
    const source = await vaultOn(freshFactory());
    const ec = await source.createKey({ spec: "EC_P256", exportable: true, subject: "CN=a.example.com" });
    const sm2 = await source.createKey({ spec: "EC_SM2", exportable: true, label: "sm2" });
    const hidden = await source.createKey({ spec: "EC_P256", exportable: false });
    const { leafPem, chainPem } = await ca.issue(await source.publicKeySpki(ec.id), { cn: "a.example.com" });
    await source.importCertificate(leafPem + chainPem);
    await source.linkOrder(sm2.id, "order-9");
    const file = await source.backup("backup passphrase");
    const text = new TextDecoder().decode(file);
    expect(JSON.parse(text)).toMatchObject({ format: "keysmith-backup", version: 1, kdf: { name: "PBKDF2", hash: "SHA-256" } });
    const target = await vaultOn(freshFactory());
    expect(await code(target.restore(file, "wrong"))).toBe("export.passphrase.wrong");
    expect(await code(target.restore(new TextEncoder().encode("{}"), "x"))).toBe("vault.backup.invalid");
    const restored = await target.restore(file, "backup passphrase");
    // A restore gives new ids and dates and no order links (restore-check.ts); the public facts are the same.
    const restoredId = async (id: string) => {
      const spki = await source.publicKeySpki(id);
      return (await target.findBySpki(spki))!.id;
    };
    const ecBack = await restoredId(ec.id);
    const sm2Back = await restoredId(sm2.id);
    expect(restored.map((k) => k.id).sort()).toEqual([ecBack, sm2Back].sort());
    expect(await target.findBySpki(await source.publicKeySpki(hidden.id))).toBeUndefined();
    const { id: _i, createdAt: _c, ...back } = await target.get(ecBack);
    const { id: _j, createdAt: _d, ...original } = await source.get(ec.id);
    expect(back).toEqual(original);
    expect((await target.get(sm2Back)).orderIds).toEqual([]);
    for (const [id, backId] of [[ec.id, ecBack], [sm2.id, sm2Back]] as const) {
      const spec = (await target.get(backId)).spec;
      expect(verifies(spec, await source.publicKeySpki(id), await target.sign(backId, DATA))).toBe(true);
    }
    expect(await target.restore(file, "backup passphrase")).toEqual([]); // already there
    source.close();
    target.close();
  });
});
