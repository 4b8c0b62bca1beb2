// One DV order for a certificate of the renew file, as `keysmith renew` places it: a key (new, or the
// current one with `key: reuse`) kept encrypted in the state directory before anything is sent, a CSR, the
// order through the write-ahead placeCreate (cli/create.ts), the DNS validation record through Alidns
// (addDnsRecord of cli/commands/order-wait.ts, under the same ledger), the wait for issuance, and the
// pairing check: the issued leaf must carry this key's SubjectPublicKeyInfo. An order under way is kept in
// state.json, so a run that stopped is resumed by the next one rather than ordered again.
import { isKeysmithError, type KeysmithError } from "../../src/core/errors";
import { t } from "../../src/core/i18n";
import { operation } from "../../src/core/aliyun/operations";
import type { AliyunClient } from "../../src/core/aliyun/client";
import { ApiError } from "../../src/core/aliyun/api-error";
import { createCsr, generateKeyPair, type KeyPair } from "../../src/core/csr/index";
import { encryptPkcs8Pem, pkcs8Pem, privateKeyToPkcs8, readPrivateKey } from "../../src/core/export/pkcs8";
import { bytesEqual } from "../../src/core/export/bytes";
import { parseCertificates, type CertificateChain } from "../../src/core/cert/certificate";
import type { CertificateSpec } from "../../src/core/lifecycle/config";
import type { ParsedArgs } from "../args";
import type { CliContext } from "../context";
import { placeCreate, type CliWriteAhead } from "../create";
import { readOrders } from "../state-dir";
import { csrIdentity } from "../../src/core/aliyun/create-identity";
import { addDnsRecord } from "../commands/order-wait";
import { ensureCertificateDir, readText, writeAtomic, writeState, type CertificateFiles, type CertificateState } from "./store";

export interface IssueEnv {
  ctx: CliContext;
  client: AliyunClient;
  args: ParsedArgs;
  cw: CliWriteAhead;
  passphrase: string;
  intervalMs: number;
  timeoutMs: number;
  say: (line: string) => void;
}

export type IssueOutcome =
  | { kind: "issued"; chain: CertificateChain; keyFile: "next" | "current" }
  | { kind: "unknown"; error: KeysmithError }
  | { kind: "failed"; reason: string };

/** A key read from the state directory: what signs the CSR, its PKCS#8 and SPKI. */
export interface StoredKey {
  pair: KeyPair;
  pkcs8Der: Uint8Array;
  spkiDer: Uint8Array;
}

export async function readStoredKey(path: string, passphrase: string): Promise<StoredKey | undefined> {
  const pem = readText(path);
  if (pem === undefined) return undefined;
  const d = await readPrivateKey(pem, passphrase, { extractable: true });
  // readPrivateKey's result is a KeyPair of the specs Keysmith makes (it read a key this command wrote).
  return { pair: d as unknown as KeyPair, pkcs8Der: d.pkcs8Der, spkiDer: d.spkiDer };
}

async function newKey(spec: CertificateSpec, path: string, passphrase: string): Promise<StoredKey> {
  const pair = await generateKeyPair(spec.keySpec, { extractable: true });
  const pkcs8 = await privateKeyToPkcs8(pair);
  try {
    writeAtomic(path, await encryptPkcs8Pem(pkcs8, passphrase), 0o600);
  } finally {
    pkcs8.fill(0);
  }
  const stored = await readStoredKey(path, passphrase);
  return stored!;
}

const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function transient(err: unknown): boolean {
  if (err instanceof ApiError) return err.retryable;
  return isKeysmithError(err) && (err.code === "api.network" || err.code === "api.timeout");
}

/**
 * An order for this CSR's key that the ledger knows (answered, or adopted by `keysmith order reconcile`
 * after a lost answer) and that is not spent: awaiting validation, in review or issued, and not the order of
 * a certificate this command already took (`state.issuedOrders`, so `key: reuse` orders anew).
 */
async function adoptedOrder(env: IssueEnv, csrPem: string, state: CertificateState): Promise<string | undefined> {
  const ids = csrIdentity(csrPem);
  const spent = new Set(state.issuedOrders ?? []);
  const known = readOrders(env.cw.dir).filter((o) => o.action === "CreateCertificateWithCsrRequest" && !spent.has(o.id) && o.keys.some((k) => ids.includes(k)));
  for (const order of known.reverse()) {
    try {
      const reply = await env.client.callOperation(operation("cas", "DescribeCertificateState"), { OrderId: order.id });
      if (["domain_verify", "process", "certificate"].includes(str(reply.Type))) return order.id;
    } catch (err) {
      if (!isKeysmithError(err)) throw err; // an order the cloud no longer knows is not this one
    }
  }
  return undefined;
}

/**
 * Places (or resumes) the order for `spec` and waits for its certificate. `state` is updated and written as
 * it goes; the caller moves the files into place once `issued` comes back.
 */
