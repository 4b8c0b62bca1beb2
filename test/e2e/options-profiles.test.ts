// The options page's profiles in real Chromium against the real worker and the emulator
// (src/options/ProfilesSection.tsx, CredentialsSection.tsx, CloudSection.tsx): a profile added (a refused
// name focuses the field), its credentials edited (a refused save focuses the first missing field; STS and
// RAM-role forms checked the same way), "Test credentials" run on what the forms show without saving (the
// stored profile stays as it was; an endpoint that cannot be reached is said in words, in English and
// Chinese, never as the browser's "Failed to fetch"), the "Unsaved changes" marks shown while edited and
// gone once saved, a switch with unsaved changes asked first, and a profile with an open order refused for
// deletion, then deleted anyway.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  TEST_GRANTS, contains, expectCount, expectFocused, expectText, expectValue, expectVisible, launchExtension, openExtensionPage, send,
  startTestEmulator, type ExtensionSession, type TestEmulator,
} from "./harness";
import type { ProfileView } from "../../src/messages";

let emulator: TestEmulator;
let session: ExtensionSession;
let page: Page;

const CONTACT = { username: "Li Lei", email: "ops@example.com", phone: "13800000000", validateType: "DNS" as const };

async function profileNamed(name: string): Promise<ProfileView> {
  const list = await send(page, "profile.list", {});
  const found = list.profiles.find((p) => p.name === name);
  if (!found) throw new Error(`no profile named ${name} in ${list.profiles.map((p) => p.name).join(", ")}`);
  return found;
}

async function openOptions(lang: "en" | "zh_CN"): Promise<Page> {
  const p = await openExtensionPage(session, `options.html?lang=${lang}`);
  await p.waitForSelector("body[data-ready=true]");
  return p;
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  session = await launchExtension({ grantHosts: TEST_GRANTS });
  page = await openOptions("en");
});
afterAll(async () => {
  await session?.dispose();
  await emulator?.close();
});

