// `keysmith order wait ORDER_ID`: what a CI pipeline needs between `order create` and `bundle`. Polls cas
// DescribeCertificateState until the order is issued, fails or the time is up; prints each state change
// once and the validation record; with --add-dns-record adds the DNS record through Alidns (once); once
// issued writes DIR/<name>.cert.pem (leaf) and DIR/<name>.chain.pem (the rest), and a service-made key
// only to DIR/<name>.key.pem (0600), never to the output: encrypted (PKCS#8, PBES2) with
// --key-passphrase-file, in the clear only with --unencrypted. When the answer carries a key and neither
// was given, nothing is written (exit 2; cli/private-keys.ts); an order this CLI placed by --domain is
// refused so before the wait.
// Exit: 0 issued; 1 verify_fail, cancelled or timeout; 2 invalid input or an API error (thrown, as elsewhere).
import { join, resolve } from "node:path";
import { KeysmithError, fail, isKeysmithError } from "../../src/core/errors";
import { t, type Locale } from "../../src/core/i18n";
import { operation } from "../../src/core/aliyun/operations";
import { applyRule } from "../../src/core/aliyun/rules";
import { validateParams } from "../../src/core/aliyun/validate";
import { dnsRecordPlacement } from "../../src/core/aliyun/dns-placement";
import { parseCertificates } from "../../src/core/cert/certificate";
import type { AliyunClient, ApiResponse } from "../../src/core/aliyun/client";
import { pendingError } from "../../src/core/aliyun/write-ahead";
import { ApiError } from "../../src/core/aliyun/api-error";
import { parseArgs, type FlagSpec } from "../args";
import type { CliContext, Command } from "../context";
import { GLOBAL_API_FLAGS, clientFromArgs } from "../credentials-env";
import { STATE_FLAGS, cliWriteAhead, ownerContext, settleResult, type CliWriteAhead } from "../create";
import { baseNameFor, ensureDirectory, refuseExisting, writeOutputFiles, type OutputFile } from "../output-files";
import { UNENCRYPTED_FLAG, encryptServiceKey, readPassphraseFile } from "../private-keys";
import { readOrders } from "../state-dir";

const FLAGS: FlagSpec[] = [
  ...GLOBAL_API_FLAGS,
  ...STATE_FLAGS,
  { name: "add-dns-record", kind: "boolean" },
  { name: "zone", kind: "string" },
  { name: "out", kind: "string" },
  { name: "name", kind: "string" },
  { name: "interval", kind: "string" },
  { name: "timeout", kind: "string" },
  { name: "force", kind: "boolean" },
  { name: "key-passphrase-file", kind: "string" },
  { name: UNENCRYPTED_FLAG, kind: "boolean" },
];

/** The action by which the service makes the key: its order's answer carries PrivateKey once issued. */
const SERVICE_KEY_ACTION = "CreateCertificateRequest";

const DEFAULT_INTERVAL_S = 15;
const DEFAULT_TIMEOUT_S = 1800;
/** States after which waiting longer cannot help: the exit-1 outcomes. */
const FAILED_STATES = new Set(["verify_fail", "checked_fail"]);
/** cas reports a cancelled order (CancelOrderRequest) as `payed`. */
const CANCELLED_STATES = new Set(["payed"]);
const KNOWN_STATES = new Set(["domain_verify", "process", "certificate", "verify_fail", "payed"]);

type Outcome = "issued" | "verify_fail" | "cancelled" | "timeout";

export interface RecordAdded {
  zone: string;
  rr: string;
  type: string;
  recordId?: string;
  /** The zone already held the record (DomainRecordDuplicate): nothing was added. */
  alreadyPresent?: boolean;
  /** No answer came (or an earlier add is pending) and the record is not listed yet. */
  unknown?: KeysmithError;
}

/** `--interval` (more than 0) and `--timeout` (0 = look once) in seconds, fractions allowed. */
function seconds(text: string | undefined, flag: string, fallback: number, allowZero: boolean): number {
  if (text === undefined) return fallback;
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || (value === 0 && !allowZero)) fail("api.cli.seconds", flag, { value: text });
  return value;
}

const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

