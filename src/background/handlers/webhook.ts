// webhook.*: the options page's webhook (src/background/notify/webhook-notifier.ts).
import type { Handler } from "../router";
import type { WebhookNotifier } from "../notify/webhook-notifier";

export function webhookHandlers(webhook: WebhookNotifier) {
  const handlers: {
    "webhook.get": Handler<"webhook.get">;
    "webhook.set": Handler<"webhook.set">;
    "webhook.test": Handler<"webhook.test">;
  } = {
    "webhook.get": () => webhook.get(),
    "webhook.set": (p) => webhook.set(p),
    "webhook.test": () => webhook.test(),
  };
  return handlers;
}
