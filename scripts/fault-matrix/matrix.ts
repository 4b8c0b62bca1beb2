// The fault matrix: every create operation under every fault, driven as a user drives it (the CLI here,
// the extension in scripts/fault-matrix/extension-driver.ts), against the in-process emulator. A row is
// one operation under one fault: the user places the create; an unknown outcome is reconciled the way the
// client offers (keysmith order reconcile; the worker's follower), a refusal that says "try later" is tried
// again, and a create that reconciliation could not find is placed again on purpose once the window ends.
// Then the emulator's new items are compared with what the client recorded:
//   attempts    creates the user asked for (first try, retries after a refusal, "place it anyway");
//   in emulator items the emulator made for the row;
//   known       items the client has recorded;
//   duplicates  items beyond the first;
//   lost        items the emulator made that the client does not know.
// The goal is 0 duplicates and 0 lost in every row. Figures, not assertions: scripts/faults.ts prints the
// table; test/interop/fault-matrix.test.ts runs a few rows and checks those two columns.
import type { FaultConfig, RunningEmulator } from "../../emulator/index";
import { hexId } from "../../src/core/aliyun/create-identity";

export type CreateOp =
  | "CreateCertificateWithCsrRequest"
  | "CreateCertificateRequest"
  | "CreateCertificateForPackageRequest"
  | "CreateCsr"
  | "KmsCreateCertificate"
  | "AddDomainRecord"
  | "UploadUserCertificate";

export const CREATE_OPS: readonly CreateOp[] = [
  "CreateCertificateWithCsrRequest",
  "CreateCertificateRequest",
  "CreateCertificateForPackageRequest",
  "CreateCsr",
  "KmsCreateCertificate",
  "AddDomainRecord",
  "UploadUserCertificate",
];

/** The wire action a row's faults are scoped to. */
export const ACTION_OF: Record<CreateOp, string> = {
  CreateCertificateWithCsrRequest: "CreateCertificateWithCsrRequest",
  CreateCertificateRequest: "CreateCertificateRequest",
  CreateCertificateForPackageRequest: "CreateCertificateForPackageRequest",
  CreateCsr: "CreateCsr",
  KmsCreateCertificate: "CreateCertificate",
  AddDomainRecord: "AddDomainRecord",
  UploadUserCertificate: "UploadUserCertificate",
};

export interface FaultSpec {
  name: string;
  /** The emulator faults for the row's create action; undefined for the process-stop row. */
  faults: (action: string) => FaultConfig;
  /** The client process (CLI) or the service worker (extension) is stopped while the create is under way. */
  stopMidCreate?: boolean;
}

export const FAULTS: readonly FaultSpec[] = [
  { name: "none", faults: () => ({}) },
  { name: "dropAfterCommit", faults: (a) => ({ dropAfterCommit: 1, actions: [a] }) },
  { name: "lateCommitMs 2000", faults: (a) => ({ lateCommitMs: 2000, lateCommit: 1, actions: [a] }) },
  // A lagging list matters when it is what reconciliation reads: the answer is dropped too.
  { name: "listLagMs 5000 + drop", faults: (a) => ({ listLagMs: 5000, dropAfterCommit: 1, actions: [a] }) },
  { name: "serverErrorAfterCommit", faults: (a) => ({ serverErrorAfterCommit: 1, actions: [a] }) },
  { name: "503 before commit", faults: (a) => ({ serverError: 1, actions: [a] }) },
  { name: "Throttling", faults: (a) => ({ throttling: 1, actions: [a] }) },
  { name: "stopped mid-create", faults: () => ({ latencyMs: 1500 }), stopMidCreate: true },
];

export interface RowResult {
  client: "cli" | "extension";
  op: CreateOp;
  fault: string;
  attempts: number;
  inEmulator: number;
  known: number;
  duplicates: number;
  lost: number;
  /** What the user saw along the way (exit codes, states), for the notes column. */
  path: string;
  ms: number;
  error?: string;
}

/** Ids of everything a create can make, read from the emulator's own state. */
export function emulatorIds(emu: RunningEmulator): Record<CreateOp, Set<string>> {
  const s = emu.control.snapshot() as {
    orders: { orderId: string }[];
    csrIds: string[];
    kmsCertificateIds: string[];
    dnsRecords: { recordId?: string; RecordId?: string }[];
    uploads: EmulatorUpload[];
  };
  const orders = new Set(s.orders.map((o) => String(o.orderId)));
  return {
    CreateCertificateWithCsrRequest: orders,
    CreateCertificateRequest: orders,
    CreateCertificateForPackageRequest: orders,
    CreateCsr: new Set(s.csrIds.map(String)),
    KmsCreateCertificate: new Set(s.kmsCertificateIds.map(String)),
    AddDomainRecord: new Set(s.dnsRecords.map((r) => String(r.recordId ?? r.RecordId))),
    UploadUserCertificate: new Set(s.uploads.map((u) => String(u.certId))),
  };
}

/** A cas upload as the emulator's state shows it (control.snapshot().uploads). */
export interface EmulatorUpload {
  certId: string;
  name: string;
  serial: string;
}

/** The CertIds of the uploads the emulator holds for the certificate with this serial. */
export function uploadsOfSerial(emu: RunningEmulator, serial: string): string[] {
  const s = emu.control.snapshot() as { uploads: EmulatorUpload[] };
  return s.uploads.filter((u) => hexId(String(u.serial)) === hexId(serial)).map((u) => String(u.certId));
}

export function newIds(before: Set<string>, after: Set<string>): string[] {
  return [...after].filter((id) => !before.has(id));
}

/** Tallies a row from the emulator's new ids and the ids the client recorded. */
export function tally(base: Omit<RowResult, "inEmulator" | "known" | "duplicates" | "lost">, made: string[], known: string[]): RowResult {
  const knownSet = new Set(known);
  return {
    ...base,
    inEmulator: made.length,
    known: known.length,
    duplicates: Math.max(0, made.length - 1),
    lost: made.filter((id) => !knownSet.has(id)).length,
  };
}

export function formatTable(rows: RowResult[]): string {
  const head = ["client", "operation", "fault", "attempts", "in emulator", "known", "duplicates", "lost", "path"];
  const body = rows.map((r) => [r.client, r.op, r.fault, String(r.attempts), String(r.inEmulator), String(r.known), String(r.duplicates), String(r.lost), r.error ? `${r.path ? `${r.path} ` : ""}ERROR ${r.error}` : r.path]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
