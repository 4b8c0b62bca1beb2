// New CSR: choose where the CSR is going (its rules then apply as you type), a key spec, the subject and
// SANs, and whether the private key may ever leave the browser. The key is made in the worker, so an
// RSA-4096 key does not freeze the page; nothing here needs the network or credentials. The usages the CSR
// asks for are chosen here and spelled out before submitting (ui/usages.ts). With `renew` the same form
// makes a new CSR for an existing key (its spec fixed), starting from that key's subject, SANs and usages.
import { useEffect, useMemo, useState } from "preact/hooks";
import { CheckboxField, SelectField, TextField } from "../ui/fields";
import { Busy, ErrorNotice } from "../ui/notices";
import { localizeError, useLocale, useT } from "../ui/locale";
import { useAction } from "../ui/use-action";
import { checkKeySpec, checkSans, checkSubject, namesForRequest, parseNames, PROFILES, type ProfileId } from "../ui/subject-rules";
import { KEY_SPECS, SUBJECT_FIELDS, toSubjectFields, type KeySpecId, type SubjectInput, type WorkerApi } from "../ui/worker-api";
import { USAGE_CHOICES, usagesFor, type UsageChoice } from "../ui/usages";
import { CsrResultView } from "./CsrResultView";
import { keySpecChoiceLabel, keySpecName, keySpecWithArticle } from "../ui/key-spec-names";

export interface NewCsrPrefill {
  names: string[];
}

/** A renewal: a new CSR for this key, the form filled from its last CSR. */
export interface RenewStart {
  keyId: string;
  spec: KeySpecId;
  subject: SubjectInput;
  /** SANs other than the CN, one per line. */
  sansText: string;
  usage: UsageChoice;
}

const FIELD_ID: Record<keyof SubjectInput, string> = {
  CN: "subject-cn", O: "subject-o", OU: "subject-ou", C: "subject-c", ST: "subject-st", L: "subject-l", emailAddress: "subject-email",
};