/** The order's domain: cas names it in ListUserCertificateOrder (DescribeCertificateState does only for some states). */
async function findOrderDomain(client: AliyunClient, orderId: string): Promise<string | undefined> {
  const pageSize = 100;
  for (let page = 1; page <= 50; page++) {
    const reply = await client.call("cas", "ListUserCertificateOrder", { OrderType: "CPACK", CurrentPage: String(page), ShowSize: String(pageSize) });
    const list = Array.isArray(reply.CertificateOrderList) ? (reply.CertificateOrderList as Record<string, unknown>[]) : [];
    const hit = list.find((o) => str(o.OrderId) === orderId);
    if (hit) return str(hit.Domain).split(",")[0]?.trim() || undefined;
    if (list.length < pageSize || page * pageSize >= Number(reply.TotalCount ?? 0)) return undefined;
  }
  return undefined;
}

function stateLine(locale: Locale, orderId: string, state: string): string {
  const known = FAILED_STATES.has(state) ? "verify_fail" : KNOWN_STATES.has(state) ? state : "other";
  const meaning = t(locale, `api_cli_wait_state_${known}`);
  return t(locale, "api_cli_wait_state", { order: orderId, state, meaning });
}

export const orderWaitCommand: Command = {
  name: "order wait",
  summary: "Wait for an order to be issued (adds the DNS record if asked) and write its certificate and chain",
  usage:
    "keysmith order wait ORDER_ID [--add-dns-record [--zone ZONE]] [--out DIR] [--name BASENAME] [--interval SECONDS] [--timeout SECONDS] [--force]\n" +
    "       [--key-passphrase-file FILE | --unencrypted]   (one of them when the service made the key: orders by --domain)\n" +
    "       [--profile NAME] [--endpoint URL] [--region ID] [--site cn|intl] [--signature-version v1|v3] [--json]\n" +
    `  defaults: --out . , --name the order's domain (*. -> _wildcard.), --interval ${DEFAULT_INTERVAL_S}, --timeout ${DEFAULT_TIMEOUT_S}\n` +
    "  exit: 0 issued, 1 verify_fail / cancelled / timeout, 2 invalid input or an API error",
  async run(ctx: CliContext): Promise<number> {
    // 1. Every input checked before the first request.
    const args = parseArgs(ctx.argv, FLAGS);
    const [orderArg, ...extra] = args.positionals;
    if (extra.length > 0) throw new KeysmithError("cli.argument.extra", { field: extra[0] });
    const describeOp = operation("cas", "DescribeCertificateState");
    const orderId = validateParams(describeOp, { OrderId: orderArg }).OrderId!;
    const addDns = args.booleans.has("add-dns-record");
    const zoneArg = args.strings.get("zone");
    if (zoneArg !== undefined) {
      if (!addDns) throw new KeysmithError("api.cli.flag_requires", { field: "--zone", params: { other: "--add-dns-record" } });
      applyRule("domain", zoneArg.replace(/\.$/, ""), "--zone");
    }
    const intervalMs = seconds(args.strings.get("interval"), "--interval", DEFAULT_INTERVAL_S, false) * 1000;
    const timeoutMs = seconds(args.strings.get("timeout"), "--timeout", DEFAULT_TIMEOUT_S, true) * 1000;
    const nameArg = args.strings.get("name");
    if (nameArg !== undefined && !/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(nameArg)) fail("cli.name_invalid", "--name", { value: nameArg });
    const outDir = resolve(args.strings.get("out") ?? ".");
    const force = args.booleans.has("force");
    const json = args.booleans.has("json");
    const keyPassphraseFile = args.strings.get("key-passphrase-file");
    const unencrypted = args.booleans.has(UNENCRYPTED_FLAG);
    if (keyPassphraseFile !== undefined && unencrypted) {
      throw new KeysmithError("api.cli.flag_conflict", { field: `--${UNENCRYPTED_FLAG}`, params: { other: "--key-passphrase-file" } });
    }
    const keyPassphrase = keyPassphraseFile === undefined ? undefined : await readPassphraseFile(keyPassphraseFile, "--key-passphrase-file");
    const client = clientFromArgs(args, ctx);
    const cw = cliWriteAhead(client, args, ctx.env);
    /** A service-made key may come only as the user chose: refused (typed, exit 2) when neither flag was given. */
    const refuseClearKey = (): void => {
      if (keyPassphrase === undefined && !unencrypted) {
        throw new KeysmithError("api.cli.wait_key_protection", { field: "--key-passphrase-file", params: { order: orderId, unencrypted: `--${UNENCRYPTED_FLAG}` } });
      }
    };
    // An order this CLI placed by --domain will carry the service's key: say so now, not after the wait.
    if (readOrders(cw.dir).some((o) => o.id === orderId && o.action === SERVICE_KEY_ACTION)) refuseClearKey();
    // With --json, stdout carries one JSON object at the end; progress goes to stderr.
    const say = (line: string) => (json ? ctx.stderr : ctx.stdout)(`${line}\n`);
    const paths = (name: string) => ({ cert: join(outDir, `${name}.cert.pem`), chain: join(outDir, `${name}.chain.pem`), key: join(outDir, `${name}.key.pem`) });

    let domain: string | undefined;
    let domainLooked = false;
    async function orderDomain(reply: ApiResponse): Promise<string | undefined> {
      if (domain) return domain;
      const given = str(reply.Domain).trim();
      if (given) return (domain = given);
      if (!domainLooked) {
        domainLooked = true;
        domain = await findOrderDomain(client, orderId);
      }
      return domain;
    }

    // 2. Poll.
    const started = Date.now();
    const deadline = started + timeoutMs;
    let lastState: string | undefined;
    let recordShown = "";
    let recordAdded: RecordAdded | undefined;
    let filesChecked = false;
    let written: string[] = [];
    let keyEncrypted: boolean | null = null;
    let outcome: Outcome | undefined;
    let state = "";

    for (;;) {
      let reply: ApiResponse;
      try {
        reply = await client.callOperation(describeOp, { OrderId: orderId });
      } catch (err) {
        // The client already retried this read; a long wait outlives a network outage or throttling and
        // keeps looking until the deadline. Anything else (credentials, unknown order) ends it at once.
        if (!isTransient(err) || Date.now() >= deadline) throw err;
        say(t(ctx.locale, "api_cli_wait_retrying", { reason: (err as KeysmithError).localized(ctx.locale) }));
        await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
        continue;
      }
      state = str(reply.Type);
      if (state !== lastState) {
        say(stateLine(ctx.locale, orderId, state));
        lastState = state;
      }
      // Without --name, the order's domain names the files: refuse an existing file now, not after the wait.
      if (!filesChecked && state !== "certificate") {
        const d = nameArg === undefined ? await orderDomain(reply) : undefined;
        const name = nameArg ?? (d === undefined ? undefined : baseNameFor(d));
        if (name !== undefined) {
          const p = paths(name);
          await refuseExisting([p.cert, p.chain], force);
          filesChecked = true;
        }
      }

      if (state === "domain_verify") {
        const validateType = str(reply.ValidateType);
        if (str(reply.RecordValue) && validateType !== "FILE") {
          const type = str(reply.RecordType) || "TXT";
          const host = str(reply.RecordDomain);
          const value = str(reply.RecordValue);
          const key = `${type} ${host} ${value}`;
          if (key !== recordShown) {
            recordShown = key;
            say(t(ctx.locale, "api_cli_wait_dns_record", { type, host, value }));
            if (!addDns) say(t(ctx.locale, "api_cli_wait_dns_hint"));
          }
          if (addDns && !recordAdded) {
            const d = await orderDomain(reply);
            if (d === undefined) fail("api.cli.order_domain_unknown", orderId);
            recordAdded = await addDnsRecord(cw, d, host, type, value, zoneArg);
            if (recordAdded.unknown) {
              // No answer: the record may exist. The next round looks for it (never adds a second one).
              say(recordAdded.unknown.localized(ctx.locale));
              recordAdded = undefined;
            } else say(
              recordAdded.alreadyPresent
                ? t(ctx.locale, "api_cli_wait_dns_present", { zone: recordAdded.zone, rr: recordAdded.rr })
                : t(ctx.locale, "api_cli_wait_dns_added", { zone: recordAdded.zone, rr: recordAdded.rr, recordId: recordAdded.recordId ?? "" }),
            );
          }
        } else if (str(reply.Content) || validateType === "FILE") {
          const key = `FILE ${str(reply.Domain)} ${str(reply.Uri)} ${str(reply.Content)}`;
          if (key !== recordShown) {
            recordShown = key;
            say(t(ctx.locale, "api_cli_wait_file_record"));
            say(`Domain: ${str(reply.Domain)}`);
            say(`Uri: ${str(reply.Uri)}`);
            say(`Content: ${str(reply.Content)}`);
            if (addDns) say(t(ctx.locale, "api_cli_wait_file_no_dns"));
          }
        }
      }

      if (state === "certificate") {
        const certificate = str(reply.Certificate);
        if (!certificate) fail("api.cli.no_certificate", orderId);
        const certs = parseCertificates(certificate, "Certificate");
        const name = nameArg ?? baseNameFor((await orderDomain(reply)) || certs.leaf.commonName || certs.leaf.sans[0] || "");
        const p = paths(name);
        const files: OutputFile[] = [];
        const privateKey = str(reply.PrivateKey);
        // A service-made key (CreateCertificateRequest) goes to its file only, 0600, and first: encrypted
        // with --key-passphrase-file, as received with --unencrypted; without either, nothing is written.
        if (privateKey) {
          refuseClearKey();
          const data = keyPassphrase !== undefined ? await encryptServiceKey(privateKey, keyPassphrase, "PrivateKey") : privateKey.endsWith("\n") ? privateKey : `${privateKey}\n`;
          files.push({ path: p.key, data, mode: 0o600 });
          keyEncrypted = keyPassphrase !== undefined;
        }
        files.push({ path: p.cert, data: certs.leaf.pem, mode: 0o644 });
        if (certs.chain.length > 0) files.push({ path: p.chain, data: certs.chain.map((c) => c.pem).join(""), mode: 0o644 });
        await ensureDirectory(outDir, "--out");
        await writeOutputFiles(files, force);
        written = files.map((f) => f.path);
        say(t(ctx.locale, "api_cli_wait_wrote", { files: written.join(", ") }));
        outcome = "issued";
        break;
      }
      if (FAILED_STATES.has(state)) {
        outcome = "verify_fail";
        break;
      }
      if (CANCELLED_STATES.has(state)) {
        outcome = "cancelled";
        break;
      }
      const now = Date.now();
      if (now >= deadline) {
        outcome = "timeout";
        break;
      }
      await new Promise((r) => setTimeout(r, Math.min(intervalMs, deadline - now)));
    }

    if (outcome !== "issued") {
      const key = outcome === "timeout" ? "api_cli_wait_timeout" : outcome === "cancelled" ? "api_cli_wait_cancelled" : "api_cli_wait_verify_fail";
      ctx.stderr(`keysmith: ${t(ctx.locale, key, { order: orderId, state, seconds: Math.round((Date.now() - started) / 100) / 10 })}\n`);
    }
    if (json) {
      const result = { orderId, state, outcome, domain: domain ?? null, files: written, keyEncrypted, recordAdded: recordAdded ?? null };
      ctx.stdout(`${JSON.stringify(result, null, 2)}\n`);
    }
    return outcome === "issued" ? 0 : 1;
  },
};

