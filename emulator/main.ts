// `npm run emulator -- [--port 8787] [--host 127.0.0.1] [--access-key-id ID --access-key-secret SECRET]
// [--security-token TOKEN] [--state FILE] [--packages N] [--process-delay MS] [--latency MS]
// [--fail-5xx N] [--throttle N] [--drop-after-commit N]`: starts the emulator and prints how to reach it.
import { parseArgs } from "node:util";
import { startEmulator, DEMO_CREDENTIALS, type FaultConfig } from "./index";

const { values } = parseArgs({
  options: {
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
  },
  strict: true,
});

function count(text: string | undefined): number | "always" | undefined {
  if (text === undefined) return undefined;
  return text === "always" ? "always" : Number(text);
}

if ((values["access-key-id"] === undefined) !== (values["access-key-secret"] === undefined)) {
  console.error("npm run emulator: give --access-key-id and --access-key-secret together (or neither, for the demo credentials).");
  process.exit(2);
}
const faults: FaultConfig = {
  latencyMs: values.latency ? Number(values.latency) : undefined,
  serverError: count(values["fail-5xx"]),
  throttling: count(values.throttle),
  dropAfterCommit: count(values["drop-after-commit"]),
};
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
console.log(`Keysmith emulator (cas 2020-04-07, KMS 2016-01-20, Alidns 2015-01-09) listening on ${emulator.url}`);
console.log(`  endpoint           ${emulator.url}   (every service; SDKs: endpoint ${emulator.host}:${emulator.port}, protocol http)`);
console.log(`  AccessKeyId        ${emulator.accessKeyId}`);
// The secret is printed only when it is the documented demo one; a secret the user passed stays off the console.
console.log(`  AccessKeySecret    ${demo ? emulator.accessKeySecret : "(the one you passed)"}`);
if (credentials.securityToken) console.log("  SecurityToken      required (the one you passed)");
console.log(`  control            ${emulator.url}/__emulator/state (loopback only)`);
console.log(`  state              ${values.state ?? "in memory"}`);

const stop = (): void => {
  void emulator.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
