// The vault's public surface for the worker.
export { openVault, Vault, storedCertificate, MAX_LABEL_LENGTH } from "./vault";
export type { VaultOptions, CreateKeyRequest, VaultCsrRequest, CsrMadeInVault, PlainPemKind } from "./vault";
export type { VaultKey, KeyState, StoredCertificate } from "./records";
export { KEY_STATES } from "./records";
export { VAULT_DB_NAME, VAULT_DB_VERSION } from "./schema";
export { EXPORT_FORMATS, exportKey, exportBackup, exportBaseName, backupFileName } from "./export-formats";
