// Renewal: a new CSR for a key that already has a certificate. The key's state follows the new CSR, the old
// certificate stays usable until a newer one is paired, and looking at the old order again (the same or an
// older certificate) changes nothing. Through the worker's KeyService too: usages asked for are in the CSR,
// the same public key signs it, and the backup file is named after the local date.
import { describe, expect, it } from "vitest";
import { inspectCsr } from "../../../src/core/csr";
import { createVaultKeys } from "../../../src/background/vault-keys";
import { coreCsrService } from "../../../src/background/csr-inspect";
import { freshFactory, hex, makeCa, vaultOn } from "./helpers";

const SUBJECT = { subject: "CN=renew.example.com,O=Example,C=CN", sans: ["renew.example.com", "api.renew.example.com"] };

describe("renewing a key's certificate", () => {
  it("keeps the old certificate until the new one is paired; the state follows the new CSR", async () => {
    const vault = await vaultOn(freshFactory());
    const ca = await makeCa();
    const key = await vault.createKey({ spec: "EC_P256", exportable: true, ...SUBJECT });
    const spki = await vault.publicKeySpki(key.id);
    const first = await ca.issue(spki, { cn: "renew.example.com", notBefore: new Date(Date.UTC(2026, 0, 1)), notAfter: new Date(Date.UTC(2036, 3, 1)) });
    await vault.linkOrder(key.id, "order-1");
    const issued = await vault.importCertificate(first.leafPem + first.chainPem);
    expect(issued.state).toBe("issued");
    const oldCsr = issued.csrPem!;

    // The renewal CSR: same key, same names, a client usage added.
    const renewed = await vault.createCsr(key.id, { ...SUBJECT, keyUsage: true, extKeyUsage: ["serverAuth", "clientAuth"] });
    expect(renewed.key.state).toBe("csr");
    expect(renewed.key.csrPem).toBe(renewed.csrPem);
    expect(renewed.csrPem).not.toBe(oldCsr);
    expect(renewed.key.certificate?.fingerprintSha256).toBe(issued.certificate!.fingerprintSha256);
    expect(renewed.key.notAfter).toBe(issued.notAfter);
    expect(renewed.key.label).toBe(issued.label);
    expect(renewed.key.sans).toEqual(issued.sans);
    const info = await inspectCsr(renewed.csrPem);
    expect(hex(info.spkiDer)).toBe(hex(spki));
    expect(info.extensions.extKeyUsage).toEqual(["serverAuth", "clientAuth"]);
    expect(info.extensions.keyUsage).toEqual(["digitalSignature"]);

    // Ordered: the old certificate is still there (and exportable as a PFX).
    const ordered = await vault.linkOrder(key.id, "order-2");
    expect(ordered.orderIds).toEqual(["order-1", "order-2"]);
    expect(ordered.certificate?.fingerprintSha256).toBe(issued.certificate!.fingerprintSha256);
    expect((await vault.exportPkcs12(key.id, "pfx pass")).length).toBeGreaterThan(0);

    // The old order looked at again: the same certificate neither marks the renewal issued nor changes it.
    expect(await vault.importCertificate(first.leafPem + first.chainPem)).toMatchObject({ state: "ordered", certificate: { fingerprintSha256: issued.certificate!.fingerprintSha256 } });

    // The new certificate replaces the old one.
    const second = await ca.issue(spki, { cn: "renew.example.com", notBefore: new Date(Date.UTC(2026, 5, 1)), notAfter: new Date(Date.UTC(2036, 9, 1)) });
    const after = await vault.importCertificate(second.leafPem + second.chainPem);
    expect(after.state).toBe("issued");
    expect(after.certificate?.fingerprintSha256).not.toBe(issued.certificate!.fingerprintSha256);
    expect(after.notAfter).toBe(new Date(Date.UTC(2036, 9, 1)).toISOString());

    // An older certificate arriving late does not put itself back.
    const stillNew = await vault.importCertificate(first.leafPem);
    expect(stillNew.certificate?.fingerprintSha256).toBe(after.certificate!.fingerprintSha256);
    expect(stillNew.notAfter).toBe(after.notAfter);
    vault.close();
  });

  it("takes a fuller chain for the same certificate without changing the state", async () => {
    const vault = await vaultOn(freshFactory());
    const ca = await makeCa();
    const key = await vault.createKey({ spec: "EC_P256", exportable: false, ...SUBJECT });
    const cert = await ca.issue(await vault.publicKeySpki(key.id));
    expect((await vault.importCertificate(cert.leafPem)).certificate?.pem).not.toContain(cert.chainPem.trim());
    await vault.createCsr(key.id, SUBJECT);
    const fuller = await vault.importCertificate(cert.leafPem + cert.chainPem);
    expect(fuller.state).toBe("csr");
    expect(fuller.certificate?.pem).toContain(cert.chainPem.trim().split("\n")[1]);
    vault.close();
  });
});

describe("the worker's KeyService (vault-keys.ts)", () => {
  const service = async (now?: () => Date) => {
    const vault = await vaultOn(freshFactory());
    return createVaultKeys({ openOrderIds: async () => new Set(), csr: coreCsrService, openVault: async () => vault, now });
  };
  const request = { spec: "RSA_2048" as const, subject: { CN: "usage.example.com", O: "Example", C: "CN" }, sans: ["usage.example.com"], exportable: false };

  it("requests the TLS-server usages when none are asked for, the ones asked for, or none", async () => {
    const keys = await service();
    const plain = await keys.createCsr(request, "en");
    expect(plain.inspection).toMatchObject({ keyUsage: ["digitalSignature", "keyEncipherment"], extKeyUsage: ["serverAuth"] });
    expect(plain.inspection.subjectFields).toEqual({ CN: "usage.example.com", O: "Example", C: "CN" });
    const both = await keys.createCsr({ ...request, keyUsage: ["digitalSignature"], extKeyUsage: ["serverAuth", "clientAuth"] }, "en");
    expect(both.inspection).toMatchObject({ keyUsage: ["digitalSignature"], extKeyUsage: ["serverAuth", "clientAuth"] });
    const none = await keys.createCsr({ ...request, keyUsage: [], extKeyUsage: [] }, "en");
    expect(none.inspection.keyUsage).toBeUndefined();
    expect(none.inspection.extKeyUsage).toBeUndefined();
  });

  it("renews with keyId: the same key signs the new CSR and the key keeps its label and certificate", async () => {
    const keys = await service();
    const first = await keys.createCsr({ ...request, spec: "EC_P256" }, "en");
    const again = await keys.createCsr({ ...request, spec: "EC_P256", keyId: first.key.id, extKeyUsage: ["serverAuth", "clientAuth"] }, "en");
    expect(again.key.id).toBe(first.key.id);
    expect(again.key.label).toBe(first.key.label);
    expect(hex((await inspectCsr(again.csrPem)).spkiDer)).toBe(hex((await inspectCsr(first.csrPem)).spkiDer));
    expect(again.inspection.extKeyUsage).toEqual(["serverAuth", "clientAuth"]);
    expect((await keys.list()).length).toBe(1);
  });

  it("names the backup keysmith-backup-YYYY-MM-DD.ksb after the local date of the export", async () => {
    const keys = await service(() => new Date(2027, 0, 5, 23, 59));
    await keys.create({ spec: "EC_P256", exportable: true });
    expect(await keys.backup("a long enough passphrase")).toMatchObject({ filename: "keysmith-backup-2027-01-05.ksb", binary: true });
  });
});
