// `keysmith bundle` as users run it (node bin/keysmith.mjs, the built bundle), checked with openssl:
// the PFX holds key, leaf and chain; a certificate for another key is refused with exit 2 and no file.
// Built by `npm test` / `npm run build` first; built here only when missing.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureCliBuilt } from "../support/fresh-build";

const ROOT = resolve(__dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "keysmith-bundle-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (name: string) => join(dir, name);

function keysmith(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/keysmith.mjs"), ...args], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, KEYSMITH_LANG: "en", ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
function openssl(args: string[]): string {
  return execFileSync("openssl", args, { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
}
function opensslAll(args: string[]): { status: number | null; out: string } {
  const r = spawnSync("openssl", args, { encoding: "utf8" });
  return { status: r.status, out: r.stdout + r.stderr };
}
function spki(keyPath: string, passin?: string): Buffer {
  return execFileSync("openssl", ["pkey", "-in", keyPath, ...(passin ? ["-passin", passin] : []), "-pubout", "-outform", "DER"]);
}

beforeAll(() => {
  ensureCliBuilt();
  writeFileSync(p("pfx-pass"), "pfx passphrase\n");
  writeFileSync(p("key-pass"), "key passphrase\n");
  // A two-level CA as a real issuer has: root → intermediate → leaf.
  openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", p("root.key"), "-out", p("root.pem"), "-subj", "/CN=Bundle Root", "-days", "30"]);
  openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", p("int.key"), "-out", p("int.csr"), "-subj", "/CN=Bundle Intermediate"]);
  writeFileSync(p("ca.ext"), "basicConstraints=critical,CA:TRUE\n");
  openssl(["x509", "-req", "-in", p("int.csr"), "-CA", p("root.pem"), "-CAkey", p("root.key"), "-CAcreateserial", "-days", "30", "-extfile", p("ca.ext"), "-out", p("int.pem")]);
  writeFileSync(p("leaf.ext"), "subjectAltName=DNS:bundle.example.com\n");
}, 120_000);

function issue(csrPath: string, out: string): void {
  openssl(["x509", "-req", "-in", csrPath, "-CA", p("int.pem"), "-CAkey", p("int.key"), "-CAcreateserial", "-days", "10", "-extfile", p("leaf.ext"), "-out", out]);
}

describe("keysmith bundle", () => {
  it("bundles an encrypted PKCS#8 key from `keysmith csr --passphrase-file` with its leaf and chain", () => {
    const made = keysmith(["csr", "--key-spec", "RSA_2048", "--subject", "CN=bundle.example.com", "--out", dir, "--name", "rsa", "--passphrase-file", p("key-pass")]);
    expect(made.status, made.stderr).toBe(0);
    const keyPath = p("rsa.key.pem");
    expect(readFileSync(keyPath, "utf8")).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(spki(keyPath, `file:${p("key-pass")}`).length).toBeGreaterThan(200); // openssl pkey -passin file: opens it
    issue(p("rsa.csr.pem"), p("rsa.crt"));
    const r = keysmith(["bundle", "--key", keyPath, "--key-passphrase-file", p("key-pass"), "--cert", p("rsa.crt"), "--chain", p("int.pem"), "--passphrase-file", p("pfx-pass"), "--out", p("rsa.pfx")]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("rsa.pfx");
    expect(statSync(p("rsa.pfx")).mode & 0o777).toBe(0o600);
    const shown = opensslAll(["pkcs12", "-in", p("rsa.pfx"), "-passin", `file:${p("pfx-pass")}`, "-nodes", "-info"]);
    expect(shown.status).toBe(0);
    expect(shown.out.match(/-----BEGIN [A-Z ]+-----/g)).toEqual(["-----BEGIN CERTIFICATE-----", "-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----"]);
    expect(shown.out).toContain("subject=CN = bundle.example.com");
    expect(shown.out).toContain("subject=CN = Bundle Intermediate");
    expect(shown.out).toContain("PBES2, PBKDF2, AES-256-CBC");
    writeFileSync(p("rsa.out.key"), shown.out.slice(shown.out.indexOf("-----BEGIN PRIVATE KEY-----")));
    expect(spki(p("rsa.out.key"))).toEqual(spki(keyPath, `file:${p("key-pass")}`));
  });

  it("--legacy writes 3DES + SHA-1 MAC, and a cert file holding leaf + chain needs no --chain", () => {
    openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout", p("ec.key"), "-out", p("ec.csr"), "-subj", "/CN=bundle.example.com"]);
    issue(p("ec.csr"), p("ec.crt"));
    writeFileSync(p("ec-fullchain.pem"), readFileSync(p("ec.crt"), "utf8") + readFileSync(p("int.pem"), "utf8") + readFileSync(p("root.pem"), "utf8"));
    const r = keysmith(["bundle", "--key", p("ec.key"), "--cert", p("ec-fullchain.pem"), "--passphrase-file", p("pfx-pass"), "--out", p("ec.pfx"), "--legacy"]);
    expect(r.status, r.stderr).toBe(0);
    const shown = opensslAll(["pkcs12", "-in", p("ec.pfx"), "-passin", `file:${p("pfx-pass")}`, "-nodes", "-info"]);
    expect(shown.status).toBe(0);
    expect(shown.out).toContain("pbeWithSHA1And3-KeyTripleDES-CBC");
    expect(shown.out).toContain("MAC: sha1");
    expect(shown.out.match(/-----BEGIN CERTIFICATE-----/g)?.length).toBe(3);
  });

  it("refuses a certificate for another key: exit 2, one line naming --cert, no file", () => {
    openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", p("other.key")]);
    const r = keysmith(["bundle", "--key", p("other.key"), "--cert", p("ec.crt"), "--passphrase-file", p("pfx-pass"), "--out", p("mismatch.pfx")]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("--cert");
    expect(r.stderr).toContain("public key");
    expect(existsSync(p("mismatch.pfx"))).toBe(false);
  });

  it("refuses bad input with exit 2 and writes nothing", () => {
    writeFileSync(p("not-a-cert.pem"), "hello\n");
    const cases: [string[], string][] = [
      [["--key", p("ec.key"), "--cert", p("not-a-cert.pem")], "--cert"],
      [["--key", p("rsa.key.pem"), "--cert", p("rsa.crt")], "--key-passphrase-file"],
      [["--key", p("rsa.key.pem"), "--key-passphrase-file", p("pfx-pass"), "--cert", p("rsa.crt")], "--key-passphrase-file"],
      [["--key", p("missing.key"), "--cert", p("rsa.crt")], "--key"],
      [["--key", p("ec.crt"), "--cert", p("ec.crt")], "--key"],
    ];
    for (const [args, field] of cases) {
      const r = keysmith(["bundle", ...args, "--passphrase-file", p("pfx-pass"), "--out", p("bad.pfx")]);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toContain(field);
      expect(existsSync(p("bad.pfx"))).toBe(false);
    }
    const before = readFileSync(p("ec.pfx"));
    const again = keysmith(["bundle", "--key", p("ec.key"), "--cert", p("ec.crt"), "--passphrase-file", p("pfx-pass"), "--out", p("ec.pfx")]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("already exists");
    expect(readFileSync(p("ec.pfx"))).toEqual(before);
    const zh = keysmith(["bundle", "--key", p("other.key"), "--cert", p("ec.crt"), "--passphrase-file", p("pfx-pass"), "--out", p("mismatch.pfx")], { KEYSMITH_LANG: "zh_CN" });
    expect(zh.status).toBe(2);
    expect(zh.stderr).toContain("证书中的公钥与该私钥不匹配");
  });
});
