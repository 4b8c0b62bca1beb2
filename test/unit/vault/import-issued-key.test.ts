// A key the cloud made (cas CreateCertificateRequest returns it with the certificate) imported into the
// vault: stored as an exportable key is (PKCS#8 under the wrapping key, a non-extractable signing key for
// RSA/EC, none for SM2; never an extractable CryptoKey), marked origin "cloud", paired with its certificate
// and order, and exported like any exportable key. The keys are the emulator's server-made keys.
import { createPrivateKey, createPublicKey, verify } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { generateServerKey, type ServerKey } from "../../../emulator/keys";
import { verifySm2, sm2PublicKeyFromSpki } from "../../../src/core/csr/sm2";
import { readPrivateKey } from "../../../src/core/export/pkcs8";
import { pkcs8ToPkcs1Pem, pkcs8ToSec1Pem } from "../../../src/core/export/traditional-pem";
import { derFromPemOrDer } from "../../../src/core/pem";
import { dumpDatabase, freshFactory, hex, makeCa, vaultOn, type TestCa, code } from "./helpers";

const DATA = new TextEncoder().encode("signed by a key the cloud made");

function pkcs8Der(key: ServerKey): Uint8Array {
  return derFromPemOrDer(key.privateKeyPem, ["PRIVATE KEY"], "key")[0]!;
}

let ca: TestCa;
let rsa: ServerKey;
let p256: ServerKey;
let sm2: ServerKey;
beforeAll(async () => {
  ca = await makeCa();
  [rsa, p256, sm2] = await Promise.all([generateServerKey("RSA_2048"), generateServerKey("EC_P256"), generateServerKey("EC_SM2")]);
});

async function bundleFor(key: ServerKey, cn = "cloud.example.com"): Promise<string> {
  const { leafPem, chainPem } = await ca.issue(key.spkiDer, { cn, dns: [cn, `www.${cn}`] });
  return leafPem + chainPem;
}

