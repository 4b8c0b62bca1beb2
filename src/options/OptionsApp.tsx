// The options page. At the top, which profile the page edits (a switcher like the popup's: choosing one
// selects it for the whole extension). Then the vault; Profiles (list, add, rename, delete); the selected
// profile's Credentials (with "Test credentials", which tests what the forms show without saving), Cloud
// (site, region, endpoint, signature version) and Default contact; then the global sections (orders and
// notifications, language, default subject), webhook notifications and restoring a key backup last
// (options.html#restore). Every section saves on its own (its own Save button, nothing is saved while one of
// its fields is invalid, and a refused save focuses the first invalid field) and marks its unsaved changes in
// its heading; switching profiles with unsaved changes in the profile's sections asks first.
import { useEffect, useRef, useState } from "preact/hooks";
import { LocaleContext, applyDocumentLocale, resolveLocale } from "../ui/locale";
import { t } from "../core/i18n";
import { defaultSettings } from "../ui/settings-defaults";
import { setRequestLocale } from "../ui/worker-client";
import { ErrorNotice } from "../ui/notices";
import { toErrorData } from "../ui/use-action";
import type { ErrorData } from "../core/errors";
import type { ProfileList, ProfileView, Settings } from "../messages";
import type { WorkerApi } from "../ui/worker-api";
import { CloudSection, cloudFormDirty, toCloudForm, type CloudForm } from "./CloudSection";
import { ContactSection } from "./ContactSection";
import { CredentialsSection } from "./CredentialsSection";
import { LanguageSection } from "./LanguageSection";
import { OrderSettingsSection } from "./OrderSettingsSection";
import { ProfilesSection } from "./ProfilesSection";
import { RestoreSection } from "./RestoreSection";
import { SubjectSection } from "./SubjectSection";
import { VaultSection } from "./VaultSection";
import { WebhookSection } from "./WebhookSection";
import { loadProfiles, selectedProfile, type ProfileState } from "./profiles";

/** Sections that edit the selected profile: their unsaved changes are lost when another one is selected. */
const PROFILE_SECTIONS = ["cred", "cloud", "contact"] as const;
const SECTION_TITLES: Record<string, string> = { cred: "ui_credentials", cloud: "ui_cloud", contact: "ui_opt_contact_title" };

