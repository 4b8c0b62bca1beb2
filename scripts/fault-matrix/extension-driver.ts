// The fault matrix's extension rows: the built extension in real Chromium (test/e2e/harness.ts
// launchExtension, connected to the in-process emulator through its options page), launched once for all
// rows. The worker is driven as its pages drive it: chrome.runtime.sendMessage from the options page (harness
// sendRaw), the same messages the popup sends. Per operation:
//   CreateCertificateWithCsrRequest  csr.create (a key and CSR made in the worker's vault, the popup's New CSR
//                                    flow), then orders.submitCsr with that key;
//   CreateCertificateRequest         orders.certificateRequest;
//   CreateCsr                        orders.casCreateCsr;
//   KmsCreateCertificate             orders.kmsCreateCertificate;
//   AddDomainRecord                  orders.addDnsRecord on a CreateCertificateRequest order (placed first,
//                                    without faults) that waits for DNS validation.
// CreateCertificateForPackageRequest has no extension path: it gets one row marked n/a (all zeros, fault
// "(all)"), not one per fault. UploadUserCertificate likewise: the extension uploads only inside an
// automatic renewal (src/background/lifecycle/upload-deploy.ts), whose write-ahead upload under faults is
// exercised by test/unit/background/renewal-deploy.test.ts, not by this matrix.
//
// The user's part, as the popup offers it: a create answered `api.create.unknown` is left to the worker's
// reconciliation, whose looks `orders.pending` starts (the popup polls it every 4 s; this driver every 2 s)
// until the row's entry is gone; an entry whose window ended with nothing found is placed again on purpose
// (`orders.pendingPlaceAnyway` with confirm); a Throttling refusal is tried once more. The worker's
// `reconcileMinutes` is set to its minimum, 1, so a "503 before commit" row (nothing to find) takes about a
// minute: its window has to run out before "place it anyway" is allowed.
// "Stopped mid-create": the emulator answers every call 1.5 s late; the create is sent, and once its ledger
// entry shows the list snapshot taken just before the call (chrome.storage.local "pendingCreates", read from
// the options page only to time the stop) the service worker is closed (harness stopWorker) while the call
// waits in the emulator; the next message wakes a fresh worker, whose start-up look settles the entry.
//
// Each row has its own domain (ext<N>-<run>.example.com), so the duplicate guard (CSR key, domain) of one row
// never meets another's. Figures per row (scripts/fault-matrix/matrix.ts tally): the emulator's new ids
// of the row's kind, against what the extension stored (`orders.list`) for the row's domain: cas OrderIds,
// CreateCsr CsrIds / KMS CertificateIds (`cloudId`), and DNS record ids on orders (`dnsRecordId`).
import type { Page } from "playwright-core";
import type { RunningEmulator } from "../../emulator/index";
import type { ErrorData } from "../../src/core/errors";
import { describeReason } from "../../src/core/reason";
import type { Contact, OrderView, PendingCreateView, Reply } from "../../src/messages";
import { TEST_GRANTS, connectThroughOptions, launchExtension, send, sendRaw, stopWorker, type ExtensionSession } from "../../test/e2e/harness";
import { ACTION_OF, emulatorIds, newIds, sleep, tally, type CreateOp, type FaultSpec, type RowResult } from "./matrix";

const CONTACT: Contact = { username: "Fault Matrix", email: "ops@example.com", phone: "13800000000", validateType: "DNS" };
/** How often the row polls `orders.pending` (the popup: every 4 s). */
const POLL_MS = 2_000;
/** A row gives up waiting for its entry after this long (the window is 1 minute). */
const SETTLE_LIMIT_MS = 4 * 60_000;

export interface ExtensionMatrix {
  /** One operation under one fault, in the running browser. */
  row(op: CreateOp, fault: FaultSpec): Promise<RowResult>;
  close(): Promise<void>;
}

/** What one create attempt looks like from the page: the worker's reply, or the page's error when there was none. */
type Attempt = () => Promise<Reply<OrderView>>;

