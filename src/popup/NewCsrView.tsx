// New CSR: choose where the CSR is going (its rules then apply as you type), a key spec, the subject and
// SANs, and whether the private key may ever leave the browser. The key is made in the worker, so an
// RSA-4096 key does not freeze the page; nothing here needs the network or credentials. The usages the CSR
// asks for are chosen here and said in words before submitting (the extensions on a detail line; ui/usages.ts).
// With `renew` the same form makes a new CSR for an existing key (its spec fixed), starting from that key's
// subject, SANs and usages.
// The form shows what the chosen destination needs (its required subject fields, and the SAN box where it takes
// more than one name); the other subject fields, the key usage and the export choice sit behind "More fields",
// whose open or closed state the page's localStorage keeps (MORE_FIELDS_KEY). A submit with an invalid field
// opens what hides it, focuses the first invalid field and scrolls it into view; while a key is made the
// progress line is scrolled into view.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { ErrorData } from "../core/errors";
import { CheckboxField, SelectField, TextField } from "../ui/fields";
import { Busy, ErrorNotice } from "../ui/notices";
import { localizeError, useLocale, useT } from "../ui/locale";
import { useAction } from "../ui/use-action";
import { checkKeySpec, checkSanBox, checkSubject, namesForRequest, parseNames, PROFILES, sanBoxLimit, type ProfileId } from "../ui/subject-rules";
import { KEY_SPECS, SUBJECT_FIELDS, toSubjectFields, type KeySpecId, type SubjectField, type SubjectInput, type WorkerApi } from "../ui/worker-api";
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

/** The catalogue label of each field an error can name, so a message names the field as the form labels it. */
const FIELD_LABEL: Record<string, string> = {
  CN: "ui_subject_CN", O: "ui_subject_O", OU: "ui_subject_OU", C: "ui_subject_C", ST: "ui_subject_ST", L: "ui_subject_L",
  emailAddress: "ui_subject_emailAddress", SAN: "ui_sans", keySpec: "ui_key_spec",
};

/** localStorage key (the extension page's own, nothing secret) of the "More fields" state: "open" or "closed". */
export const MORE_FIELDS_KEY = "keysmith.new-csr.more-fields";

function rememberedMoreFields(): boolean {
  try {
    return globalThis.localStorage?.getItem(MORE_FIELDS_KEY) === "open";
  } catch {
    return false; // storage unavailable: closed, as for a first opening
  }
}

