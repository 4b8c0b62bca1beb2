// Fuzzing the private key readers (src/core/export/*): readPrivateKey (PKCS#8, encrypted PKCS#8, PKCS#1,
// SEC1; PEM or DER), describePkcs8, pkcs8ToSec1Pem and pkcs8ToPkcs1Pem throw only KeysmithError in bounded
// time, and a key they accept is consistent: it signs what its public key verifies (SM2: the public point is
// d·G). Corrupting any number of an RSA key is refused.
import fc from "fast-check";
import { sm2 } from "sm-crypto-v2";
import { beforeAll, describe, expect, it } from "vitest";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { ECParameters, ECPrivateKey } from "@peculiar/asn1-ecc";
import { RSAPrivateKey } from "@peculiar/asn1-rsa";
import { PrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { generateKeyPair } from "../../../src/core/csr/key-pair";
import { encryptPkcs8, privateKeyToPkcs8, readPrivateKey, sm2PrivateKeyToPkcs8, type PrivateKeyDescription } from "../../../src/core/export/pkcs8";
import { describePkcs8 } from "../../../src/core/export/private-key-description";
import { pkcs8ToPkcs1Pem, pkcs8ToSec1Pem } from "../../../src/core/export/traditional-pem";
import { OID_CURVE_P256, OID_CURVE_P384, OID_CURVE_SM2, OID_EC_PUBLIC_KEY, OID_RSA_ENCRYPTION } from "../../../src/core/export/key-material";
import { pemEncode } from "../../../src/core/pem";
import { TEST_TIMEOUT, codeOfAsync, mutatedBytes, params, typedOnly, typedOnlyAsync } from "./fuzz-support";
import { PKCS8_EC_EXPLICIT_CURVE } from "./outside-inputs";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const fromHex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
const ab = (b: Uint8Array) => b.slice().buffer as ArrayBuffer;

interface Seeds {
  rsa: Uint8Array;
  p256: Uint8Array;
  p384: Uint8Array;
  sm2: Uint8Array;
  encrypted: Uint8Array;
}
let seeds: Seeds;

beforeAll(async () => {
  const pkcs8 = async (spec: "RSA_2048" | "EC_P256" | "EC_P384") => privateKeyToPkcs8((await generateKeyPair(spec, { extractable: true })) as never);
  const sm2Pair = await generateKeyPair("EC_SM2", { extractable: true });
  const p256 = await pkcs8("EC_P256");
  seeds = {
    rsa: await pkcs8("RSA_2048"),
    p256,
    p384: await pkcs8("EC_P384"),
    sm2: sm2PrivateKeyToPkcs8(sm2Pair.privateKey as Uint8Array, sm2Pair.publicKey as Uint8Array),
    encrypted: await encryptPkcs8(p256, "pass", { iterations: 1 }),
  };
}, 60_000);

/** What an accepted key must satisfy: its private half signs what its public half (from spkiDer) verifies. */
async function expectConsistent(key: PrivateKeyDescription): Promise<void> {
  if (key.kind === "sm2") {
    expect(hex(key.publicKey)).toBe(sm2.getPublicKeyFromPrivateKey(hex(key.privateKey)));
    return;
  }
  const params = key.spec.startsWith("RSA") ? { name: "RSASSA-PKCS1-v1_5" } : { name: "ECDSA", hash: key.spec === "EC_P384" ? "SHA-384" : "SHA-256" };
  const importParams = key.spec.startsWith("RSA")
    ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }
    : { name: "ECDSA", namedCurve: key.spec === "EC_P384" ? "P-384" : "P-256" };
  const publicKey = await crypto.subtle.importKey("spki", ab(key.spkiDer), importParams, true, ["verify"]);
  const data = new TextEncoder().encode("fuzz");
  const signature = await crypto.subtle.sign(params, key.privateKey, data);
  expect(await crypto.subtle.verify(params, publicKey, signature, data)).toBe(true);
}

async function checkRead(input: string | Uint8Array, passphrase?: string, limitMs?: number): Promise<void> {
  const { value } = await typedOnlyAsync(() => readPrivateKey(input, passphrase), limitMs);
  if (value) await expectConsistent(value);
}

