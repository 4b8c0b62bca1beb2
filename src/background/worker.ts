// Puts the worker together from its parts: stores, follower, handler table, router and menus. Pure of
// browser globals (everything arrives in `WorkerDeps`), so the whole worker runs in Node unit tests with a
// fake platform and fake services; main.ts gives it the real ones.
import { DEFAULT_REGION } from "../core/aliyun/endpoints";
import { pickLocale, t, type Locale } from "../core/i18n";
import type { PendingForm } from "../messages";
import type { Platform } from "../platform/platform";
import { installMenus, onMenuClick, PENDING_FORM_KEY, type MenuClick, type MenuDeps, type MenuTab } from "./context-menus";
import { credentialHandlers } from "./handlers/credentials";
import { csrHandlers } from "./handlers/csr";
import { keyHandlers } from "./handlers/keys";
import { orderHandlers } from "./handlers/orders";
import { renewalHandlers } from "./handlers/renewal";
import { accountHandlers } from "./handlers/account";
import { createAccountNotifier } from "./lifecycle/account-watch";
import { createRenewalStore } from "./lifecycle/renewal-store";
import { createRenewer } from "./lifecycle/renewer";
import { createOldUploadCleanup } from "./lifecycle/old-upload";
import { createUploadDeploy } from "./lifecycle/upload-deploy";
import type { ConfirmOptions } from "../core/lifecycle/deploy-targets";
import { settingsHandlers } from "./handlers/settings";
import { profileHandlers } from "./handlers/profiles";
import { webhookHandlers } from "./handlers/webhook";
import { createWebhookNotifier } from "./notify/webhook-notifier";
import type { FetchLike } from "../core/notify/webhook";
import { vaultHandlers } from "./handlers/vault";
import { sharedVaultLock, type VaultLock } from "./vault/lock";
import { createCreates } from "./orders/creates";
import { EXPIRY_ALARM, createFollower } from "./orders/follower";
import { createOrderStore } from "./orders/order-store";
import { createPendingStore } from "./orders/pending-store";
import { createRouter, type HandlerTable, type SenderLike } from "./router";
import type { Services } from "./services";
import { createSettingsStore, importConfirmationEndpoint, type SettingsStore } from "./settings-store";

export interface WorkerDeps {
  platform: Platform;
  services: Services;
  now?: () => Date;
  newId?: () => string;
  /** Ids of pending-create entries (default: random UUIDs). */
  newPendingId?: () => string;
  /** Pause before the first look for a lost answer, and the cap of its doubling (write-ahead defaults: 2 s, 60 s). */
  reconcileBackoffMs?: { first: number; max: number };
  onUnexpected?: (where: string, err: unknown) => void;
  /** How a deploy is read back (src/core/lifecycle/deploy-targets.ts defaults: 10 reads, 2 s apart). */
  deployConfirm?: ConfirmOptions;
  /** The renewal retry backoff's jitter (default Math.random). */
  random?: () => number;
  /** The vault lock (default: the shared one the real vault and credential store use). */
  vaultLock?: VaultLock;
  /** The webhook's fetch and retry pause (default: global fetch, 1 s doubling). */
  webhookFetch?: FetchLike;
  webhookBackoffMs?: number;
  /**
   * The settings and profile store (default: one over platform.storage). main.ts gives the one the services
   * were built with: one store, one queue, so the profiles' migration runs once.
   */
  settings?: SettingsStore;
}

/** storage.local flag: "unlock to continue" was notified since the vault last locked. */
export const VAULT_LOCKED_NOTIFIED_KEY = "vaultLockedNotified";

