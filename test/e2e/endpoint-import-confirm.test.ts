// What an endpoint that is not Alibaba Cloud returns is imported only after the user confirms, through the
// real pages against the emulator on loopback: the options page offers "Import keys and certificates this
// endpoint returns without asking" (off) for the emulator's endpoint only, not for an Alibaba Cloud host;
// with it off a CreateCertificateRequest order placed in the popup reaches issued, its card names the
// endpoint and asks, nothing is in the vault (Keys tab, keys.list) until Import is clicked, then the key the
// emulator made is in the Keys tab, origin "cloud", paired with the order's certificate.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  ROOT, TEST_GRANTS, contains, expectAttribute, expectChecked, expectCount, expectText, launchExtension, openExtensionPage, openNewOrderForm, openPopup,
  send, startTestEmulator, waitFor, type ExtensionSession, type TestEmulator,
} from "./harness";

const DOMAIN = process.env.KEYSMITH_TEST_DOMAIN ?? "example.com";
let emulator: TestEmulator;
let session: ExtensionSession;
let popup: Page;

beforeAll(async () => {
  mkdirSync(join(ROOT, "test-artifacts", "ui"), { recursive: true });
  emulator = await startTestEmulator();
  session = await launchExtension({ grantHosts: TEST_GRANTS });
});
afterAll(async () => {
  await session?.dispose();
  await emulator?.close();
});

/** The card of order `id` once it is in `state` (the popup polls; Refresh helps it along). */
async function cardInState(page: Page, id: string, state: string): Promise<void> {
  await waitFor(async () => {
    const card = page.locator(`[data-order-id="${id}"]`);
    const now = (await card.count()) ? await card.getAttribute("data-state", { timeout: 2_000 }).catch(() => null) : null;
    if (now === state) return true;
    const refresh = page.locator("#reload-orders");
    if (await refresh.isVisible()) await refresh.click();
    return false;
  }, `order ${id} in ${state}`, 150, 400);
}

describe("an endpoint that is not Alibaba Cloud", () => {
  it("the options page offers 'import without asking', off, for the emulator's endpoint only", async () => {
    const options = await openExtensionPage(session, "options.html?lang=en");
    await options.waitForSelector("body[data-ready=true]");
    await options.fill("#access-key-id", emulator.accessKeyId);
    await options.fill("#access-key-secret", emulator.accessKeySecret);
    await options.click("#save-credentials");
    await options.waitForSelector("#cred-status.status-ok");
    // An Alibaba Cloud host is trusted as it is: no such setting.
    await options.fill("#endpoint", "https://cas.aliyuncs.com");
    await expectText(options, "#endpoint-destination", contains("https://cas.aliyuncs.com"));
    await expectCount(options, "#auto-import", 0);
    await options.fill("#endpoint", emulator.url);
    await expectText(options, "#auto-import-hint", contains(new URL(emulator.url).origin));
    await expectChecked(options, "#auto-import", false);
    await options.click("#save-cloud");
    await options.waitForSelector("#cloud-saved");
    const settings = await send(options, "settings.get", {});
    expect(settings).toMatchObject({ endpoint: new URL(emulator.url).origin, autoImportEndpoint: "" });
    await options.close();
  });

  it("a CreateCertificateRequest order reaches issued, its card asks, and the key is in the vault only after Import", async () => {
    popup = await openPopup(session, { tab: "orders", height: 800 });
    const origin = new URL(emulator.url).origin;
    const cn = `confirm.${DOMAIN}`;
    await openNewOrderForm(popup);
    await popup.selectOption("#order-operation", "CreateCertificateRequest");
    await popup.fill("#order-domain", cn);
    await popup.fill("#order-username", "Test User");
    await popup.fill("#order-email", `admin@${DOMAIN}`);
    await popup.fill("#order-phone", "13800000000");
    await popup.selectOption("#order-validate", "DNS");
    const before = new Set((await send(popup, "orders.list", {})).map((o) => o.id));
    await popup.click("#submit-order");
    await popup.waitForSelector("#new-order", { state: "detached" });
    const id = await waitFor(async () => {
      for (const li of await popup.locator("#order-list > li[data-state=validation]").all()) {
        const found = await li.getAttribute("data-order-id");
        if (found && !before.has(found)) return found;
      }
      return undefined;
    }, "the new order in validation");
    const card = popup.locator(`[data-order-id="${id}"]`);
    await card.locator(`#add-dns-${id}`).click();
    await cardInState(popup, id, "issued");

    // The card asks, naming the endpoint; the certificate is on the order, nothing is in the vault.
    const ask = card.locator(`#import-confirm-${id}`);
    await expectText(ask, contains(`came from ${origin}, not Alibaba Cloud`));
    await expectText(card.locator(`#issued-${id}`), contains("nothing is imported until you answer"));
    await card.locator(`#download-cert-${id}`).waitFor();
    const pending = await send(popup, "orders.get", { id });
    expect(pending).toMatchObject({ state: "issued", importPending: { endpoint: origin, what: "key" } });
    expect(pending.certificatePem).toContain("BEGIN CERTIFICATE");
    expect(pending.keyId).toBeUndefined();
    expect(await send(popup, "keys.list", {})).toEqual([]);
    await popup.screenshot({ path: join(ROOT, "test-artifacts", "ui", "popup-import-confirm-en.png"), fullPage: true });
    await popup.click("#tab-keys");
    await popup.waitForSelector("#key-list, #tab-keys[aria-selected=true]");
    await expectCount(popup, "#key-list > li", 0);

    // Import: the worker asks the emulator again and imports the key it made.
    await popup.click("#tab-orders");
    await card.locator(`#import-accept-${id}`).click();
    await expectCount(card.locator(`#import-confirm-${id}`), 0);
    await expectText(card.locator(`#issued-${id}`), contains("Alibaba Cloud made"));
    const imported = await send(popup, "orders.get", { id });
    expect(imported.importPending).toBeUndefined();
    expect(imported.error).toBeUndefined();
    expect(imported.keyId).toBeTruthy();
    const keyId = imported.keyId!;

    await card.locator(`#key-exports-${id}`).click();
    await expectAttribute(popup, "#tab-keys", "aria-selected", "true");
    await expectCount(popup, "#key-list > li", 1);
    const details = popup.locator(`#key-${keyId}`);
    await details.waitFor();
    await expectAttribute(details.locator(`#key-origin-${keyId}`), "data-origin", "cloud");
    await expectText(details, contains(`CN=${cn}`));
    const [key] = await send(popup, "keys.list", {});
    expect(key).toMatchObject({ id: keyId, origin: "cloud", exportable: true, state: "issued", orderIds: [id] });
  });
});