/** A failure that a later look may not meet: no answer, a timeout, throttling or a 5xx. */
function isTransient(err: unknown): boolean {
  if (err instanceof ApiError) return err.retryable;
  return isKeysmithError(err) && (err.code === "api.network" || err.code === "api.timeout");
}

/**
 * Adds the validation record through Alidns, placed relative to the zone (given or guessed), under the
 * write-ahead ledger: a lost answer, or a record add still pending from an earlier round or run, is looked
 * for in DescribeDomainRecords (never added twice); `unknown` says it is not settled yet.
 */
export async function addDnsRecord(cw: CliWriteAhead, domain: string, recordDomain: string, type: string, value: string, zone: string | undefined): Promise<RecordAdded> {
  let place: { zone: string; rr: string };
  try {
    place = dnsRecordPlacement(domain, recordDomain, zone);
  } catch (err) {
    // The core names its parameter ("zone"); on the command line, name the flag.
    if (isKeysmithError(err) && err.field === "zone") throw new KeysmithError(err.code, { field: "--zone", params: err.params });
    throw err;
  }
  const op = operation("alidns", "AddDomainRecord");
  const params = { DomainName: place.zone, RR: place.rr, Type: type, Value: value };
  try {
    const { response, entry } = await cw.wa.place(op, params, { context: ownerContext() });
    await settleResult(cw, entry, str(response.RecordId), "answer");
    // A second run of the same pipeline finds its record there already: that is what was wanted.
    return { ...place, type, recordId: str(response.RecordId), ...(response.Existing ? { alreadyPresent: true } : {}) };
  } catch (err) {
    // A second run of the same pipeline finds its record there already: that is what was wanted.
    if (isKeysmithError(err) && err.code === "api.remote.dns_duplicate") return { ...place, type, alreadyPresent: true };
    if (!isKeysmithError(err) || (err.code !== "api.create.unknown" && err.code !== "api.create.pending")) throw err;
    const entry = (await cw.wa.list()).find((e) => e.id === err.params.pendingId);
    if (!entry || entry.action !== op.action) throw err;
    const r = await cw.wa.check(entry);
    if (r.outcome === "adopted") {
      await settleResult(cw, r.entry, r.resultId, "reconciled");
      return { ...place, type, recordId: r.resultId };
    }
    return { ...place, type, unknown: err.code === "api.create.unknown" ? err : pendingError("api.create.unknown", r.entry) };
  }
}
