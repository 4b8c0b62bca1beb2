// Imports the user sees (src/background/context-menus.ts "Import certificate", src/background/selection.ts
// certificatePreview, src/background/handlers/keys.ts keys.previewCertificate / keys.importCertificate): a
// menu click stores nothing and hands the parsed certificate to the popup; the worker stores a certificate
// only with `confirm: true`, and one that replaces a certificate of another issuer only with
// `acceptIssuerChange: true`. The keys are a real vault (fake-indexeddb) behind the worker's fakes.
import { describe, expect, it } from "vitest";
import { createWorker } from "../../../src/background/worker";
import type { KeyView, PendingForm } from "../../../src/messages";
import { freshFactory, makeCa, vaultOn } from "../vault/helpers";
import { OWN_PAGE, fakePlatform, fakeServices } from "./fakes";

async function setup() {
  const vault = await vaultOn(freshFactory());
  const key = await vault.createKey({ spec: "EC_P256", exportable: false, subject: "CN=www.example.com", sans: ["www.example.com"] });
  const p = fakePlatform();
  const s = fakeServices();
  const view = (k: Awaited<ReturnType<typeof vault.get>>): KeyView => ({ ...k, openOrders: 0 });
  s.services.keys.list = async () => (await vault.list()).map(view);
  s.services.keys.get = async (id) => view(await vault.get(id));
  s.services.keys.importCertificate = async (pem) => view(await vault.importCertificate(pem));
  const worker = createWorker({ platform: p.platform, services: s.services });
  const send = (type: string, payload: unknown) => worker.handleMessage({ type, payload }, OWN_PAGE) as Promise<{ ok: boolean; value?: unknown; error?: { code: string; field?: string; params?: Record<string, unknown> } }>;
  const spki = await vault.publicKeySpki(key.id);
  return { vault, key, worker, send, spki, ...p };
}

