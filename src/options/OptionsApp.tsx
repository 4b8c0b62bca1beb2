// The options page: credentials (own section, saved on their own), then cloud (site, region, endpoint,
// signature version), orders and notifications, language, default subject and contact, saved together
// (nothing is saved while a field is invalid); restoring a key backup last (options.html#restore). The endpoint override asks for the endpoint's origin as an optional host
// permission in the click that saves it (browsers grant optional permissions only in a user gesture).
// For an endpoint that is not Alibaba Cloud, "Import keys and certificates this endpoint returns without
// asking" (`#auto-import`, off by default) is saved as that endpoint's origin (`autoImportEndpoint`); typing
// another endpoint unticks it, and the worker turns it off whenever the endpoint changes.
import { useEffect, useState } from "preact/hooks";
import { CheckboxField, SelectField, TextField } from "../ui/fields";
import { isAlibabaHost } from "../core/aliyun/endpoints";
import { Done, ErrorNotice } from "../ui/notices";
import { LocaleContext, applyDocumentLocale, resolveLocale } from "../ui/locale";
import { t } from "../core/i18n";
import { useAction } from "../ui/use-action";
import { defaultSettings } from "../ui/settings-defaults";
import { RECONCILE_MINUTES } from "../messages";
import { setRequestLocale } from "../ui/worker-client";
import { SUBJECT_FIELDS, toSubjectFields, toSubjectInput, type Settings, type SubjectInput, type WorkerApi } from "../ui/worker-api";
import { ContactFields, toContactInput, type ContactInput } from "../ui/contact-fields";
import { CredentialsSection } from "./CredentialsSection";
import { EMULATOR_ENDPOINT, regionChoices, requestEndpointPermission } from "./endpoint";
import { OrderSettingsSection } from "./OrderSettingsSection";
import { RestoreSection } from "./RestoreSection";
import { VaultSection } from "./VaultSection";
import { WebhookSection } from "./WebhookSection";
import { parseExpiryWarningDays, parseReconcileMinutes } from "../ui/settings-rules";

interface Form {
  site: Settings["site"];
  kmsRegion: string;
  endpoint: string;
  signatureVersion: Settings["signatureVersion"];
  followOrders: boolean;
  /** As typed; parsed (and checked) on save. */
  expiryWarningDays: string;
  /** As typed; parsed (and checked) on save. */
  reconcileMinutes: string;
  /** "Import without asking" for this endpoint (saved as `autoImportEndpoint`, its origin). */
  autoImport: boolean;
  language: Settings["language"];
  defaultSubject: SubjectInput;
  contact: ContactInput;
}

function toForm(s: Settings): Form {
  return {
    site: s.site, kmsRegion: s.kmsRegion, endpoint: s.endpoint, signatureVersion: s.signatureVersion, followOrders: s.followOrders,
    expiryWarningDays: String(s.expiryWarningDays), reconcileMinutes: String(s.reconcileMinutes ?? RECONCILE_MINUTES.default),
    autoImport: Boolean(s.endpoint) && s.autoImportEndpoint === s.endpoint, language: s.language, defaultSubject: toSubjectInput(s.defaultSubject), contact: toContactInput(s.contact),
  };
}

