// `keysmith renew --config FILE --passphrase-file F`: makes the account match the renew file
// (src/core/lifecycle/config.ts), idempotently. Per certificate, in the state directory
// (cli/lifecycle/store.ts): when there is no certificate, or it is due (src/core/lifecycle/renewal.ts), or
// it no longer names the file's domain, a key (new, or the same one with `key: reuse`), a CSR, a DV order
// placed once (cli/lifecycle/issue.ts), the Alidns validation record, the wait, the pairing check; then the
// upload to cas and each deploy binding pointed at it and read back (cli/lifecycle/rollout.ts); the
// validation record is removed. A certificate that is current and deployed costs reads only: no create.
// With `deleteOldUploads: true`, once every binding serves the current upload, the earlier uploads this tool
// made for the certificate are deleted from cas when no CDN domain serves them (cli/lifecycle/cleanup.ts); an
// upload kept (in use, or the delete refused or failed) is reported and tried again next run, exit unchanged.
// Certificates are processed one after the other; one failing does not stop the others.
// Exit: 0 every certificate current (and deployed); 1 something failed or is waiting for its retry time;
// 2 invalid input (the file, a flag), nothing sent; 3 an outcome unknown (a create whose answer was lost:
// `keysmith order reconcile` settles it).
import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { fail, isKeysmithError } from "../../src/core/errors";
import { t } from "../../src/core/i18n";
import { operation } from "../../src/core/aliyun/operations";
import { parseCertificates, type CertificateInfo } from "../../src/core/cert/certificate";
import { parseRenewConfig, type CertificateSpec, type RenewConfig } from "../../src/core/lifecycle/config";
import { coveredDomains, deployTarget, sansCover } from "../../src/core/lifecycle/deploy-targets";
import { isDue, nextAttemptAt, renewalDueAt } from "../../src/core/lifecycle/renewal";
import { parseArgs, requireString, type FlagSpec, type ParsedArgs } from "../args";
import type { CliContext, Command } from "../context";
import { GLOBAL_API_FLAGS, clientFromArgs } from "../credentials-env";
import { EXIT_UNKNOWN, STATE_FLAGS, cliWriteAhead } from "../create";
import { readPassphraseFile } from "../private-keys";
import { stateDirFrom } from "../state-dir";
import { readYamlFile } from "../yaml-file";
import { issueCertificate, type IssueEnv } from "../lifecycle/issue";
import { deployOne, ensureUploaded, targetCall, type RolloutEnv } from "../lifecycle/rollout";
import { deleteOldUploads } from "../lifecycle/cleanup";
import { loadWebhookConfig, postRenewOutcomes, webhookReportLine } from "../lifecycle/webhooks";
import { certificateFiles, readState, readText, removeFile, writeAtomic, writeState, type CertificateFiles, type CertificateState } from "../lifecycle/store";

const FLAGS: FlagSpec[] = [
  ...GLOBAL_API_FLAGS,
  ...STATE_FLAGS,
  { name: "config", kind: "string" },
  { name: "passphrase-file", kind: "string" },
  { name: "now", kind: "string" },
  { name: "interval", kind: "string" },
  { name: "timeout", kind: "string" },
  { name: "webhook-config", kind: "string" },
];

const DEFAULT_INTERVAL_S = 15;
const DEFAULT_TIMEOUT_S = 1800;

type Outcome = "current" | "renewed" | "deployed" | "notify" | "off" | "waiting" | "failed" | "unknown";

interface Result {
  name: string;
  outcome: Outcome;
  serial?: string;
  notAfter?: string;
  dueAt?: string;
  certId?: string;
  deployed: string[];
  detail?: string;
  /** deleteOldUploads: earlier uploads deleted from cas in this run (or found gone). */
  uploadsDeleted?: string[];
  /** deleteOldUploads: earlier uploads not deleted, and why; tried again on the next run. */
  uploadsKept?: { certId: string; reason: string }[];
  /** The failure was the upload or a deploy (for the webhook's "deploy failed"). */
  stage?: "deploy";
}

/** Reads the renew file: YAML (JSON is YAML too). A syntax error names the file, line and column. */
export function loadRenewConfig(path: string): RenewConfig {
  return readYamlFile(path, { flag: "--config", unreadable: "lifecycle.config.unreadable", syntax: "lifecycle.config.syntax" }, parseRenewConfig);
}

function seconds(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || value <= 0) fail("api.cli.seconds", flag, { value: text });
  return value;
}

