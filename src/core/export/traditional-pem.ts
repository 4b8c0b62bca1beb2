// The pre-PKCS#8 private key formats some servers still insist on: PKCS#1 "BEGIN RSA PRIVATE KEY"
// (Function Compute and CDN uploads take only that) and SEC1 "BEGIN EC PRIVATE KEY". Both are the
// inner key of a PKCS#8, so these are unwrapping and wrapping, never a new key encoding.
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { ECParameters, ECPrivateKey } from "@peculiar/asn1-ecc";
import { RSAPrivateKey } from "@peculiar/asn1-rsa";
import { PrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { KeysmithError } from "../errors";
import { pemEncode } from "../pem";
import { OID_EC_PUBLIC_KEY, OID_RSA_ENCRYPTION } from "./key-material";
import { parsePrivateKeyInfo } from "./pkcs8";
import { ecCurveOid } from "./private-key-description";

export const PEM_LABEL_PKCS1 = "RSA PRIVATE KEY";
export const PEM_LABEL_SEC1 = "EC PRIVATE KEY";

function wrongKind(format: string): never {
  throw new KeysmithError("export.format.wrong_key_type", { field: "format", params: { format } });
}

/** PKCS#1 RSAPrivateKey PEM from an RSA PKCS#8. */
export function pkcs8ToPkcs1Pem(pkcs8Der: Uint8Array): string {
  const info = parsePrivateKeyInfo(pkcs8Der);
  if (info.privateKeyAlgorithm.algorithm !== OID_RSA_ENCRYPTION) wrongKind("pkcs1");
  return pemEncode(PEM_LABEL_PKCS1, new Uint8Array(info.privateKey.buffer));
}

/** SEC1 ECPrivateKey PEM (named curve included, as `openssl ec` writes it) from an EC or SM2 PKCS#8. */
export function pkcs8ToSec1Pem(pkcs8Der: Uint8Array): string {
  const info = parsePrivateKeyInfo(pkcs8Der);
  if (info.privateKeyAlgorithm.algorithm !== OID_EC_PUBLIC_KEY) wrongKind("sec1");
  let ecKey: ECPrivateKey;
  try {
    ecKey = AsnConvert.parse(info.privateKey.buffer, ECPrivateKey);
  } catch {
    throw new KeysmithError("export.key.invalid", { field: "key", params: { detail: "ECPrivateKey" } });
  }
  ecKey.parameters = new ECParameters({ namedCurve: ecCurveOid(info.privateKeyAlgorithm.parameters, ecKey) });
  return pemEncode(PEM_LABEL_SEC1, new Uint8Array(AsnConvert.serialize(ecKey)));
}

export function pkcs1ToPkcs8(pkcs1Der: Uint8Array): Uint8Array {
  try {
    AsnConvert.parse(pkcs1Der, RSAPrivateKey);
  } catch {
    throw new KeysmithError("export.key.invalid", { field: "key", params: { detail: "RSAPrivateKey" } });
  }
  const info = new PrivateKeyInfo({
    privateKeyAlgorithm: new AlgorithmIdentifier({ algorithm: OID_RSA_ENCRYPTION, parameters: null }),
    privateKey: new OctetString(pkcs1Der),
  });
  return new Uint8Array(AsnConvert.serialize(info));
}

export function sec1ToPkcs8(sec1Der: Uint8Array): Uint8Array {
  let ecKey: ECPrivateKey;
  try {
    ecKey = AsnConvert.parse(sec1Der, ECPrivateKey);
  } catch {
    throw new KeysmithError("export.key.invalid", { field: "key", params: { detail: "ECPrivateKey" } });
  }
  const curve = ecCurveOid(undefined, ecKey);
  const inner = new ECPrivateKey({ version: 1, privateKey: ecKey.privateKey, publicKey: ecKey.publicKey });
  const info = new PrivateKeyInfo({
    privateKeyAlgorithm: new AlgorithmIdentifier({
      algorithm: OID_EC_PUBLIC_KEY,
      parameters: AsnConvert.serialize(new ECParameters({ namedCurve: curve })),
    }),
    privateKey: new OctetString(AsnConvert.serialize(inner)),
  });
  return new Uint8Array(AsnConvert.serialize(info));
}