function errorText(e: ErrorData): string {
  return `${e.code}: ${e.message}`.slice(0, 160);
}

/** A stopped worker never answers: the page's sendMessage rejects. That is kept as a reply with a local code. */
function noReply<T = OrderView>(err: unknown): Reply<T> {
  const message = err instanceof Error ? err.message : String(err);
  return { ok: false, error: { code: "page.no_reply", params: {}, message } };
}

/** The ids the extension stored for `domain`, of each kind the emulator counts (matrix.ts emulatorIds). */
function knownIds(orders: OrderView[], op: CreateOp, domain: string): string[] {
  const mine = orders.filter((o) => o.domain === domain);
  const ids = (() => {
    switch (op) {
      case "CreateCertificateWithCsrRequest":
      case "CreateCertificateRequest":
      case "CreateCertificateForPackageRequest":
        return mine.map((o) => o.orderId);
      case "CreateCsr":
      case "KmsCreateCertificate":
        return mine.filter((o) => o.operation === op).map((o) => o.cloudId);
      case "AddDomainRecord":
        return mine.map((o) => o.dnsRecordId);
      case "UploadUserCertificate":
        return mine.map((o) => o.casCertId);
    }
  })();
  return [...new Set(ids.filter((id): id is string => typeof id === "string" && id !== ""))];
}

