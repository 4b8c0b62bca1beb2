// Restore from crafted backup files (src/background/vault/restore-check.ts through vault.restore): each file
// is a real backup decrypted, edited as an attacker or a damaged copy would, and encrypted again with the
// core's encryptBackup. After every file the vault must list, export and delete as before.
import { describe, expect, it } from "vitest";
import { decryptBackup, encryptBackup } from "../../../src/core/export/backup";
import { refusal } from "../../support/refusal";
import { MAX_BACKUP_BYTES, MAX_BACKUP_ENTRIES } from "../../../src/background/vault/restore-check";
import type { Vault } from "../../../src/background/vault";
import { FAST, freshFactory, makeCa, vaultOn } from "./helpers";

const PASS = "backup passphrase";
type Entry = Record<string, unknown>;

/** A source vault with two exportable keys (one with a certificate) and its backup's decrypted entries. */
async function source() {
  const ca = await makeCa("CN=Real Issuer");
  const vault = await vaultOn(freshFactory());
  const a = await vault.createKey({ spec: "EC_P256", exportable: true, label: "alpha", subject: "CN=a.example.com", sans: ["a.example.com", "www.a.example.com"] });
  const b = await vault.createKey({ spec: "EC_P256", exportable: true, label: "beta", subject: "CN=b.example.com" });
  const issued = await ca.issue(await vault.publicKeySpki(a.id), { cn: "a.example.com", dns: ["a.example.com", "www.a.example.com"], notAfter: new Date(Date.UTC(2030, 0, 1)) });
  await vault.importCertificate(issued.leafPem + issued.chainPem);
  const payload = (await decryptBackup(await vault.backup(PASS), PASS)) as { keys: Entry[] };
  // In the file's order, alpha first (the vault lists by id, which is random).
  const entries = [...payload.keys].sort((x, y) => String(x.label).localeCompare(String(y.label)));
  return { vault, a: await vault.get(a.id), b: await vault.get(b.id), entries, ca };
}

const file = (keys: unknown[]) => encryptBackup({ keys }, PASS, FAST);

/** The vault still lists, exports and deletes every key it holds. */
async function stillUsable(vault: Vault): Promise<number> {
  const keys = await vault.list();
  for (const key of keys) {
    expect(Array.isArray(key.sans)).toBe(true);
    if (key.certificate) expect(Array.isArray(key.certificate.sans)).toBe(true);
    expect(await vault.exportPkcs8(key.id, "export passphrase")).toContain("ENCRYPTED PRIVATE KEY");
  }
  for (const key of keys) await vault.delete(key.id, { confirm: true, force: true });
  expect(await vault.list()).toEqual([]);
  return keys.length;
}

