// The CLI on malformed input the fuzzers found (test/unit/fuzz): a CSR whose extension content cannot be
// decoded and a private key whose numbers disagree are invalid input, exit 2 with the typed message naming
// the field and the rule, never "internal error" (exit 1) and never a file written.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AsnConvert } from "@peculiar/asn1-schema";
import { PrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { RSAPrivateKey } from "@peculiar/asn1-rsa";
import { runCli } from "../support/run-cli";
import { pemEncode } from "../../src/core/pem";
import { CSR_MALFORMED_EKU, CSR_MALFORMED_KU, CSR_MALFORMED_SAN } from "../unit/fuzz/outside-inputs";

const dir = mkdtempSync(join(tmpdir(), "keysmith-malformed-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (name: string) => join(dir, name);
const ENV = { KEYSMITH_LANG: "en" };

beforeAll(async () => {
  writeFileSync(p("ku.csr"), CSR_MALFORMED_KU);
  writeFileSync(p("san.csr"), CSR_MALFORMED_SAN);
  writeFileSync(p("eku.csr"), CSR_MALFORMED_EKU);
  // An RSA key with one modulus bit flipped: it used to be accepted and sign CSRs that do not verify.
  const pair = await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign", "verify"],
  );
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const rsa = AsnConvert.parse(AsnConvert.parse(pkcs8, PrivateKeyInfo).privateKey.buffer, RSAPrivateKey);
  const n = new Uint8Array(rsa.modulus);
  n[77]! ^= 0x04;
  rsa.modulus = n.buffer;
  writeFileSync(p("corrupt.key.pem"), pemEncode("RSA PRIVATE KEY", new Uint8Array(AsnConvert.serialize(rsa))));
  writeFileSync(p("cert.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  writeFileSync(p("pass"), "pfx passphrase\n");
}, 60_000);

describe("keysmith on malformed input", () => {
  for (const [file, extension] of [["ku.csr", "keyUsage"], ["san.csr", "subjectAltName"], ["eku.csr", "extKeyUsage"]] as const) {
    it(`inspect: a CSR with malformed ${extension} content is exit 2 naming the extension`, async () => {
      const r = await runCli(["inspect", p(file)], ENV);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`csr.extensions.${extension}`);
      expect(r.err).not.toMatch(/internal error/i);
      expect(r.out).toBe("");
    });
  }

  it("inspect: input that is not a CSR stays exit 1", async () => {
    writeFileSync(p("not.csr"), "hello");
    expect((await runCli(["inspect", p("not.csr")], ENV)).code).toBe(1);
  });

  it("bundle: a corrupted RSA key is exit 2 naming --key, and nothing is written", async () => {
    const out = p("out.pfx");
    const r = await runCli(["bundle", "--key", p("corrupt.key.pem"), "--cert", p("cert.pem"), "--passphrase-file", p("pass"), "--out", out], ENV);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^keysmith: --key: .*do not belong together/);
    expect(r.err).not.toMatch(/internal error/i);
    expect(existsSync(out)).toBe(false);
  });
});
