// The real services over the other parts of the project. Parts not yet in this build answer with the
// typed "service unavailable" error (unavailable.ts) rather than breaking the worker.
import type { Platform } from "../platform/platform";
import type { Services } from "./services";
import { unavailable } from "./unavailable";

export function createServices(_platform: Platform): Services {
  return {
    keys: unavailable("vault"),
    csr: unavailable("csr"),
    credentials: unavailable("credentials"),
    cloud: async () => unavailable("cloud"),
  };
}
