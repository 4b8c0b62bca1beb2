// Feedback: an error from the worker (rendered from its ErrorData in the page's language), a busy
// indicator with a live region, and an empty-state line.
import type { ErrorData } from "../core/errors";
import { localizeError, useLocale, useT } from "./locale";

export function ErrorNotice(props: { error?: ErrorData | null; id?: string }) {
  const locale = useLocale();
  if (!props.error) return null;
  return (
    <div class="notice notice-error" role="alert" id={props.id} data-code={props.error.code}>
      {localizeError(locale, props.error)}
    </div>
  );
}

export function Busy(props: { label: string; detail?: string }) {
  return (
    <div class="notice notice-busy" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      <span>{props.label}</span>
      {props.detail ? <span class="hint"> {props.detail}</span> : null}
    </div>
  );
}

export function Done(props: { text: string; id?: string }) {
  return <div class="notice notice-ok" role="status" id={props.id}>{props.text}</div>;
}

export function Empty(props: { text: string }) {
  const tr = useT();
  return <p class="empty">{props.text || tr("ui_nothing_here")}</p>;
}
