// PKCS#8 in and out for every spec, PBES2 round trips and the typed errors a user can meet.
import fc from "fast-check";
import { sm2 } from "sm-crypto-v2";
import { describe, expect, it } from "vitest";
import { AsnConvert } from "@peculiar/asn1-schema";
import { EncryptedPrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { isKeysmithError } from "../../../src/core/errors";
import { KEY_SPEC_IDS } from "../../../src/core/key-spec";
import { generateKeyPair } from "../../../src/core/csr/key-pair";
import { sm2Spki } from "../../../src/core/csr/sm2";
import { pemDecodeAll, pemEncode } from "../../../src/core/pem";
import {
  decryptPkcs8, encryptPkcs8, encryptPkcs8Pem, pkcs8Pem, privateKeyToPkcs8, readPrivateKey, sm2PrivateKeyToPkcs8,
} from "../../../src/core/export/pkcs8";
import { pkcs8ToPkcs1Pem, pkcs8ToSec1Pem } from "../../../src/core/export/traditional-pem";
import { encryptBackup, decryptBackup } from "../../../src/core/export/backup";

const FAST = { iterations: 1000 };

async function errorCode(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    if (isKeysmithError(error)) return error.code;
    throw error;
  }
  return "no error";
}

const hexToBytes = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

describe("PKCS#8", () => {
  it.each(KEY_SPEC_IDS.filter((s) => s !== "RSA_4096"))("%s: plain, encrypted, PKCS#1/SEC1 all read back to the same key", async (spec) => {
    const pair = await generateKeyPair(spec, { extractable: true });
    const der = await privateKeyToPkcs8(pair);
    const spki = pair.kind === "sm2" ? sm2Spki(pair.publicKey) : new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
    const traditional = spec.startsWith("RSA") ? pkcs8ToPkcs1Pem(der) : pkcs8ToSec1Pem(der);
    for (const [input, pass] of [
      [pkcs8Pem(der), undefined],
      [der, undefined],
      [await encryptPkcs8Pem(der, "pw", FAST), "pw"],
      [await encryptPkcs8(der, "pw", FAST), "pw"],
      [traditional, undefined],
    ] as const) {
      const read = await readPrivateKey(input, pass);
      expect(read.spec).toBe(spec);
      expect(read.kind).toBe(pair.kind);
      expect(read.spkiDer).toEqual(spki);
      expect(read.pkcs8Der.length).toBeGreaterThan(0);
    }
  });

  it("SM2 PKCS#8 is id-ecPublicKey on the SM2 curve and keeps any scalar and point (property)", async () => {
    await fc.assert(
      // Scalars from 1 up to well below the SM2 group order, leading zero bytes included.
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((b) => b[0]! < 0xf0 && b.some((x) => x !== 0)), async (scalar) => {
        const privateKey = Buffer.from(scalar).toString("hex");
        const publicKey = sm2.getPublicKeyFromPrivateKey(privateKey);
        const der = sm2PrivateKeyToPkcs8(hexToBytes(privateKey.padStart(64, "0")), hexToBytes(publicKey));
        const read = await readPrivateKey(pkcs8Pem(der));
        expect(read.kind).toBe("sm2");
        if (read.kind === "sm2") {
          expect(Buffer.from(read.privateKey).toString("hex")).toBe(privateKey.padStart(64, "0"));
          expect(Buffer.from(read.publicKey).toString("hex")).toBe(publicKey);
        }
        expect(Buffer.from(der).toString("hex")).toContain("06082a811ccf5501822d"); // OID 1.2.156.10197.1.301
        expect(Buffer.from(der).toString("hex")).toContain("06072a8648ce3d0201"); // id-ecPublicKey
      }),
      { numRuns: 25, examples: [[Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 1 : 0))]] },
    );
  });

  it("PBES2 uses PBKDF2-HMAC-SHA256 with 600,000 iterations and AES-256-CBC by default, fresh salt and IV each time", async () => {
    const der = await privateKeyToPkcs8(await generateKeyPair("EC_P256", { extractable: true }));
    const a = AsnConvert.parse(await encryptPkcs8(der, "pw"), EncryptedPrivateKeyInfo);
    const b = AsnConvert.parse(await encryptPkcs8(der, "pw"), EncryptedPrivateKeyInfo);
    expect(a.encryptionAlgorithm.algorithm).toBe("1.2.840.113549.1.5.13");
    const params = Buffer.from(a.encryptionAlgorithm.parameters!).toString("hex");
    expect(params).toContain("02030927c0"); // INTEGER 600000
    expect(params).toContain("06082a864886f70d0209"); // hmacWithSHA256
    expect(params).toContain("060960864801650304012a"); // aes256-CBC
    expect(Buffer.from(a.encryptedData.buffer)).not.toEqual(Buffer.from(b.encryptedData.buffer));
  });

  it("says what went wrong, in typed errors", async () => {
    const pair = await generateKeyPair("EC_P256", { extractable: true });
    const der = await privateKeyToPkcs8(pair);
    const encrypted = await encryptPkcs8Pem(der, "right", FAST);
    expect(await errorCode(() => decryptPkcs8(encrypted, "wrong"))).toBe("export.passphrase.wrong");
    expect(await errorCode(() => readPrivateKey(encrypted))).toBe("export.passphrase.required");
    expect(await errorCode(() => encryptPkcs8Pem(der, "", FAST))).toBe("export.passphrase.empty");
    expect(await errorCode(() => readPrivateKey("just text"))).toBe("export.key.not_a_key");
    expect(await errorCode(() => readPrivateKey(pemEncode("CERTIFICATE", der)))).toBe("export.key.not_a_key");
    expect(await errorCode(() => readPrivateKey(pemEncode("PRIVATE KEY", new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]))))).toBe("export.key.invalid");
    const nonExtractable = await generateKeyPair("EC_P256", { extractable: false });
    expect(await errorCode(() => privateKeyToPkcs8(nonExtractable))).toBe("export.key.not_exportable");
    const small = (await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign"])) as CryptoKeyPair;
    const smallDer = new Uint8Array(await crypto.subtle.exportKey("pkcs8", small.privateKey));
    expect(await errorCode(() => readPrivateKey(pkcs8Pem(smallDer)))).toBe("export.key.unsupported");
    expect(() => pkcs8ToPkcs1Pem(der)).toThrowError(expect.objectContaining({ code: "export.format.wrong_key_type" }));
    // Unknown encryption scheme (legacy PBES1 OID) is refused, not misread.
    const info = AsnConvert.parse(pemDecodeAll(encrypted)[0]!.der, EncryptedPrivateKeyInfo);
    info.encryptionAlgorithm.algorithm = "1.2.840.113549.1.5.3";
    const pbes1 = pemEncode("ENCRYPTED PRIVATE KEY", new Uint8Array(AsnConvert.serialize(info)));
    expect(await errorCode(() => decryptPkcs8(pbes1, "right"))).toBe("export.encryption.unsupported");
  });
});

describe("backup file", () => {
  it("round-trips, refuses a wrong passphrase, an edited file and a newer format", async () => {
    const file = await encryptBackup({ keys: [{ a: 1 }] }, "pw", FAST);
    expect(await decryptBackup(file, "pw")).toEqual({ keys: [{ a: 1 }] });
    expect(await errorCode(() => decryptBackup(file, "nope"))).toBe("export.passphrase.wrong");
    const envelope = JSON.parse(new TextDecoder().decode(file));
    const edited = { ...envelope, data: envelope.data.replace(/^./, (c: string) => (c === "A" ? "B" : "A")) };
    expect(await errorCode(() => decryptBackup(new TextEncoder().encode(JSON.stringify(edited)), "pw"))).toBe("export.passphrase.wrong");
    expect(await errorCode(() => decryptBackup(new TextEncoder().encode(JSON.stringify({ ...envelope, version: 99 })), "pw"))).toBe("vault.backup.version");
    expect(await errorCode(() => decryptBackup(new Uint8Array([1, 2, 3]), "pw"))).toBe("vault.backup.invalid");
    expect(new TextDecoder().decode(file)).not.toContain('"a"');
  });
});