export function OptionsApp(props: { api: WorkerApi }) {
  // Only the global settings are read here (language, orders and notifications, default subject): none of them
  // changes with a profile, so switching or saving one does not re-read them.
  const [settings, setSettings] = useState<Settings | null>(null);
  const [profiles, setProfiles] = useState<ProfileState | null>(null);
  const [cloud, setCloud] = useState<CloudForm | null>(null);
  /** The unsaved state the credentials and contact sections report (the cloud form's is computed here). */
  const [dirty, setDirty] = useState<Partial<Record<"cred" | "contact", boolean>>>({});
  const [pendingSwitch, setPendingSwitch] = useState<string | null>(null);
  const [switchError, setSwitchError] = useState<ErrorData | null>(null);
  const switchBox = useRef<HTMLDivElement>(null);

  const showProfiles = (state: ProfileState, resetCloud: boolean) => {
    setProfiles(state);
    if (resetCloud) setCloud(toCloudForm(selectedProfile(state)));
  };
  useEffect(() => {
    void Promise.all([
      props.api.send("settings.get", {}).catch(() => defaultSettings()),
      loadProfiles(props.api).catch(() => null),
    ]).then(([s, state]) => {
      setSettings(s);
      if (state) showProfiles(state, true);
    });
  }, []);
  const locale = resolveLocale(settings?.language ?? "auto");
  setRequestLocale(locale);
  const ready = settings !== null && profiles !== null && cloud !== null;
  useEffect(() => {
    if (!ready) return;
    applyDocumentLocale(locale);
    document.title = t(locale, "ui_options_title");
    document.body.dataset.ready = "true";
  }, [ready, locale]);
  useEffect(() => {
    if (pendingSwitch) {
      switchBox.current?.focus({ preventScroll: true });
      switchBox.current?.scrollIntoView({ block: "center" });
    }
  }, [pendingSwitch]);
  if (!ready) return <div class="loading" aria-busy="true" />;

  const tr = (k: string, p?: Record<string, string | number>) => t(locale, k, p);
  const profile = selectedProfile(profiles);
  const cloudDirty = cloudFormDirty(cloud, profile);
  const dirtyProfileSections = PROFILE_SECTIONS.filter((s) => (s === "cloud" ? cloudDirty : dirty[s]));
  const reportDirty = (section: "cred" | "contact") => (d: boolean) => setDirty((all) => (all[section] === d ? all : { ...all, [section]: d }));

  /** Re-reads the profiles (or takes the list a call answered); the cloud form follows a change of selection. */
  const refreshProfiles = async (list?: ProfileList) => {
    const next = list ? { list, managed: profiles.managed } : await loadProfiles(props.api).catch(() => null);
    if (!next) return;
    const changed = next.list.selectedId !== profiles.list.selectedId;
    showProfiles(next, changed);
  };
  const select = async (id: string) => {
    setPendingSwitch(null);
    setSwitchError(null);
    if (id === profiles.list.selectedId || !profiles.managed) return;
    try {
      await refreshProfiles(await props.api.send("profile.select", { id }));
    } catch (err) {
      setSwitchError(toErrorData(err));
    }
  };
  const requestSelect = (id: string) => {
    if (id === profiles.list.selectedId) return;
    if (dirtyProfileSections.length > 0) setPendingSwitch(id);
    else void select(id);
  };
  const updateProfile = (saved: ProfileView) => {
    const list = { ...profiles.list, profiles: profiles.list.profiles.map((p) => (p.id === saved.id ? saved : p)) };
    setProfiles({ ...profiles, list });
  };
  const target = pendingSwitch ? profiles.list.profiles.find((p) => p.id === pendingSwitch) : undefined;

  return (
    <LocaleContext.Provider value={locale}>
      <main class="options-page stack">
        <header class="options-header">
          <h1>{tr("ui_options_title")}</h1>
          {profiles.managed ? (
            <div class="field">
              <label for="profile-switcher">{tr("ui_opt_switcher")}</label>
              <select id="profile-switcher" name="profile-switcher" value={profile.id} aria-describedby="profile-switcher-hint"
                onChange={(e) => {
                  const el = e.currentTarget as HTMLSelectElement;
                  const id = el.value;
                  // The page shows the selection the worker has until the switch is done.
                  el.value = profile.id;
                  requestSelect(id);
                }}>
                {profiles.list.profiles.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
              </select>
              <p class="hint" id="profile-switcher-hint">{tr("ui_opt_switcher_hint")}</p>
            </div>
          ) : null}
        </header>
        {target ? (
          <div class="confirm focus-target" tabIndex={-1} ref={switchBox} id="switch-confirm" role="group" aria-labelledby="switch-question">
            <p id="switch-question">
              {tr("ui_opt_switch_unsaved", { name: target.name, sections: dirtyProfileSections.map((s) => tr(SECTION_TITLES[s]!)).join(tr("ui_opt_list_separator")) })}
            </p>
            <div class="actions">
              <button type="button" class="danger" id="switch-discard" onClick={() => void select(target.id)}>{tr("ui_opt_switch_discard")}</button>
              <button type="button" class="secondary" id="switch-stay" onClick={() => setPendingSwitch(null)}>{tr("ui_opt_switch_stay")}</button>
            </div>
          </div>
        ) : null}
        <ErrorNotice error={switchError} id="switch-error" />
        <VaultSection api={props.api} focus={location.hash === "#vault"} />
        {profiles.managed ? (
          <ProfilesSection api={props.api} state={profiles} onSelect={requestSelect} onChanged={(list) => void refreshProfiles(list)} />
        ) : null}
        <CredentialsSection key={`cred-${profile.id}`} api={props.api} state={profiles} profile={profile} cloud={cloud}
          onChanged={() => void refreshProfiles()} onDirty={reportDirty("cred")} />
        <CloudSection key={`cloud-${profile.id}`} api={props.api} state={profiles} profile={profile} form={cloud} dirty={cloudDirty} onChange={setCloud}
          onSaved={(saved) => { updateProfile(saved); setCloud(toCloudForm(saved)); }} />
        <ContactSection key={`contact-${profile.id}`} api={props.api} state={profiles} profile={profile}
          onSaved={updateProfile} onDirty={reportDirty("contact")} />
        <OrderSettingsSection api={props.api} settings={settings} onSaved={setSettings} />
        <LanguageSection api={props.api} settings={settings} onSaved={setSettings} />
        <SubjectSection api={props.api} settings={settings} onSaved={setSettings} />
        <WebhookSection api={props.api} />
        <RestoreSection api={props.api} focus={location.hash === "#restore"} />
      </main>
    </LocaleContext.Provider>
  );
}
