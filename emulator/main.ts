// `npm run emulator -- [--port 8787] [--host 127.0.0.1] [--access-key-id ID --access-key-secret SECRET]
// [--security-token TOKEN] [--state FILE] [--packages N] [--process-delay MS] [--latency MS]
// [--fail-5xx N] [--throttle N] [--drop-after-commit N] [--late-commit-ms MS [--late-commit N]]
// [--list-lag MS] [--fail-after-commit N] [--account-id ID] [--role ARN=PRINCIPAL[,PRINCIPAL…]]…
// [--oidc-provider ARN=ISSUER,AUDIENCE[,SUBJECT]]… [--ecs-role ROLE_ARN [--ecs-metadata-token-required]]
// [--tls [--ca-out FILE]]`: starts the emulator and prints how to reach it. Counts are a whole number or
// "always"; fault values are checked by parseFaultConfig (emulator/faults.ts); a malformed role, provider or
// account id stops it with exit code 2.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startEmulator, parseFaultConfig, DEMO_CREDENTIALS, type FaultConfig, type OidcProviderDefinition, type RoleOption } from "./index";

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
  "account-id": { type: "string" },
  role: { type: "string", multiple: true },
  "oidc-provider": { type: "string", multiple: true },
  "ecs-role": { type: "string" },
  "ecs-metadata-token-required": { type: "boolean" },
  tls: { type: "boolean" },
  "ca-out": { type: "string" },
} as const;

/** A refused flag: one line naming the rule (and where the flags are described), exit code 2, no stack trace. */
function stop2(message: string, seeDocs = true): never {
  console.error(`npm run emulator: ${message}${seeDocs ? " (flags: docs/emulator.md)" : ""}`);
  process.exit(2);
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function readFlags(): ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>["values"] {
  try {
    return parseArgs({ options: OPTIONS, strict: true }).values;
  } catch (err) {
    stop2(errorText(err)); // an unknown flag or a missing value
  }
}
const values = readFlags();

if ((values["access-key-id"] === undefined) !== (values["access-key-secret"] === undefined)) {
  stop2("give --access-key-id and --access-key-secret together (or neither, for the demo credentials).", false);
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
  stop2(errorText(err), false);
}
const accountId = values["account-id"];
if (accountId !== undefined && !/^\d{1,32}$/.test(accountId)) stop2("--account-id must be digits");
if (values["ca-out"] !== undefined && !values.tls) stop2("--ca-out needs --tls");
if (values["ecs-metadata-token-required"] && !values["ecs-role"]) stop2("--ecs-metadata-token-required needs --ecs-role");
/** `ARN=a,b,…`: the ARN and the comma-separated rest. */
function splitFlag(flag: string, value: string): [string, string[]] {
  const eq = value.indexOf("=");
  if (eq <= 0) stop2(`--${flag} takes ARN=…, got ${value}`);
  return [value.slice(0, eq), value.slice(eq + 1).split(",").map((s) => s.trim()).filter((s) => s !== "")];
}
const roles: RoleOption[] = (values.role ?? []).map((v) => {
  const [arn, trusted] = splitFlag("role", v);
  return { arn, trusted };
});
const oidcProviders: OidcProviderDefinition[] = (values["oidc-provider"] ?? []).map((v) => {
  const [arn, rest] = splitFlag("oidc-provider", v);
  if (rest.length < 2 || rest.length > 3) stop2(`--oidc-provider takes ARN=ISSUER,AUDIENCE[,SUBJECT], got ${v}`);
  return { arn, issuer: rest[0]!, audience: rest[1]!, subject: rest[2] };
});
const credentials = values["access-key-id"]
  ? { accessKeyId: values["access-key-id"], accessKeySecret: values["access-key-secret"]!, securityToken: values["security-token"], accountId }
  : { ...DEMO_CREDENTIALS, securityToken: values["security-token"], accountId };

let emulator: Awaited<ReturnType<typeof startEmulator>>;
try {
  emulator = await startEmulator({
    port: Number(values.port),
    host: values.host,
    credentials,
    stateFile: values.state,
    packages: values.packages === undefined ? undefined : Number(values.packages),
    processDelayMs: values["process-delay"] ? Number(values["process-delay"]) : undefined,
    faults,
    roles,
    oidcProviders,
    ecsRole: values["ecs-role"] ? { roleArn: values["ecs-role"], requireToken: values["ecs-metadata-token-required"] === true } : undefined,
    tls: values.tls === true,
  });
} catch (err) {
  // A role ARN, provider or duration the STS service refuses (emulator/services/sts.ts) is a flag error.
  stop2(errorText(err));
}
if (values["ca-out"] && emulator.caPem) writeFileSync(values["ca-out"], emulator.caPem);

const demo = !values["access-key-id"];
console.log(`Keysmith emulator (cas 2020-04-07, KMS 2016-01-20, Alidns 2015-01-09, CDN 2018-05-10, STS 2015-04-01) listening on ${emulator.url}`);
console.log(`  endpoint           ${emulator.url}   (every service; SDKs: endpoint ${emulator.host}:${emulator.port}, protocol ${values.tls ? "https" : "http"})`);
console.log(`  AccessKeyId        ${emulator.accessKeyId}`);
// The secret is printed only when it is the documented demo one; a secret the user passed stays off the console.
console.log(`  AccessKeySecret    ${demo ? emulator.accessKeySecret : "(the one you passed)"}`);
if (credentials.securityToken) console.log("  SecurityToken      required (the one you passed)");
console.log(`  control            ${emulator.url}/__emulator/state (loopback only)`);
if (roles.length > 0) console.log(`  roles              ${roles.map((r) => `${r.arn} (trusts ${r.trusted.join(", ") || "nobody"})`).join("; ")}`);
for (const p of oidcProviders) console.log(`  OIDC provider      ${p.arn}; tokens: POST ${emulator.url}/__emulator/sts/oidc-token {"providerArn":"${p.arn}"}`);
if (values["ecs-role"]) console.log(`  ECS metadata       ${emulator.url}/latest/meta-data/ram/security-credentials/ (role ${values["ecs-role"]})`);
if (values["ca-out"]) console.log(`  CA certificate     ${values["ca-out"]} (NODE_EXTRA_CA_CERTS)`);
console.log(`  state              ${values.state ?? "in memory"}`);
const activeFaults = Object.entries(faults).map(([k, v]) => `${k}=${String(v)}`);
if (activeFaults.length > 0) console.log(`  faults             ${activeFaults.join(" ")}`);

const stop = (): void => {
  void emulator.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
