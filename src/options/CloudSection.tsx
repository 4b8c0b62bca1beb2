// The selected profile's cloud: site, KMS region, endpoint override, signature version, saved on their own ("Save
// cloud settings"). The form state lives in OptionsApp, because "Test credentials" (CredentialsSection) tests what
// this form shows; so does its unsaved test (cloudFormDirty), which OptionsApp needs before switching profiles and
// passes down as `dirty`. The endpoint override asks for the endpoint's origin as an optional host permission in
// the click that saves it (browsers grant optional permissions only in a user gesture). For an endpoint that is not
// Alibaba Cloud, "Import keys and certificates this endpoint returns without asking" (`#auto-import`, off by
// default) is saved as that endpoint's origin (`autoImportEndpoint`); typing another endpoint unticks it, and the
// worker turns it off whenever the endpoint changes.
import { useState } from "preact/hooks";
import { CheckboxField, SelectField, TextField } from "../ui/fields";
import { isAlibabaHost } from "../core/aliyun/endpoints";
import { Done } from "../ui/notices";
import { useT } from "../ui/locale";
import { useAction } from "../ui/use-action";
import type { ProfileView, Settings } from "../messages";
import type { WorkerApi } from "../ui/worker-api";
import { EMULATOR_ENDPOINT, regionChoices, requestEndpointPermission } from "./endpoint";
import { saveProfileFields, type ProfileState } from "./profiles";
import { FocusableError, SectionHead, sameForm, useFocusOnFailure } from "./section";

export interface CloudForm {
  site: Settings["site"];
  kmsRegion: string;
  endpoint: string;
  signatureVersion: Settings["signatureVersion"];
  /** "Import without asking" for this endpoint (saved as `autoImportEndpoint`, its origin). */
  autoImport: boolean;
}

export function toCloudForm(p: ProfileView): CloudForm {
  return {
    site: p.site, kmsRegion: p.kmsRegion, endpoint: p.endpoint, signatureVersion: p.signatureVersion,
    autoImport: Boolean(p.endpoint) && p.autoImportEndpoint === p.endpoint,
  };
}

/** An endpoint override that is not an Alibaba Cloud host: what it returns is imported only after asking. */
export function asksBeforeImport(endpoint: string): boolean {
  try {
    return endpoint !== "" && !isAlibabaHost(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/** The origin the worker would send to (what the worker keeps of the endpoint). */
export function originOf(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return endpoint;
  }
}

/** "" or an http(s) origin with an optional trailing slash. */
export function endpointValid(endpoint: string): boolean {
  return endpoint === "" || /^https?:\/\/[^/\s]+\/?$/.test(endpoint);
}

/** What is sent: the endpoint without its trailing slash. */
export function cleanEndpoint(endpoint: string): string {
  return endpoint.replace(/\/$/, "");
}

/** Whether the cloud form differs from profile `p` as saved (the endpoint compared as it would be sent). */
export function cloudFormDirty(form: CloudForm, p: ProfileView): boolean {
  return !sameForm({ ...form, endpoint: cleanEndpoint(form.endpoint) }, toCloudForm(p));
}

export function CloudSection(props: {
  api: WorkerApi;
  state: ProfileState;
  profile: ProfileView;
  form: CloudForm;
  /** The form differs from the saved profile (cloudFormDirty, computed by OptionsApp, which holds the form). */
  dirty: boolean;
  onChange: (form: CloudForm) => void;
  onSaved: (p: ProfileView) => void;
}) {
  const tr = useT();
  const { form, dirty } = props;
  const [permissionDenied, setPermissionDenied] = useState(false);
  const focus = useFocusOnFailure<HTMLElement>();
  const save = useAction(({ autoImport, ...f }: CloudForm) =>
    saveProfileFields(props.api, props.state, props.profile, {
      ...f, autoImportEndpoint: autoImport && asksBeforeImport(f.endpoint) ? originOf(f.endpoint) : "",
    }));
  const set = (patch: Partial<CloudForm>) => { props.onChange({ ...form, ...patch }); save.reset(); };
  const endpointError = endpointValid(form.endpoint) ? undefined : tr("ui_endpoint_invalid");

  const onSave = async (e: Event) => {
    e.preventDefault();
    if (endpointError) return focus.failed();
    // Ask within the click (the prompt needs its user gesture) but do not wait for the answer to save:
    // the worker checks the permission itself when it calls the endpoint.
    const permission = form.endpoint ? requestEndpointPermission(form.endpoint) : Promise.resolve(true);
    const saved = await save.run({ ...form, endpoint: cleanEndpoint(form.endpoint) });
    if (saved) props.onSaved(saved);
    else focus.failed();
    setPermissionDenied(!(await permission));
  };

  return (
    <section class="stack card" aria-labelledby="cloud-title" id="cloud" ref={focus.ref}>
      <SectionHead id="cloud" title={tr("ui_cloud")} dirty={dirty} />
      <p class="section-for" id="cloud-profile">{tr("ui_opt_section_for", { name: props.profile.name })}</p>
      <form class="stack" onSubmit={onSave} noValidate id="cloud-form">
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
        <FocusableError error={save.error} id="cloud-error" />
        {save.result && !dirty ? <Done text={tr("ui_opt_saved_for", { name: props.profile.name })} id="cloud-saved" /> : null}
        <div class="actions">
          <button type="submit" id="save-cloud" disabled={save.busy}>{tr("ui_opt_save_cloud")}</button>
        </div>
      </form>
    </section>
  );
}
