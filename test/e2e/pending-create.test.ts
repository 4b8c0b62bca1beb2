// A create whose answer is lost, in the real extension (Chromium) against the local emulator: the emulator
// carries out the popup's CreateCertificateRequest and drops the connection without answering, and leaves
// the new order out of ListUserCertificateOrder for a while (listLagMs). The popup shows the create as a
// pending card ("no answer came … looking for it in your orders") — also after the popup is closed and
// reopened, and after the service worker is stopped — and once the list shows the order the worker adopts
// it: the card becomes a normal order card, and the emulator holds exactly one order. (Chromium resends a
// request whose reused keep-alive connection closed without an answer; the emulator refuses that copy as a
// nonce replay, which the worker also keeps as "no answer": src/background/orders/creates.ts replayIsNoAnswer.) Every read waits for
// the state it checks (harness.ts waitFor / expectText / expectCount).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { EmulatorControl } from "../../emulator/index";
import type { OrderView, PendingCreateView } from "../../src/messages";
import {
  ROOT, TEST_GRANTS, connectThroughOptions, contains, expectCount, expectDisabled, expectText, launchExtension, openNewOrderForm, openPopup, send,
  startTestEmulator, stopWorker, waitFor, type ExtensionSession, type TestEmulator,
} from "./harness";

const DOMAIN = `lost-answer-${Date.now()}.example.com`;
/** How long the new order stays out of the list (business clock; the test moves the clock on when it is done looking). */
const LIST_LAG_MS = 10 * 60_000;
let emulator: TestEmulator;
let control: EmulatorControl;
let session: ExtensionSession;

/** The pending cards the popup shows, read from the page (id and state of each). */
async function pendingCards(popup: Page): Promise<{ id: string; state: string }[]> {
  return popup.locator("#pending-list > li").evaluateAll((cards) => cards.map((c) => ({ id: c.id.replace(/^pending-/, ""), state: c.getAttribute("data-state") ?? "" })));
}

/** The popup on the Orders tab, once it shows the pending card `id` with state `state`. */
async function popupShowingPending(id: string, state: string): Promise<Page> {
  const popup = await openPopup(session, { tab: "orders" });
  await popup.waitForSelector(`#pending-${CSS.escape(id)}[data-state=${state}]`, { timeout: 15_000 });
  return popup;
}
// CSS.escape is not in Node: entry ids are UUIDs, which need no escaping.
const CSS = { escape: (s: string) => s };

beforeAll(async () => {
  mkdirSync(join(ROOT, "test-artifacts", "ui"), { recursive: true });
  emulator = await startTestEmulator();
  control = emulator.control as EmulatorControl;
  session = await launchExtension({ grantHosts: TEST_GRANTS });
  const options = await connectThroughOptions(session, emulator);
  await options.close();
}, 60_000);

afterAll(async () => {
  await session?.dispose();
  await emulator?.close();
});

describe("a create whose answer is lost", () => {
  it("is shown as pending across popup and worker restarts, then adopted once the list shows it: one order", async () => {
    // The create is carried out and its connection cut; its order stays out of the list; its answer is slow
    // enough (latencyMs) to see the submit button held while it is in flight.
    control.setFaults({ dropAfterCommit: 1, listLagMs: LIST_LAG_MS, latencyMs: 1_500, actions: ["CreateCertificateRequest"] });

    let popup = await openPopup(session, { tab: "orders" });
    await openNewOrderForm(popup);
    await popup.selectOption("#order-operation", "CreateCertificateRequest");
    await popup.fill("#order-domain", DOMAIN);
    await popup.fill("#order-username", "Test User");
    await popup.fill("#order-email", "admin@example.com");
    await popup.fill("#order-phone", "13800000000");
    await popup.selectOption("#order-validate", "DNS");
    await popup.click("#submit-order");
    // In flight: the button is disabled and a second click (dispatched on the element itself) sends nothing.
    await expectDisabled(popup, "#submit-order", true, "the submit button while the create is in flight");
    await popup.$eval("#submit-order", (b) => (b as HTMLButtonElement).click());

    // The page gets the typed error naming the pending create, and the card appears.
    await popup.waitForSelector("#order-error[data-code='api.create.unknown']", { timeout: 30_000 });
    const pending = await send(popup, "orders.pending", {});
    expect(pending).toHaveLength(1);
    const entry = pending[0] as PendingCreateView;
    expect(entry).toMatchObject({ action: "CreateCertificateRequest", domain: DOMAIN, state: "unknown", windowOver: false });
    await popup.waitForSelector(`#pending-${entry.id}[data-state=unknown]`);
    await expectText(popup, `#pending-status-${entry.id}`, contains("no answer came"), "the pending card says no answer came");
    await expectText(popup, `#pending-status-${entry.id}`, contains("Looking for it in your orders"), "and that the worker is looking");
    await expectText(popup, `#pending-${entry.id}`, contains(DOMAIN), "the card names the domain");
    await popup.screenshot({ path: join(ROOT, "test-artifacts", "ui", "popup-pending-create-en.png"), fullPage: true });
    expect(control.counts().orders).toBe(1); // carried out once, answer lost
    await expectCount(popup, "#order-list > li", 0, "no order recorded while the answer is unknown");

    // Closed and reopened: the card is read back from the worker's storage.
    await popup.close();
    popup = await popupShowingPending(entry.id, "unknown");
    expect(await pendingCards(popup)).toEqual([{ id: entry.id, state: "unknown" }]);
    await popup.close();

    // The service worker stopped: a fresh worker reads the ledger; the reopened popup still shows it.
    await stopWorker(session);
    popup = await popupShowingPending(entry.id, "unknown");
    await expectText(popup, `#pending-status-${entry.id}`, contains("no answer came"), "the card after the worker was stopped");
    await expectCount(popup, "#order-list > li", 0, "still no order before the list shows it");
    await popup.screenshot({ path: join(ROOT, "test-artifacts", "ui", "popup-pending-after-restart-en.png"), fullPage: true });

    // The list shows the order now: the worker's next look (the popup's polling starts it) adopts it.
    control.setFaults({});
    control.advanceTime(LIST_LAG_MS + 1_000);
    const adopted = await waitFor(async () => {
      const cards = await pendingCards(popup);
      const order = await popup.locator("#order-list > li").first().getAttribute("data-order-id").catch(() => null);
      return cards.length === 0 && order ? order : undefined;
    }, "the pending card replaced by the adopted order", 150, 500);
    const orders = (await send(popup, "orders.list", {})) as OrderView[];
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ id: adopted, operation: "CreateCertificateRequest", domain: DOMAIN });
    expect(orders[0]!.orderId).toMatch(/^\d+$/);
    await popup.waitForSelector(`#order-list > li[data-order-id="${adopted}"]`);
    await expectText(popup, `#order-list > li[data-order-id="${adopted}"]`, contains(DOMAIN), "the order card names the domain");
    expect(await send(popup, "orders.pending", {})).toEqual([]);
    expect(control.counts().orders).toBe(1);
    await popup.screenshot({ path: join(ROOT, "test-artifacts", "ui", "popup-pending-adopted-en.png"), fullPage: true });
  }, 180_000);
});
