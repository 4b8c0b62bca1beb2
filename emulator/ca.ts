// The emulator's certificate authorities, made at first start and kept in the state file: an ECDSA P-256
// root and intermediate for RSA and EC leaves, and an SM2 root and intermediate (SM2-with-SM3) for SM2
// leaves. Leaves carry the CSR's public key unchanged, the order's domains in subjectAltName, and
// `Certificate` answers hold the leaf then the intermediate (the root is what a client trusts).
import { randomBytes } from "node:crypto";
import * as x509 from "../src/core/csr/x509";
import { sm2CryptoKeys, sm2PublicKeyFromSpki } from "../src/core/csr/sm2";
import { fromHex, toHex, generateSm2KeyPair } from "../src/core/csr/sm2";
import { pemEncode } from "../src/core/pem";
import { cryptoWithSm2, nodeCrypto } from "./keys";

const EC_ALG = { name: "ECDSA", namedCurve: "P-256" } as const;
const EC_SIGN = { name: "ECDSA", hash: "SHA-256" } as const;
const SM2_SIGN = { name: "SM2", hash: "SM3" } as const;
const DAY = 24 * 60 * 60 * 1000;
const CA_YEARS = 20;

interface StoredCa {
  rootPem: string;
  intermediatePem: string;
  /** EC: PKCS#8 base64 of the intermediate's key. SM2: hex private key (public key in the certificate). */
  intermediateKey: string;
}

export interface CaMaterial {
  ec: StoredCa;
  sm2: StoredCa;
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f; // positive INTEGER
  return bytes.toString("hex");
}

const toPem = (cert: x509.X509Certificate): string => pemEncode("CERTIFICATE", new Uint8Array(cert.rawData));

const caExtensions = async (publicKey: CryptoKey, pathLength: number | undefined, issuerKey: CryptoKey | undefined): Promise<x509.Extension[]> => {
  const ext: x509.Extension[] = [
    new x509.BasicConstraintsExtension(true, pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
    await x509.SubjectKeyIdentifierExtension.create(publicKey, false, cryptoWithSm2),
  ];
  if (issuerKey) ext.push(await x509.AuthorityKeyIdentifierExtension.create(issuerKey, false, cryptoWithSm2));
  return ext;
};

async function makeChain(family: "EC" | "SM2", now: number): Promise<StoredCa> {
  const label = family === "EC" ? "ECC" : "SM2";
  let root: CryptoKeyPair;
  let inter: CryptoKeyPair;
  let interKeyText: string;
  if (family === "EC") {
    root = (await nodeCrypto.subtle.generateKey(EC_ALG, true, ["sign", "verify"])) as CryptoKeyPair;
    inter = (await nodeCrypto.subtle.generateKey(EC_ALG, true, ["sign", "verify"])) as CryptoKeyPair;
    interKeyText = Buffer.from(await nodeCrypto.subtle.exportKey("pkcs8", inter.privateKey)).toString("base64");
  } else {
    const r = generateSm2KeyPair();
    const i = generateSm2KeyPair();
    const rk = sm2CryptoKeys(r.privateKey, r.publicKey);
    const ik = sm2CryptoKeys(i.privateKey, i.publicKey);
    root = { privateKey: rk.privateKey!, publicKey: rk.publicKey };
    inter = { privateKey: ik.privateKey!, publicKey: ik.publicKey };
    interKeyText = toHex(i.privateKey);
  }
  const signingAlgorithm = family === "EC" ? EC_SIGN : SM2_SIGN;
  const notBefore = new Date(now - DAY);
  const notAfter = new Date(now + CA_YEARS * 365 * DAY);
  const rootName = `CN=Keysmith Emulator ${label} Root CA, O=Keysmith Emulator, C=CN`;
  const interName = `CN=Keysmith Emulator ${label} Intermediate CA, O=Keysmith Emulator, C=CN`;
  const rootCert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(), subject: rootName, issuer: rootName, notBefore, notAfter, signingAlgorithm,
      publicKey: root.publicKey, signingKey: root.privateKey, extensions: await caExtensions(root.publicKey, undefined, undefined),
    },
    cryptoWithSm2,
  );
  const interCert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(), subject: interName, issuer: rootName, notBefore, notAfter, signingAlgorithm,
      publicKey: inter.publicKey, signingKey: root.privateKey, extensions: await caExtensions(inter.publicKey, 0, root.publicKey),
    },
    cryptoWithSm2,
  );
  return { rootPem: toPem(rootCert), intermediatePem: toPem(interCert), intermediateKey: interKeyText };
}

export async function createCaMaterial(now: number): Promise<CaMaterial> {
  return { ec: await makeChain("EC", now), sm2: await makeChain("SM2", now) };
}

export interface LeafRequest {
  spkiDer: Uint8Array;
  commonName: string;
  /** DNS names for subjectAltName (the order's domain first). */
  dnsNames: readonly string[];
  /** IP addresses for subjectAltName (the emulator's own TLS certificate: 127.0.0.1, ::1). */
  ipAddresses?: readonly string[];
  notBefore: number;
  notAfter: number;
}

export interface IssuedLeaf {
  certificatePem: string;
  chainPem: string;
  serialHex: string;
}

/** The CA that signs a key: the SM2 chain for SM2 public keys, the ECDSA chain for everything else. */
export class CertificateAuthority {
  constructor(private readonly material: CaMaterial) {}

  roots(): { ec: string; sm2: string } {
    return { ec: this.material.ec.rootPem, sm2: this.material.sm2.rootPem };
  }

  async issue(request: LeafRequest): Promise<IssuedLeaf> {
    const isSm2 = sm2PublicKeyFromSpki(request.spkiDer.slice()) !== undefined;
    const stored = isSm2 ? this.material.sm2 : this.material.ec;
    const issuerCert = new x509.X509Certificate(stored.intermediatePem);
    let signingKey: CryptoKey;
    if (isSm2) {
      const point = sm2PublicKeyFromSpki(issuerCert.publicKey.rawData)!;
      signingKey = sm2CryptoKeys(fromHex(stored.intermediateKey), point).privateKey!;
    } else {
      signingKey = await nodeCrypto.subtle.importKey("pkcs8", Buffer.from(stored.intermediateKey, "base64"), EC_ALG, false, ["sign"]);
    }
    const publicKey = new x509.PublicKey(request.spkiDer.slice());
    const isRsa = publicKey.algorithm.name.startsWith("RSA");
    const usage = isRsa ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment : x509.KeyUsageFlags.digitalSignature;
    const serialHex = serial();
    const leaf = await x509.X509CertificateGenerator.create(
      {
        serialNumber: serialHex,
        subject: `CN=${request.commonName}`,
        issuer: issuerCert.subjectName,
        notBefore: new Date(request.notBefore),
        notAfter: new Date(request.notAfter),
        signingAlgorithm: isSm2 ? SM2_SIGN : EC_SIGN,
        publicKey,
        signingKey,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(usage, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
          new x509.SubjectAlternativeNameExtension([
            ...request.dnsNames.map((value) => ({ type: "dns" as const, value })),
            ...(request.ipAddresses ?? []).map((value) => ({ type: "ip" as const, value })),
          ]),
          await x509.SubjectKeyIdentifierExtension.create(publicKey, false, cryptoWithSm2),
          await x509.AuthorityKeyIdentifierExtension.create(issuerCert, false, cryptoWithSm2),
        ],
      },
      cryptoWithSm2,
    );
    return { certificatePem: toPem(leaf), chainPem: stored.intermediatePem, serialHex };
  }
}