export function createWorker(deps: WorkerDeps) {
  const { platform, services } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const settings = deps.settings ?? createSettingsStore(platform.storage);
  const profiles = settings.profiles;
  const selectedProfile = async () => (await profiles.selected()).id;
  const orders = createOrderStore(platform.storage);
  const renewals = createRenewalStore(platform.storage);
  const ledger = createPendingStore(platform.storage);
  const vaultLock = deps.vaultLock ?? sharedVaultLock();
  if (platform.session) vaultLock.useSession(platform.session);
  const vaultLocked = () => vaultLock.isLocked();
  /** Once per locked spell: the follower or a pending create waits for the passphrase. */
  const onVaultLocked = async () => {
    if (await platform.storage.get(VAULT_LOCKED_NOTIFIED_KEY)) return;
    await platform.storage.set(VAULT_LOCKED_NOTIFIED_KEY, true);
    const l = await locale();
    await platform.notify("vault:locked", t(l, "notify_vault_locked_title"), t(l, "notify_vault_locked_message"));
  };

  // Global settings only (language, reconcile window): no profile's fields, so no profile read.
  const locale = async (): Promise<Locale> => {
    const s = await settings.globals();
    return s.language === "auto" ? pickLocale(platform.uiLanguage()) : s.language;
  };

  const creates = createCreates({
    services,
    orders,
    ledger,
    platform,
    now,
    newId,
    ...(deps.newPendingId ? { newPendingId: deps.newPendingId } : {}),
    locale,
    windowMinutes: async () => (await settings.globals()).reconcileMinutes,
    ...(deps.reconcileBackoffMs ? { backoffMs: deps.reconcileBackoffMs.first, maxBackoffMs: deps.reconcileBackoffMs.max } : {}),
    selectedProfile,
    // `follower` is made below; these run only after a create or a look, long after both exist.
    onAdopted: async (order) => {
      if (order.orderId) await follower.check(order);
    },
    onUnresolved: () => follower.schedule(),
    vaultLocked,
    onVaultLocked,
  });

  const follower = createFollower({
    platform,
    orders,
    // Each order with the profile it was placed under, whichever is selected.
    cloud: (profileId) => services.cloud({ profileId }),
    pairCertificate: async (pem) => (await services.keys.importCertificate(pem)).id,
    importCloudKey: async (req) => (await services.keys.importCloudKey(req)).id,
    importEndpoint: async (profileId) => importConfirmationEndpoint(await settings.forProfile(profileId)),
    certificates: async () =>
      (await services.keys.list()).filter((k) => k.notAfter).map((k) => ({ id: k.id, label: k.label || k.commonName, notAfter: k.notAfter! })),
    locale,
    now,
    expiryWarningDays: async () => (await settings.globals()).expiryWarningDays,
    followOrders: async () => (await settings.globals()).followOrders,
    creates,
    vaultLocked,
    onVaultLocked,
  });

  // Webhook notifications (options page): renewal outcomes and due notices, never awaited by a renewal.
  const webhook = createWebhookNotifier({
    platform,
    locale,
    now,
    ...(deps.webhookFetch ? { fetch: deps.webhookFetch } : {}),
    ...(deps.webhookBackoffMs !== undefined ? { backoffMs: deps.webhookBackoffMs } : {}),
  });

  // cas lives in its site's default region (cn-hangzhou, ap-southeast-1): the site of the renewal's profile.
  const casRegionOfSite = async (profileId?: string): Promise<string> => DEFAULT_REGION[(await settings.forProfile(profileId)).site];
  const renewer = createRenewer({
    platform,
    store: renewals,
    services,
    orders,
    creates,
    follower,
    settings: (profileId) => settings.forProfile(profileId),
    locale,
    now,
    ...(deps.random ? { random: deps.random } : {}),
    vaultLocked,
    onVaultLocked,
    afterIssued: createUploadDeploy({ services, creates, orders, casRegion: casRegionOfSite, ...(deps.deployConfirm ? { confirm: deps.deployConfirm } : {}) }),
    deleteOldUpload: createOldUploadCleanup({ services, orders, now, casRegion: casRegionOfSite, ...(deps.random ? { random: deps.random } : {}) }),
    onOutcome: ({ event, ...certificate }) => void webhook.post({ event, certificates: [certificate] }),
  });

  // The account-wide expiry watch: read once a day from the expiry alarm when credentials are stored.
  const accountNotifier = createAccountNotifier({
    platform,
    services,
    locale,
    now,
    vaultLocked,
    onExpiring: (certificates) => void webhook.post({ event: "expiring", certificates }),
    profiles: async () => (await profiles.state()).profiles.map((p) => p.id),
  });

  const menuDeps: MenuDeps = { platform, services, locale, now };
  // Menu rebuilds are serialised: removeAll/create racing each other fail with duplicate ids.
  let menuQueue: Promise<void> = Promise.resolve();
  const refreshMenus = () => {
    menuQueue = menuQueue.then(() => installMenus(menuDeps)).catch((err) => deps.onUnexpected?.("menus", err));
    return menuQueue;
  };
  let started: Promise<void> | undefined;

  const handlers: HandlerTable = {
    ...keyHandlers(services, refreshMenus),
    ...csrHandlers(services, refreshMenus),
    ...orderHandlers({ services, orders, follower, creates, newId, now }),
    ...credentialHandlers(services, settings),
    ...vaultHandlers(vaultLock, async () => {
      // Unlocked: the next lock notifies again; the follower and the pending creates carry on now.
      await platform.storage.remove(VAULT_LOCKED_NOTIFIED_KEY);
      void follower.tick().catch((err) => deps.onUnexpected?.("follow", err));
      void renewer.tick().catch((err) => deps.onUnexpected?.("renewal", err));
    }),
    ...settingsHandlers(settings, async () => {
      await refreshMenus(); // titles follow the language setting
      await follower.schedule();
    }),
    ...renewalHandlers(services, renewals, () => renewer.schedule(), async (given) => (given ? (await profiles.get(given)).id : selectedProfile())),
    ...profileHandlers({
      services,
      settings,
      orders,
      ledger,
      renewals,
      onChanged: async () => {
        await refreshMenus();
        await follower.schedule();
      },
    }),
    ...webhookHandlers(webhook),
    ...accountHandlers(services, now),
    "ui.takePendingForm": async () => {
      const form = (await platform.storage.get(PENDING_FORM_KEY)) as PendingForm | undefined;
      if (!form) return null;
      await platform.storage.remove(PENDING_FORM_KEY);
      return form;
    },
  };

  const route = createRouter(handlers, {
    extensionId: platform.extensionId,
    extensionOrigin: platform.extensionOrigin,
    defaultLocale: locale,
    onUnexpected: deps.onUnexpected,
  });

  return {
    /** runtime.onMessage */
    handleMessage: (message: unknown, sender: SenderLike) => route(message, sender),
    /** alarms.onAlarm */
    handleAlarm: async (name: string) => {
      await follower.onAlarm(name);
      await renewer.onAlarm(name);
      if (name === EXPIRY_ALARM) await accountNotifier.check().catch((err) => deps.onUnexpected?.("account-watch", err));
    },
    /** contextMenus.onClicked */
    handleMenuClick: (click: MenuClick, tab?: MenuTab) => onMenuClick(click, tab, menuDeps),
    /**
     * Every worker start: alarms for orders still open (alarms may not survive a browser restart), then a
     * look for creates left unresolved by a stopped worker (no create is live in a fresh instance).
     */
    start: () =>
      (started ??= follower.schedule().then(async () => {
        await creates.reconcile().catch((err) => deps.onUnexpected?.("reconcile", err));
        await follower.schedule();
        // A look for due certificates and renewals a stopped worker left under way, then every 6 h.
        await renewer.schedule();
        await renewer.tick().catch((err) => deps.onUnexpected?.("renewal", err));
      })),
    /** runtime.onStartup: the same look after a browser restart. */
    reconcileCreates: () => creates.reconcile().then(() => follower.schedule()),
    /** On install, update and browser start: menus persist across worker restarts, so not on every wake. */
    installMenus: refreshMenus,
    follower,
    renewer,
    creates,
    orders,
    renewals,
    webhook,
    accountNotifier,
    settings,
    profiles,
    handlers,
    locale,
  };
}

export type KeysmithWorker = ReturnType<typeof createWorker>;
