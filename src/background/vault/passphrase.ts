// The vault.* operations over a VaultLock: set, change and remove the passphrase (each one re-encryption,
// rekey.ts), unlock, lock, and the lock policy. The handler (src/background/handlers/vault.ts) is a thin
// layer over these; unit tests call them directly.
import { KeysmithError } from "../../core/errors";
import type { LockPolicy, VaultStatus } from "../../messages";
import { importPassphraseKey, newPassphraseProtection, type Protection, type VaultLock } from "./lock";
import { rekeyVault } from "./rekey";

/** Set a first passphrase, or change it (`current` must be the present one). Everything is re-encrypted. */
export async function setVaultPassphrase(lock: VaultLock, request: { passphrase: string; current?: string }): Promise<VaultStatus> {
  await lock.serial(async () => {
    const record = await lock.passphraseRecord();
    let from: Protection = { kind: "device" };
    if (record) {
      if (request.current === undefined) throw new KeysmithError("vault.passphrase.current_required", { field: "current" });
      const raw = await lock.verify(record, request.current, "current");
      from = { kind: "passphrase", key: await importPassphraseKey(lock.crypto, raw), record };
      raw.fill(0);
    }
    const { protection, raw } = await newPassphraseProtection(lock.crypto, request.passphrase, lock.iterations);
    try {
      await rekeyVault(lock, from, { protection, raw });
    } finally {
      raw.fill(0);
    }
  });
  return lock.status();
}

/** Remove the passphrase: everything goes back under a new device wrapping key. */
export async function removeVaultPassphrase(lock: VaultLock, current: string): Promise<VaultStatus> {
  await lock.serial(async () => {
    const record = await lock.passphraseRecord();
    if (!record) throw new KeysmithError("vault.passphrase.none", { field: "current" });
    const raw = await lock.verify(record, current, "current");
    const from: Protection = { kind: "passphrase", key: await importPassphraseKey(lock.crypto, raw), record };
    raw.fill(0);
    await rekeyVault(lock, from, { protection: { kind: "device" } });
  });
  return lock.status();
}

export async function unlockVault(lock: VaultLock, passphrase: string): Promise<VaultStatus> {
  await lock.unlock(passphrase);
  return lock.status();
}

export async function lockVault(lock: VaultLock): Promise<VaultStatus> {
  await lock.lock();
  return lock.status();
}

export async function setVaultLockPolicy(lock: VaultLock, policy: LockPolicy): Promise<VaultStatus> {
  await lock.setLockPolicy(policy);
  return lock.status();
}