function checkConverters(pkcs8Der: Uint8Array): void {
  typedOnly(() => pkcs8ToSec1Pem(pkcs8Der));
  typedOnly(() => pkcs8ToPkcs1Pem(pkcs8Der));
}

function pkcs8Of(inner: Uint8Array, algorithm: string, curveOid?: string): Uint8Array {
  const info = new PrivateKeyInfo({
    privateKeyAlgorithm: new AlgorithmIdentifier({
      algorithm,
      parameters: curveOid ? AsnConvert.serialize(new ECParameters({ namedCurve: curveOid })) : null,
    }),
    privateKey: new OctetString(inner),
  });
  return new Uint8Array(AsnConvert.serialize(info));
}

function ecKeyDer(d: Uint8Array, publicKey: Uint8Array | undefined, curveOid?: string): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(new ECPrivateKey({
    version: 1,
    privateKey: new OctetString(d),
    ...(publicKey ? { publicKey: ab(publicKey) } : {}),
    ...(curveOid ? { parameters: new ECParameters({ namedCurve: curveOid }) } : {}),
  })));
}

const CURVES = [
  { oid: OID_CURVE_P256, size: 32, order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n },
  { oid: OID_CURVE_P384, size: 48, order: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n },
  { oid: OID_CURVE_SM2, size: 32, order: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n },
];
const bigBytes = (n: bigint, size: number) => fromHex(n.toString(16).padStart(size * 2, "0"));

/** d: arbitrary bytes, or values at the edges of [1, n-1]. */
const scalarArb = (size: number, order: bigint) =>
  fc.oneof(
    fc.uint8Array({ minLength: 0, maxLength: size + 9 }),
    fc.constantFrom(0n, 1n, order - 1n, order, order + 1n, 2n ** BigInt(size * 8) - 1n).map((v) => bigBytes(v, size)),
    fc.uint8Array({ minLength: size, maxLength: size }),
  );

