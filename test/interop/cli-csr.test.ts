// The CLI as users run it: `node bin/keysmith.mjs csr|inspect …` (the built bundle), checked with OpenSSL.
// Built by `npm test` / `npm run build` first; built here only when missing.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { KEY_SPEC_IDS, KEY_SPECS } from "../../src/core/key-spec";
import { parseDn } from "../../src/core/subject";
import { openssl, opensslReadCsr, tempDir } from "./openssl-csr-helpers";
import { ensureCliBuilt } from "../support/fresh-build";

const ROOT = resolve(__dirname, "../..");
const SUBJECT = "CN=www.example.com,O=Example,OU=IT,C=CN";

function keysmith(args: string[], options: { input?: string | Uint8Array; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/keysmith.mjs"), ...args], {
    cwd: ROOT,
    input: options.input,
    encoding: "utf8",
    env: { ...process.env, KEYSMITH_LANG: "en", ...options.env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function typesAndValues(dn: string) {
  return parseDn(dn).map((rdn) => rdn.map(({ type, value }) => ({ type, value })));
}

beforeAll(() => {
  ensureCliBuilt();
}, 120_000);

describe("keysmith csr", () => {
  it.each(KEY_SPEC_IDS)("%s: the issue's command makes a CSR openssl accepts, with that subject and both SANs", (spec) => {
    const out = tempDir();
    const r = keysmith(["csr", "--key-spec", spec, "--subject", SUBJECT, "--san", "www.example.com", "--san", "api.example.com", "--out", out, "--unencrypted"]);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["www.example.com.csr.pem", "www.example.com.key.pem"]);
    const keyPath = join(out, "www.example.com.key.pem");
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyPath, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    // --unencrypted: exit 0 but say on stderr that the key is unencrypted.
    expect(r.stderr).toMatch(/unencrypted/i);
    const view = opensslReadCsr(join(out, "www.example.com.csr.pem"), { sm2: KEY_SPECS[spec].family === "SM2" });
    expect(view.verified).toBe(true);
    expect(typesAndValues(view.subject)).toEqual(typesAndValues(SUBJECT));
    expect(view.sans).toEqual(["DNS:www.example.com", "DNS:api.example.com"]);
    // The key file opens in OpenSSL and belongs to the CSR.
    const keyPub = openssl(["pkey", "-in", keyPath, "-pubout"]);
    const csrPub = openssl(["req", "-in", join(out, "www.example.com.csr.pem"), "-noout", "-pubkey"]);
    expect(keyPub.status, keyPub.stderr).toBe(0);
    expect(keyPub.stdout).toBe(csrPub.stdout);
  });

  it.each(["EC_P256", "EC_SM2", "RSA_2048"])("%s with --passphrase-file: PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC that openssl pkey opens", (spec) => {
    const out = tempDir();
    const passFile = join(tempDir(), "pass.txt");
    writeFileSync(passFile, "correct horse battery staple\n");
    const r = keysmith(["csr", "--key-spec", spec, "--subject", SUBJECT, "--out", out, "--name", "k", "--passphrase-file", passFile]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/unencrypted/i);
    const keyPath = join(out, "k.key.pem");
    expect(readFileSync(keyPath, "utf8")).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    const parsed = openssl(["asn1parse", "-in", keyPath]).stdout;
    expect(parsed).toMatch(/:PBES2/);
    expect(parsed).toMatch(/:PBKDF2/);
    expect(parsed).toMatch(/:hmacWithSHA256/);
    expect(parsed).toMatch(/:aes-256-cbc/);
    const opened = openssl(["pkey", "-in", keyPath, "-passin", `file:${passFile}`, "-pubout"]);
    expect(opened.status, opened.stderr).toBe(0);
    expect(opened.stdout).toBe(openssl(["req", "-in", join(out, "k.csr.pem"), "-noout", "-pubkey"]).stdout);
    expect(openssl(["pkey", "-in", keyPath, "-passin", "pass:wrong", "-noout"]).status).not.toBe(0);
  });

  it("Chinese organisation with an escaped comma and an IDN domain: UTF8String and A-label", () => {
    const out = tempDir();
    const r = keysmith(["csr", "--key-spec", "EC_P256", "--subject", "CN=例子.中国,O=示例科技\\, 有限公司,C=CN", "--san", "www.例子.中国", "--out", out, "--unencrypted", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { csrPath: string; sans: { type: string; value: string }[]; openssl: string };
    expect(json.sans.map((s) => s.value)).toEqual(["xn--fsqu00a.xn--fiqs8s", "www.xn--fsqu00a.xn--fiqs8s"]);
    expect(json.openssl).toMatch(/^openssl req -new -newkey ec/);
    const view = opensslReadCsr(json.csrPath);
    expect(view.verified).toBe(true);
    expect(view.subjectTyped).toContain("CN=UTF8STRING:xn--fsqu00a.xn--fiqs8s");
    expect(view.subjectTyped).toContain("O=UTF8STRING:示例科技\\, 有限公司");
  });

  it.each(["EC_SM2", "EC_P384", "RSA_2048"])("%s: the printed openssl req command, run as printed, makes the same request", (spec) => {
    const ours = tempDir();
    const theirs = tempDir();
    const subject = "CN=www.例子.com,O=A\\, B+serialNumber=1,OU=IT,C=CN";
    const r = keysmith(["csr", "--key-spec", spec, "--subject", subject, "--san", "api.example.com", "--san", "10.0.0.1", "--key-usage", "default", "--ext-key-usage", "serverAuth", "--out", ours, "--unencrypted", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { csrPath: string; openssl: string };
    const command = json.openssl.split(ours).join(theirs);
    const ran = spawnSync("sh", ["-c", command], { encoding: "utf8" });
    expect(ran.status, ran.stderr).toBe(0);
    const sm2 = KEY_SPECS[spec as keyof typeof KEY_SPECS].family === "SM2";
    const a = opensslReadCsr(json.csrPath, { sm2 });
    const b = opensslReadCsr(json.csrPath.split(ours).join(theirs), { sm2 });
    expect(a.verified && b.verified).toBe(true);
    expect(b.signatureAlgorithm).toBe(a.signatureAlgorithm);
    expect(typesAndValues(b.subject)).toEqual(typesAndValues(a.subject));
    expect(b.sans).toEqual(a.sans);
    expect(b.text).toMatch(/X509v3 Key Usage: critical/);
  });

  const invalid: { what: string; args: string[]; field: RegExp }[] = [
    { what: "C=China", args: ["--key-spec", "EC_P256", "--subject", "CN=www.example.com,C=China"], field: /subject\.C\b/ },
    { what: "RSA_1024", args: ["--key-spec", "RSA_1024", "--subject", SUBJECT], field: /--key-spec/ },
    { what: "*.*.example.com", args: ["--key-spec", "EC_P256", "--subject", SUBJECT, "--san", "*.*.example.com"], field: /san/ },
    { what: "a missing CN", args: ["--key-spec", "EC_P256", "--subject", "O=Example,OU=IT,C=CN", "--san", "www.example.com"], field: /subject\.CN/ },
    { what: "a malformed DN", args: ["--key-spec", "EC_P256", "--subject", "CN=www.example.com,,O=Example"], field: /subject/ },
    { what: "a DN without '='", args: ["--key-spec", "EC_P256", "--subject", "www.example.com"], field: /subject/ },
    { what: "a missing --subject", args: ["--key-spec", "EC_P256"], field: /--subject/ },
    { what: "a missing passphrase file", args: ["--key-spec", "EC_P256", "--subject", SUBJECT, "--passphrase-file", "/nonexistent/pass"], field: /--passphrase-file/ },
  ];
  it.each(invalid)("refuses $what: exit 2, one line naming the field, no files written", ({ args, field }) => {
    const parent = tempDir();
    const out = join(parent, "out");
    // Every case but the passphrase file's own says how to write the key, so the refusal is about its field.
    const protection = args.includes("--passphrase-file") ? [] : ["--unencrypted"];
    const r = keysmith(["csr", ...args, ...protection, "--out", out]);
    expect(r.status).toBe(2);
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(field);
    expect(r.stdout).toBe("");
    expect(readdirSync(parent)).toEqual([]);
  });

  it("refuses to write the key in the clear unless asked: without --passphrase-file or --unencrypted, exit 2, one line naming both, nothing written", () => {
    const parent = tempDir();
    const out = join(parent, "keys");
    for (const lang of ["en", "zh_CN"]) {
      const r = keysmith(["csr", "--key-spec", "EC_P256", "--subject", SUBJECT, "--san", "www.example.com", "--out", out, "--json"], { env: { KEYSMITH_LANG: lang } });
      expect(r.status).toBe(2);
      const lines = r.stderr.split("\n").filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain("--passphrase-file");
      expect(lines[0]).toContain("--unencrypted");
      if (lang === "zh_CN") expect(lines[0]).toMatch(/[\u4e00-\u9fff]/);
      expect(r.stdout).toBe("");
      // Not even the --out folder was made.
      expect(readdirSync(parent)).toEqual([]);
    }
  });

  it("refuses --passphrase-file together with --unencrypted: exit 2 naming both, nothing written", () => {
    const parent = tempDir();
    const passFile = join(tempDir(), "pass.txt");
    writeFileSync(passFile, "correct horse battery staple\n");
    const r = keysmith(["csr", "--key-spec", "EC_P256", "--subject", SUBJECT, "--out", join(parent, "keys"), "--passphrase-file", passFile, "--unencrypted"]);
    expect(r.status).toBe(2);
    expect(r.stderr.split("\n").filter(Boolean)).toEqual([expect.stringMatching(/--unencrypted.*--passphrase-file/)]);
    expect(readdirSync(parent)).toEqual([]);
  });

  it("speaks Chinese when asked (KEYSMITH_LANG=zh_CN)", () => {
    const r = keysmith(["csr", "--key-spec", "EC_P256", "--subject", "CN=www.example.com,C=China", "--out", join(tempDir(), "o"), "--unencrypted"], { env: { KEYSMITH_LANG: "zh_CN" } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/subject\.C/);
    expect(r.stderr).toMatch(/[\u4e00-\u9fff]/);
  });

  it("does not overwrite existing files", () => {
    const out = tempDir();
    const args = ["csr", "--key-spec", "EC_P256", "--subject", SUBJECT, "--out", out, "--name", "same", "--unencrypted"];
    expect(keysmith(args).status).toBe(0);
    const before = readFileSync(join(out, "same.key.pem"), "utf8");
    const again = keysmith(args);
    expect(again.status).toBe(2);
    expect(readFileSync(join(out, "same.key.pem"), "utf8")).toBe(before);
  });
});

describe("keysmith inspect", () => {
  function makeCsr(spec: string): string {
    const out = tempDir();
    const r = keysmith(["csr", "--key-spec", spec, "--subject", SUBJECT, "--san", "api.example.com", "--out", out, "--name", "c", "--unencrypted"]);
    expect(r.status, r.stderr).toBe(0);
    return join(out, "c.csr.pem");
  }

  it("decodes a CSR: subject, SANs, key spec, signature algorithm, valid signature (exit 0)", () => {
    const path = makeCsr("EC_SM2");
    const r = keysmith(["inspect", path, "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(info.keySpec).toBe("EC_SM2");
    expect(info.signatureAlgorithm).toBe("SM2-with-SM3");
    expect(info.signatureValid).toBe(true);
    expect(typesAndValues(String(info.subject))).toEqual(typesAndValues(SUBJECT));
    expect((info.sans as { value: string }[]).map((s) => s.value)).toEqual(["www.example.com", "api.example.com"]);
  });

  it("reads DER from stdin with -", () => {
    const path = makeCsr("EC_P384");
    const der = spawnSync("openssl", ["req", "-in", path, "-outform", "DER"]).stdout;
    const r = keysmith(["inspect", "-", "--json"], { input: der });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).keySpec).toBe("EC_P384");
  });

  it("reports an SM2 CSR for CreateCertificateWithCsrRequest as an error finding", () => {
    const r = keysmith(["inspect", makeCsr("EC_SM2"), "--operation", "CreateCertificateWithCsrRequest", "--json"]);
    expect(r.status).toBe(0);
    const findings = JSON.parse(r.stdout).findings as { severity: string; field?: string; message: string }[];
    expect(findings.some((f) => f.severity === "error" && f.field === "key" && /CreateCertificateWithCsrRequest/.test(f.message))).toBe(true);
  });

  it("exit 1 when the signature does not verify", () => {
    const path = makeCsr("EC_P256");
    const der = new Uint8Array(spawnSync("openssl", ["req", "-in", path, "-outform", "DER"]).stdout);
    const at = Buffer.from(der).indexOf("Example");
    der[at] = "F".charCodeAt(0);
    const r = keysmith(["inspect", "-"], { input: der });
    expect(r.status).toBe(1);
  });

  it("exit 1 when the input is not a CSR", () => {
    const notCsr = join(tempDir(), "x.pem");
    writeFileSync(notCsr, "hello, this is not a certificate request\n");
    expect(keysmith(["inspect", notCsr]).status).toBe(1);
    const garbage = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05]);
    expect(keysmith(["inspect", "-"], { input: garbage }).status).toBe(1);
  });
});
