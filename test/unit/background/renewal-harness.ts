// The renewal tests' world: the in-process emulator (its business clock mirrored into the worker's `now`), a
// worker over the fake platform with the real vault (fake-indexeddb), the core's CSR inspection and a signed
// client to the emulator; a key whose certificate from the emulator's CA is paired; readers of what the
// emulator and chrome.storage hold.
import { afterAll, beforeAll } from "vitest";
import { startEmulator, type RunningEmulator } from "../../../emulator/index";
import { cloudFromClient } from "../../../src/background/cloud";
import { coreCsrService } from "../../../src/background/csr-inspect";
import { RENEWALS_KEY, type StoredRenewal } from "../../../src/background/lifecycle/renewal-store";
import { createVaultKeys } from "../../../src/background/vault-keys";
import { createWorker } from "../../../src/background/worker";
import { createClient, staticCredentials, type AliyunClient } from "../../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../../src/core/aliyun/hmac";
import type { CsrMade, KeyRenewal, KeyView } from "../../../src/messages";
import { freshFactory, vaultOn } from "../vault/helpers";
import { OWN_PAGE, fakePlatform, fakeServices } from "./fakes";

export const DAY = 86_400_000;
export const ZONE = "renew.test";
export const contact = { username: "Li Lei", email: "li@example.com", phone: "13800000000", validateType: "DNS" as const };
type Platform = ReturnType<typeof fakePlatform>;
export type RenewalWorker = Awaited<ReturnType<ReturnType<typeof renewalHarness>["workerOn"]>>;

/** Call at the top of a test file: starts one emulator for the file. */
export function renewalHarness() {
  let emulator: RunningEmulator;
  let offset = 0;
  let domains = 0;
  /** The `region` of every services.cloud() call, in order (undefined: the settings' region). */
  const cloudRegions: (string | undefined)[] = [];
  beforeAll(async () => {
    emulator = await startEmulator();
    emulator.control.addZone(ZONE);
  });
  afterAll(async () => emulator.close());

  const client = async (): Promise<AliyunClient> => {
    const hmac = await hmacKeysFromSecret(emulator.accessKeySecret);
    return createClient({ credentials: staticCredentials({ accessKeyId: emulator.accessKeyId, hmac }), endpoint: emulator.url, sleep: async () => undefined });
  };

  /** A worker over `p` (a restart passes the same one) and the vault in `factory`. */
  async function workerOn(p: Platform, factory: ReturnType<typeof freshFactory>, opts: { locked?: boolean } = {}) {
    const s = fakeServices();
    s.services.csr = coreCsrService;
    // The emulator is one URL for every service; the regions asked for are recorded (SLB/ALB bindings' clients).
    s.services.cloud = async (options) => {
      cloudRegions.push(options?.region);
      return cloudFromClient(await client());
    };
    s.services.keys = createVaultKeys({ openOrderIds: async () => new Set(), csr: coreCsrService, openVault: () => vaultOn(factory) });
    let n = 0;
    const lock = { locked: opts.locked ?? false };
    const worker = createWorker({
      platform: p.platform,
      services: s.services,
      newId: () => `o${++n}-${Math.random().toString(36).slice(2, 8)}`,
      now: () => new Date(Date.now() + offset),
      random: () => 0, // the backoff's shortest step: 2.5 min after the first failure
      deployConfirm: { attempts: 2, intervalMs: 0 },
      vaultLock: { isLocked: async () => lock.locked, useSession: () => undefined } as never,
    });
    const value = async <T,>(type: string, payload: unknown): Promise<T> => {
      const reply = await worker.handleMessage({ type, payload }, OWN_PAGE);
      if (!reply.ok) throw new Error(`${type}: ${JSON.stringify(reply.error)}`);
      return reply.value as T;
    };
    return { worker, value, lock };
  }

  return {
    emulator: () => emulator,
    client,
    cloudRegions,
    workerOn,
    /** Moves the emulator's business clock and the worker's together. */
    advance(ms: number) {
      emulator.control.advanceTime(ms);
      offset += ms;
    },
    now: () => Date.now() + offset,
    /**
     * A fresh profile with one key whose certificate (the emulator's CA, 90 days from now) is paired, and its
     * renewal settings; `moreSans` adds the SANs `<name>-<domain>`.
     */
    async setup(renewal: Record<string, unknown>, key: { exportable?: boolean; moreSans?: string[] } = {}) {
      const p = fakePlatform();
      const factory = freshFactory();
      const w = await workerOn(p, factory);
      const domain = `www${++domains}-${Date.now()}.${ZONE}`;
      await w.value("settings.set", { contact: { ...contact, productCode: "digicert-free-1-free" } });
      const made = await w.value<CsrMade>("csr.create", {
        spec: "EC_P256",
        subject: { CN: domain, O: "Keysmith Test" },
        sans: [domain, ...(key.moreSans ?? []).map((n) => `${n}-${domain}`)],
        exportable: key.exportable ?? true,
        extKeyUsage: ["serverAuth", "clientAuth"],
      });
      const signed = await emulator.control.signCsr(made.csrPem);
      const paired = await w.value<KeyView>("keys.importCertificate", { pem: signed.certificate + signed.chain, confirm: true });
      await w.value<KeyRenewal>("renewal.set", { keyId: paired.id, ...renewal });
      return { ...p, ...w, factory, key: paired, domain };
    },
    renewals: (p: Platform) => (p.store.get(RENEWALS_KEY) as Record<string, StoredRenewal>) ?? {},
    cloudOrdersFor: (domain: string) =>
      (emulator.control.snapshot() as { orders: { domain: string }[] }).orders.filter((o) => o.domain.split(",").includes(domain)).length,
    dnsRecordsFor: (domain: string) =>
      (emulator.control.snapshot() as { dnsRecords: { rr: string; domainName: string }[] }).dnsRecords.filter((r) => `${r.rr}.${r.domainName}`.endsWith(domain)).length,
    /** Ticks (renewal, then the follower) until `done` or `max` rounds. */
    async tickUntil(t: { worker: ReturnType<typeof createWorker> }, done: () => Promise<boolean> | boolean, max = 8): Promise<void> {
      for (let i = 0; i < max && !(await done()); i++) {
        await t.worker.renewer.tick();
        await t.worker.follower.tick();
      }
    },
  };
}
