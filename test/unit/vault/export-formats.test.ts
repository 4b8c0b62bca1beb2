// The worker's export formats over the vault: each needs what it should, and names its file.
import { describe, expect, it } from "vitest";
import { exportBackup, exportBaseName, exportKey, EXPORT_FORMATS } from "../../../src/background/vault/export-formats";
import { isKeysmithError } from "../../../src/core/errors";
import { readPrivateKey } from "../../../src/core/export/pkcs8";
import { base64Decode } from "../../../src/core/pem";
import { freshFactory, makeCa, vaultOn } from "./helpers";

async function code(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (isKeysmithError(error)) return error.code;
    throw error;
  }
  return "no error";
}

describe("exportKey", () => {
  it("makes every format of an exportable key with a certificate", async () => {
    const ca = await makeCa();
    const vault = await vaultOn(freshFactory());
    const key = await vault.createKey({ spec: "RSA_2048", exportable: true, subject: "CN=*.example.com" });
    const { leafPem, chainPem } = await ca.issue(await vault.publicKeySpki(key.id), { cn: "*.example.com" });
    await vault.importCertificate(leafPem + chainPem);
    const expected: Record<string, [string, RegExp | "binary"]> = {
      "pkcs8-encrypted": ["wildcard.example.com.key.pem", /^-----BEGIN ENCRYPTED PRIVATE KEY-----/],
      pkcs12: ["wildcard.example.com.pfx", "binary"],
      "pkcs12-legacy": ["wildcard.example.com.legacy.pfx", "binary"],
      pkcs8: ["wildcard.example.com.key.pem", /^-----BEGIN PRIVATE KEY-----/],
      pkcs1: ["wildcard.example.com.rsa.key.pem", /^-----BEGIN RSA PRIVATE KEY-----/],
      "pem-bundle": ["wildcard.example.com.bundle.pem", /^-----BEGIN PRIVATE KEY-----[\s\S]+CERTIFICATE[\s\S]+CERTIFICATE-----\n$/],
      certificate: ["wildcard.example.com.crt.pem", /^-----BEGIN CERTIFICATE-----/],
    };
    for (const [format, [filename, shape]] of Object.entries(expected)) {
      const result = await exportKey(vault, { keyId: key.id, format: format as keyof typeof EXPORT_FORMATS, passphrase: "pw", unencrypted: true });
      expect(result.filename, format).toBe(filename);
      if (shape === "binary") {
        expect(result.binary).toBe(true);
        expect(Buffer.from(result.data, "base64")[0]).toBe(0x30);
      } else {
        expect(result.binary).toBe(false);
        expect(result.data, format).toMatch(shape);
      }
    }
    const encrypted = await exportKey(vault, { keyId: key.id, format: "pkcs8-encrypted", passphrase: "pw" });
    expect((await readPrivateKey(encrypted.data, "pw")).spec).toBe("RSA_2048");
    vault.close();
  });

  it("asks for a passphrase, the unencrypted flag, a certificate, an exportable key, as each format needs", async () => {
    const vault = await vaultOn(freshFactory());
    const exportable = await vault.createKey({ spec: "EC_P256", exportable: true, label: "x" });
    const hidden = await vault.createKey({ spec: "EC_SM2", exportable: false });
    expect(await code(exportKey(vault, { keyId: exportable.id, format: "pkcs12" }))).toBe("export.passphrase.required");
    expect(await code(exportKey(vault, { keyId: exportable.id, format: "sec1" }))).toBe("export.unencrypted.not_confirmed");
    expect(await code(exportKey(vault, { keyId: exportable.id, format: "certificate" }))).toBe("export.certificate.missing");
    expect(await code(exportKey(vault, { keyId: exportable.id, format: "pkcs7" as never }))).toBe("export.format.unknown");
    for (const format of ["pkcs8-encrypted", "pkcs8", "sec1"] as const) {
      expect(await code(exportKey(vault, { keyId: hidden.id, format, passphrase: "pw", unencrypted: true }))).toBe("export.key.not_exportable");
    }
    expect(await code(exportKey(vault, { keyId: "nope", format: "pkcs8" }))).toBe("vault.key.not_found");
    // Local date parts: 22 Nov 2026 at 00:30 local is named after the 22nd whatever the time zone.
    const backup = await exportBackup(vault, "pw", new Date(2026, 10, 22, 0, 30));
    expect(backup).toMatchObject({ filename: "keysmith-backup-2026-11-22.ksb", binary: true, mediaType: "application/octet-stream" });
    expect(JSON.parse(new TextDecoder().decode(base64Decode(backup.data))).format).toBe("keysmith-backup");
    vault.close();
  });

  it("file names stay safe", () => {
    expect(exportBaseName({ commonName: "../../etc/passwd", label: "", id: "id" })).toBe("etc_passwd");
    expect(exportBaseName({ commonName: "", label: "我的 key", id: "id" })).toBe("key");
    expect(exportBaseName({ commonName: "", label: "", id: "abc" })).toBe("abc");
  });
});
