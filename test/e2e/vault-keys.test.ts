// The key vault (src/background/vault) in real Chromium, through the worker exactly as the popup asks: a key of each spec made, the
// browser closed and relaunched on the same profile, each key signs again (a new CSR that verifies);
// export refused for a non-exportable key; an exportable key exports as PKCS#8 and PKCS#12 that OpenSSL
// opens; and a dump of everything the extension stored holds no unencrypted private key bytes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { KEY_SPEC_IDS, type KeySpecId, type KeyView } from "../../src/messages";
import { dumpExtensionStorage, dumpExtensionStorageParts, findBytes, launchExtension, openExtensionPage, send, sendRaw, type ExtensionSession } from "./harness";

const dir = mkdtempSync(join(tmpdir(), "keysmith-vault-e2e-"));
const PASS = "correct horse battery staple";
writeFileSync(join(dir, "pass"), PASS);

function openssl(args: string[], input?: string): string {
  return execFileSync("openssl", args, { input, encoding: "utf8", cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
}
function verifyCsr(pem: string, spec: KeySpecId): void {
  const file = join(dir, `csr-${spec}-${Math.random().toString(36).slice(2)}.pem`);
  writeFileSync(file, pem);
  const sm2 = spec === "EC_SM2" ? ["-vfyopt", "distid:1234567812345678"] : [];
  const out = execFileSync("openssl", ["req", "-in", file, "-noout", "-verify", ...sm2], { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
  void out;
}

let session: ExtensionSession;
let page: Page;
const made = new Map<string, { spec: KeySpecId; exportable: boolean; key: KeyView; csrPem: string }>();

beforeAll(async () => {
  session = await launchExtension();
  page = await openExtensionPage(session, "options.html");
});
afterAll(async () => {
  await session?.dispose();
});

describe("vault through the worker", () => {
  it("makes a key + CSR of every spec; each CSR verifies with OpenSSL", async () => {
    const wanted: { spec: KeySpecId; exportable: boolean }[] = [
      ...KEY_SPEC_IDS.map((spec) => ({ spec, exportable: false })),
      { spec: "EC_P256", exportable: true },
      { spec: "RSA_2048", exportable: true },
      { spec: "EC_SM2", exportable: true },
    ];
    for (const w of wanted) {
      const cn = `${w.spec.toLowerCase().replace(/_/g, "-")}${w.exportable ? "-x" : ""}.example.com`;
      const r = await send(page, "csr.create", {
        spec: w.spec,
        subject: { CN: cn, O: "Keysmith Test", C: "CN" },
        sans: [cn],
        exportable: w.exportable,
        label: cn,
      });
      expect(r.key.spec).toBe(w.spec);
      expect(r.key.exportable).toBe(w.exportable);
      expect(r.inspection.signatureValid).toBe(true);
      verifyCsr(r.csrPem, w.spec);
      made.set(r.key.id, { ...w, key: r.key, csrPem: r.csrPem });
    }
    const listed = await send(page, "keys.list", {});
    expect(listed.map((k) => k.id).sort()).toEqual([...made.keys()].sort());
    for (const k of listed) expect(JSON.stringify(k)).not.toMatch(/PRIVATE KEY/);
  });

  it("after the browser is closed and relaunched on the same profile, every key signs again", async () => {
    session = await session.relaunch();
    page = await openExtensionPage(session, "options.html");
    const listed = await send(page, "keys.list", {});
    expect(listed).toHaveLength(made.size);
    for (const [keyId, m] of made) {
      const again = await send(page, "csr.create", {
        spec: m.spec,
        subject: { CN: m.key.commonName, O: "Keysmith Test Renewal", C: "CN" },
        sans: [m.key.commonName],
        exportable: m.exportable,
        keyId,
      });
      expect(again.key.id).toBe(keyId);
      expect(again.inspection.signatureValid).toBe(true);
      verifyCsr(again.csrPem, m.spec);
      // Same key: the public key in both CSRs is the same.
      const pub = (pem: string) => {
        writeFileSync(join(dir, "x.csr"), pem);
        return openssl(["req", "-in", "x.csr", "-noout", "-pubkey"]);
      };
      expect(pub(again.csrPem)).toBe(pub(m.csrPem));
    }
  });

  it("refuses to export a non-exportable key, in every format that holds the key", async () => {
    const nonExportable = [...made.values()].filter((m) => !m.exportable);
    for (const m of nonExportable) {
      for (const format of ["pkcs8-encrypted", "pkcs12", "pkcs8"] as const) {
        const r = await sendRaw(page, "keys.export", { keyId: m.key.id, format, passphrase: PASS, unencrypted: format === "pkcs8" });
        expect(r.ok, `${m.spec} ${format}`).toBe(false);
      }
    }
  });

  it("exports an exportable key as PKCS#8 (encrypted) and, with its certificate, as PKCS#12 that OpenSSL opens", async () => {
    // A test CA signs the key's CSR; the certificate is imported and paired by public key.
    openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=Keysmith Test CA", "-days", "30"]);
    for (const m of [...made.values()].filter((x) => x.exportable && x.spec !== "EC_SM2")) {
      const p8 = await send(page, "keys.export", { keyId: m.key.id, format: "pkcs8-encrypted", passphrase: PASS });
      expect(p8.data).toContain("-----BEGIN ENCRYPTED PRIVATE KEY-----");
      writeFileSync(join(dir, "k.p8"), p8.data);
      const keyText = openssl(["pkey", "-in", "k.p8", "-passin", `file:${join(dir, "pass")}`, "-pubout"]);
      writeFileSync(join(dir, "k.csr"), m.csrPem);
      expect(keyText).toBe(openssl(["req", "-in", "k.csr", "-noout", "-pubkey"]));

      openssl(["x509", "-req", "-in", "k.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "leaf.pem", "-days", "20"]);
      const chain = readFileSync(join(dir, "leaf.pem"), "utf8") + readFileSync(join(dir, "ca.pem"), "utf8");
      const paired = await send(page, "keys.importCertificate", { pem: chain, confirm: true });
      expect(paired.id).toBe(m.key.id);
      expect(paired.certificate?.notAfter).toBeTruthy();

      const pfx = await send(page, "keys.export", { keyId: m.key.id, format: "pkcs12", passphrase: PASS });
      expect(pfx.binary).toBe(true);
      writeFileSync(join(dir, "k.pfx"), Buffer.from(pfx.data, "base64"));
      const opened = openssl(["pkcs12", "-in", "k.pfx", "-passin", `file:${join(dir, "pass")}`, "-nodes"]);
      expect(opened).toMatch(/BEGIN PRIVATE KEY/);
      expect(opened.match(/BEGIN CERTIFICATE/g)?.length).toBe(2);
    }
  });

  it("a certificate that matches no key is refused and nothing is stored", async () => {
    openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "other.key", "-out", "other.pem", "-subj", "/CN=other.example.com", "-days", "30"]);
    const before = await send(page, "keys.list", {});
    const r = await sendRaw(page, "keys.importCertificate", { pem: readFileSync(join(dir, "other.pem"), "utf8"), confirm: true });
    expect(r.ok).toBe(false);
    expect(await send(page, "keys.list", {})).toEqual(before);
  });

  it("the storage dump holds no unencrypted private key of an exportable or SM2 key, and no extractable CryptoKey", async () => {
    const parts = await dumpExtensionStorageParts(session);
    const dump = `${parts.logical}\n${parts.raw}`;
    expect(dump).not.toMatch(/-----BEGIN (EC |RSA |ENCRYPTED )?PRIVATE KEY-----/);
    expect(dump).not.toMatch(/"extractable":true[^}]*"type":"private"|"type":"private","extractable":true/);
    for (const m of [...made.values()].filter((x) => x.exportable)) {
      // The private key's own bytes, learnt through a passphrase export, must appear nowhere in storage.
      const p8 = await send(page, "keys.export", { keyId: m.key.id, format: "pkcs8-encrypted", passphrase: PASS });
      writeFileSync(join(dir, "d.p8"), p8.data);
      const der = execFileSync("openssl", ["pkey", "-in", join(dir, "d.p8"), "-passin", `file:${join(dir, "pass")}`, "-outform", "DER"]);
      // SM2 keys are bytes the vault encrypts itself: search everything. WebCrypto keys also live as a
      // non-extractable signing CryptoKey, which Chromium's IndexedDB files hold with its key bytes
      // (see harness.ts): for those, search what the extension stored.
      const where = m.spec === "EC_SM2" ? dump : parts.logical;
      expect(findBytes(where, new Uint8Array(der)), `${m.spec}: PKCS#8 DER in storage`).toEqual([]);
      const text = execFileSync("openssl", ["pkey", "-in", join(dir, "d.p8"), "-passin", `file:${join(dir, "pass")}`, "-noout", "-text"], { encoding: "utf8" });
      const priv = /priv(?:ate)?(?:Exponent)?:\s*\n((?:\s+[0-9a-f:]+\n)+)/i.exec(text)?.[1];
      expect(priv, `${m.spec}: private value read back`).toBeTruthy();
      if (priv) {
        const bytes = Buffer.from(priv.replace(/[\s:]/g, ""), "hex");
        const scalar = bytes[0] === 0 ? bytes.subarray(1) : bytes;
        expect(findBytes(where, new Uint8Array(scalar), 16, { windows: true }), `${m.spec}: private scalar in storage`).toEqual([]);
      }
    }
  });

  it("a non-exportable SM2 key is stored only encrypted: its scalar (read in the worker, as only the worker can) is nowhere in storage", async () => {
    const sm2 = [...made.values()].find((m) => m.spec === "EC_SM2" && !m.exportable)!;
    const sw = await session.worker();
    // The worker's own view: decrypt the wrapped record with the vault's non-extractable wrapping key.
    const pkcs8Hex = (await sw.evaluate(`(async () => {
      const db = await new Promise((res, rej) => { const r = indexedDB.open("keysmith-vault"); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
      const get = (store, key) => new Promise((res, rej) => { const r = db.transaction(store).objectStore(store).get(key); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
      const meta = await get("meta", "wrappingKey");
      const secret = await get("secrets", ${JSON.stringify(sm2.key.id)});
      const plain = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: secret.iv, additionalData: new TextEncoder().encode("keysmith-vault:" + ${JSON.stringify(sm2.key.id)}) }, meta.key, secret.ciphertext));
      db.close();
      return Array.from(plain, (b) => b.toString(16).padStart(2, "0")).join("");
    })()`)) as string;
    const at = pkcs8Hex.indexOf("0201010420");
    expect(at).toBeGreaterThan(0);
    const scalar = Buffer.from(pkcs8Hex.slice(at + 10, at + 10 + 64), "hex");
    expect(scalar).toHaveLength(32);
    const dump = await dumpExtensionStorage(session);
    expect(findBytes(dump, new Uint8Array(scalar), 16, { windows: true })).toEqual([]);
    expect(findBytes(dump, Buffer.from(pkcs8Hex, "hex"), 16)).toEqual([]);
  });
});
