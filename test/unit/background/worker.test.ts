import { beforeAll, describe, expect, it } from "vitest";
import { generateServerKey, makeCsr } from "../../../emulator/keys";
import { createWorker } from "../../../src/background/worker";
import { FOLLOW_ALARM, EXPIRY_ALARM } from "../../../src/background/orders/follower";
import { dnsRecordPlacement } from "../../../src/background/handlers/orders";
import { extractDomains, extractPem } from "../../../src/background/selection";
import { EXT_ID, EXT_ORIGIN, OWN_PAGE, fakeCloud, fakePlatform, fakeServices } from "./fakes";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n";

function setup(states = [{ type: "payed" }] as Parameters<typeof fakeCloud>[0]) {
  const p = fakePlatform();
  const c = fakeCloud(states);
  const s = fakeServices(c.cloud);
  let n = 0;
  let clock = Date.parse("2026-01-15T00:00:00Z");
  const worker = createWorker({ platform: p.platform, services: s.services, newId: () => `o${++n}`, now: () => new Date(clock) });
  return { ...p, ...c, ...s, worker, advance: (ms: number) => (clock += ms) };
}

describe("router", () => {
  it("answers the extension's own pages", async () => {
    const { worker } = setup();
    const reply = await worker.handleMessage({ type: "settings.get", payload: {} }, OWN_PAGE);
    expect(reply).toMatchObject({ ok: true, value: { site: "cn", expiryWarningDays: 30 } });
  });

  it.each([
    ["another extension", { id: "abcdefghijklmnopabcdefghijklmnop", url: "chrome-extension://abcdefghijklmnopabcdefghijklmnop/x.html" }],
    ["a content script on a web page", { id: EXT_ID, url: "https://evil.example/", tab: { id: 3, url: "https://evil.example/" } }],
    ["a sender without url", { id: EXT_ID }],
  ])("refuses %s", async (_name, sender) => {
    const { worker } = setup();
    const reply = await worker.handleMessage({ type: "settings.get", payload: {} }, sender);
    expect(reply).toMatchObject({ ok: false, error: { code: "message.sender.refused" } });
  });

  it("refuses unknown types and invalid payloads naming the field and the rule", async () => {
    const { worker } = setup();
    expect(await worker.handleMessage({ type: "keys.steal", payload: {} }, OWN_PAGE)).toMatchObject({ ok: false, error: { code: "message.type.unknown" } });
    expect(await worker.handleMessage({ type: "keys.get", payload: { keyId: 7 } }, OWN_PAGE)).toMatchObject({
      ok: false,
      error: { code: "message.payload.invalid", field: "payload.keyId", params: { rule: "string" } },
    });
    expect(await worker.handleMessage({ type: "keys.get", payload: { keyId: "a", extra: 1 } }, OWN_PAGE)).toMatchObject({
      ok: false,
      error: { code: "message.payload.invalid", field: "payload.extra" },
    });
    expect(await worker.handleMessage({ type: "csr.create", payload: { spec: "RSA_1024", subject: {}, sans: [], exportable: false } }, OWN_PAGE)).toMatchObject({
      ok: false,
      error: { code: "message.payload.invalid", field: "payload.spec" },
    });
    const zh = await worker.handleMessage({ type: "keys.delete", payload: { keyId: "k1", confirm: false }, locale: "zh_CN" }, OWN_PAGE);
    expect(zh).toMatchObject({ ok: false, error: { code: "keys.delete.unconfirmed", field: "confirm" } });
  });

  it("turns an unexpected error into a generic code without its text", async () => {
    const { worker, services } = setup();
    services.keys.list = async () => {
      throw new Error("secret-looking text LTAI5tXXXX");
    };
    const reply = await worker.handleMessage({ type: "keys.list", payload: {} }, OWN_PAGE);
    expect(reply).toMatchObject({ ok: false, error: { code: "worker.unexpected" } });
    expect(JSON.stringify(reply)).not.toContain("LTAI5t");
  });
});

// Creates are checked against the catalogue before they are sent (src/background/orders/creates.ts through
// the core's write-ahead): a real CSR and a valid phone.
let CSR = "";
beforeAll(async () => {
  CSR = await makeCsr(await generateServerKey("EC_P256"), "CN=www.example.com", ["www.example.com"]);
});

