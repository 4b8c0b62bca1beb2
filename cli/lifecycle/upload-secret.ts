// `keysmith order reconcile --place-anyway` for an UploadUserCertificate entry: the ledger never keeps the
// private key (ParamSpec.secret), so placing the upload again needs it back. It is read from the state
// directory: the certificate whose leaf is the entry's `Cert` leaf (by fingerprint), its key.pem decrypted
// with --passphrase-file. Nothing else of the entry changes.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fail } from "../../src/core/errors";
import { certificateSubstance } from "../../src/core/aliyun/create-identity";
import type { PendingCreate } from "../../src/core/aliyun/write-ahead";
import { uploadMaterial } from "./issue";
import { certificateFiles, readText } from "./store";

/** The secrets `placeAnyway` needs for `entry` (none for a create that keeps all its parameters). */
export async function placeAnywaySecrets(entry: PendingCreate, stateDir: string, passphrase: string | undefined): Promise<Record<string, string>> {
  if (entry.service !== "cas" || entry.action !== "UploadUserCertificate") return {};
  const want = certificateSubstance(entry.params.Cert)?.fingerprint;
  const root = join(stateDir, "certificates");
  const names = existsSync(root) ? readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : [];
  const name = want ? names.find((n) => certificateSubstance(readText(certificateFiles(stateDir, n).cert))?.fingerprint === want) : undefined;
  if (name === undefined) return fail("cli.reconcile.upload_key_missing", "--place-anyway", { id: entry.id, path: root });
  if (passphrase === undefined) return fail("cli.reconcile.upload_passphrase", "--passphrase-file", { id: entry.id, name });
  const material = await uploadMaterial(certificateFiles(stateDir, name), passphrase);
  if (!material) return fail("cli.reconcile.upload_key_missing", "--place-anyway", { id: entry.id, path: root });
  return { Key: material.key };
}
