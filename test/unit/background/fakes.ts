// In-memory platform and services for the worker's unit tests.
import { KeysmithError } from "../../../src/core/errors";
import type { Contact, CsrInspection, KeyView, PackageState, RequestOf } from "../../../src/messages";
import type { MenuProperties, Platform } from "../../../src/platform/platform";
import type { CertificateState, CloudPort } from "../../../src/background/cloud-port";
import type { Services } from "../../../src/background/services";
import type { AliyunClient, ApiResponse } from "../../../src/core/aliyun/client";
import { operation } from "../../../src/core/aliyun/operations";
import type { Operation } from "../../../src/core/aliyun/operation-types";

/** The reconcile lists' item paths: the scripted cloud lists nothing (no lost answers here). */
const EMPTY_LISTS: Record<string, ApiResponse> = {
  ListUserCertificateOrder: { CertificateOrderList: [], TotalCount: 0 },
  ListCsr: { CsrList: [], TotalCount: 0 },
  ListCertificates: { CertificateSummaryList: [], TotalSize: 0 },
  DescribeDomainRecords: { DomainRecords: { Record: [] }, TotalCount: 0 },
};

/** The creates a scripted cloud answers: the worker sends them through its client (portClient), never the port. */
export interface ScriptedCreates {
  createCertificateWithCsrRequest(p: Contact & { csr: string }): Promise<{ orderId: string }>;
  createCertificateRequest(p: Contact & { domain: string }): Promise<{ orderId: string }>;
  createCsr(p: RequestOf<"orders.casCreateCsr">): Promise<{ csrId: string; csr: string }>;
  kmsCreateCertificate(p: {
    keySpec: "RSA_2048" | "EC_P256" | "EC_SM2";
    subject: string;
    sans: string[];
    exportablePrivateKey: boolean;
    protectionLevel?: "SOFTWARE" | "HSM";
  }): Promise<{ certificateId: string; csr: string; arn?: string }>;
  addDomainRecord(p: { domainName: string; rr: string; type: string; value: string }): Promise<{ recordId: string }>;
}

export type FakeCloud = CloudPort & ScriptedCreates;

/**
 * The signed client as the scripted cloud: the worker sends creates through it (src/background/orders/creates.ts),
 * and each create lands on the ScriptedCreates method of the same name, looked up at call time (tests replace them),
 * with the wire parameters mapped back into the port's terms. Lists answer empty.
 */
export function portClient(cloud: ScriptedCreates): AliyunClient {
  const opt = (v: string | undefined) => (v === undefined || v === "" ? undefined : v);
  const client: AliyunClient = {
    signatureVersion: "v3",
    call: (service, action, params) => client.callOperation(operation(service, action), params),
    async callOperation(op: Operation, raw = {}): Promise<ApiResponse> {
      const w = raw as Record<string, string | undefined>;
      if (EMPTY_LISTS[op.action]) return structuredClone(EMPTY_LISTS[op.action]!);
      const contact = { username: w.Username!, phone: w.Phone!, email: w.Email!, validateType: w.ValidateType as "DNS" | "FILE", productCode: opt(w.ProductCode) };
      switch (op.action) {
        case "CreateCertificateWithCsrRequest":
          return { OrderId: (await cloud.createCertificateWithCsrRequest({ csr: w.Csr!, ...contact })).orderId };
        case "CreateCertificateRequest":
          return { OrderId: (await cloud.createCertificateRequest({ domain: w.Domain!, ...contact })).orderId };
        case "CreateCsr": {
          const made = await cloud.createCsr({
            algorithm: w.Algorithm as "RSA" | "ECC" | "SM2", keySize: Number(w.KeySize), commonName: w.CommonName!, sans: w.Sans ? w.Sans.split(",") : [],
            countryCode: w.CountryCode!, province: w.Province!, locality: w.Locality!, corpName: opt(w.CorpName), department: opt(w.Department), name: opt(w.Name),
          });
          return { CsrId: made.csrId, Csr: made.csr };
        }
        case "CreateCertificate": {
          const sans = w.SubjectAlternativeNames ? (JSON.parse(w.SubjectAlternativeNames) as string[]) : [];
          const made = await cloud.kmsCreateCertificate({
            keySpec: w.KeySpec as "RSA_2048" | "EC_P256" | "EC_SM2", subject: w.Subject!, sans, exportablePrivateKey: w.ExportablePrivateKey === "true",
            ...(w.ProtectionLevel ? { protectionLevel: w.ProtectionLevel as "SOFTWARE" | "HSM" } : {}),
          });
          return { CertificateId: made.certificateId, Csr: made.csr };
        }
        case "AddDomainRecord":
          return { RecordId: (await cloud.addDomainRecord({ domainName: w.DomainName!, rr: w.RR!, type: w.Type!, value: w.Value! })).recordId };
        default:
          return {};
      }
    },
  };
  return client;
}