describe("orders and the follower", () => {
  const validation = { type: "domain_verify", validateType: "DNS" as const, recordType: "TXT", recordDomain: "_dnsauth", recordValue: "2026abc" };

  it("DV order: submitted, validation record stored and notified once, DNS record added, issued certificate paired", async () => {
    const t = setup([validation, validation, { type: "process" }, { type: "certificate", certificate: CERT }]);
    const contact = { username: "A", email: "a@example.com", phone: "13800000000", validateType: "DNS" as const };
    const submitted = await t.worker.handleMessage({ type: "orders.submitCsr", payload: { ...contact, csrPem: CSR } }, OWN_PAGE);
    expect(submitted).toMatchObject({ ok: true, value: { orderId: "12345678901234567", state: "validation", keyId: "k1", validation: { recordDomain: "_dnsauth" } } });
    expect(t.alarms.has(FOLLOW_ALARM)).toBe(true);
    expect(t.alarms.has(EXPIRY_ALARM)).toBe(true);
    expect(t.keys.get("k1")).toMatchObject({ state: "ordered", orderIds: ["o1"] });
    expect(t.notifications.map((n) => n.id)).toEqual(["order:o1:validation"]);

    const added = await t.worker.handleMessage({ type: "orders.addDnsRecord", payload: { id: "o1" } }, OWN_PAGE);
    expect(added).toMatchObject({ ok: true, value: { dnsRecordId: "rec-1" } });
    expect(t.calls.find((c) => c.op === "AddDomainRecord")?.params).toEqual({ domainName: "example.com", rr: "_dnsauth.www", type: "TXT", value: "2026abc" });
    expect(t.notifications.filter((n) => n.id.endsWith(":validation"))).toHaveLength(1);

    await t.worker.handleAlarm(FOLLOW_ALARM); // process
    await t.worker.handleAlarm(FOLLOW_ALARM); // certificate
    const after = await t.worker.handleMessage({ type: "orders.get", payload: { id: "o1" } }, OWN_PAGE);
    expect(after).toMatchObject({ ok: true, value: { state: "issued", certificatePem: CERT, keyId: "k1" } });
    expect(t.imported).toEqual([CERT]);
    expect(t.notifications.map((n) => n.id)).toContain("order:o1:issued");
    expect(t.alarms.has(FOLLOW_ALARM)).toBe(false); // nothing left to follow
  });

  it("a failed order notifies once and can then be deleted (also in the cloud)", async () => {
    const t = setup([{ type: "verify_fail" }]);
    const contact = { username: "A", email: "a@example.com", phone: "13800000000", validateType: "DNS" as const };
    await t.worker.handleMessage({ type: "orders.certificateRequest", payload: { ...contact, domain: "example.com" } }, OWN_PAGE);
    await t.worker.handleAlarm(FOLLOW_ALARM);
    expect(t.notifications.filter((n) => n.id === "order:o1:failed")).toHaveLength(1);
    expect(await t.worker.handleMessage({ type: "orders.delete", payload: { id: "o1" } }, OWN_PAGE)).toMatchObject({ ok: true });
    expect(t.calls.map((c) => c.op)).toContain("DeleteCertificateRequest");
  });

  it("an open order is not deleted; it can be cancelled", async () => {
    const t = setup([{ type: "payed" }]);
    const contact = { username: "A", email: "a@example.com", phone: "13800000000", validateType: "DNS" as const };
    await t.worker.handleMessage({ type: "orders.certificateRequest", payload: { ...contact, domain: "example.com" } }, OWN_PAGE);
    expect(await t.worker.handleMessage({ type: "orders.delete", payload: { id: "o1" } }, OWN_PAGE)).toMatchObject({ ok: false, error: { code: "orders.delete.open" } });
    expect(await t.worker.handleMessage({ type: "orders.cancel", payload: { id: "o1" } }, OWN_PAGE)).toMatchObject({ ok: true, value: { state: "cancelled" } });
  });

  it("a new worker over the same storage carries on following (worker stopped mid-flow)", async () => {
    const t = setup([validation, { type: "certificate", certificate: CERT }]);
    const contact = { username: "A", email: "a@example.com", phone: "13800000000", validateType: "DNS" as const };
    await t.worker.handleMessage({ type: "orders.submitCsr", payload: { ...contact, csrPem: CSR } }, OWN_PAGE);
    const second = createWorker({ platform: t.platform, services: t.services, now: () => new Date("2026-01-15T01:00:00Z") });
    await second.start();
    await second.handleAlarm(FOLLOW_ALARM);
    expect((await second.orders.get("o1")).state).toBe("issued");
  });

  it("KMS CreateCertificate sends the subject as a DN and records the returned CSR", async () => {
    const t = setup();
    const reply = await t.worker.handleMessage(
      { type: "orders.kmsCreateCertificate", payload: { keySpec: "EC_P256", subject: { CN: "a.example.com", OU: "IT", O: "Acme, Inc", C: "CN" }, sans: ["a.example.com"], exportablePrivateKey: false } },
      OWN_PAGE,
    );
    expect(reply).toMatchObject({ ok: true, value: { operation: "KmsCreateCertificate", cloudId: "cert-1", state: "pending_csr", csrPem: "CSR" } });
    expect(t.calls[0]!.params).toMatchObject({ subject: "CN=a.example.com,OU=IT,O=Acme\\, Inc,C=CN" });
  });

  it("expiring certificates raise one notification each", async () => {
    const t = setup();
    await t.services.keys.importCertificate(CERT); // notAfter 2026-02-10, 26 days after the clock
    await t.worker.handleAlarm(EXPIRY_ALARM);
    await t.worker.handleAlarm(EXPIRY_ALARM);
    expect(t.notifications.filter((n) => n.id === "expiry:k1")).toHaveLength(1);
    expect(t.notifications[0]!.message).toContain("26 days");
  });
});

