// What every section of the options page shares: a heading that marks unsaved changes ("Unsaved changes"
// beside the title, in words, so it is read out with the heading), the section's own Save feedback, and
// the move to the first invalid field after a failed save or test (focused and scrolled into view; when
// no field is to blame, the error notice itself takes the focus so it is in view and read out).
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { ErrorData } from "../core/errors";
import { ErrorNotice } from "../ui/notices";
import { useT } from "../ui/locale";
import { focusFirstInvalid, useFocusInvalid } from "../ui/focus-invalid";

export { focusFirstInvalid };

/**
 * `failed()` after a failed save or test: once the page has drawn the errors it caused, the first invalid
 * field under the returned ref takes the focus.
 */
export function useFocusOnFailure<T extends HTMLElement = HTMLElement>(): { ref: { current: T | null }; failed: () => void } {
  const ref = useRef<T>(null);
  return { ref, failed: useFocusInvalid(ref) };
}

/** Reports the section's unsaved state to the page (and clears it when the section goes away). */
export function useDirtyReport(dirty: boolean, onDirty: ((dirty: boolean) => void) | undefined): void {
  useEffect(() => {
    onDirty?.(dirty);
  }, [dirty]);
  useEffect(() => () => onDirty?.(false), []);
}

export function SectionHead(props: { id: string; title: string; dirty: boolean; children?: ComponentChildren }) {
  const tr = useT();
  return (
    <div class="section-head">
      <h2 id={`${props.id}-title`}>
        {props.title}
        {props.dirty ? <span class="unsaved" id={`${props.id}-unsaved`}>{tr("ui_opt_unsaved")}</span> : null}
      </h2>
      {props.children}
    </div>
  );
}

/** An error notice that can take the focus when no field is to blame. */
export function FocusableError(props: { error?: ErrorData | null; id: string }) {
  if (!props.error) return null;
  return (
    <div tabIndex={-1} data-error-focus class="focus-target" id={`${props.id}-box`}>
      <ErrorNotice error={props.error} id={props.id} />
    </div>
  );
}

/** Shallow-deep equality for plain form objects (strings, numbers, booleans, nested plain objects). */
export function sameForm(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
