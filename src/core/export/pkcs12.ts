// PKCS#12 (.pfx) with the private key, its certificate and the chain, as OpenSSL 3 and current Windows and
// macOS read it: the key in a PBES2 (AES-256-CBC) shrouded bag, certificates in a plain bag (they are
// public), and an HMAC-SHA-256 integrity MAC keyed by the PKCS#12 KDF. Built from the schema packages.
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { ContentInfo } from "@peculiar/asn1-cms";
import { DigestInfo } from "@peculiar/asn1-rsa";
import {
  AuthenticatedSafe, CertBag, MacData, PFX, PKCS12Attribute, SafeBag, SafeContents, id_x509Certificate,
} from "@peculiar/asn1-pfx";
import { EncryptedPrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import * as asn1js from "asn1js";
import { KeysmithError } from "../errors";
import { randomBytes, toArrayBuffer } from "./bytes";
import { DEFAULT_PBKDF2_ITERATIONS } from "./pbes2";
import { encryptPkcs8 } from "./pkcs8";
import { pkcs12Kdf } from "./pkcs12-kdf";

const OID_DATA = "1.2.840.113549.1.7.1";
const OID_SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2";
const OID_CERT_BAG = "1.2.840.113549.1.12.10.1.3";
const OID_FRIENDLY_NAME = "1.2.840.113549.1.9.20";
const OID_LOCAL_KEY_ID = "1.2.840.113549.1.9.21";
const OID_SHA256 = "2.16.840.1.101.3.4.2.1";
const MAC_ITERATIONS = 2048; // OpenSSL 3's default

export interface Pkcs12Input {
  pkcs8Der: Uint8Array;
  /** DER certificates, leaf first. */
  certificates: Uint8Array[];
  passphrase: string;
  friendlyName?: string;
  iterations?: number;
  crypto?: Crypto;
}

function dataContentInfo(der: ArrayBuffer): ContentInfo {
  return new ContentInfo({ contentType: OID_DATA, content: AsnConvert.serialize(new OctetString(der)) });
}

// @peculiar/asn1-pfx 2.x's PKCS12Attribute constructor drops its parameters (`Object.assign(params)`),
// so the fields are set after construction.
function attribute(attrId: string, value: ArrayBuffer): PKCS12Attribute {
  const attr = new PKCS12Attribute();
  attr.attrId = attrId;
  attr.attrValues = [value];
  return attr;
}

function attributes(localKeyId: Uint8Array, friendlyName?: string): PKCS12Attribute[] {
  const attrs = [attribute(OID_LOCAL_KEY_ID, AsnConvert.serialize(new OctetString(toArrayBuffer(localKeyId))))];
  if (friendlyName) attrs.push(attribute(OID_FRIENDLY_NAME, new asn1js.BmpString({ value: friendlyName }).toBER(false)));
  return attrs;
}

export async function buildPkcs12(input: Pkcs12Input): Promise<Uint8Array> {
  const crypto = input.crypto ?? globalThis.crypto;
  if (input.certificates.length === 0) throw new KeysmithError("export.pkcs12.no_certificate", { field: "certificate" });
  if (input.passphrase.length === 0) throw new KeysmithError("export.passphrase.empty", { field: "passphrase" });
  // localKeyId ties the key to its leaf: the SHA-1 of the leaf, as OpenSSL writes it.
  const localKeyId = new Uint8Array(await crypto.subtle.digest("SHA-1", toArrayBuffer(input.certificates[0]!)));

  const certBags = input.certificates.map((der, i) =>
    new SafeBag({
      bagId: OID_CERT_BAG,
      bagValue: AsnConvert.serialize(
        new CertBag({ certId: id_x509Certificate, certValue: AsnConvert.serialize(new OctetString(toArrayBuffer(der))) }),
      ),
      bagAttributes: i === 0 ? attributes(localKeyId, input.friendlyName) : undefined,
    }),
  );
  const encryptedKey = await encryptPkcs8(input.pkcs8Der, input.passphrase, {
    iterations: input.iterations ?? DEFAULT_PBKDF2_ITERATIONS,
    crypto,
  });
  const keyBag = new SafeBag({
    bagId: OID_SHROUDED_KEY_BAG,
    // The bag value is the EncryptedPrivateKeyInfo itself; reparse to let the schema place it.
    bagValue: AsnConvert.serialize(AsnConvert.parse(toArrayBuffer(encryptedKey), EncryptedPrivateKeyInfo)),
    bagAttributes: attributes(localKeyId, input.friendlyName),
  });

  const authSafe = new AuthenticatedSafe([
    dataContentInfo(AsnConvert.serialize(new SafeContents(certBags))),
    dataContentInfo(AsnConvert.serialize(new SafeContents([keyBag]))),
  ]);
  const authSafeDer = AsnConvert.serialize(authSafe);

  const macSalt = randomBytes(crypto, 16);
  const macKeyBytes = await pkcs12Kdf(crypto, "SHA-256", 3, input.passphrase, macSalt, MAC_ITERATIONS, 32);
  const macKey = await crypto.subtle.importKey("raw", toArrayBuffer(macKeyBytes), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", macKey, authSafeDer);

  const pfx = new PFX({
    version: 3,
    authSafe: dataContentInfo(authSafeDer),
    macData: new MacData({
      mac: new DigestInfo({ digestAlgorithm: new AlgorithmIdentifier({ algorithm: OID_SHA256, parameters: null }), digest: new OctetString(mac) }),
      macSalt: new OctetString(toArrayBuffer(macSalt)),
      iterations: MAC_ITERATIONS,
    }),
  });
  return new Uint8Array(AsnConvert.serialize(pfx));
}
