// The shape of a key pair the export formats take (the KeyPair that src/core/csr makes) and the
// algorithm facts the readers need. Kept structural so export code does not depend on how keys are made.
export type ExportKeySpecId = "RSA_2048" | "RSA_3072" | "RSA_4096" | "EC_P256" | "EC_P384" | "EC_SM2";

export type ExportableKeyPair =
  | { spec?: unknown; kind: "webcrypto"; privateKey: CryptoKey; publicKey: CryptoKey }
  | { spec?: unknown; kind: "sm2"; privateKey: Uint8Array; publicKey: Uint8Array };

export const OID_RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
export const OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";
export const OID_CURVE_P256 = "1.2.840.10045.3.1.7";
export const OID_CURVE_P384 = "1.3.132.0.34";
/** The SM2 curve: SM2 keys are id-ecPublicKey on this curve (what CAs and `openssl pkey` expect). */
export const OID_CURVE_SM2 = "1.2.156.10197.1.301";

/** Per EC curve: its spec, its WebCrypto name (none for SM2) and its signature hash. */
export const EC_CURVES: Record<string, { spec: ExportKeySpecId; namedCurve?: "P-256" | "P-384"; hash: string; coordinateBytes: number }> = {
  [OID_CURVE_P256]: { spec: "EC_P256", namedCurve: "P-256", hash: "SHA-256", coordinateBytes: 32 },
  [OID_CURVE_P384]: { spec: "EC_P384", namedCurve: "P-384", hash: "SHA-384", coordinateBytes: 48 },
  [OID_CURVE_SM2]: { spec: "EC_SM2", hash: "SM3", coordinateBytes: 32 },
};

export const RSA_SPEC_BY_BITS: Record<number, ExportKeySpecId> = { 2048: "RSA_2048", 3072: "RSA_3072", 4096: "RSA_4096" };

/** WebCrypto import parameters for a spec's private key (signing) — SM2 has none. */
export function webCryptoAlgorithmFor(spec: ExportKeySpecId): RsaHashedImportParams | EcKeyImportParams | undefined {
  switch (spec) {
    case "RSA_2048":
    case "RSA_3072":
    case "RSA_4096":
      return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    case "EC_P256":
      return { name: "ECDSA", namedCurve: "P-256" };
    case "EC_P384":
      return { name: "ECDSA", namedCurve: "P-384" };
    case "EC_SM2":
      return undefined;
  }
}