describe("context menus", () => {
  it("one entry per item, on console pages only; Insert CSR lists recent CSRs", async () => {
    const t = setup();
    await t.worker.installMenus();
    expect(t.menus.map((m) => m.id)).toEqual(["create-csr", "inspect-csr", "submit-dv", "import-certificate", "insert-csr", "insert-csr:k1"]);
    for (const m of t.menus) expect(m.documentUrlPatterns).toEqual(["https://*.console.aliyun.com/*", "https://*.console.alibabacloud.com/*"]);
    expect(t.menus.find((m) => m.id === "insert-csr")!.contexts).toEqual(["editable"]);
  });

  it("Create CSR for a selection hands the domains to the popup", async () => {
    const t = setup();
    const r = await t.worker.handleMenuClick({ menuItemId: "create-csr", selectionText: "Domains: www.example.com, *.example.com and www.example.com." });
    expect(r.ok).toBe(true);
    expect(t.popups()).toBe(1);
    const form = await t.worker.handleMessage({ type: "ui.takePendingForm", payload: {} }, OWN_PAGE);
    expect(form).toMatchObject({ ok: true, value: { action: "new-csr", names: ["www.example.com", "*.example.com"] } });
    expect(await t.worker.handleMessage({ type: "ui.takePendingForm", payload: {} }, OWN_PAGE)).toEqual({ ok: true, value: null });
  });

  it("Import certificate stores nothing from the click (test/unit/background/certificate-import.test.ts); a selection without a certificate says so", async () => {
    const t = setup();
    expect((await t.worker.handleMenuClick({ menuItemId: "import-certificate", selectionText: CERT.replace(/\n/g, " ") })).ok).toBe(false);
    expect(t.imported).toHaveLength(0);
    const bad = await t.worker.handleMenuClick({ menuItemId: "import-certificate", selectionText: "hello" });
    expect(bad).toMatchObject({ ok: false, error: { code: "selection.pem.missing" } });
    expect(t.notifications.at(-1)!.message).toContain("CERTIFICATE");
  });

  it("Insert CSR injects the chosen CSR into the clicked frame", async () => {
    const t = setup();
    const r = await t.worker.handleMenuClick({ menuItemId: "insert-csr:k1", frameId: 2, editable: true }, { id: 9 });
    expect(r.ok).toBe(true);
    expect(t.injected).toEqual([{ tabId: 9, frameId: 2, args: [t.keys.get("k1")!.csrPem] }]);
  });
});

describe("helpers", () => {
  it("PEM from a selection whose line breaks became spaces", () => {
    const pem = extractPem("x -----BEGIN CERTIFICATE REQUEST----- MIIB IjAN Bgkq -----END CERTIFICATE REQUEST----- y", "CERTIFICATE REQUEST");
    expect(pem).toBe("-----BEGIN CERTIFICATE REQUEST-----\nMIIBIjANBgkq\n-----END CERTIFICATE REQUEST-----\n");
  });
  it("domains", () => {
    expect(extractDomains("see 例子.中国 and a.b.example.com.cn; not 1.2.3.4")).toEqual(["例子.中国", "a.b.example.com.cn"]);
  });
  it("DNS record placement", () => {
    expect(dnsRecordPlacement("www.example.com", "_dnsauth")).toEqual({ zone: "example.com", rr: "_dnsauth.www" });
    expect(dnsRecordPlacement("*.example.com", "_dnsauth")).toEqual({ zone: "example.com", rr: "_dnsauth" });
    expect(dnsRecordPlacement("a.b.example.com.cn", "_dnsauth.a.b.example.com.cn")).toEqual({ zone: "example.com.cn", rr: "_dnsauth.a.b" });
    expect(dnsRecordPlacement("www.shop.example.com", "_dnsauth", "shop.example.com")).toEqual({ zone: "shop.example.com", rr: "_dnsauth.www" });
  });
});
void EXT_ORIGIN;
