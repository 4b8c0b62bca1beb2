// The options page: credentials (own section, saved on their own), then cloud, language, default subject
// and contact, saved together. The endpoint override asks for the endpoint's origin as an optional host
// permission in the click that saves it (browsers grant optional permissions only in a user gesture).
import { useEffect, useState } from "preact/hooks";
import { SelectField, TextField } from "../ui/fields";
import { Done, ErrorNotice } from "../ui/notices";
import { LocaleContext, applyDocumentLocale, resolveLocale } from "../ui/locale";
import { t } from "../core/i18n";
import { useAction } from "../ui/use-action";
import { defaultSettings } from "../ui/settings-defaults";
import { SUBJECT_FIELDS, type Settings, type WorkerApi } from "../ui/worker-api";
import { ContactFields } from "../popup/ContactFields";
import { CredentialsSection } from "./CredentialsSection";
import { KMS_REGIONS, EMULATOR_ENDPOINT, requestEndpointPermission } from "./endpoint";

export function OptionsApp(props: { api: WorkerApi }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [savedLanguage, setSavedLanguage] = useState<Settings["language"]>("auto");
  const save = useAction(async (s: Settings) => {
    await props.api.saveSettings(s);
    return true;
  });
  useEffect(() => {
    props.api.getSettings().catch(() => defaultSettings()).then((s) => { setSettings(s); setSavedLanguage(s.language); });
  }, []);
  const locale = resolveLocale(savedLanguage);
  useEffect(() => {
    if (!settings) return;
    applyDocumentLocale(locale);
    document.title = t(locale, "ui_options_title");
    document.body.dataset.ready = "true";
  }, [settings, locale]);
  if (!settings) return <div class="loading" aria-busy="true" />;

  const tr = (k: string, p?: Record<string, string | number>) => t(locale, k, p);
  const set = (patch: Partial<Settings>) => { setSettings({ ...settings, ...patch }); save.reset(); };
  const endpointError = settings.endpoint && !/^https?:\/\/[^/\s]+\/?$/.test(settings.endpoint) ? tr("ui_endpoint_invalid") : undefined;

  const onSave = async (e: Event) => {
    e.preventDefault();
    if (endpointError) return;
    if (settings.endpoint) await requestEndpointPermission(settings.endpoint);
    if (await save.run(settings)) setSavedLanguage(settings.language);
  };

  return (
    <LocaleContext.Provider value={locale}>
      <main class="options-page stack">
        <h1>{tr("ui_options_title")}</h1>
        <CredentialsSection api={props.api} />
        <form class="stack" onSubmit={onSave} noValidate id="settings-form">
          <section class="stack card" aria-labelledby="cloud-title">
            <h2 id="cloud-title">{tr("ui_cloud")}</h2>
            <SelectField id="site" label={tr("ui_site")} hint={tr("ui_site_hint")} value={settings.site}
              choices={[{ value: "cn", label: tr("ui_site_cn") }, { value: "intl", label: tr("ui_site_intl") }]}
              onChange={(v) => set({ site: v as Settings["site"] })} />
            <SelectField id="kms-region" label={tr("ui_kms_region")} value={settings.kmsRegion}
              choices={KMS_REGIONS.map((r) => ({ value: r, label: `${tr(`ui_region_${r.replace(/-/g, "_")}`)} (${r})` }))}
              onChange={(v) => set({ kmsRegion: v })} />
            <TextField id="endpoint" label={tr("ui_endpoint")} hint={tr("ui_endpoint_hint")} type="url" placeholder="https://" value={settings.endpoint}
              error={endpointError} onInput={(v) => set({ endpoint: v.trim() })} />
            <div class="actions">
              <button type="button" class="secondary small" id="endpoint-emulator" onClick={() => set({ endpoint: EMULATOR_ENDPOINT })}>{tr("ui_endpoint_emulator")}</button>
              <button type="button" class="secondary small" id="endpoint-clear" onClick={() => set({ endpoint: "" })}>{tr("ui_endpoint_default")}</button>
            </div>
          </section>
          <section class="stack card" aria-labelledby="lang-title">
            <h2 id="lang-title">{tr("ui_language")}</h2>
            <SelectField id="language" label={tr("ui_language")} value={settings.language}
              choices={[{ value: "auto", label: tr("ui_language_auto") }, { value: "en", label: "English" }, { value: "zh_CN", label: "简体中文" }]}
              onChange={(v) => set({ language: v as Settings["language"] })} />
          </section>
          <section class="stack card" aria-labelledby="subject-title">
            <h2 id="subject-title">{tr("ui_default_subject")}</h2>
            <p class="hint">{tr("ui_default_subject_hint")}</p>
            {SUBJECT_FIELDS.filter((f) => f !== "CN").map((f) => (
              <TextField key={f} id={`default-${f}`} label={tr(`ui_subject_${f}`)} value={settings.defaultSubject[f]}
                onInput={(v) => set({ defaultSubject: { ...settings.defaultSubject, [f]: f === "C" ? v.toUpperCase() : v } })} />
            ))}
          </section>
          <section class="stack card">
            <ContactFields idPrefix="default" value={settings.contact} onChange={(c) => set({ contact: c })} showErrors={false} />
          </section>
          <ErrorNotice error={save.error} id="settings-error" />
          {save.result ? <Done text={tr("ui_saved")} id="settings-saved" /> : null}
          <div class="actions sticky">
            <button type="submit" id="save-settings" disabled={save.busy}>{tr("ui_save")}</button>
          </div>
        </form>
      </main>
    </LocaleContext.Provider>
  );
}
