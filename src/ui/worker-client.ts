// WorkerApi over the extension's message protocol. Every call is one request; the worker answers
// `{ ok: true, value }` or `{ ok: false, error: ErrorData }`, and an error comes back here as a
// KeysmithError so views render it in the page's language.
import { KeysmithError, type ErrorData } from "../core/errors";
import type { WorkerApi } from "./worker-api";

type Reply = { ok: true; value: unknown } | { ok: false; error: ErrorData };

interface RuntimeLike {
  sendMessage(message: unknown): Promise<unknown>;
}

function runtime(): RuntimeLike {
  const g = globalThis as { chrome?: { runtime?: RuntimeLike }; browser?: { runtime?: RuntimeLike } };
  const r = g.browser?.runtime ?? g.chrome?.runtime;
  if (!r) throw new KeysmithError("ui.no_worker");
  return r;
}

async function ask<T>(type: string, payload: unknown = {}): Promise<T> {
  let reply: Reply | undefined;
  try {
    reply = (await runtime().sendMessage({ type, payload })) as Reply | undefined;
  } catch (err) {
    throw new KeysmithError("ui.no_worker", { params: { detail: err instanceof Error ? err.message : String(err) } });
  }
  if (!reply || typeof reply !== "object") throw new KeysmithError("ui.no_worker");
  if (!reply.ok) throw KeysmithError.fromData(reply.error);
  return reply.value as T;
}

export function createWorkerClient(): WorkerApi {
  return {
    createCsr: (req) => ask("keys.createCsr", req),
    inspectCsr: (csrPem) => ask("keys.inspectCsr", { csrPem }),
    listKeys: () => ask("keys.list"),
    importCertificate: (pem) => ask("keys.importCertificate", { pem }),
    exportKey: (req) => ask("keys.export", req),
    deleteKey: (keyId) => ask("keys.delete", { keyId }),
    listOrders: () => ask("orders.list"),
    submitDvOrder: (req) => ask("orders.createWithCsr", req),
    createCertificateRequest: (req) => ask("orders.createCertificateRequest", req),
    createCloudCsr: (req) => ask("orders.createCsr", req),
    createKmsCertificate: (req) => ask("orders.kmsCreateCertificate", req),
    packageQuota: (productCode) => ask("orders.packageState", { productCode }),
    refreshOrder: (id) => ask("orders.refresh", { id }),
    addValidationRecord: (id) => ask("orders.addDnsRecord", { id }),
    cancelOrder: (id) => ask("orders.cancel", { id }),
    deleteOrder: (id) => ask("orders.delete", { id }),
    getSettings: () => ask("settings.get"),
    saveSettings: (settings) => ask("settings.save", settings),
    credentialsStatus: () => ask("credentials.status"),
    saveCredentials: (input) => ask("credentials.save", input),
    clearCredentials: () => ask("credentials.clear"),
    testCredentials: () => ask("credentials.test"),
    takePendingForm: () => ask("ui.takePendingForm"),
  };
}
