// vault.*: the vault passphrase and lock (src/background/vault/lock.ts, passphrase.ts). Nothing returned
// here holds a key or a passphrase: only VaultStatus. After an unlock (or a first passphrase, which leaves
// the vault unlocked) `onUnlocked` lets the order follower and the pending creates carry on.
import type { Handler } from "../router";
import type { VaultLock } from "../vault/lock";
import { lockVault, removeVaultPassphrase, setVaultLockPolicy, setVaultPassphrase, unlockVault } from "../vault/passphrase";

export function vaultHandlers(lock: VaultLock, onUnlocked: () => Promise<void>) {
  const unlocked = async <T>(value: T): Promise<T> => {
    await onUnlocked().catch(() => undefined);
    return value;
  };
  const handlers: {
    "vault.status": Handler<"vault.status">;
    "vault.setPassphrase": Handler<"vault.setPassphrase">;
    "vault.unlock": Handler<"vault.unlock">;
    "vault.lock": Handler<"vault.lock">;
    "vault.removePassphrase": Handler<"vault.removePassphrase">;
    "vault.setLockPolicy": Handler<"vault.setLockPolicy">;
  } = {
    "vault.status": () => lock.status(),
    "vault.setPassphrase": async (p) => unlocked(await setVaultPassphrase(lock, p)),
    "vault.unlock": async (p) => unlocked(await unlockVault(lock, p.passphrase)),
    "vault.lock": () => lockVault(lock),
    "vault.removePassphrase": async (p) => unlocked(await removeVaultPassphrase(lock, p.current)),
    "vault.setLockPolicy": (p) => setVaultLockPolicy(lock, p.policy),
  };
  return handlers;
}