describe("Import certificate from the context menu", () => {
  it("stores nothing on the click: the popup gets the parsed certificate to confirm", async () => {
    const t = await setup();
    const ca = await makeCa("CN=Example CA");
    const { leafPem, chainPem } = await ca.issue(t.spki, { cn: "www.example.com", dns: ["www.example.com", "api.example.com"], notAfter: new Date(Date.UTC(2030, 5, 1)) });
    const selection = (leafPem + chainPem).replace(/\n/g, " "); // Chrome's selectionText loses line breaks
    const r = await t.worker.handleMenuClick({ menuItemId: "import-certificate", selectionText: selection });
    expect(r.ok).toBe(true);
    expect((await t.vault.get(t.key.id)).certificate).toBeUndefined();
    expect(t.popups()).toBe(1);
    const form = (await t.send("ui.takePendingForm", {})).value as PendingForm;
    expect(form.action).toBe("import-certificate");
    expect(form.key).toBeUndefined();
    expect(form.certificate).toMatchObject({
      subject: "CN=www.example.com",
      sans: ["www.example.com", "api.example.com"],
      issuer: "CN=Example CA",
      notAfter: "2030-06-01T00:00:00.000Z",
      chainLength: 1,
      key: { id: t.key.id },
      issuerChanged: false,
      sameCertificate: false,
    });
    expect(form.certificate!.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    // The popup's card confirms with the PEM it was handed: now it is stored.
    const imported = await t.send("keys.importCertificate", { pem: form.certificatePem, confirm: true });
    expect(imported).toMatchObject({ ok: true, value: { id: t.key.id, state: "issued" } });
    expect((await t.vault.get(t.key.id)).certificate!.issuer).toBe("CN=Example CA");
  });

  it("a selection that is not a certificate is reported and hands nothing over", async () => {
    const t = await setup();
    const r = await t.worker.handleMenuClick({ menuItemId: "import-certificate", selectionText: "-----BEGIN CERTIFICATE----- MIIC -----END CERTIFICATE-----" });
    expect(r.ok).toBe(false);
    expect(r.error?.code).toMatch(/^cert\./);
    expect(t.popups()).toBe(0);
    expect((await t.send("ui.takePendingForm", {})).value).toBeNull();
  });
});

describe("keys.importCertificate needs the user's confirmation", () => {
  it("without confirm: refused, nothing stored", async () => {
    const t = await setup();
    const { leafPem } = await (await makeCa()).issue(t.spki);
    for (const payload of [{ pem: leafPem }, { pem: leafPem, confirm: false }]) {
      expect(await t.send("keys.importCertificate", payload)).toMatchObject({ ok: false, error: { code: "keys.import.unconfirmed", field: "confirm" } });
    }
    expect((await t.vault.get(t.key.id)).certificate).toBeUndefined();
  });

  it("replacing a certificate of another issuer is refused until that change is accepted", async () => {
    const t = await setup();
    const first = await (await makeCa("CN=First CA")).issue(t.spki, { notBefore: new Date(Date.UTC(2025, 0, 1)) });
    expect((await t.send("keys.importCertificate", { pem: first.leafPem, confirm: true })).ok).toBe(true);
    const other = await (await makeCa("CN=Other CA")).issue(t.spki, { notBefore: new Date(Date.UTC(2025, 6, 1)), notAfter: new Date(Date.UTC(2039, 0, 1)) });
    const preview = await t.send("keys.previewCertificate", { pem: other.leafPem });
    expect(preview).toMatchObject({ ok: true, value: { issuer: "CN=Other CA", issuerChanged: true, replaces: { issuer: "CN=First CA" } } });
    const refused = await t.send("keys.importCertificate", { pem: other.leafPem, confirm: true });
    expect(refused).toMatchObject({ ok: false, error: { code: "keys.import.issuer_changed", field: "acceptIssuerChange", params: { current: "CN=First CA", issuer: "CN=Other CA" } } });
    expect((await t.vault.get(t.key.id)).certificate!.issuer).toBe("CN=First CA");
    const accepted = await t.send("keys.importCertificate", { pem: other.leafPem, confirm: true, acceptIssuerChange: true });
    expect(accepted).toMatchObject({ ok: true, value: { notAfter: "2039-01-01T00:00:00.000Z" } });
    expect((await t.vault.get(t.key.id)).certificate!.issuer).toBe("CN=Other CA");
  });

  it("a renewal from the same issuer needs only the confirmation", async () => {
    const t = await setup();
    const ca = await makeCa("CN=Same CA");
    const first = await ca.issue(t.spki, { notBefore: new Date(Date.UTC(2025, 0, 1)) });
    await t.send("keys.importCertificate", { pem: first.leafPem, confirm: true });
    const renewed = await ca.issue(t.spki, { notBefore: new Date(Date.UTC(2025, 6, 1)) });
    expect((await t.send("keys.previewCertificate", { pem: renewed.leafPem })).value).toMatchObject({ issuerChanged: false, replaces: { issuer: "CN=Same CA" } });
    expect((await t.send("keys.importCertificate", { pem: renewed.leafPem, confirm: true })).ok).toBe(true);
  });

  it("a certificate of no key in the vault previews without a key and is refused on import", async () => {
    const t = await setup();
    const stranger = await t.vault.createKey({ spec: "EC_P256", exportable: false });
    const spki = await t.vault.publicKeySpki(stranger.id);
    await t.vault.delete(stranger.id, { confirm: true });
    const { leafPem } = await (await makeCa()).issue(spki);
    const preview = await t.send("keys.previewCertificate", { pem: leafPem });
    expect(preview.ok).toBe(true);
    expect((preview.value as { key?: unknown }).key).toBeUndefined();
    expect(await t.send("keys.importCertificate", { pem: leafPem, confirm: true })).toMatchObject({ ok: false, error: { code: "cert.no_matching_key" } });
  });
});
