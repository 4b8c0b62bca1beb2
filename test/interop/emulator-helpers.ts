// Shared by the emulator interop tests: the official SDK clients pointed at a running emulator, OpenSSL
// in a scratch folder, a raw V1 request signer written here from the published algorithm (for the
// requests no SDK will send: stale timestamps, replays, tampering), and `npm run emulator` in a child.
import { execFileSync, spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as casModule from "@alicloud/cas20200407";
import * as dnsModule from "@alicloud/alidns20150109";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import PopCore from "@alicloud/pop-core";
import type { RunningEmulator } from "../../emulator/index";

/** The SDKs are CommonJS with `exports.default = Client`; ESM sees that one level down. */
function clientClass<T>(mod: { default: T }): T {
  const inner = (mod.default as unknown as { default?: T }).default;
  return typeof inner === "function" ? inner : mod.default;
}
export const CasClient = clientClass(casModule);
export const DnsClient = clientClass(dnsModule);
export { casModule, dnsModule };

export interface SdkCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** Tea (V3 by default) config for an http emulator: endpoint is host:port. */
export function teaConfig(emu: RunningEmulator, creds: SdkCredentials = emu): $OpenApiUtil.Config {
  return new $OpenApiUtil.Config({
    accessKeyId: creds.accessKeyId,
    accessKeySecret: creds.accessKeySecret,
    securityToken: creds.securityToken,
    endpoint: new URL(emu.url).host,
    protocol: "http",
  });
}

export function casClient(emu: RunningEmulator, creds?: SdkCredentials): InstanceType<typeof CasClient> {
  return new CasClient(teaConfig(emu, creds));
}

export function dnsClient(emu: RunningEmulator, creds?: SdkCredentials): InstanceType<typeof DnsClient> {
  return new DnsClient(teaConfig(emu, creds));
}

/** pop-core (V1, HMAC-SHA1; parses answers with json-bigint). */
export function popClient(emu: RunningEmulator, apiVersion: string, creds: SdkCredentials = emu): PopCore {
  return new PopCore({
    accessKeyId: creds.accessKeyId,
    accessKeySecret: creds.accessKeySecret,
    ...(creds.securityToken ? { securityToken: creds.securityToken } : {}),
    endpoint: emu.url,
    apiVersion,
  });
}

const ROOT = join(import.meta.dirname, "../..");

/** `npm run emulator` in a child process, once its banner is printed. */
export interface EmulatorCli {
  /** What it printed on stdout up to the moment `ready` held. */
  out: string;
  /** The endpoint its banner names ("listening on URL"). */
  url: string;
  /** Ends the child (SIGTERM). */
  stop(): void;
}

/**
 * scripts/emulator.mjs with `args` in a child (stdout read, stderr inherited), once what it printed on stdout
 * satisfies `ready`; rejects with what it printed when it exits first. The caller stops it.
 */
/**
 * True once the banner's `state` line is complete (emulator/main.ts prints it after the endpoint, the
 * credentials, the control URL, roles, OIDC providers, ECS metadata and CA lines). The control URL also
 * ends in `/state`, so matching a bare "state " can fire before the roles line has been printed.
 */
export const bannerStateLine = (out: string): boolean => /^ {2}state {2,}\S.*\n/m.test(out);

export async function spawnEmulatorCli(args: string[], ready: (out: string) => boolean): Promise<EmulatorCli> {
  const child = spawn(process.execPath, [join(ROOT, "scripts/emulator.mjs"), ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (ready(out)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`emulator exited (${String(code)}): ${out}`)));
  });
  const stop = () => void child.kill("SIGTERM");
  const url = /listening on (https?:\/\/\S+)/.exec(out)?.[1];
  if (!url) {
    stop();
    throw new Error(`the emulator's banner names no endpoint: ${out}`);
  }
  return { out, url, stop };
}

export function scratch(): string {
  return mkdtempSync(join(tmpdir(), "keysmith-emu-"));
}

export function openssl(args: string[], input?: string): string {
  return execFileSync("openssl", args, { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });
}

export function write(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** An OpenSSL-made key and CSR: `ec` (P-256), `rsa` (2048) or `rsa1024`, or `sm2`. */
export function opensslCsr(dir: string, kind: "ec" | "rsa" | "rsa1024" | "sm2", cn: string): { csr: string; keyPath: string; csrPath: string } {
  const keyPath = join(dir, `${kind}-${cn.replace(/\W/g, "_")}.key`);
  const csrPath = `${keyPath}.csr`;
  const gen = {
    ec: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    rsa: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    rsa1024: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
    sm2: ["-algorithm", "SM2"],
  }[kind];
  openssl(["genpkey", ...gen, "-out", keyPath]);
  const sign = kind === "sm2" ? ["-sm3", "-sigopt", "distid:1234567812345678"] : ["-sha256"];
  openssl(["req", "-new", "-key", keyPath, "-subj", `/CN=${cn}`, ...sign, "-out", csrPath]);
  return { csr: openssl(["req", "-in", csrPath]), keyPath, csrPath };
}

export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A hand-signed V1 request; `tweak` may change the signed parameters before or after signing. */
export async function rawV1(
  emu: RunningEmulator,
  version: string,
  action: string,
  params: Record<string, string>,
  options: { secret?: string; accessKeyId?: string; timestamp?: Date; nonce?: string; method?: "GET" | "POST"; afterSign?: (p: Record<string, string>) => void } = {},
): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const method = options.method ?? "GET";
  const all: Record<string, string> = {
    ...params,
    Action: action,
    Version: version,
    Format: "JSON",
    AccessKeyId: options.accessKeyId ?? emu.accessKeyId,
    SignatureMethod: "HMAC-SHA1",
    SignatureVersion: "1.0",
    SignatureNonce: options.nonce ?? randomUUID(),
    Timestamp: (options.timestamp ?? new Date()).toISOString().replace(/\.\d+Z$/, "Z"),
  };
  const canonical = Object.keys(all).sort().map((k) => `${percentEncode(k)}=${percentEncode(all[k]!)}`).join("&");
  const stringToSign = `${method}&${percentEncode("/")}&${percentEncode(canonical)}`;
  all.Signature = createHmac("sha1", `${options.secret ?? emu.accessKeySecret}&`).update(stringToSign).digest("base64");
  options.afterSign?.(all);
  const query = Object.keys(all).map((k) => `${percentEncode(k)}=${percentEncode(all[k]!)}`).join("&");
  const res =
    method === "GET"
      ? await fetch(`${emu.url}/?${query}`)
      : await fetch(`${emu.url}/`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: query });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown>, text };
}

/** The exact 17-digit OrderId of the latest order for `domain` (the Tea SDKs parse it into a rounded JS number). */
export function orderIdFor(emu: RunningEmulator, domain: string): string {
  const orders = (emu.control.snapshot().orders as { orderId: string; domain: string }[]).filter((o) => o.domain === domain);
  if (orders.length === 0) throw new Error(`no order for ${domain}`);
  return orders[orders.length - 1]!.orderId;
}