export const EXT_ID = "dndahdfaijfgmkemdljjcibbkklhcdaa";
export const EXT_ORIGIN = `chrome-extension://${EXT_ID}`;
export const OWN_PAGE = { id: EXT_ID, url: `${EXT_ORIGIN}/popup.html` };

export function fakePlatform() {
  const store = new Map<string, unknown>();
  const alarms = new Map<string, { name: string; scheduledTime: number; periodInMinutes?: number }>();
  const notifications: { id: string; title: string; message: string }[] = [];
  const menus: MenuProperties[] = [];
  const injected: { tabId: number; frameId?: number; args: unknown[] }[] = [];
  let popupsOpened = 0;
  const platform: Platform = {
    extensionId: EXT_ID,
    extensionOrigin: EXT_ORIGIN,
    storage: {
      get: async (k) => structuredClone(store.get(k)),
      set: async (k, v) => void store.set(k, structuredClone(v)),
      remove: async (k) => void store.delete(k),
    },
    alarms: {
      create: async (name, info) => void alarms.set(name, { name, scheduledTime: 0, periodInMinutes: info.periodInMinutes }),
      clear: async (name) => alarms.delete(name),
      get: async (name) => alarms.get(name),
    },
    notify: async (id, title, message) => void notifications.push({ id, title, message }),
    menus: {
      removeAll: async () => void menus.splice(0),
      create: async (p) => {
        if (menus.some((m) => m.id === p.id)) throw new Error(`duplicate id ${p.id}`);
        menus.push(p);
      },
    },
    injectFunction: async (tabId, frameId, func, args) => {
      injected.push({ tabId, frameId, args });
      void func;
      return { inserted: true };
    },
    openPopup: async () => void popupsOpened++,
    hasHostPermission: async () => true,
    uiLanguage: () => "en-US",
  };
  return { platform, store, alarms, notifications, menus, injected, popups: () => popupsOpened };
}

export function keyView(over: Partial<KeyView> = {}): KeyView {
  return {
    id: "k1",
    label: "www.example.com",
    spec: "EC_P256",
    exportable: false,
    createdAt: "2026-01-01T00:00:00.000Z",
    state: "csr",
    subject: "CN=www.example.com",
    commonName: "www.example.com",
    sans: ["www.example.com"],
    csrPem: "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n",
    orderIds: [],
    openOrders: 0,
    ...over,
  };
}

