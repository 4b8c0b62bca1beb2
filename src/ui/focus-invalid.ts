// After a failed submit, the first field marked invalid (aria-invalid="true", set by src/ui/fields.tsx when a
// field shows its error) takes the focus and is brought into view, so the error is where the user is looking.
import type { RefObject } from "preact";
import { useEffect, useState } from "preact/hooks";

/** Focus and scroll to the first invalid field under `root`; false when there is none. */
export function focusFirstInvalid(root: ParentNode | null | undefined): boolean {
  const field = root?.querySelector<HTMLElement>('[aria-invalid="true"]');
  if (!field) return false;
  field.focus({ preventScroll: true });
  field.scrollIntoView({ block: "center" });
  return true;
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
