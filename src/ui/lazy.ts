// A module loaded on demand: at once when `needed`, otherwise once the page is idle after its first render,
// so a tab opens without waiting while the first paint does not pay for it.
import { useEffect, useState } from "preact/hooks";

export function useLazyModule<M>(load: () => Promise<M>, needed: boolean): M | undefined {
  const [mod, setMod] = useState<M | undefined>(undefined);
  useEffect(() => {
    if (mod) return;
    let cancelled = false;
    const go = () => void load().then((m) => { if (!cancelled) setMod(() => m); });
    if (needed) go();
    else {
      const idle = (globalThis as { requestIdleCallback?: (cb: () => void) => number }).requestIdleCallback;
      const handle = idle ? idle(go) : setTimeout(go, 50);
      return () => { cancelled = true; if (!idle) clearTimeout(handle as ReturnType<typeof setTimeout>); };
    }
    return () => { cancelled = true; };
  }, [needed, mod]);
  return mod;
}