describe("fuzz: private keys", () => {
  it("corrupted PKCS#8 (RSA, P-256, P-384, SM2), as DER or PEM, is refused or consistent", { timeout: TEST_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("rsa", "p256", "p384", "sm2" as const).chain((k) => mutatedBytes(seeds[k as keyof Seeds])),
        fc.boolean(),
        async (der, asPem) => {
          await checkRead(asPem ? pemEncode("PRIVATE KEY", der) : der);
          checkConverters(der);
        },
      ),
      params(0.5),
    );
  });

  it("every bit flip in an RSA key's numbers is refused", { timeout: TEST_TIMEOUT }, async () => {
    const fields = ["modulus", "publicExponent", "privateExponent", "prime1", "prime2", "exponent1", "exponent2", "coefficient"] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), fc.nat(), fc.nat({ max: 7 }), async (field, at, bit) => {
        const info = AsnConvert.parse(seeds.rsa, PrivateKeyInfo);
        const rsa = AsnConvert.parse(info.privateKey.buffer, RSAPrivateKey);
        const bytes = new Uint8Array(rsa[field]);
        // Not the sign bit of the first byte: that makes a negative INTEGER the ASN.1 layer re-reads differently.
        const i = bytes.length === 1 ? 0 : 1 + (at % (bytes.length - 1));
        bytes[i]! ^= 1 << bit;
        rsa[field] = ab(bytes);
        const der = pkcs8Of(new Uint8Array(AsnConvert.serialize(rsa)), OID_RSA_ENCRYPTION);
        const { error } = await typedOnlyAsync(() => describePkcs8(der));
        expect(error, `${field} byte ${i} bit ${bit}`).toBeDefined();
        await typedOnlyAsync(() => readPrivateKey(pemEncode("RSA PRIVATE KEY", new Uint8Array(AsnConvert.serialize(rsa)))));
      }),
      params(0.3),
    );
  });

  it("EC keys with arbitrary d and public point (PKCS#8 or SEC1) are refused or consistent", { timeout: TEST_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CURVES).chain((curve) =>
          fc.record({
            curve: fc.constant(curve),
            d: scalarArb(curve.size, curve.order),
            point: fc.constantFrom("none", "derived", "flipped", "random", "compressed", "other" as const),
            random: fc.uint8Array({ maxLength: 2 * curve.size + 2 }),
            bit: fc.nat({ max: 8 * (2 * curve.size + 1) - 1 }),
            form: fc.constantFrom("pkcs8", "sec1" as const),
          }),
        ),
        async ({ curve, d, point, random, bit, form }) => {
          let publicKey: Uint8Array | undefined;
          if (point !== "none") {
            const derived = await derivedPoint(curve.oid, d);
            if (point === "random" || !derived) publicKey = random;
            else if (point === "derived") publicKey = derived;
            else if (point === "flipped") (publicKey = derived.slice())[bit >> 3]! ^= 1 << (bit & 7);
            else if (point === "compressed") publicKey = new Uint8Array([2 + (derived[derived.length - 1]! & 1), ...derived.subarray(1, 1 + curve.size)]);
            else publicKey = (await derivedPoint(curve.oid, bigBytes(2n, curve.size)))!;
          }
          if (form === "pkcs8") {
            const der = pkcs8Of(ecKeyDer(d, publicKey), OID_EC_PUBLIC_KEY, curve.oid);
            await checkRead(der);
            checkConverters(der);
          } else {
            await checkRead(pemEncode("EC PRIVATE KEY", ecKeyDer(d, publicKey, curve.oid)));
          }
        },
      ),
      params(0.5),
    );
  });

  it("corrupted encrypted PKCS#8 is refused or consistent", { timeout: TEST_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(mutatedBytes(seeds.encrypted), fc.constantFrom("pass", "", "wrong"), async (der, passphrase) => {
        // PBKDF2 iterations are read from the file (capped at 10,000,000): a mutation can raise them.
        await checkRead(pemEncode("ENCRYPTED PRIVATE KEY", der), passphrase, 20_000);
      }),
      params(0.3),
    );
  });

  it("arbitrary bytes and text are refused with a KeysmithError", { timeout: TEST_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 80 }),
          fc.string({ maxLength: 80 }),
          fc.tuple(fc.constantFrom("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"), fc.uint8Array({ maxLength: 80 })).map(([l, b]) => pemEncode(l, b)),
        ),
        async (input) => {
          await checkRead(input, "pass");
          if (input instanceof Uint8Array) {
            await typedOnlyAsync(() => describePkcs8(input));
            checkConverters(input);
          }
        },
      ),
      params(),
    );
  });
});

/** d·G as 04‖X‖Y for a d in range, else undefined. */
async function derivedPoint(curveOid: string, d: Uint8Array): Promise<Uint8Array | undefined> {
  const curve = CURVES.find((c) => c.oid === curveOid)!;
  let v = 0n;
  for (const b of d) v = (v << 8n) | BigInt(b);
  if (v < 1n || v >= curve.order) return undefined;
  const scalar = bigBytes(v, curve.size);
  if (curveOid === OID_CURVE_SM2) return fromHex(sm2.getPublicKeyFromPrivateKey(hex(scalar)));
  const der = pkcs8Of(ecKeyDer(scalar, undefined), OID_EC_PUBLIC_KEY, curveOid);
  const key = await crypto.subtle.importKey("pkcs8", ab(der), { name: "ECDSA", namedCurve: curveOid === OID_CURVE_P256 ? "P-256" : "P-384" }, true, ["sign"]);
  const jwk = await crypto.subtle.exportKey("jwk", key);
  return new Uint8Array([4, ...Buffer.from(jwk.x!, "base64url"), ...Buffer.from(jwk.y!, "base64url")]);
}

