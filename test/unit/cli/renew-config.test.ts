// `keysmith renew` refuses a bad renew file before anything is read from the network or the environment:
// exit 2 and one line naming the file's field (certificates[0].domains[0]) or its line, in English and
// Chinese; YAML and JSON files both load (cli/commands/renew.ts loadRenewConfig).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRenewConfig } from "../../../cli/commands/renew";
import { KeysmithError } from "../../../src/core/errors";
import { runCli } from "../../support/run-cli";

const dir = mkdtempSync(join(tmpdir(), "keysmith-renew-config-"));
const pass = join(dir, "pass.txt");
writeFileSync(pass, "a passphrase\n");
const GOOD = `certificates:
  - name: www
    domains: [www.example.com]
    keySpec: EC_P256
    renewBeforeDays: 30
    contact: { username: "Li Lei", email: ops@example.com, phone: "13800000000" }
    deploy:
      - cdn: www.example.com
`;

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// No credentials and an endpoint nobody listens on: a refusal must come before either is needed.
const renew = (config: string, lang = "en") => runCli(["renew", "--config", config, "--passphrase-file", pass, "--state-dir", join(dir, "state"), "--endpoint", "http://127.0.0.1:9"], { KEYSMITH_LANG: lang });

describe("keysmith renew: the renew file", () => {
  it("loads YAML and the same document as JSON", () => {
    const yaml = loadRenewConfig(file("good.yaml", GOOD));
    const json = loadRenewConfig(file("good.json", JSON.stringify({ certificates: [{ name: "www", domains: ["www.example.com"], keySpec: "EC_P256", renewBeforeDays: 30, contact: { username: "Li Lei", email: "ops@example.com", phone: "13800000000" }, deploy: [{ cdn: "www.example.com" }] }] })));
    expect(json).toEqual(yaml);
    expect(yaml.certificates[0]!.contact.phone).toBe("13800000000");
  });

  const cases: [string, string, string, string?][] = [
    ["a bad domain", GOOD.replace("[www.example.com]", "[www..example.com]"), "certificates[0].domains[0]"],
    ["a second domain", GOOD.replace("[www.example.com]", "[www.example.com, api.example.com]"), "certificates[0].domains"],
    ["a misspelt field", GOOD.replace("renewBeforeDays", "renewBeforDays"), "certificates[0].renewBeforDays"],
    ["renewBeforeDays 0", GOOD.replace("renewBeforeDays: 30", "renewBeforeDays: 0"), "certificates[0].renewBeforeDays"],
    ["a bad key spec", GOOD.replace("EC_P256", "RSA_1024"), "certificates[0].keySpec"],
    ["deleteOldUploads: yes (a string in YAML 1.2, not a boolean)", `${GOOD}    deleteOldUploads: yes\n`, "certificates[0].deleteOldUploads", "must be a boolean"],
    ["a deploy domain the certificate does not cover", GOOD.replace("- cdn: www.example.com", "- cdn: api.example.com"), "certificates[0].deploy[0].cdn"],
    ["a YAML syntax error", `${GOOD}  - {`, "bad.yaml", "line 9, column 6 (BAD_INDENT)"],
    ["a duplicate key", GOOD.replace("    keySpec: EC_P256\n", "    keySpec: EC_P256\n    keySpec: EC_P384\n"), "bad.yaml", "line 5, column 5 (DUPLICATE_KEY)"],
    ["an empty file", "", "(file)"],
    ["alias bombs", `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\ncertificates: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`, "bomb.yaml"],
  ];
  for (const [what, text, field, english] of cases) {
    it(`${what}: exit 2, one line naming ${field}`, async () => {
      const path = file(what === "alias bombs" ? "bomb.yaml" : "bad.yaml", text);
      for (const lang of ["en", "zh_CN"]) {
        const run = await renew(path, lang);
        expect(run.code, run.err).toBe(2);
        expect(run.err.trim().split("\n"), run.err).toHaveLength(1);
        expect(run.err).toContain(field);
        expect(run.out).toBe("");
        if (english && lang === "en") expect(run.err).toContain(english);
      }
    });
  }

  it("a missing file, a missing --config or --passphrase-file: exit 2 naming it", async () => {
    const missing = await renew(join(dir, "missing.yaml"));
    expect([missing.code, missing.err.includes("--config")]).toEqual([2, true]);
    const noConfig = await runCli(["renew", "--passphrase-file", pass], {});
    expect([noConfig.code, noConfig.err.includes("--config")]).toEqual([2, true]);
    const noPass = await runCli(["renew", "--config", file("ok.yaml", GOOD)], {});
    expect([noPass.code, noPass.err.includes("--passphrase-file")]).toEqual([2, true]);
    const badNow = await runCli(["renew", "--config", file("ok.yaml", GOOD), "--passphrase-file", pass, "--now", "tomorrow"], {});
    expect([badNow.code, badNow.err.includes("--now")]).toEqual([2, true]);
  });

  it("loadRenewConfig throws typed errors", () => {
    expect(() => loadRenewConfig(file("x.yaml", "certificates: 3"))).toThrow(KeysmithError);
  });
});
