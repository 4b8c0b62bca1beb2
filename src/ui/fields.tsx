// Labelled form fields. Every input has a visible <label>, its rule as a hint, and its error tied to it
// with aria-describedby so keyboard and screen-reader users get the same information as everyone else.
import type { ComponentChildren } from "preact";

interface FieldFrame {
  id: string;
  label: string;
  hint?: string;
  /** A second, smaller line under the hint for codes and technical names (`<id>-detail`). */
  detail?: string;
  error?: string;
  required?: boolean;
}

function describedBy(id: string, hint?: string, error?: string, detail?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : "", detail ? `${id}-detail` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return ids || undefined;
}

export function Field(props: FieldFrame & { children: ComponentChildren }) {
  return (
    <div class={`field${props.error ? " field-invalid" : ""}`}>
      <label for={props.id}>
        {props.label}
        {props.required ? <span class="required" aria-hidden="true"> *</span> : null}
      </label>
      {props.children}
      {props.hint ? <p class="hint" id={`${props.id}-hint`}>{props.hint}</p> : null}
      {props.detail ? <p class="hint field-detail" id={`${props.id}-detail`}>{props.detail}</p> : null}
      {props.error ? <p class="error-text" id={`${props.id}-error`} role="alert">{props.error}</p> : null}
    </div>
  );
}

export function TextField(
  props: FieldFrame & {
    value: string;
    onInput: (value: string) => void;
    type?: "text" | "email" | "tel" | "password" | "url" | "datetime-local";
    placeholder?: string;
    autocomplete?: string;
    multiline?: boolean;
    rows?: number;
    name?: string;
  },
) {
  const common = {
    id: props.id,
    name: props.name ?? props.id,
    value: props.value,
    placeholder: props.placeholder,
    required: props.required,
    "aria-invalid": props.error ? ("true" as const) : undefined,
    "aria-describedby": describedBy(props.id, props.hint, props.error, props.detail),
    onInput: (e: Event) => props.onInput((e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value),
  };
  return (
    <Field {...props}>
      {props.multiline ? (
        <textarea {...common} rows={props.rows ?? 4} spellcheck={false} />
      ) : (
        <input {...common} type={(props.type ?? "text") as "text"} autocomplete={props.autocomplete ?? "off"} spellcheck={false} />
      )}
    </Field>
  );
}

export interface Choice {
  value: string;
  label: string;
}

export function SelectField(props: FieldFrame & { value: string; choices: Choice[]; onChange: (value: string) => void }) {
  return (
    <Field {...props}>
      <select
        id={props.id}
        name={props.id}
        value={props.value}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy(props.id, props.hint, props.error, props.detail)}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {props.choices.map((c) => (
          <option key={c.value} value={c.value}>{c.label}</option>
        ))}
      </select>
    </Field>
  );
}

export function CheckboxField(props: { id: string; label: string; hint?: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <div class="field field-check">
      <input
        type="checkbox"
        id={props.id}
        name={props.id}
        checked={props.checked}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      <label for={props.id}>{props.label}</label>
      {props.hint ? <p class="hint" id={`${props.id}-hint`}>{props.hint}</p> : null}
    </div>
  );
}