/** A scripted cas: each DescribeCertificateState answer is taken from `states` in turn (last repeats). */
export function fakeCloud(states: CertificateState[] = [{ type: "payed" }]) {
  const calls: { op: string; params: unknown }[] = [];
  let i = 0;
  // Each order gets its own OrderId (a cloud never answers the same one twice): the first is 12345678901234567.
  let dv = 12345678901234567n;
  let other = 22345678901234567n;
  const cloud: FakeCloud = {
    get client() {
      return portClient(cloud);
    },
    createCertificateWithCsrRequest: async (p) => (calls.push({ op: "CreateCertificateWithCsrRequest", params: p }), { orderId: String(dv++) }),
    createCertificateRequest: async (p) => (calls.push({ op: "CreateCertificateRequest", params: p }), { orderId: String(other++) }),
    createCsr: async (p) => (calls.push({ op: "CreateCsr", params: p }), { csrId: "9001", csr: "-----BEGIN CERTIFICATE REQUEST-----\nAA\n-----END CERTIFICATE REQUEST-----\n" }),
    kmsCreateCertificate: async (p) => (calls.push({ op: "KmsCreateCertificate", params: p }), { certificateId: "cert-1", csr: "CSR" }),
    kmsUploadCertificate: async (p) => void calls.push({ op: "KmsUploadCertificate", params: p }),
    describeCertificateState: async (orderId) => {
      calls.push({ op: "DescribeCertificateState", params: orderId });
      return states[Math.min(i++, states.length - 1)]!;
    },
    describePackageState: async (): Promise<PackageState[]> => [{ productCode: "symantec-free-1-free", totalCount: 20, usedCount: 1, issuedCount: 1 }],
    cancelOrderRequest: async (orderId) => void calls.push({ op: "CancelOrderRequest", params: orderId }),
    deleteCertificateRequest: async (orderId) => void calls.push({ op: "DeleteCertificateRequest", params: orderId }),
    addDomainRecord: async (p) => (calls.push({ op: "AddDomainRecord", params: p }), { recordId: "rec-1" }),
  };
  return { cloud, calls };
}

export function fakeServices(cloud?: CloudPort) {
  const keys = new Map<string, KeyView>([["k1", keyView()]]);
  const imported: string[] = [];
  const inspection: CsrInspection = {
    subject: "CN=www.example.com",
    sans: ["www.example.com"],
    keySpec: "EC_P256",
    signatureAlgorithm: "ecdsa-with-SHA256",
    signatureValid: true,
    findings: [],
  };
  const services: Services = {
    keys: {
      create: async () => keyView({ id: "k2" }),
      createCsr: async () => ({ key: keys.get("k1")!, csrPem: keys.get("k1")!.csrPem!, inspection }),
      list: async () => [...keys.values()],
      get: async (id) => keys.get(id) ?? (() => { throw new KeysmithError("vault.key.not_found", { field: "keyId" }); })(),
      delete: async (id) => void keys.delete(id),
      export: async () => ({ filename: "k.pem", data: "x", binary: false, mediaType: "application/x-pem-file" }),
      importCertificate: async (pem) => {
        if (!pem.includes("BEGIN CERTIFICATE")) throw new KeysmithError("vault.certificate.invalid", { field: "pem" });
        imported.push(pem);
        const k = { ...keys.get("k1")!, state: "issued" as const, notAfter: "2026-02-10T00:00:00.000Z" };
        keys.set("k1", k);
        return k;
      },
      importCloudKey: async (req) => {
        if (!req.privateKeyPem.includes("PRIVATE KEY")) throw new KeysmithError("export.key.not_a_key", { field: "key" });
        const k = keyView({ id: `cloud-${req.orderId}`, exportable: true, origin: "cloud", state: "issued", orderIds: [req.orderId] });
        keys.set(k.id, k);
        return k;
      },
      backup: async () => ({ filename: "b", data: "", binary: true, mediaType: "application/octet-stream" }),
      restore: async () => [],
      linkOrder: async (keyId, orderId) => void keys.set(keyId, { ...keys.get(keyId)!, orderIds: [...keys.get(keyId)!.orderIds, orderId] }),
      setState: async (keyId, state) => void keys.set(keyId, { ...keys.get(keyId)!, state }),
      keyForCsr: async () => "k1",
    },
    csr: { inspect: async () => inspection },
    credentials: {
      set: async (p) => ({ configured: true, accessKeyIdHint: `${p.accessKeyId.slice(0, 4)}…`, hasSecurityToken: false }),
      clear: async () => ({ configured: false, accessKeyIdHint: "", hasSecurityToken: false }),
      status: async () => ({ configured: false, accessKeyIdHint: "", hasSecurityToken: false }),
    },
    cloud: async () => cloud ?? fakeCloud().cloud,
  };
  return { services, keys, imported };
}