describe("private key regressions found by fuzzing", () => {
  it("an RSA key with one modulus bit flipped is refused (it made CSRs that did not verify)", async () => {
    const info = AsnConvert.parse(seeds.rsa, PrivateKeyInfo);
    const rsa = AsnConvert.parse(info.privateKey.buffer, RSAPrivateKey);
    const n = new Uint8Array(rsa.modulus);
    n[100]! ^= 0x10;
    rsa.modulus = ab(n);
    const pkcs1 = new Uint8Array(AsnConvert.serialize(rsa));
    expect(await codeOfAsync(() => describePkcs8(pkcs8Of(pkcs1, OID_RSA_ENCRYPTION)))).toBe("export.key.inconsistent");
    expect(await codeOfAsync(() => readPrivateKey(pemEncode("RSA PRIVATE KEY", pkcs1)))).toBe("export.key.inconsistent");
    await expectConsistent(await readPrivateKey(seeds.rsa));
  });

  it("an RSA key with a number longer than its modulus is refused before any arithmetic on it", async () => {
    const info = AsnConvert.parse(seeds.rsa, PrivateKeyInfo);
    const rsa = AsnConvert.parse(info.privateKey.buffer, RSAPrivateKey);
    const huge = new Uint8Array(1_000_000);
    huge[1] = 1;
    rsa.prime1 = ab(huge);
    const started = performance.now();
    expect(await codeOfAsync(() => describePkcs8(pkcs8Of(new Uint8Array(AsnConvert.serialize(rsa)), OID_RSA_ENCRYPTION)))).toBe("export.key.inconsistent");
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("an EC PKCS#8 with explicit curve parameters is export.key.unsupported", async () => {
    expect(await codeOfAsync(() => readPrivateKey(PKCS8_EC_EXPLICIT_CURVE))).toBe("export.key.unsupported");
  });

  it("SEC1 with d = 0 and no public point (P-256, SM2) is export.key.invalid", async () => {
    for (const curve of [OID_CURVE_P256, OID_CURVE_SM2]) {
      expect(await codeOfAsync(() => readPrivateKey(pemEncode("EC PRIVATE KEY", ecKeyDer(new Uint8Array(32), undefined, curve))))).toBe("export.key.invalid");
    }
  });

  it("SM2: a public point off the curve or of another d, or a 40-byte d, is refused", async () => {
    const d = bigBytes(12345678901234567890n, 32);
    const derived = (await derivedPoint(OID_CURVE_SM2, d))!;
    const offCurve = derived.slice();
    offCurve[64]! ^= 1;
    const other = (await derivedPoint(OID_CURVE_SM2, bigBytes(2n, 32)))!;
    for (const point of [offCurve, other]) {
      expect(await codeOfAsync(() => describePkcs8(pkcs8Of(ecKeyDer(d, point), OID_EC_PUBLIC_KEY, OID_CURVE_SM2)))).toBe("export.key.inconsistent");
    }
    const long = new Uint8Array(40);
    long.set(d, 8);
    long[0] = 1;
    expect(await codeOfAsync(() => describePkcs8(pkcs8Of(ecKeyDer(long, undefined), OID_EC_PUBLIC_KEY, OID_CURVE_SM2)))).toBe("export.key.invalid");
    const good = await describePkcs8(pkcs8Of(ecKeyDer(d, derived), OID_EC_PUBLIC_KEY, OID_CURVE_SM2));
    expect(good.kind === "sm2" && hex(good.privateKey)).toBe(hex(d));
  });

  it("a P-256 key whose public point belongs to another d is refused", async () => {
    const d = bigBytes(987654321n, 32);
    const other = (await derivedPoint(OID_CURVE_P256, bigBytes(5n, 32)))!;
    // Node's WebCrypto already refuses it on import (invalid); other engines import it and the self-check refuses (inconsistent).
    expect(await codeOfAsync(() => describePkcs8(pkcs8Of(ecKeyDer(d, other), OID_EC_PUBLIC_KEY, OID_CURVE_P256)))).toMatch(/^export\.key\.(invalid|inconsistent)$/);
  });

  it("pkcs8ToSec1Pem on malformed input is export.key.invalid", () => {
    const bad = pkcs8Of(new Uint8Array([0x30, 0x03, 0x02, 0x01]), OID_EC_PUBLIC_KEY, OID_CURVE_P256);
    expect(typedOnly(() => pkcs8ToSec1Pem(bad)).error?.code).toBe("export.key.invalid");
  });
});