describe("vault.importIssuedKey", () => {
  it("stores an RSA key from the cloud as an exportable key with its certificate and order, encrypted at rest", async () => {
    const factory = freshFactory();
    const vault = await vaultOn(factory, { now: () => new Date(Date.UTC(2026, 0, 15)) });
    const certificate = await bundleFor(rsa);
    const key = await vault.importIssuedKey({ privateKey: rsa.privateKeyPem, certificate, origin: "cloud", orderId: "order-1" });
    expect(key).toMatchObject({
      spec: "RSA_2048", exportable: true, origin: "cloud", state: "issued", commonName: "cloud.example.com",
      label: "cloud.example.com", sans: ["cloud.example.com", "www.cloud.example.com"], orderIds: ["order-1"],
    });
    expect(key.certificate?.pem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(key.notAfter).toBe(key.certificate?.notAfter);
    expect(hex(await vault.publicKeySpki(key.id))).toBe(hex(rsa.spkiDer));

    // It signs (with the non-extractable signing key) and exports the very PKCS#8 the cloud returned.
    const signature = await vault.sign(key.id, DATA);
    expect(verify("sha256", DATA, createPublicKey({ key: Buffer.from(rsa.spkiDer), format: "der", type: "spki" }), signature)).toBe(true);
    const exported = await readPrivateKey(await vault.exportPkcs8(key.id, "a passphrase"), "a passphrase");
    expect(hex(exported.pkcs8Der)).toBe(hex(pkcs8Der(rsa)));
    expect((await vault.exportPkcs12(key.id, "a passphrase")).length).toBeGreaterThan(1000);
    expect(await vault.exportPem(key.id, "bundle", { unencrypted: true })).toBe(rsa.privateKeyPem + key.certificate!.pem);

    // At rest: no plain PKCS#8 or private exponent, the secret is wrapped and the signing key non-extractable.
    const dump = await dumpDatabase(factory);
    expect(dump).not.toContain(hex(pkcs8Der(rsa)));
    const jwk = createPrivateKey(rsa.privateKeyPem).export({ format: "jwk" });
    for (const part of [jwk.d!, jwk.p!, jwk.q!]) expect(dump).not.toContain(Buffer.from(part, "base64url").toString("hex"));
    expect(dump).toMatch(/"kind":"wrapped"/);
    expect(dump).toMatch(/"signingKey":\{"cryptoKey":"private","extractable":false/);
    expect(dump).not.toMatch(/"extractable":true/);
    vault.close();
  });

  it("reads PKCS#1 and SEC1 keys too", async () => {
    const vault = await vaultOn(freshFactory());
    const fromPkcs1 = await vault.importIssuedKey({ privateKey: pkcs8ToPkcs1Pem(pkcs8Der(rsa)), certificate: await bundleFor(rsa), origin: "cloud" });
    expect(fromPkcs1).toMatchObject({ spec: "RSA_2048", origin: "cloud" });
    const fromSec1 = await vault.importIssuedKey({ privateKey: pkcs8ToSec1Pem(pkcs8Der(p256)), certificate: await bundleFor(p256, "ec.example.com"), origin: "cloud" });
    expect(fromSec1).toMatchObject({ spec: "EC_P256", origin: "cloud", commonName: "ec.example.com" });
    const exported = await readPrivateKey(await vault.exportPem(fromSec1.id, "pkcs8", { unencrypted: true }));
    expect(hex(exported.spkiDer)).toBe(hex(p256.spkiDer));
    vault.close();
  });

  it("stores an SM2 key the way the vault keeps SM2 keys: wrapped, no CryptoKey, decrypted only to sign or export", async () => {
    const factory = freshFactory();
    const vault = await vaultOn(factory);
    const key = await vault.importIssuedKey({ privateKey: sm2.privateKeyPem, certificate: await bundleFor(sm2, "sm2.example.com"), origin: "cloud" });
    expect(key).toMatchObject({ spec: "EC_SM2", exportable: true, origin: "cloud", state: "issued" });
    const signature = await vault.sign(key.id, DATA);
    expect(verifySm2(DATA, signature, sm2PublicKeyFromSpki(sm2.spkiDer.slice().buffer)!)).toBe(true);
    const sec1 = await vault.exportPem(key.id, "sec1", { unencrypted: true });
    expect(hex((await readPrivateKey(sec1)).spkiDer)).toBe(hex(sm2.spkiDer));
    const dump = await dumpDatabase(factory);
    const described = await readPrivateKey(sm2.privateKeyPem);
    if (described.kind !== "sm2") throw new Error("not read as SM2");
    expect(dump).not.toContain(hex(described.privateKey));
    expect(dump).not.toContain(hex(pkcs8Der(sm2)));
    const secrets = dump.split("\n").find((line) => line.startsWith("secrets: "))!;
    expect(secrets).toMatch(/"kind":"wrapped"/);
    expect(secrets).not.toContain("cryptoKey"); // WebCrypto has no SM2: no CryptoKey beside the ciphertext
    vault.close();
  });

  it("refuses a certificate for another key and a key that is not one, storing nothing", async () => {
    const vault = await vaultOn(freshFactory());
    expect(await code(vault.importIssuedKey({ privateKey: rsa.privateKeyPem, certificate: await bundleFor(p256), origin: "cloud" }))).toBe("cert.key_mismatch");
    expect(await code(vault.importIssuedKey({ privateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", certificate: await bundleFor(rsa), origin: "cloud" })))
      .toBe("export.key.invalid");
    expect(await code(vault.importIssuedKey({ privateKey: "not a key", certificate: await bundleFor(rsa), origin: "cloud" }))).toBe("export.key.not_a_key");
    expect(await code(vault.importIssuedKey({ privateKey: rsa.privateKeyPem, certificate: "no certificate", origin: "cloud" }))).toBe("cert.not_a_certificate");
    expect(await vault.list()).toEqual([]);
    vault.close();
  });

  it("importing the same key again keeps one key and links the new order", async () => {
    const vault = await vaultOn(freshFactory());
    const certificate = await bundleFor(p256);
    const first = await vault.importIssuedKey({ privateKey: p256.privateKeyPem, certificate, origin: "cloud", orderId: "o1" });
    const again = await vault.importIssuedKey({ privateKey: p256.privateKeyPem, certificate, origin: "cloud", orderId: "o2" });
    expect(again.id).toBe(first.id);
    expect(again.orderIds).toEqual(["o1", "o2"]);
    expect(again.state).toBe("issued");
    expect(await vault.list()).toHaveLength(1);
    vault.close();
  });

  it("a backup carries the origin and a restore keeps it; keys made here are local", async () => {
    const vault = await vaultOn(freshFactory());
    await vault.importIssuedKey({ privateKey: p256.privateKeyPem, certificate: await bundleFor(p256), origin: "cloud" });
    const local = await vault.createKey({ spec: "EC_P256", exportable: true });
    expect(local.origin).toBe("local");
    const file = await vault.backup("backup passphrase");
    vault.close();
    const other = await vaultOn(freshFactory());
    const restored = await other.restore(file, "backup passphrase");
    expect(restored.map((k) => k.origin).sort()).toEqual(["cloud", "local"]);
    other.close();
  });
});
