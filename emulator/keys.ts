// Server-side key pairs and CSRs, for the operations where the cloud makes the key (cas CreateCsr and
// CreateCertificateRequest, KMS CreateCertificate). RSA and EC through Node's WebCrypto, SM2 through the
// core's SM2 plug-in; CSRs through @peculiar/x509 with the SM2-capable crypto, signed with SM2-with-SM3
// and the default id for SM2 keys.
import { createHash, webcrypto } from "node:crypto";
import * as x509 from "../src/core/csr/x509";
import { generateSm2KeyPair, sm2CryptoKeys, sm2Crypto, sm2Spki } from "../src/core/csr/sm2";
import { sm2PrivateKeyToPkcs8, pkcs8Pem } from "../src/core/export/pkcs8";
import { pemEncode } from "../src/core/pem";
import { KEY_SPECS, type KeySpecId } from "../src/core/key-spec";

export const nodeCrypto = webcrypto as unknown as Crypto;
export const cryptoWithSm2 = sm2Crypto(nodeCrypto);

export interface ServerKey {
  spec: KeySpecId;
  keys: CryptoKeyPair;
  privateKeyPem: string;
  spkiDer: Uint8Array;
}

export async function generateServerKey(spec: KeySpecId): Promise<ServerKey> {
  const entry = KEY_SPECS[spec];
  if (entry.family === "SM2") {
    const pair = generateSm2KeyPair();
    const wrapped = sm2CryptoKeys(pair.privateKey, pair.publicKey);
    return {
      spec,
      keys: { privateKey: wrapped.privateKey!, publicKey: wrapped.publicKey },
      privateKeyPem: pkcs8Pem(sm2PrivateKeyToPkcs8(pair.privateKey, pair.publicKey)),
      spkiDer: sm2Spki(pair.publicKey),
    };
  }
  const keys = (await nodeCrypto.subtle.generateKey(entry.generate!, true, ["sign", "verify"])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await nodeCrypto.subtle.exportKey("pkcs8", keys.privateKey));
  const spkiDer = new Uint8Array(await nodeCrypto.subtle.exportKey("spki", keys.publicKey));
  return { spec, keys, privateKeyPem: pkcs8Pem(pkcs8), spkiDer };
}

/** A PKCS#10 request for `key` with the given subject DN (RFC 4514 text) and DNS SANs. */
export async function makeCsr(key: ServerKey, subject: string, sans: readonly string[]): Promise<string> {
  const extensions: x509.Extension[] = [];
  if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans.map((value) => ({ type: "dns" as const, value }))));
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    { name: subject, keys: key.keys, signingAlgorithm: { ...KEY_SPECS[key.spec].sign }, extensions },
    cryptoWithSm2,
  );
  return pemEncode("CERTIFICATE REQUEST", new Uint8Array(csr.rawData));
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** RFC 4514 value escaping for the few characters that would break a DN built from user fields. */
export function dnValue(text: string): string {
  return text.replace(/([,+"\\<>;=])/g, "\\$1").replace(/^([ #])/, "\\$1").replace(/ $/, "\\ ");
}