export async function issueCertificate(env: IssueEnv, spec: CertificateSpec, files: CertificateFiles, state: CertificateState): Promise<IssueOutcome> {
  const { ctx, client } = env;
  ensureCertificateDir(files);
  const domain = spec.domains[0]!;
  let keyFile: "next" | "current";
  let key: StoredKey | undefined;

  if (state.order) {
    keyFile = state.order.key;
    key = await readStoredKey(keyFile === "next" ? files.nextKey : files.key, env.passphrase);
    if (!key) return { kind: "failed", reason: t(ctx.locale, "lifecycle_cli_key_missing", { order: state.order.orderId }) };
    env.say(t(ctx.locale, "lifecycle_cli_resuming", { name: spec.name, order: state.order.orderId }));
  } else {
    const reuse = spec.policy.key === "reuse" ? await readStoredKey(files.key, env.passphrase) : undefined;
    if (reuse) {
      keyFile = "current";
      key = reuse;
    } else {
      keyFile = "next";
      // A next key left by a run that stopped before its order was recorded: its CSR is that order's, and
      // the ledger (pending create, open order) recognises it instead of a second order being placed.
      key = (await readStoredKey(files.nextKey, env.passphrase)) ?? (await newKey(spec, files.nextKey, env.passphrase));
    }
    const csr = await createCsr(key.pair, { subject: `CN=${domain}`, sans: spec.domains });
    const op = operation("cas", "CreateCertificateWithCsrRequest");
    const params = {
      Csr: csr.pem, Username: spec.contact.username, Phone: spec.contact.phone, Email: spec.contact.email, ValidateType: spec.validateType, ProductCode: spec.productCode,
    };
    let orderId: string | undefined = await adoptedOrder(env, csr.pem, state);
    if (orderId === undefined) try {
      const placed = await placeCreate(ctx, client, env.args, op, params);
      if ("unknown" in placed) return { kind: "unknown", error: placed.unknown };
      orderId = str(placed.response.OrderId);
    } catch (err) {
      // The CSR's order is still open: it is this certificate's, placed by a run that stopped. Resume it.
      if (isKeysmithError(err) && err.code === "api.create.open_order" && err.params.orderId !== undefined) orderId = String(err.params.orderId);
      else if (isKeysmithError(err) && (err.code === "api.create.pending" || err.code === "api.create.unknown")) return { kind: "unknown", error: err };
      else throw err;
    }
    state.order = { orderId: orderId!, key: keyFile, placedAt: new Date().toISOString() };
    writeState(files, state);
    env.say(t(ctx.locale, "lifecycle_cli_ordered", { name: spec.name, order: orderId!, domain }));
  }

  const orderId = state.order.orderId;
  const describe = operation("cas", "DescribeCertificateState");
  const deadline = Date.now() + env.timeoutMs;
  let recordDone = false;
  for (;;) {
    let reply: Record<string, unknown>;
    try {
      reply = await client.callOperation(describe, { OrderId: orderId });
    } catch (err) {
      if (!transient(err) || Date.now() >= deadline) throw err;
      await sleep(env.intervalMs);
      continue;
    }
    const type = str(reply.Type);
    if (type === "domain_verify" && !recordDone && str(reply.RecordValue)) {
      const added = await addDnsRecord(env.cw, domain.replace(/^\*\./, ""), str(reply.RecordDomain), str(reply.RecordType) || "TXT", str(reply.RecordValue), undefined);
      if (added.unknown) env.say(added.unknown.localized(ctx.locale)); // looked for again next round
      else {
        recordDone = true;
        if (added.recordId && !added.alreadyPresent) {
          state.validationRecords = [...new Set([...(state.validationRecords ?? []), added.recordId])];
          writeState(files, state);
        }
        env.say(t(ctx.locale, "lifecycle_cli_record", { name: spec.name, zone: added.zone, rr: added.rr }));
      }
    }
    if (type === "certificate") {
      const chain = parseCertificates(str(reply.Certificate), "Certificate");
      if (!bytesEqual(chain.leaf.spkiDer, key.spkiDer)) return { kind: "failed", reason: t(ctx.locale, "lifecycle_cli_not_paired", { order: orderId }) };
      return { kind: "issued", chain, keyFile };
    }
    if (type === "verify_fail" || type === "checked_fail" || type === "payed") {
      delete state.order;
      writeState(files, state);
      return { kind: "failed", reason: t(ctx.locale, "lifecycle_cli_order_failed", { order: orderId, state: type }) };
    }
    if (Date.now() >= deadline) return { kind: "failed", reason: t(ctx.locale, "lifecycle_cli_order_timeout", { order: orderId, state: type }) };
    await sleep(Math.min(env.intervalMs, Math.max(0, deadline - Date.now())));
  }
}

/** The key and certificate as cas UploadUserCertificate takes them: PEM, the key in the clear (PKCS#8). */
export async function uploadMaterial(files: CertificateFiles, passphrase: string): Promise<{ cert: string; key: string } | undefined> {
  const key = await readStoredKey(files.key, passphrase);
  const leaf = readText(files.cert);
  if (!key || leaf === undefined) return undefined;
  const chain = readText(files.chain) ?? "";
  return { cert: leaf + chain, key: pkcs8Pem(key.pkcs8Der) };
}
