// PKCS#12 (.pfx, RFC 7292): the private key with its leaf certificate and chain, for IIS, Windows,
// macOS Keychain, Java and most load balancers. Two profiles:
//  - default: key bag PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC, see pbes2.ts), HMAC-SHA256 MAC. What
//    OpenSSL 3 writes by default, read by OpenSSL 1.1+, Windows 10 1709+/Server 2019+, recent macOS.
//  - legacy: key bag pbeWithSHAAnd3-KeyTripleDES-CBC, HMAC-SHA1 MAC, for older Windows and macOS that
//    cannot open AES PFX files. OpenSSL 3 reads 3DES without `-legacy` (only RC2/RC4 need it).
// Certificates are public, so they go in a plain `data` safe (no RC2-40 anywhere).
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { ContentInfo, id_data } from "@peculiar/asn1-cms";
import {
  AuthenticatedSafe, CertBag, MacData, PFX, PKCS12Attribute, SafeBag, SafeContents,
  id_certBag, id_pbeWithSHAAnd3_KeyTripleDES_CBC, id_pkcs8ShroudedKeyBag, id_x509Certificate,
} from "@peculiar/asn1-pfx";
import { EncryptedPrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { id_pkcs9_at_friendlyName, id_pkcs9_at_localKeyId } from "@peculiar/asn1-pkcs9";
import { DigestInfo, id_sha1, id_sha256 } from "@peculiar/asn1-rsa";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { hmac } from "@noble/hashes/hmac";
import { sha1 } from "@noble/hashes/legacy";
import { sha256 } from "@noble/hashes/sha2";
import * as asn1js from "asn1js";
import { KeysmithError } from "../errors";
import { randomBytes, toArrayBuffer } from "./bytes";
import { encryptPkcs8, parsePrivateKeyInfo } from "./pkcs8";
import { PKCS12_KDF_IV, PKCS12_KDF_KEY, PKCS12_KDF_MAC, pkcs12Kdf } from "./pkcs12-kdf";
import { tripleDesCbcEncrypt } from "./triple-des";

/** MAC iterations: the MAC also lets anyone test a passphrase, so keep it far above OpenSSL's 2048. */
export const DEFAULT_PKCS12_MAC_ITERATIONS = 100_000;
/** The legacy profile keeps OpenSSL's classic 2048 (old Windows gets slow with more). */
export const LEGACY_PKCS12_ITERATIONS = 2048;

export interface BuildPkcs12Options {
  pkcs8Der: Uint8Array;
  /** DER: the leaf first, then the chain towards the root. */
  certificates: Uint8Array[];
  passphrase: string;
  legacy?: boolean;
  friendlyName?: string;
  /** PBKDF2 iterations for the key bag (default profile). */
  iterations?: number;
  macIterations?: number;
  crypto?: Crypto;
}

function attribute(id: string, value: asn1js.BaseBlock): PKCS12Attribute {
  // Set after construction: @peculiar/asn1-pfx 2.x's PKCS12Attribute constructor drops its params.
  const attr = new PKCS12Attribute();
  attr.attrId = id;
  attr.attrValues = [value.toBER(false)];
  return attr;
}

function dataContentInfo(der: ArrayBuffer): ContentInfo {
  return new ContentInfo({ contentType: id_data, content: AsnConvert.serialize(new OctetString(der)) });
}

async function shroudKey(options: BuildPkcs12Options, crypto: Crypto): Promise<Uint8Array> {
  if (!options.legacy) return encryptPkcs8(options.pkcs8Der, options.passphrase, { iterations: options.iterations, crypto });
  const salt = randomBytes(crypto, 8);
  const iterations = LEGACY_PKCS12_ITERATIONS;
  const key = pkcs12Kdf("SHA-1", options.passphrase, salt, PKCS12_KDF_KEY, iterations, 24);
  const iv = pkcs12Kdf("SHA-1", options.passphrase, salt, PKCS12_KDF_IV, iterations, 8);
  const params = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: toArrayBuffer(salt) }), new asn1js.Integer({ value: iterations })],
  });
  const info = new EncryptedPrivateKeyInfo({
    encryptionAlgorithm: new AlgorithmIdentifier({ algorithm: id_pbeWithSHAAnd3_KeyTripleDES_CBC, parameters: params.toBER(false) }),
    encryptedData: new OctetString(toArrayBuffer(tripleDesCbcEncrypt(key, iv, options.pkcs8Der))),
  });
  return new Uint8Array(AsnConvert.serialize(info));
}

/** A .pfx holding the key (encrypted), its leaf certificate (paired by localKeyID) and the chain. */
export async function buildPkcs12(options: BuildPkcs12Options): Promise<Uint8Array> {
  const crypto = options.crypto ?? globalThis.crypto;
  if (options.passphrase.length === 0) throw new KeysmithError("export.passphrase.empty", { field: "passphrase" });
  if (options.certificates.length === 0) throw new KeysmithError("export.pkcs12.no_certificate", { field: "certificate" });
  parsePrivateKeyInfo(options.pkcs8Der);
  const [leaf] = options.certificates;
  // OpenSSL's convention: localKeyID = SHA-1 of the leaf certificate, on the key bag and the leaf bag.
  const localKeyId = attribute(id_pkcs9_at_localKeyId, new asn1js.OctetString({ valueHex: toArrayBuffer(sha1(leaf!)) }));
  const names = options.friendlyName ? [attribute(id_pkcs9_at_friendlyName, new asn1js.BmpString({ value: options.friendlyName }))] : [];

  const certBags = options.certificates.map((der, i) => new SafeBag({
    bagId: id_certBag,
    bagValue: AsnConvert.serialize(new CertBag({ certId: id_x509Certificate, certValue: AsnConvert.serialize(new OctetString(toArrayBuffer(der))) })),
    bagAttributes: i === 0 ? [localKeyId, ...names] : undefined,
  }));
  const keyBag = new SafeBag({
    bagId: id_pkcs8ShroudedKeyBag,
    bagValue: toArrayBuffer(await shroudKey(options, crypto)),
    bagAttributes: [localKeyId, ...names],
  });
  const authSafe = new AuthenticatedSafe([
    dataContentInfo(AsnConvert.serialize(new SafeContents(certBags))),
    dataContentInfo(AsnConvert.serialize(new SafeContents([keyBag]))),
  ]);
  const authSafeDer = new Uint8Array(AsnConvert.serialize(authSafe));

  const legacy = options.legacy ?? false;
  const macHash = legacy ? "SHA-1" : "SHA-256";
  const macIterations = options.macIterations ?? (legacy ? LEGACY_PKCS12_ITERATIONS : DEFAULT_PKCS12_MAC_ITERATIONS);
  const macSalt = randomBytes(crypto, legacy ? 8 : 16);
  const macKey = pkcs12Kdf(macHash, options.passphrase, macSalt, PKCS12_KDF_MAC, macIterations, legacy ? 20 : 32);
  const digest = hmac(legacy ? sha1 : sha256, macKey, authSafeDer);
  const pfx = new PFX({
    version: 3,
    authSafe: dataContentInfo(toArrayBuffer(authSafeDer)),
    macData: new MacData({
      mac: new DigestInfo({
        digestAlgorithm: new AlgorithmIdentifier({ algorithm: legacy ? id_sha1 : id_sha256, parameters: null }),
        digest: new OctetString(toArrayBuffer(digest)),
      }),
      macSalt: new OctetString(toArrayBuffer(macSalt)),
      iterations: macIterations,
    }),
  });
  return new Uint8Array(AsnConvert.serialize(pfx));
}
