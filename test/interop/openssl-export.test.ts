// Our exports as OpenSSL 3 reads them, and OpenSSL's files as we read them: encrypted PKCS#8 for every
// spec (openssl pkey -passin file:), PKCS#1 and SEC1, PKCS#12 default and legacy (openssl pkcs12), and
// the vault's own PKCS#12 export.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { KEY_SPEC_IDS, type KeySpecId } from "../../src/core/key-spec";
import { generateKeyPair } from "../../src/core/csr/key-pair";
import { sm2Spki } from "../../src/core/csr/sm2";
import { decryptPkcs8, encryptPkcs8Pem, pkcs8Pem, privateKeyToPkcs8, readPrivateKey } from "../../src/core/export/pkcs8";
import { pkcs8ToPkcs1Pem, pkcs8ToSec1Pem } from "../../src/core/export/traditional-pem";
import { buildPkcs12 } from "../../src/core/export/pkcs12";
import { parseCertificates } from "../../src/core/cert/certificate";
import { freshFactory, makeCa, vaultOn } from "../unit/vault/helpers";

const dir = mkdtempSync(join(tmpdir(), "keysmith-export-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PASS = "correct horse battery staple";
const passFile = join(dir, "pass.txt");
writeFileSync(passFile, `${PASS}\n`);

function openssl(args: string[], input?: string | Uint8Array): string {
  return execFileSync("openssl", args, { input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
}
/** stdout and stderr together (`openssl pkcs12 -info` writes its details to stderr). */
function opensslAll(args: string[]): string {
  const r = spawnSync("openssl", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout + r.stderr;
}
function opensslFails(args: string[]): boolean {
  return spawnSync("openssl", args, { encoding: "utf8" }).status !== 0;
}
function file(name: string, data: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}
function opensslSpki(path: string, passin?: string): Buffer {
  return execFileSync("openssl", ["pkey", "-in", path, ...(passin ? ["-passin", passin] : []), "-pubout", "-outform", "DER"]);
}

async function spkiOf(pair: Awaited<ReturnType<typeof generateKeyPair>>): Promise<Uint8Array> {
  return pair.kind === "sm2" ? sm2Spki(pair.publicKey) : new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
}

describe("encrypted PKCS#8 with openssl", () => {
  it.each(KEY_SPEC_IDS)("%s: openssl pkey opens ours with -passin file: and finds the same public key", async (spec: KeySpecId) => {
    const pair = await generateKeyPair(spec, { extractable: true });
    const pem = await encryptPkcs8Pem(await privateKeyToPkcs8(pair), PASS);
    const path = file(`${spec}.enc.pem`, pem);
    expect(opensslSpki(path, `file:${passFile}`)).toEqual(Buffer.from(await spkiOf(pair)));
    const params = openssl(["asn1parse", "-in", path]);
    expect(params).toContain("PBES2");
    expect(params).toContain("hmacWithSHA256");
    expect(params).toContain("aes-256-cbc");
    expect(params).toMatch(/INTEGER\s+:0927C0/); // 600,000 iterations
    expect(opensslFails(["pkey", "-in", path, "-passin", "pass:wrong", "-noout"])).toBe(true);
    if (spec === "EC_SM2") expect(openssl(["pkey", "-in", path, "-passin", `file:${passFile}`, "-noout", "-text"])).toContain("ASN1 OID: SM2");
  });

  it("reads openssl's encrypted PKCS#8 and its SM2 keys", async () => {
    const plain = file("ossl-sm2.pem", openssl(["genpkey", "-algorithm", "SM2"]));
    const encrypted = file("ossl-sm2.enc.pem", openssl(["pkcs8", "-topk8", "-in", plain, "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256", "-passout", `file:${passFile}`]));
    const read = await readPrivateKey(readFileSync(encrypted, "utf8"), PASS);
    expect(read.spec).toBe("EC_SM2");
    expect(Buffer.from(read.spkiDer)).toEqual(opensslSpki(plain));
    const rsa = file("ossl-rsa.pem", openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]));
    const rsaEnc = openssl(["pkcs8", "-topk8", "-in", rsa, "-v2", "aes-128-cbc", "-passout", `file:${passFile}`]);
    const der = await decryptPkcs8(rsaEnc, PASS);
    expect((await readPrivateKey(pkcs8Pem(der))).spec).toBe("RSA_2048");
  });
});

describe("PKCS#1 and SEC1 with openssl", () => {
  it("writes what openssl rsa / openssl ec accept, and reads their traditional files", async () => {
    const rsa = await generateKeyPair("RSA_2048", { extractable: true });
    const rsaPath = file("pkcs1.pem", pkcs8ToPkcs1Pem(await privateKeyToPkcs8(rsa)));
    expect(readFileSync(rsaPath, "utf8")).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(openssl(["rsa", "-in", rsaPath, "-check", "-noout"])).toContain("RSA key ok");
    for (const spec of ["EC_P256", "EC_P384", "EC_SM2"] as const) {
      const pair = await generateKeyPair(spec, { extractable: true });
      const path = file(`${spec}.sec1.pem`, pkcs8ToSec1Pem(await privateKeyToPkcs8(pair)));
      expect(readFileSync(path, "utf8")).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
      expect(opensslSpki(path)).toEqual(Buffer.from(await spkiOf(pair)));
    }
    const traditionalEc = openssl(["ecparam", "-name", "secp384r1", "-genkey", "-noout"]);
    expect(traditionalEc).toContain("BEGIN EC PRIVATE KEY");
    const read = await readPrivateKey(traditionalEc);
    expect(read.spec).toBe("EC_P384");
    expect(Buffer.from(read.spkiDer)).toEqual(opensslSpki(file("trad-ec.pem", traditionalEc)));
    const traditionalRsa = openssl(["rsa", "-in", file("k.pem", openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"])), "-traditional"]);
    expect((await readPrivateKey(traditionalRsa)).spec).toBe("RSA_3072");
  });
});

describe("PKCS#12 with openssl", () => {
  it.each([
    { legacy: false, keyBag: "PBES2, PBKDF2, AES-256-CBC", mac: "MAC: sha256" },
    { legacy: true, keyBag: "pbeWithSHA1And3-KeyTripleDES-CBC", mac: "MAC: sha1" },
  ])("legacy=$legacy: openssl pkcs12 -nodes shows the key, the leaf and the chain", async ({ legacy, keyBag, mac }) => {
    const ca = await makeCa("CN=Interop Root");
    for (const spec of ["RSA_2048", "EC_P256"] as const) {
      const pair = await generateKeyPair(spec, { extractable: true });
      const pkcs8Der = await privateKeyToPkcs8(pair);
      const { leafPem, chainPem } = await ca.issue(await spkiOf(pair), { cn: "pfx.example.com" });
      const chain = parseCertificates(leafPem + chainPem);
      const pfx = await buildPkcs12({ pkcs8Der, certificates: [chain.leaf.der, ...chain.chain.map((c) => c.der)], passphrase: PASS, legacy, friendlyName: "pfx.example.com" });
      const path = file(`${spec}-${legacy}.pfx`, pfx);
      const out = opensslAll(["pkcs12", "-in", path, "-passin", `file:${passFile}`, "-nodes", "-info"]);
      expect(out.match(/-----BEGIN [A-Z ]+-----/g)).toEqual(["-----BEGIN CERTIFICATE-----", "-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----"]);
      expect(out).toContain("subject=CN = pfx.example.com");
      expect(out).toContain("subject=CN = Interop Root");
      expect(out).toContain(keyBag);
      expect(out).toContain(mac);
      expect(out).toContain("friendlyName: pfx.example.com");
      const keyPem = out.slice(out.indexOf("-----BEGIN PRIVATE KEY-----"));
      expect(opensslSpki(file(`${spec}-${legacy}.key.pem`, keyPem))).toEqual(Buffer.from(await spkiOf(pair)));
      expect(opensslFails(["pkcs12", "-in", path, "-passin", "pass:wrong", "-nodes"])).toBe(true);
    }
  });

  it("the vault's PKCS#12 and encrypted PKCS#8 exports open in openssl", async () => {
    const ca = await makeCa();
    const vault = await vaultOn(freshFactory(), { iterations: undefined });
    const key = await vault.createKey({ spec: "EC_P384", exportable: true, subject: "CN=vault.example.com" });
    const { leafPem, chainPem } = await ca.issue(await vault.publicKeySpki(key.id), { cn: "vault.example.com" });
    await vault.importCertificate(leafPem + chainPem);
    for (const legacy of [false, true]) {
      const path = file(`vault-${legacy}.pfx`, await vault.exportPkcs12(key.id, PASS, { legacy }));
      const out = openssl(["pkcs12", "-in", path, "-passin", `file:${passFile}`, "-nodes"]);
      expect(out.match(/-----BEGIN [A-Z ]+-----/g)?.length).toBe(3);
    }
    const pkcs8 = file("vault.enc.pem", await vault.exportPkcs8(key.id, PASS));
    expect(opensslSpki(pkcs8, `file:${passFile}`)).toEqual(Buffer.from(await vault.publicKeySpki(key.id)));
    vault.close();
  });
});