function rememberMoreFields(open: boolean): void {
  try {
    globalThis.localStorage?.setItem(MORE_FIELDS_KEY, open ? "open" : "closed");
  } catch {
    // Not remembered: the next opening starts closed.
  }
}

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
  const [moreOpen, setMoreOpen] = useState(rememberedMoreFields);
  /** The field to focus after the next render (a failed submit), with a counter so the same field twice still moves. */
  const [focusRequest, setFocusRequest] = useState<{ id: string; n: number } | null>(null);
  const progress = useRef<HTMLDivElement>(null);
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
  useEffect(() => {
    if (!focusRequest) return;
    const el = document.getElementById(focusRequest.id);
    if (!el) return;
    el.focus({ preventScroll: true });
    // The whole field (label, input, hint and the error under it) into view, not only the input.
    (el.closest(".field") ?? el).scrollIntoView({ block: "nearest" });
  }, [focusRequest]);
  useEffect(() => {
    if (make.busy) progress.current?.scrollIntoView({ block: "nearest" });
  }, [make.busy]);

  const typedSans = useMemo(() => parseNames(sansText), [sansText]);
  const sans: string[] = useMemo(() => namesForRequest(subject.CN, typedSans), [subject.CN, typedSans]);
  const subjectErrors = checkSubject(profile, subject);
  const sanError = checkSanBox(profile, subject.CN, typedSans);
  const specError = checkKeySpec(profile, keySpec);

  // What the destination needs is shown; the rest waits behind "More fields". The SAN box is shown where the
  // destination takes more than the CN, or when it already holds names (a prefill, or another destination's).
  const primary = SUBJECT_FIELDS.filter((f) => profile.required.includes(f));
  const secondary = SUBJECT_FIELDS.filter((f) => !profile.required.includes(f));
  const sanLimit = sanBoxLimit(profile);
  const showSans = sanLimit > 0 || sansText.trim() !== "";

  const touch = (name: string) => setTouched((t) => (t.has(name) ? t : new Set(t).add(name)));
  const say = (e: ErrorData) => localizeError(locale, { ...e, field: e.field && FIELD_LABEL[e.field] ? tr(FIELD_LABEL[e.field]) : e.field });
  const shown = (name: string, e: ErrorData | undefined) => (e && touched.has(name) ? say(e) : undefined);

  /** The invalid fields in the order the form shows them, each with its element id and whether "More fields" hides it. */
  const invalid: { id: string; more: boolean }[] = [
    ...(specError && !renew ? [{ id: "key-spec", more: false }] : []),
    ...primary.filter((f) => subjectErrors[f]).map((f) => ({ id: FIELD_ID[f], more: false })),
    ...(sanError && showSans ? [{ id: "sans", more: false }] : []),
    ...secondary.filter((f) => subjectErrors[f]).map((f) => ({ id: FIELD_ID[f], more: true })),
  ];
  // A renewal's key spec cannot be changed here: the destination is what to change.
  if (specError && renew) invalid.unshift({ id: "csr-profile", more: false });

  const toggleMore = () => {
    setMoreOpen(!moreOpen);
    rememberMoreFields(!moreOpen);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (make.busy) return;
    setTouched(new Set([...SUBJECT_FIELDS, "SAN", "keySpec"]));
    const first = invalid[0];
    if (first) {
      if (first.more) setMoreOpen(true); // shown for this error, not remembered as the user's choice
      setFocusRequest((r) => ({ id: first.id, n: (r?.n ?? 0) + 1 }));
      return;
    }
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

  const subjectField = (field: SubjectField) => (
    <TextField
      key={field}
      id={FIELD_ID[field]}
      label={tr(`ui_subject_${field}`)}
      hint={field === "CN" && profile.cnMustBeDomain ? tr("ui_subject_CN_domain_hint") : tr(`ui_subject_${field}_hint`)}
      required={profile.required.includes(field)}
      value={subject[field]}
      type={field === "emailAddress" ? "email" : "text"}
      error={shown(field, subjectErrors[field])}
      onInput={(v) => { setSubject({ ...subject, [field]: field === "C" ? v.toUpperCase() : v }); touch(field); }}
    />
  );
  const filledHidden = secondary.filter((f) => subject[f].trim() !== "").length;

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
          error={specError ? say(specError) : undefined}
          choices={KEY_SPECS.map((k) => ({ value: k, label: keySpecChoiceLabel(k, locale) }))}
          onChange={(v) => { setKeySpec(v as KeySpecId); touch("keySpec"); }}
        />
      )}
      {renew && specError ? <p class="error-text" role="alert">{say(specError)}</p> : null}
      {primary.map(subjectField)}
      {showSans ? (
        <TextField
          id="sans"
          label={tr("ui_sans")}
          hint={sanLimit > 0 ? tr("ui_sans_box_hint", { max: sanLimit }) : tr("ui_sans_cn_only_hint")}
          multiline
          rows={2}
          value={sansText}
          error={shown("SAN", sanError)}
          onInput={(v) => { setSansText(v); touch("SAN"); }}
        />
      ) : null}
      <div class="more-fields">
        <button type="button" class="disclosure" id="csr-more-toggle" aria-expanded={moreOpen} aria-controls="csr-more"
          aria-describedby={moreOpen ? undefined : "csr-more-summary"} onClick={toggleMore}>
          {tr("ui_more_fields")}
        </button>
        {moreOpen ? null : (
          <p class="hint" id="csr-more-summary">
            {tr("ui_more_fields_summary", {
              filled: filledHidden,
              total: secondary.length,
              usage: tr(`ui_usage_${usage.replace("-", "_")}`),
              key: renew ? tr("ui_more_fields_key_kept") : exportable ? tr("ui_more_fields_exportable") : tr("ui_more_fields_not_exportable"),
            })}
          </p>
        )}
      </div>
      <div class="stack" id="csr-more" hidden={!moreOpen}>
        {secondary.map(subjectField)}
        <SelectField
          id="csr-usage"
          label={tr("ui_usage")}
          hint={tr(`ui_usage_${usage.replace("-", "_")}_hint`)}
          detail={usage === "none" ? undefined : tr("ui_usage_requests", { keyUsage: usages.keyUsage.join(", "), extKeyUsage: usages.extKeyUsage.join(", ") })}
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
      </div>
      <ErrorNotice error={make.error} id="csr-error" />
      <div class="actions">
        <button type="submit" id="create-csr" disabled={make.busy}>{tr(renew ? "ui_renew_submit" : "ui_create_csr")}</button>
        {props.onCancel ? <button type="button" class="secondary" id="cancel-csr" onClick={props.onCancel}>{tr("ui_cancel")}</button> : null}
      </div>
      {make.busy ? (
        <div id="csr-progress" ref={progress}>
          <Busy label={tr("ui_making_key", { aSpec: keySpecWithArticle(keySpec, locale) })} detail={keySpec === "RSA_4096" ? tr("ui_making_key_slow") : undefined} />
        </div>
      ) : null}
    </form>
  );
}
