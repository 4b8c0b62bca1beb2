// After a failed submit, the first field marked invalid (aria-invalid="true", set by src/ui/fields.tsx when a
// field shows its error) takes the focus (the popup's forms and the options page's sections) and is brought into view, so the error is where the user is looking.
import type { RefObject } from "preact";
import { useEffect, useState } from "preact/hooks";

/**
 * Focus and scroll to the first invalid field under `root` (else an element marked `data-error-focus`: an
 * error notice no field is to blame for); the element focused, or null when there is none.
 */
export function focusFirstInvalid(root: ParentNode | null | undefined): HTMLElement | null {
  const target = root?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? root?.querySelector<HTMLElement>("[data-error-focus]");
  if (!target) return null;
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: "center" });
  return target;
}

/**
 * `const failed = useFocusInvalid(formRef)`: call `failed()` when a submit is refused; once the errors are
 * rendered, the first invalid field under the ref's element is focused and scrolled into view.
 */
export function useFocusInvalid(ref: RefObject<HTMLElement | null>): () => void {
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (attempt > 0) focusFirstInvalid(ref.current);
  }, [attempt]);
  return () => setAttempt((n) => n + 1);
}
