// The vault's public surface for the worker.
export { openVault, Vault, MAX_LABEL_LENGTH } from "./vault";
export { storedCertificate } from "./records";
export type { VaultOptions, CreateKeyRequest, ImportIssuedKeyRequest, VaultCsrRequest, CsrMadeInVault, PlainPemKind } from "./vault";
export type { VaultKey, KeyState, KeyOrigin, StoredCertificate } from "./records";
export { KEY_STATES, KEY_ORIGINS } from "./records";
export { VAULT_DB_NAME, VAULT_DB_VERSION } from "./schema";
export { EXPORT_FORMATS, exportKey, exportBackup, exportBaseName, backupFileName } from "./export-formats";
