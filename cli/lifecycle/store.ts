// What `keysmith renew` keeps per certificate of the renew file, in the CLI's state directory
// (cli/state-dir.ts) under certificates/<name>/:
//   key.pem       the current key, encrypted PKCS#8 (PBES2) under the renew passphrase, 0600
//   next-key.pem  a new key whose order is under way (becomes key.pem once its certificate is issued), 0600
//   cert.pem      the current leaf; chain.pem its chain
//   state.json    the order under way, the cas CertId of the upload (and of earlier uploads not yet deleted),
//                 where it was deployed, failures
// Files are replaced by rename, so a reader never sees half of one. Nothing here is sent anywhere.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fail } from "../../src/core/errors";

export interface OrderUnderWay {
  orderId: string;
  /** The key the order's CSR carries: "next" (next-key.pem) or "current" (key.pem, key: reuse). */
  key: "next" | "current";
  placedAt: string;
}

export interface DeployedRecord {
  certId: string;
  serial: string;
  at: string;
}

/** An upload to cas this tool made (UploadUserCertificate): its CertId, the certificate's serial and name. */
export interface UploadRecord {
  certId: string;
  serial: string;
  name: string;
}

export interface CertificateState {
  order?: OrderUnderWay;
  /** Orders whose certificates were taken: never resumed again (with `key: reuse` their CSR key is the same). */
  issuedOrders?: string[];
  /** Validation records this tool added (Alidns RecordId), removed once the order is settled. */
  validationRecords?: string[];
  /** The cas CertId of the current certificate's upload (UploadUserCertificate), with its serial. */
  upload?: UploadRecord;
  /**
   * Uploads this tool made for earlier certificates of this name, replaced by `upload`: kept here until
   * `deleteOldUploads` deletes them (cli/lifecycle/cleanup.ts). Uploads this tool did not make are never listed.
   */
  previousUploads?: UploadRecord[];
  /** Per binding (`cdn:www.example.com`): what was deployed and confirmed. */
  deployed?: Record<string, DeployedRecord>;
  failures?: number;
  nextAttemptAt?: string;
  lastError?: string;
}

export interface CertificateFiles {
  dir: string;
  key: string;
  nextKey: string;
  cert: string;
  chain: string;
  state: string;
}

export function certificateFiles(stateDir: string, name: string): CertificateFiles {
  const dir = join(stateDir, "certificates", name);
  return { dir, key: join(dir, "key.pem"), nextKey: join(dir, "next-key.pem"), cert: join(dir, "cert.pem"), chain: join(dir, "chain.pem"), state: join(dir, "state.json") };
}

export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export function writeAtomic(path: string, data: string, mode: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}

export function ensureCertificateDir(files: CertificateFiles): void {
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
}

export function readState(files: CertificateFiles): CertificateState {
  const text = readText(files.state);
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as CertificateState;
  } catch {
    // fall through
  }
  return fail("cli.state_dir.corrupt", files.state);
}

export function writeState(files: CertificateFiles, state: CertificateState): void {
  ensureCertificateDir(files);
  writeAtomic(files.state, `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

export function removeFile(path: string): void {
  rmSync(path, { force: true });
}
