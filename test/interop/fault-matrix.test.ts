// A few rows of the fault matrix (scripts/fault-matrix/, `npm run faults` prints all of them): the CLI
// against the emulator's faults around a create's commit. Each row must end with exactly the one item the
// user asked for, known to the client: 0 duplicates and 0 lost (for UploadUserCertificate: one upload of the
// certificate, its CertId in the state directory and deployed to the row's CDN domain).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/index";
import { FAULTS, type CreateOp } from "../../scripts/fault-matrix/matrix";
import { cliRow } from "../../scripts/fault-matrix/cli-driver";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ packages: 1000 });
  emu.control.addZone("example.com");
});
afterAll(async () => emu?.close());

const fault = (name: string) => FAULTS.find((f) => f.name === name)!;
const ROWS: [CreateOp, string][] = [
  ["CreateCertificateWithCsrRequest", "dropAfterCommit"],
  ["CreateCertificateWithCsrRequest", "lateCommitMs 2000"],
  ["CreateCertificateRequest", "serverErrorAfterCommit"],
  ["AddDomainRecord", "listLagMs 5000 + drop"],
  ["KmsCreateCertificate", "Throttling"],
  // keysmith deploy's upload to cas (after a fault-free keysmith renew issues the certificate): exit 3,
  // order reconcile adopts the upload, and the next deploy uses that CertId without uploading again.
  ["UploadUserCertificate", "dropAfterCommit"],
];

describe("fault matrix (CLI subset)", () => {
  it.each(ROWS)("%s under %s: one item, known, no duplicate", async (op, name) => {
    const row = await cliRow(emu, op, fault(name));
    expect(row.error, row.path).toBeUndefined();
    expect(row).toMatchObject({ inEmulator: 1, known: 1, duplicates: 0, lost: 0 });
  }, 60_000);
});
