// keysmith csr: make a key pair and a CSR offline and write DIR/<name>.csr.pem and DIR/<name>.key.pem.
// Every input is checked before a key is made, so invalid input writes no files (exit 2). The key is
// written encrypted with --passphrase-file, in the clear only with --unencrypted; neither is exit 2
// (cli/private-keys.ts).
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fail } from "../../src/core/errors";
import { t } from "../../src/core/i18n";
import { KEY_SPECS, parseKeySpec, type KeySpecId } from "../../src/core/key-spec";
import { SAN_LIMITS } from "../../src/core/san";
import { isSubjectRulesName, subjectValue, SUBJECT_RULES, type SubjectRulesName } from "../../src/core/subject";
import { createCsr, defaultKeyUsage, generateKeyPair, prepareCsrContent } from "../../src/core/csr/index";
import { openSslReqCommand } from "../../src/core/csr/openssl-command";
import { EXT_KEY_USAGES, KEY_USAGE_FLAGS, isExtKeyUsageName, isKeyUsageName, type ExtKeyUsageName, type KeyUsageName } from "../../src/core/csr/usages";
import { encryptPkcs8Pem, pkcs8Pem, privateKeyToPkcs8 } from "../../src/core/export/pkcs8";
import { parseArgs, requireString } from "../args";
import { UNENCRYPTED_FLAG, keyProtection, keyProtectionChoice } from "../private-keys";
import type { CliContext, Command } from "../context";
import { baseNameFor, ensureDirectory, fileExists, refuseExisting, writeOutputFiles } from "../output-files";

const FLAGS = [
  { name: "key-spec", kind: "string" },
  { name: "subject", kind: "string" },
  { name: "san", kind: "list" },
  { name: "key-usage", kind: "string" },
  { name: "ext-key-usage", kind: "string" },
  { name: "rules", kind: "string" },
  { name: "out", kind: "string" },
  { name: "name", kind: "string" },
  { name: "passphrase-file", kind: "string" },
  { name: UNENCRYPTED_FLAG, kind: "boolean" },
  { name: "force", kind: "boolean" },
  { name: "json", kind: "boolean" },
  { name: "show-openssl", kind: "boolean" },
] as const;

function parseKeyUsages(text: string, field: string): KeyUsageName[] {
  return text.split(",").map((x) => x.trim()).filter(Boolean).map((name) =>
    isKeyUsageName(name) ? name : fail("csr.key_usage.unknown", field, { value: name, allowed: Object.keys(KEY_USAGE_FLAGS).join(", ") }),
  );
}

function parseExtKeyUsages(text: string, field: string): ExtKeyUsageName[] {
  return text.split(",").map((x) => x.trim()).filter(Boolean).map((name) =>
    isExtKeyUsageName(name) ? name : fail("csr.ext_key_usage.unknown", field, { value: name, allowed: Object.keys(EXT_KEY_USAGES).join(", ") }),
  );
}

