// account.*: the account-wide expiry watch (src/background/lifecycle/account-watch.ts), read with the
// worker's signed client; without stored credentials it answers `configured: false` and sends nothing.
import type { Handler } from "../router";
import type { Services } from "../services";
import { watchAccount } from "../lifecycle/account-watch";

export function accountHandlers(services: Services, now: () => Date) {
  const handlers: { "account.watch": Handler<"account.watch"> } = {
    "account.watch": async () => watchAccount(services, now()),
  };
  return handlers;
}
