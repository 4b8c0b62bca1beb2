// The popup: four tabs (New CSR, Keys & certificates, Orders, Account) in the user's language. It renders as soon as
// main.tsx has that language's messages, from the last settings seen (settings-cache.ts), then takes the
// worker's settings and any pending form (asked for by main.tsx while the messages load)
// from the context menu; `data-ready` on <body> and the "keysmith-ready" performance mark say it is
// interactive, `data-synced` that the worker's settings are applied. With two or more profiles the header
// shows a switcher (ProfileSwitcher.tsx); choosing one re-reads the settings and re-renders the tabs.
import { useEffect, useMemo, useState } from "preact/hooks";
import { LocaleContext, applyDocumentLocale, resolveLocale } from "../ui/locale";
import { Tabs } from "../ui/tabs";
import { Busy } from "../ui/notices";
import { t } from "../core/i18n";
import { toSubjectInput, type PendingForm, type Settings, type WorkerApi } from "../ui/worker-api";
import { toContactInput } from "../ui/contact-input";
import { cachedSettings } from "../ui/settings-cache";
import { setRequestLocale } from "../ui/worker-client";
import { NewCsrView } from "./NewCsrView";
import { useLazyModule } from "../ui/lazy";
import { PendingNotice } from "./PendingNotice";
import { VaultGate } from "./VaultGate";
import { parseRoute, routeFromPending, type Route, type TabId } from "./route";
import { ProfileNames, ProfileSwitcher, profileNames } from "./ProfileSwitcher";
import type { ProfileList } from "../messages";

/** The worker's settings and any pending form (null where the worker did not answer). */
export type FirstSync = Promise<[Settings | null, PendingForm | null]>;

/** Ask the worker for both at once; main.tsx starts this before the page's messages are loaded. */
export function startFirstSync(api: WorkerApi): FirstSync {
  return Promise.all([
    api.send("settings.get", {}).catch(() => null),
    api.send("ui.takePendingForm", {}).catch(() => null),
  ]);
}

export function PopupApp(props: { api: WorkerApi; firstSync?: FirstSync }) {
  const [settings, setSettings] = useState<Settings>(cachedSettings);
  const [synced, setSynced] = useState(false);
  const [pending, setPending] = useState<PendingForm | null>(null);
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  const [tab, setTab] = useState<TabId>(route.tab);
  const [orderKey, setOrderKey] = useState<string | undefined>(route.keyId);
  // Profiles (header switcher): the views below are keyed by the selected one, so switching re-renders them.
  const [profiles, setProfiles] = useState<ProfileList | null>(null);
  const [switching, setSwitching] = useState(false);
  useEffect(() => {
    props.api.send("profile.list", {}).then(setProfiles, () => setProfiles(null));
  }, []);
  const selectProfile = async (id: string) => {
    setSwitching(true);
    try {
      setProfiles(await props.api.send("profile.select", { id }));
      setSettings(await props.api.send("settings.get", {}));
    } catch {
      setProfiles(await props.api.send("profile.list", {}).catch(() => null));
    } finally {
      setSwitching(false);
    }
  };
  const names = useMemo(() => profileNames(profiles), [profiles]);

  useEffect(() => {
    let done = false;
    (props.firstSync ?? startFirstSync(props.api)).then(([s, p]) => {
      if (done) return;
      if (s) setSettings(s); // pageApi has remembered them and loaded their language's messages
      setSynced(true);
      if (p) {
        const r = routeFromPending(p);
        setPending(p);
        setRoute(r);
        setTab(r.tab);
        setOrderKey(r.keyId);
      }
    });
    const onHash = () => {
      const r = parseRoute(location.hash);
      setRoute(r);
      setTab(r.tab);
      setOrderKey(r.keyId);
    };
    addEventListener("hashchange", onHash);
    return () => { done = true; removeEventListener("hashchange", onHash); };
  }, []);

  const locale = resolveLocale(settings.language);
  setRequestLocale(locale);
  useEffect(() => {
    applyDocumentLocale(locale);
    document.title = t(locale, "ui_popup_title");
  }, [locale]);
  useEffect(() => {
    document.body.dataset.ready = "true";
    performance.mark("keysmith-ready");
  }, []);
  useEffect(() => {
    if (synced) document.body.dataset.synced = "true";
  }, [synced]);
  // Keys and Orders load after the first render (or when opened first): the popup is interactive sooner.
  const keysModule = useLazyModule(() => import("./KeysView"), tab === "keys");
  const ordersModule = useLazyModule(() => import("./OrdersView"), tab === "orders");
  const accountModule = useLazyModule(() => import("./AccountView"), tab === "account");
  const prefill = useMemo(() => ({ names: route.names }), [route]);
  const defaults = useMemo(() => ({ ...toSubjectInput(settings.defaultSubject), CN: "" }), [settings]);
  const contact = useMemo(() => toContactInput(settings.contact), [settings]);

  const tr = (k: string) => t(locale, k);
  return (
    <LocaleContext.Provider value={locale}>
      <header class="app-header">
        <h1>{tr("ui_app_name")}</h1>
        <ProfileSwitcher list={profiles} onSelect={(id) => void selectProfile(id)} busy={switching} />
        <a href="options.html" target="_blank" class="header-link" id="open-options">{tr("ui_settings")}</a>
      </header>
      <main>
        <ProfileNames.Provider value={names}>
        <VaultGate api={props.api}>
        {pending ? <PendingNotice pending={pending} api={props.api} onClose={() => setPending(null)} /> : null}
        <Tabs
          key={names.selectedId}
          tabs={[
            { id: "new-csr", label: tr("ui_tab_new_csr") },
            { id: "keys", label: tr("ui_tab_keys") },
            { id: "orders", label: tr("ui_tab_orders") },
            { id: "account", label: tr("ui_tab_account") },
          ]}
          active={tab}
          onSelect={(id) => setTab(id as TabId)}
        >
          {tab === "new-csr" ? (
            <NewCsrView api={props.api} defaults={defaults} prefill={prefill}
              onOrder={(keyId) => { setOrderKey(keyId); setTab("orders"); }} />
          ) : null}
          {tab === "keys" ? (keysModule ? <keysModule.KeysView api={props.api} expiryWarningDays={settings.expiryWarningDays} onOrder={(keyId) => { setOrderKey(keyId); setTab("orders"); }} /> : <Busy label={t(locale, "ui_loading")} />) : null}
          {tab === "orders" && !ordersModule ? <Busy label={t(locale, "ui_loading")} /> : null}
          {tab === "orders" && ordersModule ? (
            <ordersModule.OrdersView api={props.api} contact={contact} defaults={defaults} preselectKeyId={orderKey} prefillCsr={route.csrPem}
              onPrefillUsed={() => { setOrderKey(undefined); setRoute((r) => ({ ...r, csrPem: undefined, keyId: undefined })); }} />
          ) : null}
          {tab === "account" ? (accountModule ? <accountModule.AccountView api={props.api} /> : <Busy label={t(locale, "ui_loading")} />) : null}
        </Tabs>
        </VaultGate>
        </ProfileNames.Provider>
      </main>
    </LocaleContext.Provider>
  );
}