describe("restore checks every entry", () => {
  it("a faithful backup comes back with the same public facts, new ids and dates, no order links", async () => {
    const { vault, a, b, entries } = await source();
    const target = await vaultOn(freshFactory(), { now: () => new Date("2026-05-01T00:00:00Z") });
    const restored = await target.restore(await file(entries), PASS);
    expect(restored).toHaveLength(2);
    const back = restored.find((k) => k.label === "alpha")!;
    expect(back.id).not.toBe(a.id);
    expect(back.createdAt).toBe("2026-05-01T00:00:00.000Z");
    expect({ ...back, id: a.id, createdAt: a.createdAt }).toEqual(a);
    expect(restored.find((k) => k.label === "beta")!.subject).toBe(b.subject);
    expect(await stillUsable(target)).toBe(2);
    vault.close();
    target.close();
  });

  it("a non-list `sans` (entry and certificate) is ignored: SANs come from the CSR and certificate", async () => {
    const { vault, a, entries } = await source();
    const forged = entries.map((e) => ({ ...e, sans: "evil.example", certificate: e.certificate ? { ...(e.certificate as Entry), sans: { length: 1 } } : undefined }));
    const target = await vaultOn(freshFactory());
    const restored = await target.restore(await file(forged), PASS);
    const back = restored.find((k) => k.label === "alpha")!;
    expect(back.sans).toEqual(a.sans);
    expect(back.certificate!.sans).toEqual(a.certificate!.sans);
    expect(await stillUsable(target)).toBe(2);
    vault.close();
    target.close();
  });

  it("an entry without `id` (or with another key's id) gets a new id", async () => {
    const { vault, a, entries } = await source();
    const target = await vaultOn(freshFactory());
    const first = await target.createKey({ spec: "EC_P256", exportable: true, label: "already here" });
    const edited = entries.map((e, i) => {
      const { id: _id, ...rest } = e;
      return i === 0 ? rest : { ...rest, id: first.id };
    });
    const restored = await target.restore(await file(edited), PASS);
    expect(restored).toHaveLength(2);
    const ids = restored.map((k) => k.id);
    expect(ids).not.toContain(first.id);
    expect(ids).not.toContain(a.id);
    expect((await target.get(first.id)).label).toBe("already here");
    expect(await stillUsable(target)).toBe(3);
    vault.close();
    target.close();
  });

  it("a CSR of another key refuses the whole file, naming the entry and the field; nothing is written", async () => {
    const { vault, entries } = await source();
    const other = await vault.createKey({ spec: "EC_P256", exportable: false, subject: "CN=attacker.example" });
    const forged = [entries[0], { ...entries[1], csrPem: other.csrPem }];
    const target = await vaultOn(freshFactory());
    const err = await refusal(target.restore(await file(forged), PASS));
    expect(err.code).toBe("vault.restore.csr_other_key");
    expect(err.field).toBe("keys[1].csrPem");
    expect(err.params).toMatchObject({ index: 1, number: 2, label: "beta" });
    expect(err.message).toContain("beta");
    expect(await target.list()).toEqual([]);
    expect(await stillUsable(target)).toBe(0);
    vault.close();
    target.close();
  });

  it("a CSR whose signature does not verify is refused", async () => {
    const { vault, entries } = await source();
    const csr = String(entries[1].csrPem);
    const body = csr.split("\n").filter((l) => l && !l.startsWith("-----")).join("");
    const der = Buffer.from(body, "base64");
    der[der.length - 5] ^= 0x01; // inside the signature
    const broken = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
    const target = await vaultOn(freshFactory());
    const err = await refusal(target.restore(await file([entries[0], { ...entries[1], csrPem: broken }]), PASS));
    expect(err.code).toBe("vault.restore.csr_invalid");
    expect(err.field).toBe("keys[1].csrPem");
    expect(await target.list()).toEqual([]);
    vault.close();
    target.close();
  });

  it("a certificate of another key (any issuer, far notAfter) is refused", async () => {
    const { vault, entries } = await source();
    const rogue = await makeCa("CN=Rogue Issuer");
    const other = await vault.createKey({ spec: "EC_P256", exportable: false });
    const cert = await rogue.issue(await vault.publicKeySpki(other.id), { cn: "b.example.com", notAfter: new Date(Date.UTC(2039, 0, 1)) });
    const forged = [entries[0], { ...entries[1], state: "issued", certificate: { pem: cert.leafPem, issuer: "CN=Real Issuer" }, notAfter: "2039-01-01T00:00:00.000Z" }];
    const target = await vaultOn(freshFactory());
    const err = await refusal(target.restore(await file(forged), PASS));
    expect(err.code).toBe("vault.restore.certificate_other_key");
    expect(err.field).toBe("keys[1].certificate.pem");
    expect(err.params).toMatchObject({ index: 1, label: "beta" });
    expect(await target.list()).toEqual([]);
    vault.close();
    target.close();
  });

  it("a forged notAfter, issuer or state is replaced by what the certificate says (expiry warnings still come)", async () => {
    const { vault, a, entries } = await source();
    const forged = entries.map((e) =>
      e.certificate
        ? { ...e, notAfter: "2999-12-31T00:00:00.000Z", createdAt: "1999-01-01T00:00:00.000Z", certificate: { ...(e.certificate as Entry), notAfter: "2999-12-31T00:00:00.000Z", issuer: "CN=Anyone" } }
        : { ...e, state: "issued", notAfter: "2999-12-31T00:00:00.000Z", orderIds: ["someone-elses-order"] },
    );
    const target = await vaultOn(freshFactory());
    const restored = await target.restore(await file(forged), PASS);
    const alpha = restored.find((k) => k.label === "alpha")!;
    expect(alpha.notAfter).toBe("2030-01-01T00:00:00.000Z");
    expect(alpha.certificate!.notAfter).toBe(a.certificate!.notAfter);
    expect(alpha.certificate!.issuer).toBe("CN=Real Issuer");
    expect(alpha.createdAt).not.toBe("1999-01-01T00:00:00.000Z");
    const beta = restored.find((k) => k.label === "beta")!;
    expect(beta.state).toBe("csr");
    expect(beta.notAfter).toBeUndefined();
    expect(beta.orderIds).toEqual([]);
    expect(await stillUsable(target)).toBe(2);
    vault.close();
    target.close();
  });

  it("a planted certificate whose CSR is missing: subject and SANs come from the certificate", async () => {
    const { vault, b, entries } = await source();
    const rogue = await makeCa("CN=Rogue Issuer");
    const cert = await rogue.issue(await vault.publicKeySpki(b.id), { cn: "planted.example", dns: ["planted.example"] });
    const { csrPem: _csr, ...noCsr } = entries[1];
    const target = await vaultOn(freshFactory());
    const [restored] = await target.restore(await file([{ ...noCsr, subject: "CN=forged", certificate: { pem: cert.leafPem } }]), PASS);
    expect(restored.csrPem).toBeUndefined();
    expect(restored.subject).toBe("CN=planted.example");
    expect(restored.sans).toEqual(["planted.example"]);
    expect(restored.certificate!.issuer).toBe("CN=Rogue Issuer");
    expect(await stillUsable(target)).toBe(1);
    vault.close();
    target.close();
  });

  it("entries of the wrong shape are refused by index, label and field", async () => {
    const { vault, entries } = await source();
    const cases: [unknown[], string, string][] = [
      [[entries[0], "not an entry"], "vault.restore.not_an_object", "keys[1]"],
      [[entries[0], { ...entries[1], label: 7 }], "vault.restore.not_text", "keys[1].label"],
      [[{ ...entries[0], origin: "admin" }], "vault.restore.origin_unknown", "keys[0].origin"],
      [[{ ...entries[0], pkcs8: 42 }], "vault.restore.not_text", "keys[0].pkcs8"],
      [[{ ...entries[0], pkcs8: btoa("not a key") }], "vault.restore.key_invalid", "keys[0].pkcs8"],
      [[{ ...entries[0], csrPem: ["x"] }], "vault.restore.not_text", "keys[0].csrPem"],
      [[{ ...entries[0], certificate: { pem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" } }], "vault.restore.certificate_invalid", "keys[0].certificate.pem"],
      [[{ ...entries[0], certificate: "pem" }], "vault.restore.not_text", "keys[0].certificate.pem"],
    ];
    const target = await vaultOn(freshFactory());
    for (const [keys, code, field] of cases) {
      const err = await refusal(target.restore(await file(keys), PASS));
      expect([err.code, err.field], code).toEqual([code, field]);
      expect(err.localized("zh_CN")).not.toContain("error_");
    }
    expect(await target.list()).toEqual([]);
    vault.close();
    target.close();
  });

  it("the same key twice in one file is restored once", async () => {
    const { vault, entries } = await source();
    const target = await vaultOn(freshFactory());
    expect(await target.restore(await file([entries[0], entries[1], { ...entries[0], label: "copy" }]), PASS)).toHaveLength(2);
    expect(await stillUsable(target)).toBe(2);
    vault.close();
    target.close();
  });

  it("10,000 entries are refused before any is read", async () => {
    const { vault, entries } = await source();
    const many = Array.from({ length: 10_000 }, (_, i) => ({ pkcs8: entries[1].pkcs8, label: `k${i}` }));
    expect(many.length).toBeGreaterThan(MAX_BACKUP_ENTRIES);
    const target = await vaultOn(freshFactory());
    const started = Date.now();
    const err = await refusal(target.restore(await file(many), PASS));
    expect(err.code).toBe("vault.backup.too_many");
    expect(err.params).toMatchObject({ count: 10_000, max: MAX_BACKUP_ENTRIES });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await stillUsable(target)).toBe(0);
    vault.close();
    target.close();
  });

  it("a 50 MB file is refused by its size: nothing is derived or decrypted", async () => {
    const { vault, entries } = await source();
    const big = await encryptBackup({ keys: entries, padding: "x".repeat(37 * 1024 * 1024) }, PASS, FAST);
    expect(big.length).toBeGreaterThan(MAX_BACKUP_BYTES);
    expect(big.length).toBeGreaterThan(49 * 1024 * 1024);
    const calls: string[] = [];
    const subtle = new Proxy(crypto.subtle, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          calls.push(String(prop));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const spy = { subtle, getRandomValues: crypto.getRandomValues.bind(crypto), randomUUID: crypto.randomUUID.bind(crypto) } as Crypto;
    const target = await vaultOn(freshFactory(), { crypto: spy });
    calls.length = 0;
    const err = await refusal(target.restore(big, PASS));
    expect(err.code).toBe("vault.backup.too_large");
    expect(err.params).toMatchObject({ size: big.length, max: MAX_BACKUP_BYTES });
    expect(calls).toEqual([]);
    expect(await stillUsable(target)).toBe(0);
    vault.close();
    target.close();
  });
});
