// `npm run emulator -- [--port 8787] [--host 127.0.0.1] [--access-key-id ID --access-key-secret SECRET]
// [--security-token TOKEN] [--state FILE] [--packages N] [--process-delay MS] [--latency MS]
// [--fail-5xx N] [--throttle N] [--drop-after-commit N] [--late-commit-ms MS [--late-commit N]]
// [--list-lag MS] [--fail-after-commit N]`: starts the emulator and prints how to reach it. Counts are a
// whole number or "always"; fault values are checked by parseFaultConfig (emulator/faults.ts).
import { parseArgs } from "node:util";
import { startEmulator, parseFaultConfig, DEMO_CREDENTIALS, type FaultConfig } from "./index";

const OPTIONS = {
  port: { type: "string", default: "8787" },
  host: { type: "string", default: "127.0.0.1" },
  "access-key-id": { type: "string" },
  "access-key-secret": { type: "string" },
  "security-token": { type: "string" },
  state: { type: "string" },
  packages: { type: "string" },
  "process-delay": { type: "string" },
  latency: { type: "string" },
  "fail-5xx": { type: "string" },
  throttle: { type: "string" },
  "drop-after-commit": { type: "string" },
  "late-commit-ms": { type: "string" },
  "late-commit": { type: "string" },
  "list-lag": { type: "string" },
  "fail-after-commit": { type: "string" },
} as const;

function readFlags(): ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>["values"] {
  try {
    return parseArgs({ options: OPTIONS, strict: true }).values;
  } catch (err) {
    // An unknown flag or a missing value: one line and exit code 2, not a stack trace.
    console.error(`npm run emulator: ${err instanceof Error ? err.message : String(err)} (flags: docs/emulator.md)`);
    process.exit(2);
  }
}
const values = readFlags();

if ((values["access-key-id"] === undefined) !== (values["access-key-secret"] === undefined)) {
  console.error("npm run emulator: give --access-key-id and --access-key-secret together (or neither, for the demo credentials).");
  process.exit(2);
}
// The flags' text goes to parseFaultConfig as is (it reads "12" and "always"), so a bad value is refused
// with the fault's name and rule before anything listens.
let faults: FaultConfig;
try {
  faults = parseFaultConfig({
    latencyMs: values.latency,
    serverError: values["fail-5xx"],
    throttling: values.throttle,
    dropAfterCommit: values["drop-after-commit"],
    lateCommitMs: values["late-commit-ms"],
    lateCommit: values["late-commit"],
    listLagMs: values["list-lag"],
    serverErrorAfterCommit: values["fail-after-commit"],
  });
} catch (err) {
  console.error(`npm run emulator: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
const credentials = values["access-key-id"]
  ? { accessKeyId: values["access-key-id"], accessKeySecret: values["access-key-secret"]!, securityToken: values["security-token"] }
  : { ...DEMO_CREDENTIALS, securityToken: values["security-token"] };

const emulator = await startEmulator({
  port: Number(values.port),
  host: values.host,
  credentials,
  stateFile: values.state,
  packages: values.packages === undefined ? undefined : Number(values.packages),
  processDelayMs: values["process-delay"] ? Number(values["process-delay"]) : undefined,
  faults,
});

const demo = !values["access-key-id"];
console.log(`Keysmith emulator (cas 2020-04-07, KMS 2016-01-20, Alidns 2015-01-09, CDN 2018-05-10) listening on ${emulator.url}`);
console.log(`  endpoint           ${emulator.url}   (every service; SDKs: endpoint ${emulator.host}:${emulator.port}, protocol http)`);
console.log(`  AccessKeyId        ${emulator.accessKeyId}`);
// The secret is printed only when it is the documented demo one; a secret the user passed stays off the console.
console.log(`  AccessKeySecret    ${demo ? emulator.accessKeySecret : "(the one you passed)"}`);
if (credentials.securityToken) console.log("  SecurityToken      required (the one you passed)");
console.log(`  control            ${emulator.url}/__emulator/state (loopback only)`);
console.log(`  state              ${values.state ?? "in memory"}`);
const activeFaults = Object.entries(faults).map(([k, v]) => `${k}=${String(v)}`);
if (activeFaults.length > 0) console.log(`  faults             ${activeFaults.join(" ")}`);

const stop = (): void => {
  void emulator.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