export const csrCommand: Command = {
  name: "csr",
  summary: "make a key pair and a CSR offline (RSA, EC, SM2)",
  usage:
    "keysmith csr --key-spec SPEC --subject DN [--san NAME]... [--key-usage LIST|default] [--ext-key-usage serverAuth,clientAuth]\n" +
    "       [--rules offline|kms|casCreateCsr] [--out DIR] [--name BASENAME] (--passphrase-file FILE | --unencrypted) [--force] [--json] [--show-openssl]\n" +
    `  SPEC: ${Object.keys(KEY_SPECS).join(", ")}`,
  async run(ctx: CliContext): Promise<number> {
    const args = parseArgs(ctx.argv, FLAGS);
    if (args.positionals.length > 0) fail("cli.flag.unknown", args.positionals[0]);
    // The key's protection first: without --passphrase-file or --unencrypted nothing else is looked at.
    keyProtectionChoice(args, "passphrase-file");
    // 1. Check every input before making anything.
    const spec: KeySpecId = parseKeySpec(requireString(args, "key-spec"), "--key-spec");
    const subjectText = requireString(args, "subject");
    const rulesText = args.strings.get("rules") ?? "offline";
    if (!isSubjectRulesName(rulesText)) fail("cli.operation.unknown", "--rules", { value: rulesText, allowed: Object.keys(SUBJECT_RULES).join(", ") });
    const rules: SubjectRulesName = rulesText;
    const { subject, sans } = prepareCsrContent({
      subject: subjectText,
      sans: args.lists.get("san") ?? [],
      rules,
      sanLimit: rules === "kms" ? SAN_LIMITS.kms : undefined,
    });
    const keyUsageText = args.strings.get("key-usage");
    const keyUsage: KeyUsageName[] | undefined =
      keyUsageText === undefined ? undefined : keyUsageText === "default" ? defaultKeyUsage({ spec }) : parseKeyUsages(keyUsageText, "--key-usage");
    const extText = args.strings.get("ext-key-usage");
    const extKeyUsage: ExtKeyUsageName[] | undefined = extText === undefined ? undefined : parseExtKeyUsages(extText, "--ext-key-usage");
    const passphraseFile = args.strings.get("passphrase-file");
    const protection = await keyProtection(args, "passphrase-file");
    const passphrase = protection.encrypt ? protection.passphrase : undefined;
    const outDir = resolve(args.strings.get("out") ?? ".");
    const name = args.strings.get("name") ?? baseNameFor(subjectValue(subject, "CN"));
    if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(name)) fail("cli.name_invalid", "--name");
    const csrPath = join(outDir, `${name}.csr.pem`);
    const keyPath = join(outDir, `${name}.key.pem`);
    const force = args.booleans.has("force");
    if ((await fileExists(outDir)) && !(await stat(outDir)).isDirectory()) fail("cli.out_not_directory", "--out");
    await refuseExisting([csrPath, keyPath], force);

    // 2. Make the key and the CSR in memory.
    const keyPair = await generateKeyPair(spec, { extractable: true });
    const csr = await createCsr(keyPair, { subject, sans, keyUsage, extKeyUsage, rules });
    const pkcs8 = await privateKeyToPkcs8(keyPair);
    const keyPem = passphrase === undefined ? pkcs8Pem(pkcs8) : await encryptPkcs8Pem(pkcs8, passphrase);
    pkcs8.fill(0);

    // 3. Write: the key first (0600), then the CSR; a failure after the key removes it again.
    await ensureDirectory(outDir, "--out");
    await writeOutputFiles([{ path: keyPath, data: keyPem, mode: 0o600 }, { path: csrPath, data: csr.pem, mode: 0o644 }], force);
    if (passphrase === undefined) ctx.stderr(`keysmith: ${t(ctx.locale, "cli_csr_unencrypted_warning", { path: keyPath })}\n`);

    const openssl = openSslReqCommand({
      spec,
      subject: csr.subject,
      sans: csr.sans,
      keyUsage,
      extKeyUsage,
      keyOut: keyPath,
      csrOut: csrPath,
      passphraseFile,
    });
    if (args.booleans.has("json")) {
      const result = {
        keySpec: spec,
        csrPath,
        keyPath,
        keyEncrypted: passphrase !== undefined,
        subject: csr.subject.map((rdn) => rdn.map(({ type, value }) => ({ type, value }))),
        sans: csr.sans,
        keyUsage: keyUsage ?? [],
        extKeyUsage: extKeyUsage ?? [],
        csrPem: csr.pem,
        openssl,
      };
      ctx.stdout(JSON.stringify(result, null, 2) + "\n");
    } else {
      ctx.stdout(`${t(ctx.locale, "cli_csr_wrote", { csr: csrPath, key: keyPath })}\n`);
      if (args.booleans.has("show-openssl")) ctx.stdout(`${openssl}\n`);
    }
    return 0;
  },
};

