// startEmulator: the local Alibaba Cloud counterpart (cas 2020-04-07, KMS 2016-01-20, Alidns 2015-01-09, CDN 2018-05-10,
// DCDN 2018-01-15, SLB 2014-05-15, ALB 2020-06-16, STS 2015-04-01 with ECS instance metadata)
// on one port, over HTTP or (tls) HTTPS. Used by `npm run emulator`, `npm start`, the CLI and e2e tests.
import "../src/core/i18n-catalogs"; // the emulator words its errors with the core's English messages
import { isIP, type AddressInfo } from "node:net";
import { createCaMaterial, CertificateAuthority } from "./ca";
import { createControl, type EmulatorControl } from "./control";
import { Faults, type FaultConfig } from "./faults";
import { generateServerKey } from "./keys";
import { LateCommits } from "./late-commits";
import { createEmulatorServer } from "./server";
import { FIRST_IDS, loadState, saveStateAtomic, type EmulatorState } from "./state";
import type { Credential } from "./signature";
import type { ServiceContext } from "./service";
import { casService } from "./services/cas";
import { kmsService } from "./services/kms";
import { alidnsService } from "./services/alidns";
import { cdnService } from "./services/cdn";
import { dcdnService } from "./services/dcdn";
import { slbService } from "./services/slb";
import { albService } from "./services/alb";
import { defineOidcProvider, defineRole, setEcsRole, stsService, type OidcProviderDefinition } from "./services/sts";
import { PACKAGE_PRODUCT_CODES } from "../src/core/aliyun/operations";

export type { EmulatorControl } from "./control";
export type { FaultConfig, FaultCount } from "./faults";
export { parseFaultConfig } from "./faults";
export type { EmulatorCounts } from "./control";
export type { Credential } from "./signature";
export type { OidcProviderDefinition } from "./services/sts";

/** Documented demo credentials (docs/emulator.md): they open nothing but this emulator. */
export const DEMO_CREDENTIALS: Credential = {
  accessKeyId: "LTAI5tKeysmithEmulatorDemo",
  accessKeySecret: "KeysmithEmulatorDemoSecret2026",
};
/** The account the emulator plays, and of every key that names none (the demo key's). */
export const DEFAULT_ACCOUNT_ID = "1234567890123456";

/** A RAM role and who may assume it (see emulator/services/sts.ts StsRole.trusted). */
export interface RoleOption {
  arn: string;
  trusted: string[];
  /** Seconds, 3600..43200; default 43200. */
  maxSessionDuration?: number;
}

/** Certificates per ProductCode a fresh state starts with. */
export const DEFAULT_PACKAGE_TOTAL = 20;

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** One credential or several; an entry with `securityToken` is an STS credential. */
  credentials?: Credential | Credential[];
  /** JSON file to keep the state in (created at first start, rewritten atomically after each change). */
  stateFile?: string;
  /** Package totals for a fresh state: one number for every ProductCode, or per code (others keep the default). */
  packages?: number | Record<string, number>;
  faults?: FaultConfig;
  /** How long validated orders stay in `process` before issuance, in business-clock ms (default 0). */
  processDelayMs?: number;
  /** Wall clock for signature timestamps; tests shift it to provoke InvalidTimeStamp.Expired. */
  now?: () => number;
  /** STS roles (added to, or replacing by ARN, those in a state file). */
  roles?: RoleOption[];
  oidcProviders?: OidcProviderDefinition[];
  /** The role ECS instance metadata answers for (`/latest/meta-data/ram/security-credentials/…`). */
  ecsRole?: { roleArn: string; requireToken?: boolean };
  /** Serve HTTPS with a certificate for 127.0.0.1, ::1 and localhost from the emulator's CA. */
  tls?: boolean;
}

export interface RunningEmulator {
  /** `http://host:port`, the endpoint for every service. */
  url: string;
  host: string;
  port: number;
  accessKeyId: string;
  accessKeySecret: string;
  credentials: Credential[];
  control: EmulatorControl;
  /** With `tls`: the CA root (PEM) that the server certificate chains to (for NODE_EXTRA_CA_CERTS). */
  caPem?: string;
  close(): Promise<void>;
}

