// What each profile signs with. A profile of kind accessKey / sts has its own credential store
// (credentials.ts: the sealed record whose id is the profile's, in the vault database, locked with the
// vault). A role profile has none: its CredentialSource is src/core/aliyun/sts.ts cachedRoleCredentials
// over AssumeRole, signed by a client of its source profile (its settings and credentials, which may be a
// role itself: profile-store.ts checkRoleChain refuses loops). The temporary credentials live in this
// worker's memory only and are obtained again before they expire; a stopped worker or a change of the
// profile forgets them, and so does a change of the profile they were obtained with (its credentials set or
// cleared, or the profile saved or deleted: every role whose chain of sources leads to it). A locked vault
// locks the role too: its source cannot sign AssumeRole.
import type { CredentialSource } from "../../core/aliyun/client";
import { assumeRole, cachedRoleCredentials, type RoleCredentialSource } from "../../core/aliyun/sts";
import { fail, isKeysmithError } from "../../core/errors";
import type { CredentialsStatus } from "../../messages";
import type { CloudPort } from "../cloud-port";
import { createCredentialStore, type CredentialStore } from "../credentials";
import type { CredentialService } from "../services";
import { sharedVaultLock, type VaultLock } from "../vault/lock";
import type { ProfileStore, StoredProfile } from "./profile-store";

export interface ProfileCredentials extends CredentialService {
  /** What profile `profileId` signs with (its own store, or its role's temporary credentials). */
  source(profileId: string): CredentialSource;
  forget(profileId: string): void;
}

const roleKey = (p: StoredProfile) => (p.role ? JSON.stringify([p.role.roleArn, p.role.sourceProfileId, p.role.roleSessionName, p.role.durationSeconds]) : "");

export function createProfileCredentials(options: {
  profiles: ProfileStore;
  /** A client for a profile (its settings and source()): AssumeRole of a role profile goes through its source's. */
  cloudFor: (profileId: string) => Promise<CloudPort>;
  lock?: VaultLock;
  subtle?: SubtleCrypto;
  now?: () => Date;
  /** A credential store for a profile (default: credentials.ts over the shared vault lock). */
  storeFor?: (profileId: string) => CredentialStore;
}): ProfileCredentials {
  const stores = new Map<string, CredentialStore>();
  const store = (profileId: string): CredentialStore => {
    let s = stores.get(profileId);
    if (!s) {
      s = options.storeFor?.(profileId) ?? createCredentialStore({ profileId, ...(options.lock ? { lock: options.lock } : {}), ...(options.subtle ? { subtle: options.subtle } : {}) });
      stores.set(profileId, s);
    }
    return s;
  };
  interface RoleEntry {
    key: string;
    /** The profile whose client signs AssumeRole. */
    sourceId: string;
    source: RoleCredentialSource;
    expiresAt?: string;
  }
  const roles = new Map<string, RoleEntry>();
  /** Forgets the temporary credentials of `profileId` and of every role obtained through it (directly or chained). */
  const forget = (profileId: string): void => {
    const gone = [profileId];
    for (let i = 0; i < gone.length; i++) {
      for (const [id, entry] of roles) if (entry.sourceId === gone[i] && !gone.includes(id)) gone.push(id);
    }
    for (const id of gone) {
      roles.get(id)?.source.clear();
      roles.delete(id);
    }
  };
  // The vault locking (or its passphrase changing) forgets every role's temporary credentials, as the
  // credential stores forget their unwrapped keys.
  const lock = (): VaultLock => options.lock ?? sharedVaultLock();
  lock().onChange(() => {
    for (const entry of roles.values()) entry.source.clear();
    roles.clear();
  });

  function roleSource(profile: StoredProfile): RoleCredentialSource {
    const role = profile.role!;
    const key = roleKey(profile);
    const held = roles.get(profile.id);
    if (held && held.key === key) return held.source;
    const entry: RoleEntry = {
      key,
      sourceId: role.sourceProfileId,
      source: cachedRoleCredentials(
        async () => {
          const client = (await options.cloudFor(role.sourceProfileId)).client;
          const temp = await assumeRole(client, { roleArn: role.roleArn, roleSessionName: role.roleSessionName, durationSeconds: role.durationSeconds });
          entry.expiresAt = temp.expiration;
          return temp;
        },
        { roleArn: role.roleArn, profile: profile.name },
        options.now ? { now: options.now } : {},
      ),
    };
    roles.set(profile.id, entry);
    return entry.source;
  }

  const profileOf = async (profileId?: string) => (profileId ? options.profiles.get(profileId) : options.profiles.selected());
  /** accessKey / sts only: a role profile has no credentials of its own to set. */
  const ownProfile = async (profileId?: string) => {
    const profile = await profileOf(profileId);
    if (profile.role) fail("profile.role.no_own_credentials", "profileId", { profile: profile.name });
    return profile;
  };

  return {
    source: (profileId) => ({
      async signingCredentials() {
        const profile = await options.profiles.get(profileId);
        if (!profile.role) {
          return store(profile.id).signingCredentials().catch((err: unknown) => {
            // The store's api.credentials.missing speaks of the command line's environment variables; here the
            // user saves an AccessKey in the options, for this profile (a role's source names its own).
            if (isKeysmithError(err) && err.code === "api.credentials.missing") fail("api.credentials.not_saved", "AccessKey", { profile: profile.name });
            throw err;
          });
        }
        await lock().protection(); // locked: vault.locked, even while temporary credentials are held
        return roleSource(profile).signingCredentials();
      },
    }),
    async set(input, profileId) {
      const profile = await ownProfile(profileId);
      const status = await store(profile.id).set(input);
      forget(profile.id); // roles assumed with the old credentials
      return status;
    },
    async clear(profileId) {
      const profile = await profileOf(profileId);
      const status = await store(profile.id).clear();
      forget(profile.id);
      return status;
    },
    async status(profileId): Promise<CredentialsStatus> {
      const profile = await profileOf(profileId);
      if (!profile.role) return store(profile.id).status();
      // A role signs with its source: configured when the source is (following a chain of roles).
      const source = await this.status(profile.role.sourceProfileId).catch(() => undefined);
      const expiresAt = roles.get(profile.id)?.expiresAt;
      return { configured: source?.configured ?? false, accessKeyIdHint: "", hasSecurityToken: expiresAt !== undefined, ...(expiresAt ? { securityTokenExpiresAt: expiresAt } : {}) };
    },
    forget,
  };
}