/** An endpoint override that is not an Alibaba Cloud host: what it returns is imported only after asking. */
function asksBeforeImport(endpoint: string): boolean {
  try {
    return endpoint !== "" && !isAlibabaHost(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/** The origin the worker would send to (what settings.set keeps of the endpoint). */
function originOf(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return endpoint;
  }
}

export function OptionsApp(props: { api: WorkerApi }) {
  const [form, setForm] = useState<Form | null>(null);
  const [savedLanguage, setSavedLanguage] = useState<Settings["language"]>("auto");
  const [permissionDenied, setPermissionDenied] = useState(false);
  // Opened from the popup's "Restore from a backup" link: go to that section once the page is drawn.
  const restoreFocus = form !== null && location.hash === "#restore";
  const save = useAction(({ autoImport, ...f }: Form, expiryWarningDays: number, reconcileMinutes: number) =>
    props.api.send("settings.set", {
      ...f, expiryWarningDays, reconcileMinutes, defaultSubject: toSubjectFields(f.defaultSubject),
      autoImportEndpoint: autoImport && asksBeforeImport(f.endpoint) ? originOf(f.endpoint) : "",
    }));
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
  const days = parseExpiryWarningDays(form.expiryWarningDays);
  const minutes = parseReconcileMinutes(form.reconcileMinutes);

  const onSave = async (e: Event) => {
    e.preventDefault();
    if (endpointError || !days.ok || !minutes.ok) {
      document.querySelector<HTMLElement>("#settings-form [aria-invalid=true]")?.focus();
      return;
    }
    // Ask within the click (the prompt needs its user gesture) but do not wait for the answer to save:
    // the worker checks the permission itself when it calls the endpoint.
    const permission = form.endpoint ? requestEndpointPermission(form.endpoint) : Promise.resolve(true);
    const saved = await save.run({ ...form, endpoint: form.endpoint.replace(/\/$/, "") }, days.value, minutes.value);
    if (saved) setSavedLanguage(saved.language);
    setPermissionDenied(!(await permission));
  };

  return (
    <LocaleContext.Provider value={locale}>
      <main class="options-page stack">
        <h1>{tr("ui_options_title")}</h1>
        <VaultSection api={props.api} focus={location.hash === "#vault"} />
        <CredentialsSection api={props.api} />
        <form class="stack" onSubmit={onSave} noValidate id="settings-form">
          <section class="stack card" aria-labelledby="cloud-title">
            <h2 id="cloud-title">{tr("ui_cloud")}</h2>
            <SelectField id="site" label={tr("ui_site")} hint={tr("ui_site_hint")} value={form.site}
              choices={[{ value: "cn", label: tr("ui_site_cn") }, { value: "intl", label: tr("ui_site_intl") }]}
              onChange={(v) => set({ site: v as Settings["site"] })} />
            <SelectField id="kms-region" label={tr("ui_kms_region")} value={form.kmsRegion}
              choices={regionChoices(tr)}
              onChange={(v) => set({ kmsRegion: v })} />
            <TextField id="endpoint" label={tr("ui_endpoint")} hint={tr("ui_endpoint_hint")} type="url" placeholder="https://" value={form.endpoint}
              error={endpointError} onInput={(v) => {
                const endpoint = v.trim();
                // The consent is for one endpoint: another one starts unticked.
                set({ endpoint, autoImport: form.autoImport && originOf(endpoint) === originOf(form.endpoint) });
                setPermissionDenied(false);
              }} />
            {permissionDenied && form.endpoint ? <p class="error-text" role="alert" id="endpoint-permission">{tr("ui_endpoint_permission_denied")}</p> : null}
            {/* Where signed requests go, in words: the worker sends them nowhere else (src/background/cloud.ts). */}
            <p class="hint" id="endpoint-destination">
              {form.endpoint && !endpointError ? tr("ui_endpoint_destination_custom", { origin: originOf(form.endpoint) }) : tr("ui_endpoint_destination_cloud")}
            </p>
            <div class="actions">
              <button type="button" class="secondary small" id="endpoint-emulator"
                onClick={() => set({ endpoint: EMULATOR_ENDPOINT, autoImport: form.autoImport && originOf(form.endpoint) === EMULATOR_ENDPOINT })}>{tr("ui_endpoint_emulator")}</button>
              <button type="button" class="secondary small" id="endpoint-clear" onClick={() => set({ endpoint: "", autoImport: false })}>{tr("ui_endpoint_default")}</button>
            </div>
            {!endpointError && asksBeforeImport(form.endpoint) ? (
              <CheckboxField id="auto-import" label={tr("ui_auto_import")} hint={tr("ui_auto_import_hint", { origin: originOf(form.endpoint) })}
                checked={form.autoImport} onChange={(v) => set({ autoImport: v })} />
            ) : null}
            <SelectField id="signature-version" label={tr("ui_signature_version")} hint={tr("ui_signature_version_hint")} value={form.signatureVersion}
              choices={[{ value: "v3", label: tr("ui_signature_v3") }, { value: "v1", label: tr("ui_signature_v1") }]}
              onChange={(v) => set({ signatureVersion: v as Settings["signatureVersion"] })} />
          </section>
          <OrderSettingsSection followOrders={form.followOrders} expiryWarningDays={form.expiryWarningDays} error={days.ok ? undefined : days.error}
            reconcileMinutes={form.reconcileMinutes} reconcileError={minutes.ok ? undefined : minutes.error}
            onChange={(patch) => set(patch)} />
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
        <WebhookSection api={props.api} />
        <RestoreSection api={props.api} focus={restoreFocus} />
      </main>
    </LocaleContext.Provider>
  );
}
