// The default subject (global): what a new CSR's O, OU, C, ST, L and e-mail start from, saved on their own.
// None is required (a CSR form checks its own fields against the destination's rules).
import { useState } from "preact/hooks";
import { TextField } from "../ui/fields";
import { Done } from "../ui/notices";
import { localizeError, useLocale, useT } from "../ui/locale";
import { useAction } from "../ui/use-action";
import type { Settings } from "../messages";
import { SUBJECT_FIELDS, toSubjectFields, toSubjectInput, type SubjectInput, type WorkerApi } from "../ui/worker-api";
import { FocusableError, SectionHead, sameForm, useFocusOnFailure } from "./section";

export function SubjectSection(props: { api: WorkerApi; settings: Settings; onSaved: (s: Settings) => void }) {
  const tr = useT();
  const locale = useLocale();
  const [subject, setSubject] = useState<SubjectInput>(() => toSubjectInput(props.settings.defaultSubject));
  const focus = useFocusOnFailure<HTMLElement>();
  const save = useAction((s: SubjectInput) => props.api.send("settings.set", { defaultSubject: toSubjectFields(s) }));
  const dirty = !sameForm(toSubjectFields(subject), toSubjectFields(toSubjectInput(props.settings.defaultSubject)));
  // The worker names a refused subject field by its name (defaultSubject.C): shown on that field.
  const refused = SUBJECT_FIELDS.find((f) => save.error?.field?.split(".").pop() === f);
  const onSave = async (e: Event) => {
    e.preventDefault();
    const saved = await save.run(subject);
    if (saved) {
      setSubject(toSubjectInput(saved.defaultSubject));
      props.onSaved(saved);
    } else focus.failed();
  };
  return (
    <section class="stack card" aria-labelledby="subject-title" id="subject" ref={focus.ref}>
      <SectionHead id="subject" title={tr("ui_default_subject")} dirty={dirty} />
      <p class="hint">{tr("ui_default_subject_hint")}</p>
      <form class="stack" onSubmit={onSave} noValidate id="subject-form">
        {SUBJECT_FIELDS.filter((f) => f !== "CN").map((f) => (
          <TextField key={f} id={`default-${f}`} label={tr(`ui_subject_${f}`)} value={subject[f]}
            error={refused === f && save.error ? localizeError(locale, save.error) : undefined}
            onInput={(v) => { setSubject({ ...subject, [f]: f === "C" ? v.toUpperCase() : v }); save.reset(); }} />
        ))}
        <FocusableError error={refused ? null : save.error} id="subject-error" />
        {save.result && !dirty ? <Done text={tr("ui_saved")} id="subject-saved" /> : null}
        <div class="actions">
          <button type="submit" id="save-subject" disabled={save.busy}>{tr("ui_opt_save_subject")}</button>
        </div>
      </form>
    </section>
  );
}
