// Object identifiers the CSR code names (the rest come from @peculiar/asn1-*).
export const OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";
export const OID_RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
/** SM2 curve (GM/T 0006): named curve of an SM2 key under id-ecPublicKey. */
export const OID_SM2_CURVE = "1.2.156.10197.1.301";
/** SM2-with-SM3 signature (GM/T 0006), no parameters. */
export const OID_SM2_WITH_SM3 = "1.2.156.10197.1.501";
export const OID_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
export const OID_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
/** The signer id GM/T 0009 defines as default; Z = SM3(ENTL || ID || curve || public key). */
export const SM2_DEFAULT_USER_ID = "1234567812345678";