export function NewCsrView(props: {
  api: WorkerApi;
  defaults: SubjectInput;
  prefill?: NewCsrPrefill;
  renew?: RenewStart;
  onMade?: () => void;
  onOrder?: (keyId: string) => void;
  onCancel?: () => void;
}) {
  const tr = useT();
  const locale = useLocale();
  const renew = props.renew;
  const [profileId, setProfileId] = useState<ProfileId>(renew?.spec === "EC_SM2" ? "generic" : "dv");
  const [keySpec, setKeySpec] = useState<KeySpecId>(renew?.spec ?? "EC_P256");
  const [subject, setSubject] = useState<SubjectInput>(renew?.subject ?? props.defaults);
  const [sansText, setSansText] = useState(renew?.sansText ?? "");
  const [exportable, setExportable] = useState(true);
  const [usage, setUsage] = useState<UsageChoice>(renew?.usage ?? "server");
  const profile = PROFILES[profileId];
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const usages = usagesFor(usage, keySpec);
  const make = useAction(() =>
    props.api.send("csr.create", {
      spec: keySpec, subject: toSubjectFields(subject), sans, exportable, operation: profile.workerOperation, ...usages,
      ...(renew ? { keyId: renew.keyId } : {}),
    }),
  );

  // Settings may arrive after the user started typing: defaults fill only the fields not yet touched.
  useEffect(() => {
    if (renew) return; // a renewal keeps the key's own subject
    setSubject((s) => {
      const next = { ...s };
      for (const f of SUBJECT_FIELDS) if (!touched.has(f) && f !== "CN") next[f] = props.defaults[f];
      return next;
    });
  }, [props.defaults]);
  useEffect(() => {
    if (!props.prefill || props.prefill.names.length === 0) return;
    const [cn, ...rest] = props.prefill.names;
    setSubject((s) => ({ ...s, CN: cn }));
    setSansText(rest.join("\n"));
    setTouched(new Set(["CN", "SAN"]));
    if (rest.length > 0) setProfileId("generic");
  }, [props.prefill]);

  const sans: string[] = useMemo(() => namesForRequest(subject.CN, parseNames(sansText)), [subject.CN, sansText]);
  const subjectErrors = checkSubject(profile, subject);
  const sanError = checkSans(profile, sans);
  const specError = checkKeySpec(profile, keySpec);
  const valid = Object.keys(subjectErrors).length === 0 && !sanError && !specError;

  const touch = (name: string) => setTouched((t) => (t.has(name) ? t : new Set(t).add(name)));
  const shown = (name: string, e: ReturnType<typeof checkSans>) => (e && touched.has(name) ? localizeError(locale, e) : undefined);

  const submit = async (e: Event) => {
    e.preventDefault();
    setTouched(new Set([...SUBJECT_FIELDS, "SAN", "keySpec"]));
    if (!valid) return;
    const made = await make.run();
    if (made) props.onMade?.();
    // A renewal goes straight to the order form with its key (DV orders take no SM2 key: those see the result).
    if (made && renew && keySpec !== "EC_SM2") props.onOrder?.(made.key.id);
  };

  if (make.result) {
    return (
      <CsrResultView
        made={make.result}
        keySpec={keySpec}
        subject={subject}
        sans={sans}
        onAnother={() => make.reset()}
        onOrder={props.onOrder}
      />
    );
  }

  return (
    <form class="stack" onSubmit={submit} noValidate aria-busy={make.busy}>
      <SelectField
        id="csr-profile"
        label={tr("ui_csr_profile")}
        hint={tr(`ui_profile_${profileId}_rules`)}
        value={profileId}
        choices={(["dv", "kms", "generic"] as ProfileId[]).map((p) => ({ value: p, label: tr(`ui_profile_${p}`) }))}
        onChange={(v) => setProfileId(v as ProfileId)}
      />
      {renew ? (
        <p class="hint" id="renew-same-key">{tr("ui_renew_same_key", { spec: keySpecName(keySpec, locale) })}</p>
      ) : (
        <SelectField
          id="key-spec"
          label={tr("ui_key_spec")}
          value={keySpec}
          error={specError ? localizeError(locale, specError) : undefined}
          choices={KEY_SPECS.map((k) => ({ value: k, label: keySpecChoiceLabel(k, locale) }))}
          onChange={(v) => { setKeySpec(v as KeySpecId); touch("keySpec"); }}
        />
      )}
      {renew && specError ? <p class="error-text" role="alert">{localizeError(locale, specError)}</p> : null}
      {SUBJECT_FIELDS.map((field) => (
        <TextField
          key={field}
          id={FIELD_ID[field]}
          label={tr(`ui_subject_${field}`)}
          hint={tr(`ui_subject_${field}_hint`)}
          required={profile.required.includes(field)}
          value={subject[field]}
          type={field === "emailAddress" ? "email" : "text"}
          error={shown(field, subjectErrors[field])}
          onInput={(v) => { setSubject({ ...subject, [field]: field === "C" ? v.toUpperCase() : v }); touch(field); }}
        />
      ))}
      <TextField
        id="sans"
        label={tr("ui_sans")}
        hint={tr("ui_sans_hint", { max: profile.maxSans })}
        multiline
        rows={3}
        value={sansText}
        error={shown("SAN", sanError)}
        onInput={(v) => { setSansText(v); touch("SAN"); }}
      />
      <SelectField
        id="csr-usage"
        label={tr("ui_usage")}
        hint={usage === "none" ? tr("ui_usage_none_hint") : tr("ui_usage_requests", { keyUsage: usages.keyUsage.join(", "), extKeyUsage: usages.extKeyUsage.join(", ") })}
        value={usage}
        choices={USAGE_CHOICES.map((u) => ({ value: u, label: tr(`ui_usage_${u.replace("-", "_")}`) }))}
        onChange={(v) => setUsage(v as UsageChoice)}
      />
      {renew ? null : (
        <CheckboxField
          id="exportable"
          label={tr("ui_exportable")}
          hint={exportable ? tr("ui_exportable_yes_hint") : tr("ui_exportable_no_hint")}
          checked={exportable}
          onChange={setExportable}
        />
      )}
      <ErrorNotice error={make.error} id="csr-error" />
      {make.busy ? <Busy label={tr("ui_making_key", { aSpec: keySpecWithArticle(keySpec, locale) })} detail={keySpec === "RSA_4096" ? tr("ui_making_key_slow") : undefined} /> : null}
      <div class="actions">
        <button type="submit" id="create-csr" disabled={make.busy}>{tr(renew ? "ui_renew_submit" : "ui_create_csr")}</button>
        {props.onCancel ? <button type="button" class="secondary" id="cancel-csr" onClick={props.onCancel}>{tr("ui_cancel")}</button> : null}
      </div>
    </form>
  );
}
