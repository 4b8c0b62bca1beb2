// Stand-ins for services whose implementation is missing from a build: every call is a typed error, so
// the rest of the worker (settings, orders list, menus) keeps working and the page can say what is missing.
import { KeysmithError } from "../core/errors";

export function unavailable<T extends object>(service: string): T {
  return new Proxy({} as T, {
    get: (_target, prop) => {
      if (prop === "then") return undefined; // not a thenable
      return async () => {
        throw new KeysmithError("worker.service_unavailable", { params: { service } });
      };
    },
  });
}
