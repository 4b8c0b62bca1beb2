import { describe, expect, it } from "vitest";
import { KeysmithError } from "../../../src/core/errors";
import {
  KEY_SPECS,
  KEY_SPEC_IDS,
  acceptsSpec,
  keySpecFromCasCsr,
  keySpecFromKms,
  parseKeySpec,
  specsAcceptedBy,
} from "../../../src/core/key-spec";

describe("key-spec catalogue", () => {
  it("has the six specs with their WebCrypto, KMS and CreateCsr mappings", () => {
    expect(KEY_SPEC_IDS).toEqual(["RSA_2048", "RSA_3072", "RSA_4096", "EC_P256", "EC_P384", "EC_SM2"]);
    expect(KEY_SPECS.RSA_3072.generate).toMatchObject({ name: "RSASSA-PKCS1-v1_5", modulusLength: 3072 });
    expect(KEY_SPECS.EC_P384.generate).toEqual({ name: "ECDSA", namedCurve: "P-384" });
    expect(KEY_SPECS.EC_P384.hash).toBe("SHA-384");
    expect(KEY_SPECS.EC_P256.hash).toBe("SHA-256");
    expect(KEY_SPECS.EC_SM2.generate).toBeUndefined();
    expect(KEY_SPECS.EC_SM2.hash).toBe("SM3");
    expect(KEY_SPEC_IDS.map((id) => KEY_SPECS[id].kms)).toEqual(["RSA_2048", undefined, undefined, "EC_P256", undefined, "EC_SM2"]);
    expect(KEY_SPEC_IDS.map((id) => KEY_SPECS[id].casCsr)).toEqual([
      { algorithm: "RSA", keySize: 2048 },
      { algorithm: "RSA", keySize: 3072 },
      { algorithm: "RSA", keySize: 4096 },
      { algorithm: "ECC", keySize: 256 },
      undefined,
      { algorithm: "SM2", keySize: 256 },
    ]);
  });

  it("maps KMS and CreateCsr names back to specs", () => {
    expect(keySpecFromKms("EC_SM2")).toBe("EC_SM2");
    expect(keySpecFromKms("RSA_2048")).toBe("RSA_2048");
    expect(keySpecFromKms("RSA_3072")).toBeUndefined();
    expect(keySpecFromCasCsr("ECC", 256)).toBe("EC_P256");
    expect(keySpecFromCasCsr("rsa", "4096")).toBe("RSA_4096");
    expect(keySpecFromCasCsr("SM2", 256)).toBe("EC_SM2");
    expect(keySpecFromCasCsr("ECC", 384)).toBeUndefined();
  });

  it("parses spec names leniently and refuses unknown ones with a typed error", () => {
    expect(parseKeySpec("ec-p256")).toBe("EC_P256");
    expect(parseKeySpec(" RSA_4096 ")).toBe("RSA_4096");
    let caught: unknown;
    try {
      parseKeySpec("RSA_1024", "--key-spec");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(KeysmithError);
    const err = caught as KeysmithError;
    expect(err.code).toBe("key_spec.unknown");
    expect(err.field).toBe("--key-spec");
    expect(err.message).toContain("RSA_1024");
    expect(err.message).toContain("--key-spec");
    expect(err.localized("zh_CN")).toContain("RSA_1024");
  });

  it("knows which operations take which spec (CreateCertificateWithCsrRequest: RSA>=2048 or ECC, not SM2)", () => {
    expect(specsAcceptedBy("CreateCertificateWithCsrRequest")).toEqual(["RSA_2048", "RSA_3072", "RSA_4096", "EC_P256", "EC_P384"]);
    expect(acceptsSpec("CreateCertificateWithCsrRequest", "EC_SM2")).toBe(false);
    expect(specsAcceptedBy("kms")).toEqual(["RSA_2048", "EC_P256", "EC_SM2"]);
    expect(specsAcceptedBy("casCreateCsr")).toEqual(["RSA_2048", "RSA_3072", "RSA_4096", "EC_P256", "EC_SM2"]);
    expect(specsAcceptedBy("offline")).toEqual(KEY_SPEC_IDS);
  });
});