/** One run at a time per state directory: a lock file held for the whole run (a dead run's is broken). */
function takeRunLock(dir: string): () => void {
  const path = join(dir, "renew.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") fail("cli.state_dir.unusable", "--state-dir", { path: dir });
      const pid = Number((readText(path) ?? "").trim());
      let alive = false;
      try {
        if (Number.isSafeInteger(pid) && pid > 0) {
          process.kill(pid, 0);
          alive = true;
        }
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === "EPERM";
      }
      if (alive && pid !== process.pid) fail("lifecycle.renew.running", "--state-dir", { path, pid });
      rmSync(path, { force: true });
    }
  }
  return fail("lifecycle.renew.running", "--state-dir", { path, pid: "?" });
}

function currentLeaf(files: CertificateFiles): CertificateInfo | undefined {
  const pem = readText(files.cert);
  if (pem === undefined) return undefined;
  try {
    return parseCertificates(pem, files.cert).leaf;
  } catch {
    return undefined; // an unreadable file is as good as none: a new certificate is ordered
  }
}

/** The validation records this tool added for `state`'s orders: removed once the order is settled. */
async function removeValidationRecords(env: IssueEnv, state: CertificateState, files: CertificateFiles): Promise<void> {
  for (const recordId of state.validationRecords ?? []) {
    try {
      await env.client.callOperation(operation("alidns", "DeleteDomainRecord"), { RecordId: recordId });
    } catch (err) {
      // Gone already is what was wanted; anything else stays listed for the next run.
      if (!(isKeysmithError(err) && /not.?exist|notfound|not_found/i.test(`${err.code} ${JSON.stringify(err.params)}`))) {
        env.say(t(env.ctx.locale, "lifecycle_cli_record_kept", { recordId, reason: isKeysmithError(err) ? err.localized(env.ctx.locale) : String(err) }));
        continue;
      }
    }
    state.validationRecords = (state.validationRecords ?? []).filter((r) => r !== recordId);
    writeState(files, state);
  }
}