function freshPackages(option: EmulatorOptions["packages"]): EmulatorState["packages"] {
  const out: EmulatorState["packages"] = {};
  for (const code of PACKAGE_PRODUCT_CODES) {
    const total = typeof option === "number" ? option : (option?.[code] ?? DEFAULT_PACKAGE_TOTAL);
    out[code] = { total, used: 0, issued: 0 };
  }
  if (typeof option === "object") for (const [code, total] of Object.entries(option)) out[code] ??= { total, used: 0, issued: 0 };
  return out;
}

async function freshState(options: EmulatorOptions): Promise<EmulatorState> {
  const now = Date.now();
  return {
    format: 1,
    ca: await createCaMaterial(now),
    packages: freshPackages(options.packages),
    orders: {},
    csrs: {},
    dns: { zones: [], records: {} },
    kms: {},
    userCertificates: {},
    cdn: { domains: {}, deploys: 0 },
    dcdn: { domains: {}, deploys: 0 },
    slb: { loadBalancers: {}, serverCertificates: {}, deploys: 0 },
    alb: { listeners: {}, deploys: 0 },
    // OrderIds are 17 digits, like the cloud's (above 2^53, so clients must not use JS numbers for them).
    counters: { order: "98987582437920968", csr: "10000000", record: "860000000000000000", cert: FIRST_IDS.cert, cdnDomain: FIRST_IDS.cdnDomain, lb: FIRST_IDS.lb },
    clockOffsetMs: 0,
  };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const credentials = options.credentials === undefined ? [DEMO_CREDENTIALS] : Array.isArray(options.credentials) ? options.credentials : [options.credentials];
  if (credentials.length === 0) throw new Error("startEmulator: at least one credential is needed");
  const loaded = options.stateFile ? loadState(options.stateFile) : undefined;
  const state = loaded ?? (await freshState(options));
  const persist = (): void => {
    if (options.stateFile) saveStateAtomic(options.stateFile, state);
  };
  const context: ServiceContext = {
    state,
    now: () => Date.now() + state.clockOffsetMs,
    ca: new CertificateAuthority(state.ca),
    processDelayMs: options.processDelayMs ?? 0,
    region: "cn-hangzhou",
    accountId: DEFAULT_ACCOUNT_ID,
  };
  for (const role of options.roles ?? []) defineRole(context, role.arn, role.trusted, role.maxSessionDuration);
  for (const provider of options.oidcProviders ?? []) defineOidcProvider(context, provider);
  if (options.ecsRole) setEcsRole(context, options.ecsRole.roleArn, options.ecsRole.requireToken ?? false);
  // One write at start: a fresh state, or a loaded one that the options' roles, providers or ECS role changed.
  if (!loaded || options.roles?.length || options.oidcProviders?.length || options.ecsRole) persist();
  const host = options.host ?? "127.0.0.1";
  const tls = options.tls ? await serverCertificate(context, host) : undefined;
  const faults = new Faults(options.faults);
  const lateCommits = new LateCommits();
  const control = createControl(context, faults, persist, lateCommits);
  const server = createEmulatorServer({
    services: [casService, kmsService, alidnsService, cdnService, dcdnService, slbService, albService, stsService],
    credentials,
    context,
    faults,
    control,
    signatureNow: options.now ?? Date.now,
    persist,
    lateCommits,
    tls,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `${tls ? "https" : "http"}://${urlHost}:${port}`,
    ...(tls ? { caPem: context.ca.roots().ec } : {}),
    host,
    port,
    accessKeyId: credentials[0]!.accessKeyId,
    accessKeySecret: credentials[0]!.accessKeySecret,
    credentials,
    control,
    close: () =>
      new Promise<void>((resolve, reject) => {
        lateCommits.cancelAll();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** A P-256 key and a certificate for the loopback names (and `host`) issued by the emulator's EC CA. */
async function serverCertificate(context: ServiceContext, host: string): Promise<{ key: string; cert: string }> {
  const { privateKeyPem: key, spkiDer } = await generateServerKey("EC_P256");
  const isIp = isIP(host) !== 0;
  const dnsNames = [...new Set(["localhost", ...(isIp ? [] : [host])])];
  const ipAddresses = [...new Set(["127.0.0.1", "::1", ...(isIp ? [host] : [])])];
  // The wall clock, not the business one: TLS clients check validity against theirs.
  const now = Date.now();
  const leaf = await context.ca.issue({ spkiDer, commonName: "localhost", dnsNames, ipAddresses, notBefore: now - 5 * 60_000, notAfter: now + 30 * 24 * 3600_000 });
  return { key, cert: `${leaf.certificatePem}${leaf.chainPem}` };
}
