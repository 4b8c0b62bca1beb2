// The key algorithms Keysmith exports and reads back, by their ASN.1 identifiers.
export const OID_RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
export const OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";
export const OID_CURVE_P256 = "1.2.840.10045.3.1.7";
export const OID_CURVE_P384 = "1.3.132.0.34";
export const OID_CURVE_SM2 = "1.2.156.10197.1.301";

export type KeyFamily = "RSA" | "EC" | "SM2";
export type NamedCurve = "P-256" | "P-384" | "SM2";

export const CURVE_BY_OID: Record<string, NamedCurve> = {
  [OID_CURVE_P256]: "P-256",
  [OID_CURVE_P384]: "P-384",
  [OID_CURVE_SM2]: "SM2",
};
export const OID_BY_CURVE: Record<NamedCurve, string> = {
  "P-256": OID_CURVE_P256,
  "P-384": OID_CURVE_P384,
  SM2: OID_CURVE_SM2,
};
