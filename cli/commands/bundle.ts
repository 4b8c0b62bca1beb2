// keysmith bundle: a private key (PKCS#8, encrypted PKCS#8, PKCS#1 or SEC1) + its certificate (+ chain)
// → one PKCS#12 (.pfx). The certificate must carry the key's public key: otherwise exit 2, no file.
// Everything is read and checked before anything is written.
import { randomBytes as nodeRandomBytes } from "node:crypto";
import { readFile, rename, unlink, writeFile } from "node:fs/promises";
import { KeysmithError, fail, isKeysmithError } from "../../src/core/errors";
import { t } from "../../src/core/i18n";
import { certificateMatchesKey, parseCertificates } from "../../src/core/cert/certificate";
import { readPrivateKey } from "../../src/core/export/pkcs8";
import { buildPkcs12 } from "../../src/core/export/pkcs12";
import { parseArgs, requireString } from "../args";
import type { CliContext, Command } from "../context";
import { fileExists } from "../output-files";

const FLAGS = [
  { name: "key", kind: "string" },
  { name: "cert", kind: "string" },
  { name: "chain", kind: "string" },
  { name: "passphrase-file", kind: "string" },
  { name: "key-passphrase-file", kind: "string" },
  { name: "out", kind: "string" },
  { name: "friendly-name", kind: "string" },
  { name: "legacy", kind: "boolean" },
  { name: "force", kind: "boolean" },
] as const;

async function readInput(path: string, flag: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch {
    return fail("cli.bundle.file_unreadable", flag, { path });
  }
}

/** Like `openssl -passin file:`: the first line, without its line ending. */
async function readPassphrase(path: string, flag: string): Promise<string> {
  const text = new TextDecoder().decode(await readInput(path, flag));
  const passphrase = text.split(/\r?\n/)[0] ?? "";
  if (passphrase === "") fail("export.passphrase.empty", flag);
  return passphrase;
}

/** Core errors name the core's field ("key", "passphrase"); on the command line, name the flag. */
async function asFlag<T>(flags: Record<string, string>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isKeysmithError(error) && error.field !== undefined && flags[error.field]) {
      throw new KeysmithError(error.code, { field: flags[error.field], params: error.params });
    }
    throw error;
  }
}

export const bundleCommand: Command = {
  name: "bundle",
  summary: "Write a PKCS#12 (.pfx) from a private key and its certificate chain",
  usage:
    "keysmith bundle --key KEY.pem --cert CERT.pem [--chain CHAIN.pem] --passphrase-file FILE --out OUT.pfx " +
    "[--key-passphrase-file FILE] [--legacy] [--friendly-name NAME] [--force]",
  async run(ctx: CliContext): Promise<number> {
    const args = parseArgs(ctx.argv, FLAGS);
    const keyPath = requireString(args, "key");
    const certPath = requireString(args, "cert");
    const out = requireString(args, "out");
    const passphrase = await readPassphrase(requireString(args, "passphrase-file"), "--passphrase-file");
    const keyPassphraseFile = args.strings.get("key-passphrase-file");
    const keyPassphrase = keyPassphraseFile === undefined ? undefined : await readPassphrase(keyPassphraseFile, "--key-passphrase-file");
    const chainPath = args.strings.get("chain");
    const legacy = args.booleans.has("legacy");
    if (!args.booleans.has("force") && (await fileExists(out))) fail("cli.bundle.output_exists", "--out", { path: out });

    const keyBytes = await readInput(keyPath, "--key");
    const key = await asFlag({ key: "--key", passphrase: "--key-passphrase-file" }, () => readPrivateKey(keyBytes, keyPassphrase));
    const certs = parseCertificates(await readInput(certPath, "--cert"), "--cert");
    const extra = chainPath === undefined ? undefined : parseCertificates(await readInput(chainPath, "--chain"), "--chain");
    const chainCerts = extra === undefined ? certs.chain : [...certs.chain, extra.leaf, ...extra.chain];
    // Pair by public key, never by name.
    if (!certificateMatchesKey(certs.leaf.spkiDer, key.spkiDer)) fail("cert.key_mismatch", "--cert");

    const pfx = await asFlag({ passphrase: "--passphrase-file" }, () =>
      buildPkcs12({
        pkcs8Der: key.pkcs8Der,
        certificates: [certs.leaf.der, ...chainCerts.map((c) => c.der)],
        passphrase,
        legacy,
        friendlyName: args.strings.get("friendly-name") ?? (certs.leaf.commonName || undefined),
      }),
    );
    key.pkcs8Der.fill(0);
    // Write beside the target and rename, so a failure never leaves half a file at OUT.
    const tmp = `${out}.${nodeRandomBytes(6).toString("hex")}.tmp`;
    try {
      await writeFile(tmp, pfx, { mode: 0o600, flag: "wx" });
      await rename(tmp, out);
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      return fail("cli.bundle.output_unwritable", "--out", { path: out, detail: error instanceof Error ? error.message : String(error) });
    }
    ctx.stdout(`${t(ctx.locale, "cli_bundle_written", { path: out, chain: chainCerts.length, profile: legacy ? "3DES/SHA-1 (legacy)" : "AES-256/SHA-256" })}\n`);
    return 0;
  },
};
