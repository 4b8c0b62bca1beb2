// The pages' language (global), saved on its own; the page speaks it once saved.
import { useState } from "preact/hooks";
import { SelectField } from "../ui/fields";
import { Done } from "../ui/notices";
import { useT } from "../ui/locale";
import { useAction } from "../ui/use-action";
import type { Settings } from "../messages";
import type { WorkerApi } from "../ui/worker-api";
import { FocusableError, SectionHead, useFocusOnFailure } from "./section";

export function LanguageSection(props: { api: WorkerApi; settings: Settings; onSaved: (s: Settings) => void }) {
  const tr = useT();
  const [language, setLanguage] = useState<Settings["language"]>(props.settings.language);
  const focus = useFocusOnFailure<HTMLElement>();
  const save = useAction((l: Settings["language"]) => props.api.send("settings.set", { language: l }));
  const dirty = language !== props.settings.language;
  const onSave = async (e: Event) => {
    e.preventDefault();
    const saved = await save.run(language);
    if (saved) props.onSaved(saved);
    else focus.failed();
  };
  return (
    <section class="stack card" aria-labelledby="lang-title" id="lang" ref={focus.ref}>
      <SectionHead id="lang" title={tr("ui_language")} dirty={dirty} />
      <form class="stack" onSubmit={onSave} noValidate id="language-form">
        <SelectField id="language" label={tr("ui_language")} value={language}
          choices={[{ value: "auto", label: tr("ui_language_auto") }, { value: "en", label: "English" }, { value: "zh_CN", label: "简体中文" }]}
          onChange={(v) => { setLanguage(v as Settings["language"]); save.reset(); }} />
        <FocusableError error={save.error} id="language-error" />
        {save.result && !dirty ? <Done text={tr("ui_saved")} id="language-saved" /> : null}
        <div class="actions">
          <button type="submit" id="save-language" disabled={save.busy}>{tr("ui_opt_save_language")}</button>
        </div>
      </form>
    </section>
  );
}