describe("profiles in the options page", () => {
  it("the vault section's refused passphrase focuses its field too", async () => {
    await page.fill("#vault-new", "short");
    await page.click("#vault-set");
    await expectFocused(page, "vault-new");
    await page.fill("#vault-new", "");
  });

  it("adds a profile: an empty name is refused on the field, a good one is added and put in use", async () => {
    await expectValue(page, "#profile-switcher", "default");
    await page.click("#add-profile");
    await expectFocused(page, "new-profile-name", "the refused add focuses the name");
    await expectText(page, "#new-profile-name-error", "This field is required.");
    await page.fill("#new-profile-name", "Default");
    await page.click("#add-profile");
    await expectText(page, "#new-profile-name-error", contains("already exists"));
    await page.fill("#new-profile-name", "customer-b");
    await page.click("#add-profile");
    await expectText(page, "#profile-added", contains("customer-b"));
    const added = await profileNamed("customer-b");
    await expectValue(page, "#profile-switcher", added.id);
    await expectText(page, "#cred-profile", contains("customer-b"));
    await expectText(page, "#cloud-profile", contains("customer-b"));
    expect((await send(page, "profile.list", {})).selectedId).toBe(added.id);
  });

  it("a refused credentials save focuses the first missing field", async () => {
    await page.click("#save-credentials");
    await expectFocused(page, "access-key-id");
    await expectText(page, "#access-key-id-error", "This field is required.");
    await page.fill("#access-key-id", emulator.accessKeyId);
    await page.click("#save-credentials");
    await expectFocused(page, "access-key-secret");
    expect((await profileNamed("customer-b")).configured).toBe(false);
  });

  it("tests what the forms show without saving; the unsaved marks show", async () => {
    const before = await profileNamed("customer-b");
    const settingsBefore = await send(page, "settings.get", {});
    await page.fill("#endpoint", emulator.url);
    await expectVisible(page, "#cloud-unsaved", true, "the cloud section marked unsaved");
    await page.fill("#access-key-secret", emulator.accessKeySecret);
    await expectVisible(page, "#cred-unsaved", true, "the credentials section marked unsaved");
    await page.click("#test-credentials");
    await expectText(page, "#test-ok", contains("credentials work"));
    await expectText(page, "#test-ok", contains("nothing was saved"));
    // Nothing was stored: the profile and the settings are as before, and the forms still say unsaved.
    expect(await profileNamed("customer-b")).toEqual(before);
    expect(await send(page, "settings.get", {})).toEqual(settingsBefore);
    expect(before).toMatchObject({ endpoint: "", configured: false });
    await expectVisible(page, "#cloud-unsaved", true, "still unsaved after the test");
    await expectVisible(page, "#cred-unsaved", true, "still unsaved after the test");
  });

  it("an endpoint that cannot be reached is said in words and the error takes the focus", async () => {
    await page.fill("#endpoint", "http://127.0.0.1:9"); // the discard port: nothing listens there
    await page.click("#test-credentials");
    const text = await expectText(page, "#test-error", contains("Could not reach http://127.0.0.1:9"));
    expect(text).not.toMatch(/Failed to fetch|fetch|DescribePackageState/i);
    await expectFocused(page, "test-error-box");

    // In Chinese, on a fresh page: the profile has no stored key, so the test first asks for one (in Chinese).
    const zh = await openOptions("zh_CN");
    await zh.fill("#endpoint", "http://127.0.0.1:9");
    await zh.click("#test-credentials");
    await expectFocused(zh, "access-key-id");
    await expectText(zh, "#access-key-id-error", "此项必须填写。");
    await zh.fill("#access-key-id", emulator.accessKeyId);
    await zh.fill("#access-key-secret", emulator.accessKeySecret);
    await zh.click("#test-credentials");
    const zhText = await expectText(zh, "#test-error", contains("无法连接 http://127.0.0.1:9"));
    expect(zhText).not.toMatch(/Failed to fetch|fetch|DescribePackageState/i);
    await zh.close();
  });

  it("saves each section where it is; the marks go away", async () => {
    await page.fill("#endpoint", emulator.url);
    await page.click("#save-cloud");
    await expectText(page, "#cloud-saved", contains("customer-b"));
    await expectVisible(page, "#cloud-unsaved", false, "the cloud section saved");
    await expectVisible(page, "#cred-unsaved", true, "the credentials still unsaved");
    // The credentials form still holds what was typed.
    await expectValue(page, "#access-key-id", emulator.accessKeyId);
    await page.click("#save-credentials");
    await expectText(page, "#cred-saved", contains("customer-b"));
    await expectVisible(page, "#cred-unsaved", false, "the credentials saved");
    await expectValue(page, "#access-key-secret", "");
    const saved = await profileNamed("customer-b");
    expect(saved).toMatchObject({ endpoint: emulator.url, configured: true, kind: "accessKey" });
    await expectText(page, "#cred-status", contains(saved.accessKeyIdHint));
    await expectText(page, `#profile-destination-${saved.id}`, emulator.url);
    // The stored credentials and endpoint work (no draft needed now).
    await page.click("#test-credentials");
    await expectText(page, "#test-ok", contains("credentials work"));
  });

  it("STS and RAM-role forms: a refused save focuses the first invalid field; a role is saved", async () => {
    await page.fill("#new-profile-name", "role-c");
    await page.click("#add-profile");
    await expectText(page, "#cred-profile", contains("role-c"));
    await page.selectOption("#cred-kind", "sts");
    await page.fill("#access-key-id", "STS.exampleTokenId");
    await page.fill("#access-key-secret", "sts-secret");
    await page.fill("#sts-token", "sts-token");
    await page.click("#save-credentials");
    await expectFocused(page, "sts-expires");
    // A day ahead, as the browser's datetime-local field takes it (local time, minutes).
    const ahead = new Date(Date.now() + 86_400_000);
    const pad = (n: number) => String(n).padStart(2, "0");
    await page.fill("#sts-expires", `${ahead.getFullYear()}-${pad(ahead.getMonth() + 1)}-${pad(ahead.getDate())}T${pad(ahead.getHours())}:${pad(ahead.getMinutes())}`);
    await page.click("#save-credentials");
    await expectText(page, "#cred-status", contains("with an STS token, valid until"));
    expect(await profileNamed("role-c")).toMatchObject({ kind: "sts", accessKeyIdHint: expect.stringContaining("STS") });
    expect(Date.parse((await profileNamed("role-c")).tokenExpiresAt ?? "")).toBeGreaterThan(Date.now());

    await page.selectOption("#cred-kind", "role");
    await page.fill("#role-arn", "not-an-arn");
    await page.fill("#role-duration", "100");
    await page.click("#save-credentials");
    await expectFocused(page, "role-arn");
    await expectText(page, "#role-arn-error", contains("not a role ARN"));
    await expectText(page, "#role-duration-error", contains("900"));
    const source = await profileNamed("customer-b");
    await page.fill("#role-arn", "acs:ram::1234567890123456:role/keysmith-certs");
    await page.click("#save-credentials");
    await expectFocused(page, "role-duration");
    await page.fill("#role-duration", "3600");
    await page.selectOption("#role-source", source.id);
    await page.click("#save-credentials");
    await expectText(page, "#cred-saved", contains("role-c"));
    expect(await profileNamed("role-c")).toMatchObject({
      kind: "role", roleArn: "acs:ram::1234567890123456:role/keysmith-certs", sourceProfileId: source.id, roleSessionName: "keysmith", durationSeconds: 3600,
    });
    await expectText(page, "#cred-status", contains("customer-b"));
  });

  it("a profile with an open order is not deleted; 'Delete anyway' deletes it", async () => {
    const b = await profileNamed("customer-b");
    await page.selectOption("#profile-switcher", b.id);
    await expectText(page, "#cred-profile", contains("customer-b"));
    const order = await send(page, "orders.certificateRequest", { ...CONTACT, domain: "www.example.com" });
    expect(order.profileId).toBe(b.id);
    // Back to the first profile (with an unsaved change the switch asks first), then delete customer-b.
    await page.fill("#endpoint", "http://127.0.0.1:1234");
    await page.selectOption("#profile-switcher", "default");
    await expectText(page, "#switch-question", contains("Cloud"));
    await expectValue(page, "#profile-switcher", b.id);
    await page.click("#switch-stay");
    await expectCount(page, "#switch-confirm", 0);
    await expectValue(page, "#endpoint", "http://127.0.0.1:1234");
    await page.selectOption("#profile-switcher", "default");
    await page.click("#switch-discard");
    await expectText(page, "#cred-profile", contains("default"));
    await expectValue(page, "#endpoint", "");
    expect((await profileNamed("customer-b")).endpoint).toBe(emulator.url);
    await page.click(`#profile-delete-${b.id}`);
    await expectText(page, `#profile-delete-question-${b.id}`, contains("customer-b"));
    await page.click(`#profile-delete-confirm-${b.id}`);
    await expectText(page, `#profile-delete-refused-${b.id}`, contains("1 open order"));
    await expectCount(page, `#profile-${b.id}`, 1);
    expect((await send(page, "profile.list", {})).profiles.map((p) => p.name)).toContain("customer-b");
    await page.click(`#profile-delete-force-${b.id}`);
    await expectCount(page, `#profile-${b.id}`, 0);
    expect((await send(page, "profile.list", {})).profiles.map((p) => p.name).sort()).toEqual(["default", "role-c"]);
  });
});
