// One pattern for every button that asks the worker something: busy while it runs, the error (as
// ErrorData, rendered in the page's language) if it fails, the result if it succeeds.
import { useCallback, useRef, useState } from "preact/hooks";
import { isKeysmithError, type ErrorData } from "../core/errors";

export function toErrorData(err: unknown): ErrorData {
  if (isKeysmithError(err)) return err.toData();
  const detail = err instanceof Error ? err.message : String(err);
  return { code: "ui.unexpected", params: { detail }, message: detail };
}

export interface Action<A extends unknown[], R> {
  run: (...args: A) => Promise<R | undefined>;
  busy: boolean;
  error: ErrorData | null;
  result: R | undefined;
  reset: () => void;
}

export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): Action<A, R> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const [result, setResult] = useState<R | undefined>(undefined);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const run = useCallback(async (...args: A) => {
    setBusy(true);
    setError(null);
    try {
      const value = await fnRef.current(...args);
      setResult(() => value);
      return value;
    } catch (err) {
      setError(toErrorData(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  const reset = useCallback(() => {
    setError(null);
    setResult(undefined);
  }, []);
  return { run, busy, error, result, reset };
}