async function processCertificate(spec: CertificateSpec, env: IssueEnv & RolloutEnv, stateDir: string, now: Date): Promise<Result> {
  const { ctx } = env;
  const files = certificateFiles(stateDir, spec.name);
  const state = readState(files);
  const result: Result = { name: spec.name, outcome: "current", deployed: [] };
  let leaf = currentLeaf(files);
  const names = leaf ? spec.domains.every((d) => sansCover(leaf!.sans.length > 0 ? leaf!.sans : [leaf!.commonName], d)) : false;
  const due = !leaf || !names || state.order !== undefined || isDue(now, leaf.notBefore, leaf.notAfter, spec.policy, spec.path);
  if (leaf) {
    result.serial = leaf.serial;
    result.notAfter = leaf.notAfter.toISOString();
    result.dueAt = renewalDueAt(leaf.notBefore, leaf.notAfter, spec.policy, spec.path).toISOString();
  }

  if (due && spec.policy.mode === "off") {
    if (!leaf) return { ...result, outcome: "off" };
  } else if (due && spec.policy.mode === "notify") {
    env.say(t(ctx.locale, "lifecycle_cli_notify", { name: spec.name, dueAt: result.dueAt ?? "-" }));
    if (!leaf) return { ...result, outcome: "notify" };
    result.outcome = "notify";
  } else if (due) {
    if (state.nextAttemptAt && Date.parse(state.nextAttemptAt) > now.getTime() && !state.order) {
      env.say(t(ctx.locale, "lifecycle_cli_waiting", { name: spec.name, at: state.nextAttemptAt, reason: state.lastError ?? "-" }));
      return { ...result, outcome: "waiting", detail: state.lastError };
    }
    const issued = await issueCertificate(env, spec, files, state);
    if (issued.kind === "unknown") return { ...result, outcome: "unknown", detail: issued.error.localized(ctx.locale) };
    if (issued.kind === "failed") {
      state.failures = (state.failures ?? 0) + 1;
      state.nextAttemptAt = nextAttemptAt(now, state.failures).toISOString();
      state.lastError = issued.reason;
      writeState(files, state);
      await removeValidationRecords(env, state, files);
      return { ...result, outcome: "failed", detail: issued.reason };
    }
    // Issued and paired: the new key and certificate become the current ones, key first.
    if (issued.keyFile === "next") {
      writeAtomic(files.key, readText(files.nextKey)!, 0o600);
      removeFile(files.nextKey);
    }
    writeAtomic(files.cert, issued.chain.leaf.pem, 0o644);
    writeAtomic(files.chain, issued.chain.chain.map((c) => c.pem).join(""), 0o644);
    state.issuedOrders = [...(state.issuedOrders ?? []), state.order!.orderId].slice(-20);
    delete state.order;
    delete state.failures;
    delete state.nextAttemptAt;
    delete state.lastError;
    writeState(files, state);
    leaf = issued.chain.leaf;
    await removeValidationRecords(env, state, files);
    result.outcome = "renewed";
    result.serial = leaf.serial;
    result.notAfter = leaf.notAfter.toISOString();
    result.dueAt = renewalDueAt(leaf.notBefore, leaf.notAfter, spec.policy, spec.path).toISOString();
    env.say(t(ctx.locale, "lifecycle_cli_issued", { name: spec.name, serial: leaf.serial, notAfter: result.notAfter }));
  } else if ((state.validationRecords ?? []).length > 0) {
    await removeValidationRecords(env, state, files);
  }

  if (!leaf || spec.deploy.length === 0) return result;
  // Deploy: the upload to cas is the opt-in step that hands the key to the account (cli/lifecycle/rollout.ts).
  const upload = await ensureUploaded(env, spec.name, files, state, leaf.serial);
  if (upload.kind === "unknown") return { ...result, outcome: "unknown", detail: upload.error.localized(ctx.locale) };
  if (upload.kind === "failed") return { ...result, outcome: "failed", detail: upload.reason, stage: "deploy" };
  result.certId = upload.certId;
  const failures: string[] = [];
  for (const binding of spec.deploy) {
    const target = deployTarget(binding.target, binding.path);
    try {
      const domains = binding.domain === "auto" ? await coveredDomains(target, targetCall(env.client, target), spec.domains) : [binding.domain];
      for (const domain of domains) {
        const done = await deployOne(env, target, domain, upload.certId, leaf.serial, files, state, spec.name, { region: binding.region });
        if (done.kind === "failed") failures.push(done.reason);
        else if (done.kind === "deployed") result.deployed.push(`${target.id}:${domain}`);
      }
    } catch (err) {
      if (!isKeysmithError(err)) throw err;
      failures.push(`${target.id} ${binding.domain}: ${err.localized(ctx.locale)}`);
    }
  }
  if (failures.length > 0) return { ...result, outcome: "failed", detail: failures.join("; "), stage: "deploy" };
  if (result.outcome === "current" && result.deployed.length > 0) result.outcome = "deployed";
  // Every binding serves the current upload: the earlier ones may go (a kept one does not change the outcome).
  if (spec.deleteOldUploads) {
    const bound = spec.deploy.map((b) => ({ target: b.target, ...(b.region !== undefined ? { region: b.region } : {}) }));
    const cleanup = await deleteOldUploads(env, spec.name, files, state, bound);
    if (cleanup.deleted.length > 0) result.uploadsDeleted = cleanup.deleted;
    if (cleanup.kept.length > 0) result.uploadsKept = cleanup.kept;
  }
  return result;
}

