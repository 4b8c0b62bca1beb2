// The popup: three tabs (New CSR, Keys & certificates, Orders) in the user's language. It first asks the
// worker for settings (language, default subject, contact) and any pending form from the context menu,
// then renders; `data-ready` on <body> and the "keysmith-ready" performance mark say it is interactive.
import { useEffect, useMemo, useState } from "preact/hooks";
import { LocaleContext, applyDocumentLocale, resolveLocale } from "../ui/locale";
import { Tabs } from "../ui/tabs";
import { t } from "../core/i18n";
import { toSubjectInput, type PendingForm, type Settings, type WorkerApi } from "../ui/worker-api";
import { toContactInput } from "../ui/contact-fields";
import { defaultSettings } from "../ui/settings-defaults";
import { setRequestLocale } from "../ui/worker-client";
import { NewCsrView } from "./NewCsrView";
import { KeysView } from "./KeysView";
import { OrdersView } from "./OrdersView";
import { PendingNotice } from "./PendingNotice";
import { parseRoute, routeFromPending, type Route, type TabId } from "./route";

export function PopupApp(props: { api: WorkerApi }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [pending, setPending] = useState<PendingForm | null>(null);
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  const [tab, setTab] = useState<TabId>(route.tab);
  const [orderKey, setOrderKey] = useState<string | undefined>(route.keyId);

  useEffect(() => {
    let done = false;
    Promise.all([
      props.api.send("settings.get", {}).catch(() => defaultSettings()),
      props.api.send("ui.takePendingForm", {}).catch(() => null),
    ]).then(([s, p]) => {
      if (done) return;
      setSettings(s);
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

  const locale = resolveLocale(settings?.language);
  setRequestLocale(locale);
  useEffect(() => {
    if (!settings) return;
    applyDocumentLocale(locale);
    document.title = t(locale, "ui_popup_title");
    document.body.dataset.ready = "true";
    performance.mark("keysmith-ready");
  }, [settings, locale]);
  const prefill = useMemo(() => ({ names: route.names }), [route]);
  const defaults = useMemo(() => ({ ...toSubjectInput(settings?.defaultSubject), CN: "" }), [settings]);
  const contact = useMemo(() => toContactInput(settings?.contact), [settings]);

  if (!settings) return <div class="loading" aria-busy="true" />;
  const tr = (k: string) => t(locale, k);
  return (
    <LocaleContext.Provider value={locale}>
      <header class="app-header">
        <h1>{tr("ui_app_name")}</h1>
        <a href="options.html" target="_blank" class="header-link" id="open-options">{tr("ui_settings")}</a>
      </header>
      <main>
        {pending ? <PendingNotice pending={pending} onClose={() => setPending(null)} /> : null}
        <Tabs
          tabs={[
            { id: "new-csr", label: tr("ui_tab_new_csr") },
            { id: "keys", label: tr("ui_tab_keys") },
            { id: "orders", label: tr("ui_tab_orders") },
          ]}
          active={tab}
          onSelect={(id) => setTab(id as TabId)}
        >
          {tab === "new-csr" ? (
            <NewCsrView api={props.api} defaults={defaults} prefill={prefill}
              onOrder={(keyId) => { setOrderKey(keyId); setTab("orders"); }} />
          ) : null}
          {tab === "keys" ? <KeysView api={props.api} /> : null}
          {tab === "orders" ? (
            <OrdersView api={props.api} contact={contact} defaults={defaults} preselectKeyId={orderKey} prefillCsr={route.csrPem} />
          ) : null}
        </Tabs>
      </main>
    </LocaleContext.Provider>
  );
}
