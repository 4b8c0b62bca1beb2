// The real services over the other parts of the project: the key vault (src/background/vault), the core's
// CSR inspection (src/core/csr), the credential store (credentials.ts) and the signed client (src/core/aliyun/client.ts).
import type { Platform } from "../platform/platform";
import { createCredentialStore } from "./credentials";
import { cloudForSettings } from "./cloud";
import { coreCsrService } from "./csr-inspect";
import { createOrderStore, OPEN_STATES } from "./orders/order-store";
import type { Services } from "./services";
import { createSettingsStore } from "./settings-store";
import { createVaultKeys } from "./vault-keys";

export function createServices(platform: Platform): Services {
  const settings = createSettingsStore(platform.storage);
  const orders = createOrderStore(platform.storage);
  const credentials = createCredentialStore();
  const keys = createVaultKeys({
    csr: coreCsrService,
    openOrderIds: async () => new Set((await orders.list()).filter((o) => OPEN_STATES.has(o.state)).map((o) => o.id)),
  });
  return {
    keys,
    csr: coreCsrService,
    credentials,
    cloud: async (options) => {
      const current = await settings.get();
      return cloudForSettings(options?.region ? { ...current, kmsRegion: options.region } : current, credentials);
    },
  };
}
