// `npm run faults`: the fault matrix (scripts/fault-matrix/matrix.ts) printed as a table. Every create
// operation under every fault, through the CLI and (with Chromium present) the extension in a real
// browser; exits 1 when any row has a duplicate, a lost item or an error. Options:
//   --client cli|extension   only one client's rows        --op NAME      only rows of that operation
//   --fault NAME             only rows of that fault (substring)
// --op UploadUserCertificate: keysmith deploy's upload to cas (CLI rows; the extension prints one n/a row).
import { startEmulator } from "../emulator/index";
import { CREATE_OPS, FAULTS, formatTable, type RowResult } from "./fault-matrix/matrix";
import { cliRow } from "./fault-matrix/cli-driver";

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

const clients = option("client") ? [option("client")!] : ["cli", "extension"];
const ops = CREATE_OPS.filter((op) => !option("op") || op === option("op"));
const faults = FAULTS.filter((f) => !option("fault") || f.name.includes(option("fault")!));

const emu = await startEmulator({ packages: 10_000 });
emu.control.addZone("example.com");
const rows: RowResult[] = [];
try {
  if (clients.includes("cli")) {
    for (const op of ops) {
      for (const fault of faults) {
        const r = await cliRow(emu, op, fault);
        rows.push(r);
        process.stderr.write(`cli ${op} / ${fault.name}: ${r.duplicates} duplicates, ${r.lost} lost${r.error ? `, ERROR ${r.error}` : ""} (${r.ms} ms)\n`);
      }
    }
  }
  if (clients.includes("extension")) {
    const { extensionRows } = await import("./fault-matrix/extension-driver");
    rows.push(...(await extensionRows(emu, ops, faults, (r) => process.stderr.write(`extension ${r.op} / ${r.fault}: ${r.duplicates} duplicates, ${r.lost} lost${r.error ? `, ERROR ${r.error}` : ""} (${r.ms} ms)\n`))));
  }
} finally {
  await emu.close();
}
console.log(formatTable(rows));
const bad = rows.filter((r) => r.duplicates > 0 || r.lost > 0 || r.error);
console.log(`\n${rows.length} rows: ${rows.reduce((n, r) => n + r.duplicates, 0)} duplicates, ${rows.reduce((n, r) => n + r.lost, 0)} lost, ${rows.filter((r) => r.error).length} errors`);
process.exit(bad.length > 0 ? 1 : 0);