export const renewCommand: Command = {
  name: "renew",
  summary: "Make certificates match a renew file: order what is missing or due, upload to cas, deploy to CDN, DCDN, SLB or ALB",
  usage:
    "keysmith renew --config FILE --passphrase-file FILE [--state-dir DIR] [--now TIME] [--interval SECONDS] [--timeout SECONDS] [--webhook-config FILE]\n" +
    "       [--profile NAME] [--endpoint URL] [--site cn|intl] [--signature-version v1|v3] [--json]\n" +
    "  FILE: YAML or JSON (docs/lifecycle.md); keys are kept encrypted with the passphrase in DIR/certificates/<name>/\n" +
    "  --now: judge what is due as of this ISO 8601 time instead of the system clock\n" +
    "  --webhook-config FILE: YAML or JSON { kind: dingtalk|feishu|wecom|generic, url, secret?, format? } or a list; one message per\n" +
    "    event (renewed, renewal failed, deploy failed, due) after the run; a failed delivery is on stderr and does not change the exit code\n" +
    "  deleteOldUploads: true (per certificate; default false) deletes its earlier uploads from cas once no bound product (CDN, DCDN, SLB, ALB) serves them\n" +
    `  defaults: --interval ${DEFAULT_INTERVAL_S}, --timeout ${DEFAULT_TIMEOUT_S} (per order)\n` +
    "  exit: 0 all current, 1 something failed (the others still processed), 2 invalid input, 3 an outcome unknown\n" +
    "        (an earlier upload not deleted is reported on stderr and tried again next run; it does not change the exit code)",
  async run(ctx: CliContext): Promise<number> {
    // 1. Every input checked before the first request.
    const args: ParsedArgs = parseArgs(ctx.argv, FLAGS);
    if (args.positionals.length > 0) fail("cli.argument.extra", args.positionals[0]);
    const configPath = requireString(args, "config");
    const config = loadRenewConfig(configPath);
    const passphrase = await readPassphraseFile(requireString(args, "passphrase-file"), "--passphrase-file");
    const nowText = args.strings.get("now");
    const now = nowText === undefined ? new Date() : new Date(nowText);
    if (Number.isNaN(now.getTime()) || (nowText !== undefined && !/^\d{4}-\d\d-\d\dT/.test(nowText))) fail("lifecycle.cli.now", "--now", { value: nowText ?? "" });
    const intervalMs = seconds(args.strings.get("interval"), "--interval", DEFAULT_INTERVAL_S) * 1000;
    const timeoutMs = seconds(args.strings.get("timeout"), "--timeout", DEFAULT_TIMEOUT_S) * 1000;
    const json = args.booleans.has("json");
    const webhookPath = args.strings.get("webhook-config");
    const webhooks = webhookPath === undefined ? [] : loadWebhookConfig(webhookPath);
    const client = clientFromArgs(args, ctx);
    const stateDir = stateDirFrom(args.strings.get("state-dir"), ctx.env);
    const cw = cliWriteAhead(client, args, ctx.env);
    const say = (line: string) => (json ? ctx.stderr : ctx.stdout)(`${line}\n`);
    const env = { ctx, client, args, cw, passphrase, intervalMs, timeoutMs, say, confirmAttempts: 10, confirmIntervalMs: Math.min(intervalMs, 2000) };

    // 2. One certificate after the other, under one run lock.
    const release = takeRunLock(stateDir);
    const results: Result[] = [];
    try {
      for (const spec of config.certificates) {
        try {
          results.push(await processCertificate(spec, env, stateDir, now));
        } catch (err) {
          if (!isKeysmithError(err)) throw err;
          // A wrong passphrase or a corrupt state file is the user's to fix: exit 2, as for any invalid input.
          if (err.code === "export.passphrase.wrong" || err.code === "cli.state_dir.corrupt") throw err;
          results.push({ name: spec.name, outcome: "failed", deployed: [], detail: err.localized(ctx.locale) });
        }
      }
    } finally {
      release();
    }

    for (const r of results) {
      const line = t(ctx.locale, `lifecycle_cli_outcome_${r.outcome}`, { name: r.name, serial: r.serial ?? "-", dueAt: r.dueAt ?? "-", deployed: r.deployed.join(", ") || "-" });
      const text = `${line}${r.detail ? `: ${r.detail}` : ""}`;
      if (r.outcome === "failed" || r.outcome === "unknown" || r.outcome === "waiting") ctx.stderr(`keysmith: ${text}\n`);
      else say(text);
      for (const k of r.uploadsKept ?? []) ctx.stderr(`keysmith: ${t(ctx.locale, "lifecycle_cli_upload_kept", { name: r.name, certId: k.certId, reason: k.reason })}\n`);
    }
    // Webhooks (--webhook-config): one message per event; a failed delivery is reported, the exit code stays.
    const domainsOf = new Map(config.certificates.map((c) => [c.name, c.domains]));
    const reports = webhooks.length === 0 ? [] : await postRenewOutcomes(webhooks, results.map((r) => ({ ...r, domains: domainsOf.get(r.name) ?? [] })), ctx.locale);
    for (const r of reports) {
      if (r.delivered) say(webhookReportLine(ctx.locale, r));
      else ctx.stderr(`keysmith: ${webhookReportLine(ctx.locale, r)}\n`);
    }
    if (json) ctx.stdout(`${JSON.stringify({ certificates: results, ...(webhooks.length > 0 ? { webhooks: reports } : {}) }, null, 2)}\n`);
    if (results.some((r) => r.outcome === "unknown")) return EXIT_UNKNOWN;
    if (results.some((r) => r.outcome === "failed" || r.outcome === "waiting")) return 1;
    return 0;
  },
};