/** Launches Chromium with the extension connected to `emu` (AccessKey and endpoint through the options page). */
export async function openExtensionMatrix(emu: RunningEmulator): Promise<ExtensionMatrix> {
  const session: ExtensionSession = await launchExtension({ grantHosts: TEST_GRANTS });
  let page: Page;
  try {
    page = await connectThroughOptions(session, emu);
    await send(page, "settings.set", { reconcileMinutes: 1 });
  } catch (err) {
    await session.dispose();
    throw err;
  }
  const run = Date.now().toString(36);
  let counter = 0;

  /** Everything a row needs before its create (made without faults); returns the create itself. */
  async function prepare(op: CreateOp, domain: string, n: number): Promise<Attempt> {
    switch (op) {
      case "CreateCertificateWithCsrRequest": {
        const made = await send(page, "csr.create", { spec: "EC_P256", subject: { CN: domain }, sans: [domain], exportable: false, label: `matrix ${n}` });
        return () => sendRaw(page, "orders.submitCsr", { ...CONTACT, csrPem: made.csrPem, keyId: made.key.id });
      }
      case "CreateCertificateRequest":
        return () => sendRaw(page, "orders.certificateRequest", { ...CONTACT, domain });
      case "CreateCsr":
        return () =>
          sendRaw(page, "orders.casCreateCsr", {
            algorithm: "ECC", keySize: 256, commonName: domain, sans: [], countryCode: "CN", province: "Zhejiang", locality: "Hangzhou", name: `matrix_ext_${run}_${n}`,
          });
      case "KmsCreateCertificate":
        return () =>
          sendRaw(page, "orders.kmsCreateCertificate", {
            keySpec: "EC_P256", subject: { CN: domain, OU: "IT", O: "Example", C: "CN" }, sans: [domain], exportablePrivateKey: false,
          });
      case "AddDomainRecord": {
        const placed = await send(page, "orders.certificateRequest", { ...CONTACT, domain });
        // The order's first look (orders.certificateRequest follows it at once) usually has the record; wait for it.
        let order = placed;
        for (let i = 0; i < 60 && order.validation?.type !== "DNS"; i++) {
          await sleep(500);
          order = await send(page, "orders.refresh", { id: placed.id });
        }
        if (order.validation?.type !== "DNS") throw new Error(`order ${placed.id} never showed a DNS validation record (state ${order.state})`);
        return () => sendRaw(page, "orders.addDnsRecord", { id: placed.id });
      }
      case "CreateCertificateForPackageRequest":
      case "UploadUserCertificate":
        throw new Error(`${op} has no extension path of its own`);
    }
  }

  /** The row's ledger entries as stored (context.domain, and whether the list snapshot before the call is taken). */
  async function ledgerEntries(domain: string): Promise<{ state: string; before: boolean }[]> {
    // A string, not a function: see harness.ts DUMP_SCRIPT (transpiler helpers do not exist in the page).
    const raw = (await page.evaluate(`chrome.storage.local.get("pendingCreates").then((r) => JSON.stringify(r.pendingCreates || []))`)) as string;
    const entries = JSON.parse(raw) as { state: string; before?: unknown; context?: { domain?: string } }[];
    return entries.filter((e) => e.context?.domain === domain).map((e) => ({ state: e.state, before: Array.isArray(e.before) }));
  }

  /** Sends the create and stops the worker while the call waits in the emulator (latencyMs). */
  async function createThenStop(attempt: Attempt, domain: string, path: string[]): Promise<void> {
    const inflight = attempt().catch(noReply);
    let answered: Reply<OrderView> | undefined;
    void inflight.then((r) => (answered = r));
    const started = Date.now();
    let sent = false;
    // The entry is written before the list snapshot; with the snapshot stored, the create is the next call.
    while (!answered && Date.now() - started < 20_000) {
      const entries = await ledgerEntries(domain).catch(() => []);
      if (entries.some((e) => e.before)) {
        sent = true;
        break;
      }
      await sleep(100);
    }
    if (answered) {
      path.push(`create=${answered.ok ? "ok" : answered.error.code}(before the stop)`);
      return;
    }
    // The call goes out at once; the emulator holds it 1.5 s before carrying it out.
    await sleep(500);
    await stopWorker(session);
    path.push(sent ? "stopped(call out)" : "stopped(before the call)");
    const reply = await Promise.race([inflight, sleep(5_000).then(() => undefined)]);
    // The page that sent it gets no answer (its message channel closes with the worker).
    path.push(reply === undefined ? "page=waiting" : reply.ok ? "page=ok" : `page=${reply.error.code === "page.no_reply" ? "no answer" : reply.error.code}`);
  }

  /**
   * The user's part after the create: poll `orders.pending` (which starts the worker's looks) until the
   * row's entries are gone; place an entry whose window is over "anyway". Returns the attempts that adds.
   * The entries `orders.pending` answers are read before the look it starts, so the window may show as over
   * while the last look (due at the window's end) is still under way; the place-anyway waits for that look
   * (src/background/orders/creates.ts placeAnyway) and is refused if it found the result.
   */
  async function settle(domain: string, path: string[]): Promise<number> {
    let attempts = 0;
    let placed = 0;
    let seen: PendingCreateView | undefined;
    const started = Date.now();
    while (Date.now() - started < SETTLE_LIMIT_MS) {
      const reply = await sendRaw(page, "orders.pending", {}).catch((err: unknown) => noReply<PendingCreateView[]>(err));
      if (!reply.ok) {
        // The worker is starting again (a stopped one): ask again.
        await sleep(POLL_MS);
        continue;
      }
      const mine = reply.value.filter((e) => e.domain === domain);
      if (mine.length === 0) {
        if (seen) path.push(placed > 0 ? "settled" : `adopted after ${Math.round((Date.now() - Date.parse(seen.startedAt)) / 1000)} s`);
        return attempts;
      }
      for (const e of mine) {
        if (!seen) path.push(`entry=${e.state}${e.reason ? `[${describeReason("en", e.reason)}]` : ""}`);
        seen = e;
        if (e.state === "ambiguous") throw new Error(`ambiguous: ${(e.candidates ?? []).map((c) => c.id).join(", ")}`);
        if (e.windowOver && (e.state === "unknown" || e.state === "pending")) {
          if (placed >= 2) throw new Error(`placed anyway twice, still pending (${e.state})`);
          placed++;
          attempts++;
          path.push("window over");
          const r = await sendRaw(page, "orders.pendingPlaceAnyway", { id: e.id, confirm: true }).catch(noReply);
          path.push(`place-anyway=${r.ok ? "ok" : r.error.code}`);
        }
      }
      await sleep(POLL_MS);
    }
    throw new Error(`still pending after ${SETTLE_LIMIT_MS / 60_000} minutes: ${seen ? `${seen.state}, ${seen.checks} looks` : "-"}`);
  }

  async function row(op: CreateOp, fault: FaultSpec): Promise<RowResult> {
    const started = Date.now();
    const base = { client: "extension" as const, op, fault: fault.name };
    const na = notApplicableWhy(op);
    if (na) return notApplicable(op, fault.name, na);
    const n = ++counter;
    const domain = `ext${n}-${run}.example.com`;
    const before = emulatorIds(emu)[op];
    const path: string[] = [];
    let attempts = 0;
    const known = async () => knownIds((await send(page, "orders.list", {})) as OrderView[], op, domain);
    try {
      const attempt = await prepare(op, domain, n);
      emu.control.setFaults(fault.faults(ACTION_OF[op]));
      if (fault.stopMidCreate) {
        attempts++;
        await createThenStop(attempt, domain, path);
        emu.control.setFaults({});
        await sleep(1_600); // the call the stopped worker sent is still being carried out
      } else {
        for (let tries = 0; tries < 2; tries++) {
          attempts++;
          const r = await attempt().catch(noReply);
          if (r.ok) {
            path.push("create=ok");
            break;
          }
          path.push(`create=${r.error.code}`);
          if (r.error.code === "api.create.unknown") break;
          const throttled = /Throttling/i.test(JSON.stringify(r.error));
          if (!throttled || tries > 0) throw new Error(errorText(r.error));
          path.push("(throttled: again)");
        }
      }
      emu.control.setFaults({});
      attempts += await settle(domain, path);
      if (fault.name.startsWith("lateCommit")) await sleep(500);
      const made = newIds(before, emulatorIds(emu)[op]);
      return tally({ ...base, attempts, path: path.join(" "), ms: Date.now() - started }, made, await known());
    } catch (err) {
      emu.control.setFaults({});
      const made = newIds(before, emulatorIds(emu)[op]);
      const knownNow = await known().catch(() => []);
      return tally({ ...base, attempts, path: path.join(" "), ms: Date.now() - started, error: (err as Error).message.slice(0, 160) }, made, knownNow);
    }
  }

  return { row, close: () => session.dispose() };
}

