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
import { setRequestLocale } from "../ui/worker-client";
import { SUBJECT_FIELDS, toSubjectFields, toSubjectInput, type Settings, type SubjectInput, type WorkerApi } from "../ui/worker-api";
import { ContactFields, toContactInput, type ContactInput } from "../ui/contact-fields";
import { CredentialsSection } from "./CredentialsSection";
import { KMS_REGIONS, EMULATOR_ENDPOINT, requestEndpointPermission } from "./endpoint";

interface Form {
  site: Settings["site"];
  kmsRegion: string;
  endpoint: string;
  language: Settings["language"];
  defaultSubject: SubjectInput;
  contact: ContactInput;
}

function toForm(s: Settings): Form {
  return { site: s.site, kmsRegion: s.kmsRegion, endpoint: s.endpoint, language: s.language, defaultSubject: toSubjectInput(s.defaultSubject), contact: toContactInput(s.contact) };
}

export function OptionsApp(props: { api: WorkerApi }) {
  const [form, setForm] = useState<Form | null>(null);
  const [savedLanguage, setSavedLanguage] = useState<Settings["language"]>("auto");
  const [permissionDenied, setPermissionDenied] = useState(false);
  const save = useAction((f: Form) => props.api.send("settings.set", { ...f, defaultSubject: toSubjectFields(f.defaultSubject) }));
  useEffect(() => {
    props.api.send("settings.get", {}).catch(() => defaultSettings()).then((s) => { setForm(toForm(s)); setSavedLanguage(s.language); });
  }, []);
  const locale = resolveLocale(savedLanguage);
  setRequestLocale(locale);
  useEffect(() => {
    if (!form) return;
    applyDocumentLocale(locale);
    document.title = t(locale, "ui_options_title");
    document.body.dataset.ready = "true";
  }, [form !== null, locale]);
  if (!form) return <div class="loading" aria-busy="true" />;

  const tr = (k: string, p?: Record<string, string | number>) => t(locale, k, p);
  const set = (patch: Partial<Form>) => { setForm({ ...form, ...patch }); save.reset(); };
  const endpointError = form.endpoint && !/^https?:\/\/[^/\s]+\/?$/.test(form.endpoint) ? tr("ui_endpoint_invalid") : undefined;

  const onSave = async (e: Event) => {
    e.preventDefault();
    if (endpointError) return;
    // Ask within the click (the prompt needs its user gesture) but do not wait for the answer to save:
    // the worker checks the permission itself when it calls the endpoint.
    const permission = form.endpoint ? requestEndpointPermission(form.endpoint) : Promise.resolve(true);
    const saved = await save.run({ ...form, endpoint: form.endpoint.replace(/\/$/, "") });
    if (saved) setSavedLanguage(saved.language);
    setPermissionDenied(!(await permission));
  };

  return (
    <LocaleContext.Provider value={locale}>
      <main class="options-page stack">
        <h1>{tr("ui_options_title")}</h1>
        <CredentialsSection api={props.api} />
        <form class="stack" onSubmit={onSave} noValidate id="settings-form">
          <section class="stack card" aria-labelledby="cloud-title">
            <h2 id="cloud-title">{tr("ui_cloud")}</h2>
            <SelectField id="site" label={tr("ui_site")} hint={tr("ui_site_hint")} value={form.site}
              choices={[{ value: "cn", label: tr("ui_site_cn") }, { value: "intl", label: tr("ui_site_intl") }]}
              onChange={(v) => set({ site: v as Settings["site"] })} />
            <SelectField id="kms-region" label={tr("ui_kms_region")} value={form.kmsRegion}
              choices={KMS_REGIONS.map((r) => ({ value: r, label: `${tr(`ui_region_${r.replace(/-/g, "_")}`)} (${r})` }))}
              onChange={(v) => set({ kmsRegion: v })} />
            <TextField id="endpoint" label={tr("ui_endpoint")} hint={tr("ui_endpoint_hint")} type="url" placeholder="https://" value={form.endpoint}
              error={endpointError} onInput={(v) => { set({ endpoint: v.trim() }); setPermissionDenied(false); }} />
            {permissionDenied && form.endpoint ? <p class="error-text" role="alert" id="endpoint-permission">{tr("ui_endpoint_permission_denied")}</p> : null}
            <div class="actions">
              <button type="button" class="secondary small" id="endpoint-emulator" onClick={() => set({ endpoint: EMULATOR_ENDPOINT })}>{tr("ui_endpoint_emulator")}</button>
              <button type="button" class="secondary small" id="endpoint-clear" onClick={() => set({ endpoint: "" })}>{tr("ui_endpoint_default")}</button>
            </div>
          </section>
          <section class="stack card" aria-labelledby="lang-title">
            <h2 id="lang-title">{tr("ui_language")}</h2>
            <SelectField id="language" label={tr("ui_language")} value={form.language}
              choices={[{ value: "auto", label: tr("ui_language_auto") }, { value: "en", label: "English" }, { value: "zh_CN", label: "简体中文" }]}
              onChange={(v) => set({ language: v as Settings["language"] })} />
          </section>
          <section class="stack card" aria-labelledby="subject-title">
            <h2 id="subject-title">{tr("ui_default_subject")}</h2>
            <p class="hint">{tr("ui_default_subject_hint")}</p>
            {SUBJECT_FIELDS.filter((f) => f !== "CN").map((f) => (
              <TextField key={f} id={`default-${f}`} label={tr(`ui_subject_${f}`)} value={form.defaultSubject[f]}
                onInput={(v) => set({ defaultSubject: { ...form.defaultSubject, [f]: f === "C" ? v.toUpperCase() : v } })} />
            ))}
          </section>
          <section class="stack card">
            <ContactFields idPrefix="default" value={form.contact} onChange={(c) => set({ contact: c })} showErrors={false} />
          </section>
          <ErrorNotice error={save.error} id="settings-error" />
          {save.result ? <Done text={tr("ui_saved")} id="settings-saved" /> : null}
          <div class="actions">
            <button type="submit" id="save-settings" disabled={save.busy}>{tr("ui_save")}</button>
          </div>
        </form>
      </main>
    </LocaleContext.Provider>
  );
}
