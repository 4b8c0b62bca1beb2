// Two extension rows of the fault matrix (scripts/fault-matrix/extension-driver.ts; `npm run faults` prints
// every row) in real Chromium against an emulator of their own: a DV order for a CSR made in the worker's
// vault whose answer is dropped after the order was made, and a DNS validation record through Alidns
// answered 503 after it was added. The worker's reconciliation (started by `orders.pending`, as the popup's
// polling starts it) must adopt the one item the cloud made: 0 duplicates, 0 lost, 1 item known.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/index";
import { openExtensionMatrix, type ExtensionMatrix } from "../../scripts/fault-matrix/extension-driver";
import { FAULTS, type CreateOp } from "../../scripts/fault-matrix/matrix";

let emu: RunningEmulator;
let matrix: ExtensionMatrix;

beforeAll(async () => {
  emu = await startEmulator({ host: "127.0.0.1", port: 0, packages: 100 });
  emu.control.addZone("example.com");
  matrix = await openExtensionMatrix(emu);
}, 60_000);

afterAll(async () => {
  await matrix?.close();
  await emu?.close();
});

const fault = (name: string) => {
  const f = FAULTS.find((x) => x.name === name);
  if (!f) throw new Error(`no fault ${name} in scripts/fault-matrix/matrix.ts`);
  return f;
};

const ROWS: [CreateOp, string][] = [
  ["CreateCertificateWithCsrRequest", "dropAfterCommit"],
  ["AddDomainRecord", "serverErrorAfterCommit"],
];

describe("fault matrix (extension subset)", () => {
  it.each(ROWS)("%s under %s: the lost answer is adopted, one item, known, no duplicate", async (op, name) => {
    const row = await matrix.row(op, fault(name));
    expect(row.error, row.path).toBeUndefined();
    expect(row, row.path).toMatchObject({ inEmulator: 1, known: 1, duplicates: 0, lost: 0 });
    // The create's answer was lost and the worker found the result: nothing was placed a second time.
    expect(row.path).toContain("api.create.unknown");
    expect(row.attempts).toBe(1);
  }, 120_000);
});
