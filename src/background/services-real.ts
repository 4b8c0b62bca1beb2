// The real services over the other parts of the project: the key vault (src/background/vault), the core's
// CSR inspection (src/core/csr), the credential store (credentials.ts, one sealed record per profile), the
// profiles (profiles/profile-store.ts) and the signed client (src/core/aliyun/client.ts).
import { hmacKeysFromSecret } from "../core/aliyun/hmac";
import { staticCredentials } from "../core/aliyun/client";
import { profileOrDefault } from "../messages";
import type { Platform } from "../platform/platform";
import { cloudForSettings } from "./cloud";
import { coreCsrService } from "./csr-inspect";
import { createOrderStore, OPEN_STATES } from "./orders/order-store";
import { createProfileCredentials } from "./profiles/profile-credentials";
import { settingsOf } from "./profiles/profile-store";
import type { Services } from "./services";
import type { SettingsStore } from "./settings-store";
import { createVaultKeys } from "./vault-keys";

/**
 * `settings`: the store the worker uses too (main.ts builds one for both), so one profile store with one
 * queue reads, writes and migrates the profiles.
 */
export function createServices(platform: Platform, settings: SettingsStore): Services {
  const orders = createOrderStore(platform.storage);
  const credentials = createProfileCredentials({ profiles: settings.profiles, cloudFor: (profileId) => cloud({ profileId }) });
  const keys = createVaultKeys({
    csr: coreCsrService,
    openOrderIds: async () => new Set((await orders.list()).filter((o) => OPEN_STATES.has(o.state)).map((o) => o.id)),
    orderProfiles: async () => new Map((await orders.list()).filter((o) => o.state === "issued").map((o) => [o.id, profileOrDefault(o.profileId)])),
  });
  const cloud: Services["cloud"] = async (options) => {
    const profile = options?.profileId ? await settings.profiles.get(options.profileId) : await settings.profiles.selected();
    const current = settingsOf(await settings.globals(), profile); // settings.forProfile(profile.id), without a second read of the profiles
    return cloudForSettings(options?.region ? { ...current, kmsRegion: options.region } : current, credentials.source(profile.id));
  };
  return {
    keys,
    csr: coreCsrService,
    credentials,
    cloud,
    draftCloud: async (draft, given, profileId) => {
      // A secret from the form: HMAC keys for this one client, never stored; else the profile's own.
      const source = given
        ? staticCredentials({ accessKeyId: given.accessKeyId, hmac: await hmacKeysFromSecret(given.accessKeySecret), ...(given.securityToken ? { securityToken: given.securityToken } : {}) })
        : credentials.source(profileId ?? (await settings.profiles.selected()).id);
      return cloudForSettings(draft, source);
    },
  };
}