/** Why the extension has no row of its own for `op`, or undefined when it has. */
function notApplicableWhy(op: CreateOp): string | undefined {
  if (op === "CreateCertificateForPackageRequest") return "n/a: no extension path";
  if (op === "UploadUserCertificate") return "n/a: renewal-deploy.test.ts";
  return undefined;
}

/** The row for an operation no page of the extension sends on its own (CreateCertificateForPackageRequest; UploadUserCertificate, sent only by a renewal). */
function notApplicable(op: CreateOp, fault: string, why: string): RowResult {
  return tally({ client: "extension", op, fault, attempts: 0, path: why, ms: 0 }, [], []);
}

/** Every (operation, fault) row in one browser; CreateCertificateForPackageRequest and UploadUserCertificate get one n/a row each. */
export async function extensionRows(emu: RunningEmulator, ops: readonly CreateOp[], faults: readonly FaultSpec[], report: (r: RowResult) => void): Promise<RowResult[]> {
  const rows: RowResult[] = [];
  const matrix = await openExtensionMatrix(emu);
  try {
    for (const op of ops) {
      const na = notApplicableWhy(op);
      if (na) {
        const r = notApplicable(op, "(all)", na);
        rows.push(r);
        report(r);
        continue;
      }
      for (const fault of faults) {
        const r = await matrix.row(op, fault);
        rows.push(r);
        report(r);
      }
    }
  } finally {
    await matrix.close();
  }
  return rows;
}
