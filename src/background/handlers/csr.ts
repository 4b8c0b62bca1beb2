// csr.*: a new key + CSR (or a new CSR for a key the vault holds) made in the worker, and the decoded
// view + lint findings of any CSR, rendered in the asker's language.
import type { Handler } from "../router";
import type { Services } from "../services";

export function csrHandlers(services: Services, onKeysChanged: () => Promise<void>) {
  const handlers: {
    "csr.create": Handler<"csr.create">;
    "csr.inspect": Handler<"csr.inspect">;
  } = {
    "csr.create": async (p, ctx) => {
      const made = await services.keys.createCsr(p, ctx.locale);
      await onKeysChanged(); // "Insert CSR" lists the new CSR
      return made;
    },
    "csr.inspect": (p, ctx) => services.csr.inspect(p.csrPem, p.operation, ctx.locale),
  };
  return handlers;
}
