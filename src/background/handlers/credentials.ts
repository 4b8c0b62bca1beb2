// credentials.*: the secret goes in once and never comes back out (status shows a hint of the AccessKeyId
// only); "test" makes one signed read (DescribePackageState) and reports success or the reason.
import type { Handler } from "../router";
import { toErrorData } from "../router";
import type { Services } from "../services";
import type { SettingsStore } from "../settings-store";

export function credentialHandlers(services: Services, settings: SettingsStore) {
  const handlers: {
    "credentials.set": Handler<"credentials.set">;
    "credentials.clear": Handler<"credentials.clear">;
    "credentials.status": Handler<"credentials.status">;
    "credentials.test": Handler<"credentials.test">;
  } = {
    "credentials.set": (p) => services.credentials.set(p),
    "credentials.clear": () => services.credentials.clear(),
    "credentials.status": () => services.credentials.status(),
    "credentials.test": async () => {
      try {
        const cloud = await services.cloud();
        const s = await settings.get();
        return { ok: true, packages: await cloud.describePackageState(s.contact.productCode || undefined) };
      } catch (err) {
        return { ok: false, error: toErrorData(err) };
      }
    },
  };
  return handlers;
}
