// The SM2 plug-in also signs certificates through @peculiar/x509's X509CertificateGenerator (what the
// emulator's CA does): an SM2 root and an SM2 leaf issued from a core SM2 CSR, both checked by OpenSSL.
import { describe, expect, it } from "vitest";
import * as x509 from "../../src/core/csr/x509";
import { createCsr, generateKeyPair, sm2Crypto, sm2CryptoKeys } from "../../src/core/csr/index";
import { SM2_DISTID, openssl, tempDir } from "./openssl-csr-helpers";
import { join } from "node:path";
import { writeFileSync } from "node:fs";

describe("SM2 certificates signed through the plug-in", () => {
  it("an SM2 root and a leaf from an SM2 CSR verify in openssl", async () => {
    const crypto = sm2Crypto();
    const ca = await generateKeyPair("EC_SM2", { extractable: false });
    if (ca.kind !== "sm2") throw new Error("expected raw SM2 keys");
    const caKeys = sm2CryptoKeys(ca.privateKey, ca.publicKey);
    const signingAlgorithm = { name: "SM2", hash: "SM3" };
    const notBefore = new Date("2026-01-01T00:00:00Z");
    const notAfter = new Date("2036-01-01T00:00:00Z");
    const root = await x509.X509CertificateGenerator.createSelfSigned(
      {
        serialNumber: "01",
        name: "CN=Keysmith Test SM2 Root,O=Keysmith,C=CN",
        notBefore,
        notAfter,
        signingAlgorithm,
        keys: { privateKey: caKeys.privateKey!, publicKey: caKeys.publicKey },
        extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
      },
      crypto,
    );
    const leafKey = await generateKeyPair("EC_SM2", { extractable: false });
    const csrPem = (await createCsr(leafKey, { subject: "CN=www.example.com,O=Example,C=CN", sans: ["api.example.com"] })).pem;
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    expect(await csr.verify(crypto)).toBe(true);
    const leaf = await x509.X509CertificateGenerator.create(
      {
        serialNumber: "1001",
        subject: csr.subjectName,
        issuer: root.subjectName,
        notBefore,
        notAfter,
        signingAlgorithm,
        publicKey: csr.publicKey,
        signingKey: caKeys.privateKey!,
        extensions: [csr.getExtension("2.5.29.17")!], // by OID: the CSR class takes no extension class here
      },
      crypto,
    );
    expect(await leaf.verify({ publicKey: root.publicKey, signatureOnly: true }, crypto)).toBe(true);

    const dir = tempDir();
    writeFileSync(join(dir, "root.pem"), root.toString("pem"));
    writeFileSync(join(dir, "leaf.pem"), leaf.toString("pem"));
    const text = openssl(["x509", "-in", join(dir, "leaf.pem"), "-noout", "-text"]).stdout;
    expect(text).toMatch(/Signature Algorithm: SM2-with-SM3/);
    expect(text).toMatch(/DNS:www.example.com, DNS:api.example.com/);
    // OpenSSL 3.0 checks SM2 signatures with an empty id unless told: name the default id, as for CSRs.
    const id = ["-vfyopt", `distid:${SM2_DISTID}`];
    const verified = openssl(["verify", ...id, "-CAfile", join(dir, "root.pem"), join(dir, "leaf.pem")]);
    expect(verified.stdout + verified.stderr).toMatch(/leaf.pem: OK/);
    // (openssl verify -check_ss_sig cannot be given the id for the anchor's own signature; check it here.)
    expect(await root.verify({ signatureOnly: true }, crypto)).toBe(true);
    expect(openssl(["x509", "-in", join(dir, "root.pem"), "-noout", "-text"]).stdout).toMatch(/CA:TRUE/);
  });
});
