// Test helpers: a throwaway CA issuing certificates for any public key (P-256 CA, in-process), and a
// storage dump of every value the vault database holds.
import "fake-indexeddb/auto";
import { IDBFactory } from "fake-indexeddb";
import * as x509 from "../../../src/core/csr/x509";
import { openVault, type VaultOptions } from "../../../src/background/vault";
import { isKeysmithError } from "../../../src/core/errors";

export const FAST = { iterations: 1000 } as const;

export function freshFactory(): IDBFactory {
  return new IDBFactory();
}

export function vaultOn(factory: IDBFactory, extra: Partial<VaultOptions> = {}) {
  return openVault({ indexedDB: factory, ...FAST, ...extra });
}

export interface TestCa {
  issue(spkiDer: Uint8Array, options?: { cn?: string; dns?: string[]; notBefore?: Date; notAfter?: Date }): Promise<{ leafPem: string; chainPem: string }>;
  pem: string;
}

export async function makeCa(name = "CN=Keysmith Test Root"): Promise<TestCa> {
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = (await crypto.subtle.generateKey(alg, false, ["sign", "verify"])) as CryptoKeyPair;
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name,
    notBefore: new Date(Date.UTC(2020, 0, 1)),
    notAfter: new Date(Date.UTC(2040, 0, 1)),
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  let serial = 2;
  return {
    pem: root.toString("pem"),
    async issue(spkiDer, options = {}) {
      const publicKey = new x509.PublicKey(spkiDer.slice().buffer);
      const cn = options.cn ?? "example.com";
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: (serial++).toString(16).padStart(2, "0"),
        subject: `CN=${cn}`,
        issuer: root.subject,
        notBefore: options.notBefore ?? new Date(Date.UTC(2025, 0, 1)),
        notAfter: options.notAfter ?? new Date(Date.UTC(2030, 0, 1)),
        publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: alg,
        extensions: [new x509.SubjectAlternativeNameExtension((options.dns ?? [cn]).map((value) => ({ type: "dns" as const, value })))],
      });
      return { leafPem: leaf.toString("pem"), chainPem: root.toString("pem") };
    },
  };
}

/** Every value in every store of a database, as text: typed arrays in hex, CryptoKeys as their metadata. */
export async function dumpDatabase(factory: IDBFactory, name = "keysmith-vault"): Promise<string> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = factory.open(name);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const out: string[] = [];
  for (const storeName of Array.from(db.objectStoreNames)) {
    const values = await new Promise<unknown[]>((resolve, reject) => {
      const r = db.transaction(storeName).objectStore(storeName).getAll();
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    out.push(`${storeName}: ${JSON.stringify(values, (_k, v) => {
      if (v instanceof Uint8Array || v instanceof ArrayBuffer) return Buffer.from(v instanceof ArrayBuffer ? new Uint8Array(v) : v).toString("hex");
      if (v instanceof CryptoKey) return { cryptoKey: v.type, extractable: v.extractable, algorithm: v.algorithm };
      return v;
    })}`);
  }
  db.close();
  return out.join("\n");
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

/** The typed error code a promise rejects with, or "no error". */
export async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isKeysmithError(error)) return error.code;
    throw error;
  }
  return "no error";
}
