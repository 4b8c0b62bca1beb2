// THE message protocol between the extension's pages (popup, options) and the background worker.
// Every request is `{ type, payload }`; every reply is `{ ok: true, value } | { ok: false, error }` with the
// error as plain data (MV3 messaging turns thrown errors into bare strings and cannot carry CryptoKeys, so
// keys travel as ids and errors as `ErrorData`). The worker validates every payload against
// src/background/payload-schemas.ts before a handler sees it. Documented in docs/messages.md.
//
// This file is imported by pages: keep it types + one tiny client, nothing heavy.
import { KeysmithError, type ErrorData } from "./core/errors";
import type { ExtKeyUsageName, KeyUsageName } from "./core/csr/usages";
import type { KeySpecId } from "./core/key-spec";
import type { SubjectFields } from "./core/subject";
import { DEFAULT_DV_PRODUCT_CODE } from "./core/aliyun/product-codes";
import { DEFAULT_DURATION_SECONDS, MAX_DURATION_SECONDS, MIN_DURATION_SECONDS } from "./core/aliyun/operations/sts";
import type { RenewalPolicy, RenewalPolicyInput } from "./core/lifecycle/renewal";
import type { WatchRow, WatchSourceError } from "./core/lifecycle/watch";

// Types only: the pages get the core's names without its code.
export type { ExtKeyUsageName, KeyUsageName, KeySpecId, SubjectFields, RenewalPolicy, RenewalPolicyInput };

// ---------------------------------------------------------------------------------------------------------
// Shared data shapes (all plain JSON: safe to postMessage, never private key material or secrets)

export const KEY_SPEC_IDS: readonly KeySpecId[] = ["RSA_2048", "RSA_3072", "RSA_4096", "EC_P256", "EC_P384", "EC_SM2"];

export const SUBJECT_FIELD_NAMES = ["CN", "O", "OU", "C", "ST", "L", "emailAddress"] as const;

export type KeyState = "csr" | "ordered" | "issued" | "expired";
/** Where a key's private half was made: here, or by the cloud (a cas CreateCertificateRequest order). */
export type KeyOrigin = "local" | "cloud";

export interface CertificateView {
  /** Leaf then chain, PEM. */
  pem: string;
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string; // ISO 8601
  notAfter: string; // ISO 8601
  sans: string[];
  fingerprintSha256: string;
}

/**
 * A certificate about to be imported (`keys.previewCertificate`, the context menu's "Import certificate"):
 * what it is, the key it pairs with, and the certificate it would replace. Nothing is stored until
 * `keys.importCertificate` with `confirm: true` (and `acceptIssuerChange: true` when `issuerChanged`).
 */
export interface CertificatePreview {
  subject: string;
  commonName: string;
  sans: string[];
  issuer: string;
  serial: string;
  notBefore: string; // ISO 8601
  notAfter: string; // ISO 8601
  fingerprintSha256: string;
  /** Certificates after the leaf. */
  chainLength: number;
  /** The vault key whose public key the leaf's is (absent: none found). */
  key?: { id: string; label: string; commonName: string };
  /** The key's current certificate when this one would replace it. */
  replaces?: { issuer: string; notAfter: string; fingerprintSha256: string };
  /** `replaces` has another issuer than this certificate. */
  issuerChanged: boolean;
  /** This is already the key's certificate. */
  sameCertificate: boolean;
}

/** A vault record as pages see it. */
export interface KeyView {
  id: string;
  label: string;
  spec: KeySpecId;
  exportable: boolean;
  /** "cloud": made by Alibaba Cloud and imported with its certificate; absent or "local": made here. */
  origin?: KeyOrigin;
  createdAt: string; // ISO 8601
  state: KeyState;
  subject: string; // DN text, "" when the key has no CSR yet
  commonName: string;
  sans: string[];
  csrPem?: string;
  orderIds: string[]; // local order ids (OrderView.id)
  openOrders: number;
  certificate?: CertificateView;
  notAfter?: string;
  /** The profile of the order whose certificate the key was paired with (absent: none, or "default"). */
  profileId?: string;
}

export interface LintFinding {
  severity: "error" | "warning" | "info";
  code: string;
  field?: string;
  params: Record<string, string | number>;
  /** Rendered in the requested locale by the worker. */
  message: string;
}

export interface CsrInspection {
  subject: string;
  /** The subject as form fields (first value of each of the seven; other attributes are not in it): a renewal form starts from it. */
  subjectFields?: SubjectFields;
  sans: string[];
  keySpec?: KeySpecId;
  signatureAlgorithm: string;
  signatureValid: boolean;
  /** keyUsage bits the CSR requests (RFC 5280 names), absent when it requests none. */
  keyUsage?: string[];
  /** extKeyUsage purposes it requests (serverAuth, clientAuth, else the OID), absent when none. */
  extKeyUsage?: string[];
  findings: LintFinding[];
}

export interface CsrMade {
  key: KeyView;
  csrPem: string;
  inspection: CsrInspection;
}

export type ExportFormat =
  | "pkcs8-encrypted" // PBES2 PKCS#8 PEM (passphrase required)
  | "pkcs12" // .pfx with leaf + chain (passphrase required)
  | "pkcs12-legacy" // 3DES + SHA-1 MAC for old Windows/macOS
  | "pkcs8" // unencrypted: only with `unencrypted: true`
  | "pkcs1"
  | "sec1"
  | "pem-bundle" // key + leaf + chain, unencrypted
  | "certificate"; // leaf + chain PEM (no key; allowed for every key)

export interface ExportResult {
  filename: string;
  /** Text formats as text; binary (PKCS#12) as base64 with `binary: true`. */
  data: string;
  binary: boolean;
  mediaType: string;
}

/** Which API an order went through. */
export type OrderOperation =
  | "CreateCertificateWithCsrRequest"
  | "CreateCertificateRequest"
  | "CreateCsr"
  | "KmsCreateCertificate";

/**
 * Local state of an order. cas `DescribeCertificateState.Type` maps: payed → submitted, domain_verify →
 * validation, process → review, verify_fail → failed, certificate → issued; KMS certificates are
 * `pending_csr` until a certificate is uploaded for them.
 */
export type OrderState =
  | "submitted"
  | "validation"
  | "review"
  | "issued"
  | "failed"
  | "cancelled"
  | "csr_ready" // cas CreateCsr: a cloud-made CSR is ready
  | "pending_csr" // KMS CreateCertificate: CSR returned, waiting for an uploaded certificate
  | "unknown";

export type ValidationRecord =
  | { type: "DNS"; recordType: string; recordDomain: string; recordValue: string; domain: string }
  | { type: "FILE"; domain: string; uri: string; content: string };

export interface OrderView {
  /** Local id; stable across restarts. */
  id: string;
  operation: OrderOperation;
  /** cas OrderId, a 17-digit number kept as a string end to end. */
  orderId?: string;
  /** cas CreateCsr CsrId or KMS CertificateId. */
  cloudId?: string;
  domain: string;
  state: OrderState;
  /**
   * The vault key the certificate is paired with: the key of a CSR made here, or for a CreateCertificateRequest
   * the key the cloud made, imported into the vault once issued (it never travels in a message).
   */
  keyId?: string;
  validation?: ValidationRecord;
  /** DNS record added through Alidns for the validation, if any. */
  dnsRecordId?: string;
  /** The validation record was deleted from Alidns after issuance (an automatic renewal's clean-up). */
  dnsRecordRemoved?: boolean;
  /** cas CertId of this order's certificate uploaded with its key (UploadUserCertificate, an automatic renewal). */
  casCertId?: string;
  csrPem?: string;
  certificatePem?: string;
  error?: ErrorData;
  createdAt: string;
  updatedAt: string;
  /** When the follower looks next (ISO), absent when the order needs nothing more. */
  nextCheckAt?: string;
  /** A DV order placed for a cloud CSR: the local id of the KMS / cas CreateCsr order whose CSR it carries. */
  parentId?: string;
  /** On that KMS / cas CreateCsr order: the local id of the DV order placed for its CSR (the latest one). */
  childId?: string;
  /**
   * Issued by an endpoint that is not Alibaba Cloud (an override whose host is not `*.aliyuncs.com`): nothing
   * was imported into the vault. The popup asks; `orders.confirmImport` fetches the order again from that
   * endpoint and imports, `orders.declineImport` records the answer. No key is ever kept here.
   */
  importPending?: ImportPending;
  /** The profile the order was placed under (absent: "default"); it is followed with that profile's credentials and settings. */
  profileId?: string;
}

/** What an order from a non-Alibaba endpoint would put into the vault, waiting for the user's answer. */
export interface ImportPending {
  /** The origin that answered (the settings' endpoint override when the order was looked at). */
  endpoint: string;
  /** "key": the private key the cloud made and its certificate (CreateCertificateRequest); "certificate": a certificate for a key made here. */
  what: "key" | "certificate";
  /** The user chose "Don't import"; the card still offers Import. */
  declined?: boolean;
}

export interface Contact {
  username: string;
  email: string;
  phone: string;
  validateType: "DNS" | "FILE";
  productCode?: string;
}

export interface PackageState {
  productCode: string;
  totalCount: number;
  usedCount: number;
  issuedCount: number;
}

export type Site = "cn" | "intl";
export type SignatureVersion = "v1" | "v3";
export interface Settings {
  site: Site;
  kmsRegion: string;
  /** "" = the cloud; otherwise an origin such as http://127.0.0.1:8787 (the local emulator). */
  endpoint: string;
  signatureVersion: SignatureVersion;
  language: "auto" | "en" | "zh_CN";
  defaultSubject: SubjectFields;
  contact: Partial<Contact>;
  /** Orders followed in the background (alarms). */
  followOrders: boolean;
  /** Days before notAfter when an "expiring" notification is raised. */
  expiryWarningDays: number;
  /**
   * Minutes the worker keeps looking by itself for the result of a create whose answer was lost
   * (src/background/orders/creates.ts); after that a pending create waits for "Check again" or "Place it anyway".
   */
  reconcileMinutes: number;
  /**
   * "" (default): a key or certificate returned by an endpoint override that is not Alibaba Cloud is imported
   * only after the user confirms it on its order. Otherwise the origin of the endpoint for which the user
   * chose to import without asking: honoured only while it equals `endpoint`, and reset when the endpoint
   * changes (src/background/settings-store.ts).
   */
  autoImportEndpoint: string;
}

/** Bounds of `Settings.reconcileMinutes` (the worker's payload schema and the options page check them). */
export const RECONCILE_MINUTES = { min: 1, max: 1440, default: 10 } as const;

/** What the worker stores before the user changes anything, and what pages assume until it answers. */
export const DEFAULT_SETTINGS: Readonly<Settings> = {
  site: "cn",
  kmsRegion: "cn-hangzhou",
  endpoint: "",
  signatureVersion: "v3",
  language: "auto",
  defaultSubject: {},
  contact: { validateType: "DNS", productCode: DEFAULT_DV_PRODUCT_CODE },
  followOrders: true,
  expiryWarningDays: 30,
  reconcileMinutes: RECONCILE_MINUTES.default,
  autoImportEndpoint: "",
};

export interface CredentialsStatus {
  configured: boolean;
  /** First and last characters of the AccessKeyId, e.g. "LTAI…x9Zq"; never the secret. */
  accessKeyIdHint: string;
  hasSecurityToken: boolean;
  securityTokenExpiresAt?: string;
}

export interface CredentialsTestResult {
  ok: boolean;
  /** On success: the package state seen; on failure: the reason as a typed error. */
  packages?: PackageState[];
  error?: ErrorData;
}

/**
 * Profiles (src/background/profiles/): each one an Alibaba Cloud account (or role) with its own credentials
 * and the settings that belong to an account. How a profile signs:
 * "accessKey": its own AccessKey (credentials.set with its profileId); "sts": its own STS token with an expiry
 * (credentials.set with securityToken); "role": STS AssumeRole of `roleArn`, signed with the credentials of
 * `sourceProfileId`, the temporary credentials kept in memory only. Never a secret in any of these shapes.
 */
export type ProfileKind = "accessKey" | "sts" | "role";

/** The contact a profile's orders use by default (its product is the profile's `defaultProduct`). */
export type ProfileContact = Partial<Omit<Contact, "productCode">>;

/** A RAM role a profile assumes. */
export interface ProfileRole {
  /** acs:ram::<account>:role/<name> */
  roleArn: string;
  /** The profile whose credentials sign AssumeRole (not a role leading back to this one). */
  sourceProfileId: string;
  /** RoleSessionName: 2–64 of [A-Za-z0-9.@_-]. */
  roleSessionName: string;
  /** DurationSeconds: 900–43200. */
  durationSeconds: number;
}

/** Bounds of ProfileRole.durationSeconds, and a new role's value: STS AssumeRole's (src/core/aliyun/operations/sts.ts). */
export const ROLE_DURATION_SECONDS = { min: MIN_DURATION_SECONDS, max: MAX_DURATION_SECONDS, default: DEFAULT_DURATION_SECONDS } as const;
/** The profile existing settings and credentials became, and the one records without a profileId belong to. */
export const DEFAULT_PROFILE_ID = "default";

/** The profile of a record whose profileId may be absent (made before profiles): that id, else DEFAULT_PROFILE_ID. */
export const profileOrDefault = (profileId: string | undefined): string => profileId ?? DEFAULT_PROFILE_ID;

/** A profile as pages see it (`profile.list`): no secret, no token. */
export interface ProfileView {
  id: string;
  name: string;
  kind: ProfileKind;
  /** "LTAI…x9Zq" of its own AccessKey (accessKey / sts), "" for a role or when none is stored. */
  accessKeyIdHint: string;
  /** kind "role" only. */
  roleArn?: string;
  sourceProfileId?: string;
  roleSessionName?: string;
  durationSeconds?: number;
  site: Site;
  kmsRegion: string;
  /** "" = the cloud; else an origin. */
  endpoint: string;
  signatureVersion: SignatureVersion;
  /** The endpoint's "import without asking" consent (Settings.autoImportEndpoint), for this profile's endpoint. */
  autoImportEndpoint: string;
  contact: ProfileContact;
  /** cas ProductCode its orders use by default. */
  defaultProduct: string;
  /** sts: the stored token's expiry; role: the cached temporary credentials' expiry (absent: none cached). */
  tokenExpiresAt?: string;
  /** accessKey / sts: credentials are stored; role: its source profile is configured. */
  configured: boolean;
}

export interface ProfileList {
  profiles: ProfileView[];
  selectedId: string;
}

/**
 * `profile.save`: without `id` a new profile (fields left out take the defaults), with `id` an update of that
 * profile (fields left out keep their value). `name` is required either way: non-empty, unique (case-insensitive).
 * `role`: an object makes it a role profile, null makes it sign with its own credentials again, absent keeps it.
 */
export interface ProfileSaveRequest {
  id?: string;
  name: string;
  site?: Site;
  kmsRegion?: string;
  endpoint?: string;
  signatureVersion?: SignatureVersion;
  autoImportEndpoint?: string;
  contact?: ProfileContact;
  defaultProduct?: string;
  role?: ProfileRole | null;
}

/**
 * `credentials.test` with `draft`: test what a form shows without saving it. The endpoint rules of
 * src/background/settings-store.ts checkEndpointSettings apply; without `accessKeyId` the stored credentials
 * of `profileId` (default: the selected profile) sign; a draft secret is used for this one call and never stored.
 */
export interface CredentialsDraft {
  site: Site;
  kmsRegion: string;
  endpoint: string;
  signatureVersion: SignatureVersion;
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
}

/** What a context-menu click asks the popup to open with. */
export interface PendingForm {
  action: "new-csr" | "inspect" | "submit-dv" | "import-certificate";
  names: string[];
  csrPem?: string;
  certificatePem?: string;
  /** The result when the worker already did the job (inspect, import). */
  inspection?: CsrInspection;
  /** import-certificate: the parsed certificate, imported only once the popup's card is confirmed. */
  certificate?: CertificatePreview;
  key?: KeyView;
  error?: ErrorData;
  createdAt: string;
}

// ---------------------------------------------------------------------------------------------------------
// The protocol: one entry per message type, `request` = payload, `reply` = the value of an ok reply.

/**
 * A create sent to the cloud whose result is not recorded yet (src/core/aliyun/write-ahead.ts `PendingCreate`,
 * kept by the worker in src/background/orders/pending-store.ts), as pages see it. `pending`: the call is under
 * way (or its worker stopped mid-call); `unknown`: no answer came, the worker looks for the result in the
 * cloud's list until `windowEndsAt`; `ambiguous`: more than one new item matches, the user chooses;
 * `committed`: answered, being recorded.
 */
export interface PendingCreateView {
  id: string;
  /** The API action: CreateCertificateWithCsrRequest, CreateCertificateRequest, CreateCsr, CreateCertificate (KMS), AddDomainRecord. */
  action: string;
  /** The local operation the result becomes (an order's `operation`), or "AddDomainRecord" / "UploadUserCertificate" (a renewal's upload to cas). */
  operation: OrderOperation | "AddDomainRecord" | "UploadUserCertificate";
  domain: string;
  state: "pending" | "committed" | "unknown" | "ambiguous";
  startedAt: string;
  /** Why the outcome is unknown: "timeout", "network", "HTTP 503 ServiceUnavailable"… */
  reason?: string;
  checks: number;
  lastCheckedAt?: string;
  /** The next automatic look (absent once the window is over or while ambiguous). */
  nextCheckAt?: string;
  windowEndsAt: string;
  /** True once automatic looks have stopped: "Check again" or "Place it anyway" are the user's. */
  windowOver: boolean;
  candidates?: { id: string; summary: Record<string, string> }[];
  /** The profile the create was sent under (absent: "default"). */
  profileId?: string;
}

/** What a look at a pending create found: the order it became, or the entry as it stands now. */
export interface PendingCheckResult {
  order?: OrderView;
  entry?: PendingCreateView;
}

/**
 * When an unlocked vault locks again by itself (src/background/vault/lock.ts). The key derived from the
 * passphrase is never written to disk, so the browser closing always locks, whatever the policy:
 * "browser-close" (default) keeps it unlocked until then or until Lock is pressed; "idle" also locks after
 * `minutes` without a key use or signed call; "manual" never locks by itself while the worker's memory and
 * storage.session hold the key (Lock, or the browser closing).
 */
export type LockPolicy = { kind: "browser-close" } | { kind: "idle"; minutes: number } | { kind: "manual" };
export const IDLE_LOCK_MINUTES = { min: 1, max: 1440 } as const;
/** The worker's floor for a passphrase that protects keys: vault, exports, backups (code points, not only spaces). */
export const PASSPHRASE_MIN_LENGTH = 10;
export const PASSPHRASE_MAX_LENGTH = 1024;

export interface VaultStatus {
  /** A vault passphrase is set: private keys and the AccessKey secret are stored only under it. */
  hasPassphrase: boolean;
  /** A passphrase is set and its key is not in memory: every key use and signed call answers `vault.locked`. */
  locked: boolean;
  lockPolicy: LockPolicy;
  /** Non-exportable keys made before the passphrase was set: browser-held CryptoKeys the passphrase cannot cover. */
  unprotectedKeys: number;
}

/**
 * Where a renewed certificate is deployed (src/core/lifecycle/deploy-targets.ts): one CDN or DCDN domain, or
 * every domain of that product in the account that the certificate's SANs cover; an SLB HTTPS listener
 * (`domain`: one of its SNI domain extensions) or an ALB HTTPS listener (its default certificate, or an
 * additional one), each in its `region` (one of src/options/endpoint.ts KMS_REGIONS, the manifest's slb./alb. hosts).
 */
export type DeployBinding =
  | { target: "cdn"; domain: string }
  | { target: "cdn"; auto: true }
  | { target: "dcdn"; domain: string }
  | { target: "dcdn"; auto: true }
  | { target: "slb"; loadBalancerId: string; port: number; domain?: string; region: string }
  | { target: "alb"; listenerId: string; default: boolean; region: string };

/** Steps of an automatic renewal (src/background/lifecycle/renewer.ts), stored so a restarted worker resumes. */
export type RenewalPhase = "key" | "ordered" | "issued" | "uploaded" | "deployed";

/** The renewal under way (or the last one) for a key, as pages see it. No key material. */
export interface RenewalProgressView {
  /** The certificate being replaced: its SHA-256 fingerprint. */
  replaces: string;
  phase: RenewalPhase;
  startedAt: string;
  /** The key the new certificate is for (the same key with policy key "reuse"). */
  newKeyId?: string;
  /** The local id of the DV order placed for it. */
  orderId?: string;
  /** cas CertId of the uploaded certificate. */
  casCertId?: string;
  /** Domains confirmed serving the new certificate. */
  deployed?: string[];
  failures: number;
  lastError?: ErrorData;
  /** The next attempt after a failure (src/core/lifecycle/renewal.ts retry backoff). */
  retryAt?: string;
  finishedAt?: string;
  /**
   * With the key's `deleteOldUpload`: the cas CertId of the previous upload Keysmith made for the certificate
   * this renewal replaces (the `casCertId` of that certificate's order), deleted once every deploy is
   * confirmed and no CDN domain of the account serves it. Absent: nothing to delete (the setting off, or no
   * upload of Keysmith's for the replaced certificate).
   */
  oldCasCertId?: string;
  /** true: deleted (or found already gone); false: not yet, tried again on a later tick (see oldUploadError). */
  oldUploadDeleted?: boolean;
  /** Why the old upload is still there: in use (`renewal.old_upload.in_use`), refused or failed. Never fails the renewal. */
  oldUploadError?: ErrorData;
  /** Failed delete attempts in a row (the same backoff as the renewal's). */
  oldUploadFailures?: number;
  /** The next delete attempt; absent with oldUploadDeleted false: given up (the upload is not one Keysmith made). */
  oldUploadRetryAt?: string;
}

/**
 * The account-wide expiry watch (`account.watch`, src/core/lifecycle/watch.ts): every certificate of the
 * account (cas orders and uploads, KMS, what CDN serves) with its days left and the CDN domains serving it.
 */
export interface AccountWatch {
  /** false: no credentials are stored; nothing was asked of the cloud and `rows` is empty. */
  configured: boolean;
  /** When the account was read (ISO 8601). */
  now: string;
  /** Soonest to expire first. */
  rows: AccountCertificate[];
  /** Sources (KMS, CDN) that could not be read; their certificates are missing from `rows`. */
  errors: AccountWatchError[];
}
export type AccountCertificate = WatchRow;
export type AccountWatchError = WatchSourceError;

/**
 * A key's renewal settings (`renewal.get` / `renewal.set`). Default: mode "off", nothing uploaded or deployed.
 * `uploadToCas` hands the private key to the user's Alibaba Cloud account (UploadUserCertificate); refused for
 * keys that cannot be exported.
 */
export interface KeyRenewal {
  keyId: string;
  policy: RenewalPolicy;
  uploadToCas: boolean;
  deploy: DeployBinding[];
  /**
   * After a renewal's deploys are confirmed, delete from cas the previous upload Keysmith made for the replaced
   * certificate once no CDN domain of the account serves it (DeleteUserCertificate). Default false; true only
   * with `uploadToCas` (`renewal.delete_old.needs_upload`).
   */
  deleteOldUpload: boolean;
  /** When the key's current certificate is due (absent: no certificate, or mode "off"). */
  dueAt?: string;
  progress?: RenewalProgressView;
  /** The profile the renewal orders, uploads and deploys under (absent: "default"); renewal.set records the selected one unless given. */
  profileId?: string;
}

/** The webhook of the options page ("Webhook notifications"; src/background/notify/webhook-notifier.ts). */
export type WebhookKindSetting = "off" | "dingtalk" | "feishu" | "wecom" | "generic";
/** One delivery: a test or a renewal outcome / expiry warning (the last one is kept and shown). */
export interface WebhookDeliveryView {
  at: string; // ISO 8601
  event: "expiring" | "renewed" | "renewal_failed" | "deploy_failed" | "test";
  ok: boolean;
  attempts: number;
  error?: ErrorData;
}
/** The stored webhook as pages see it: never the signing secret, only whether one is stored. */
export interface WebhookView {
  kind: WebhookKindSetting;
  url: string;
  format?: "text" | "markdown";
  hasSecret: boolean;
  last?: WebhookDeliveryView;
}
/** `webhook.set`: an absent `secret` keeps the stored one (same kind); `clearSecret` removes it; kind "off" removes all. */
export interface WebhookSetRequest {
  kind: WebhookKindSetting;
  url: string;
  secret?: string;
  clearSecret?: boolean;
  format?: "text" | "markdown";
}

export interface Protocol {
  // the vault lock
  "vault.status": { request: Record<string, never>; reply: VaultStatus };
  /** Set (no passphrase yet) or change (`current` required) the vault passphrase; everything is re-encrypted. */
  "vault.setPassphrase": { request: { passphrase: string; current?: string }; reply: VaultStatus };
  "vault.unlock": { request: { passphrase: string }; reply: VaultStatus };
  "vault.lock": { request: Record<string, never>; reply: VaultStatus };
  "vault.removePassphrase": { request: { current: string }; reply: VaultStatus };
  "vault.setLockPolicy": { request: { policy: LockPolicy }; reply: VaultStatus };

  // keys (the vault)
  "keys.create": { request: { spec: KeySpecId; exportable: boolean; label?: string }; reply: KeyView };
  "keys.list": { request: Record<string, never>; reply: KeyView[] };
  "keys.get": { request: { keyId: string }; reply: KeyView };
  /** `confirm` must be true; `force` deletes a key with open orders (otherwise refused naming them). */
  "keys.delete": { request: { keyId: string; confirm: boolean; force?: boolean }; reply: { deleted: true } };
  "keys.export": {
    request: { keyId: string; format: ExportFormat; passphrase?: string; unencrypted?: boolean };
    reply: ExportResult;
  };
  /** PEM leaf (+ chain) or the DescribeCertificateState `Certificate` field; paired by public key. */
  /** Stores only with `confirm: true` (the user saw the preview); a changed issuer also needs `acceptIssuerChange`. */
  "keys.importCertificate": { request: { pem: string; confirm?: boolean; acceptIssuerChange?: boolean }; reply: KeyView };
  "keys.previewCertificate": { request: { pem: string }; reply: CertificatePreview };
  "keys.backup": { request: { passphrase: string }; reply: ExportResult };
  /** `data` is the backup file as base64. */
  "keys.restore": { request: { data: string; passphrase: string }; reply: { restored: number; keys: KeyView[] } };

  // CSRs
  /** New key + CSR, or with `keyId` a new CSR for an existing key (renewal; proves the key still signs). */
  "csr.create": {
    request: {
      spec: KeySpecId;
      subject: SubjectFields;
      sans: string[];
      exportable: boolean;
      label?: string;
      keyId?: string;
      /** Rules to check the subject against: "kms" | "casCreateCsr" | "CreateCertificateWithCsrRequest". */
      operation?: string;
      /** keyUsage to request (critical); absent = the key family's usual set, [] = no keyUsage extension. */
      keyUsage?: KeyUsageName[];
      /** extKeyUsage to request; absent = serverAuth, [] = no extKeyUsage extension. */
      extKeyUsage?: ExtKeyUsageName[];
    };
    reply: CsrMade;
  };
  "csr.inspect": { request: { csrPem: string; operation?: string }; reply: CsrInspection };

  // orders (Alibaba Cloud)
  "orders.submitCsr": {
    request: Contact & { csrPem: string; keyId?: string; allowDuplicate?: boolean };
    reply: OrderView;
  };
  "orders.certificateRequest": { request: Contact & { domain: string; allowDuplicate?: boolean }; reply: OrderView };
  /**
   * A DV order (CreateCertificateWithCsrRequest) for the CSR of a `pending_csr` KMS order or a `csr_ready` cas
   * CreateCsr order; the reply is the new order, linked to its parent. Once issued, the certificate goes back
   * to KMS (UploadCertificate) or onto the CreateCsr order, and the parent becomes `issued`.
   */
  "orders.orderForCloudCsr": { request: Contact & { id: string; allowDuplicate?: boolean }; reply: OrderView };
  "orders.casCreateCsr": {
    request: {
      algorithm: "RSA" | "ECC" | "SM2";
      keySize: number;
      commonName: string;
      sans: string[];
      countryCode: string;
      province: string;
      locality: string;
      corpName?: string;
      department?: string;
      name?: string;
      allowDuplicate?: boolean;
    };
    reply: OrderView;
  };
  "orders.kmsCreateCertificate": {
    request: {
      keySpec: "RSA_2048" | "EC_P256" | "EC_SM2";
      subject: SubjectFields;
      sans: string[];
      exportablePrivateKey: boolean;
      protectionLevel?: "SOFTWARE" | "HSM";
      allowDuplicate?: boolean;
    };
    reply: OrderView;
  };
  "orders.packageState": { request: { productCode?: string }; reply: PackageState[] };
  "orders.list": { request: Record<string, never>; reply: OrderView[] };
  "orders.get": { request: { id: string }; reply: OrderView };
  "orders.refresh": { request: { id: string }; reply: OrderView };
  "orders.cancel": { request: { id: string }; reply: OrderView };
  "orders.delete": { request: { id: string }; reply: { deleted: true } };
  /** Adds the validation TXT/CNAME record through Alidns (DomainName = the zone the user holds there). */
  "orders.addDnsRecord": { request: { id: string; zone?: string; allowDuplicate?: boolean }; reply: OrderView };
  /**
   * Creates sent whose result is not recorded yet (lost answers, a worker stopped mid-call), oldest first.
   * Asking also starts a look at those whose turn has come (not awaited).
   */
  "orders.pending": { request: Record<string, never>; reply: PendingCreateView[] };
  /** "Check again": a fresh window from now and a look at once. */
  "orders.pendingCheck": { request: { id: string }; reply: PendingCheckResult };
  /** An ambiguous create: the user's candidate is adopted and recorded. */
  "orders.pendingChoose": { request: { id: string; candidateId: string }; reply: OrderView };
  /** After the window, on purpose: the same create placed again (it may duplicate). `confirm` must be true. */
  "orders.pendingPlaceAnyway": { request: { id: string; confirm: boolean }; reply: OrderView };
  /**
   * An issued order with `importPending`: the user said Import. The worker asks the endpoint for the order
   * again and imports the key / pairs the certificate (asks again, naming it, if the endpoint changed since).
   */
  "orders.confirmImport": { request: { id: string }; reply: OrderView };
  /** An issued order with `importPending`: the user said Don't import (recorded as `declined`; nothing imported). */
  "orders.declineImport": { request: { id: string }; reply: OrderView };

  // profiles
  "profile.list": { request: Record<string, never>; reply: ProfileList };
  /** The profile new orders, settings.get/set and credentials.* (without profileId) use from now on. */
  "profile.select": { request: { id: string }; reply: ProfileList };
  /** Create (no `id`) or update; validated like settings.set (endpoint rules, consent, unique name). */
  "profile.save": { request: ProfileSaveRequest; reply: ProfileView };
  /**
   * Removes the profile and its sealed credentials. Refused (`profile.in_use`, naming the profile and what
   * holds it: open orders, pending creates, renewal bindings, role profiles using it as source) unless `force`;
   * the last profile is never deleted. Deleting the selected one selects the first remaining.
   */
  "profile.delete": { request: { id: string; force?: boolean }; reply: ProfileList };

  // credentials (write-only secret); `profileId` absent = the selected profile
  "credentials.set": {
    request: { accessKeyId: string; accessKeySecret: string; securityToken?: string; securityTokenExpiresAt?: string; profileId?: string };
    reply: CredentialsStatus;
  };
  "credentials.clear": { request: { profileId?: string }; reply: CredentialsStatus };
  "credentials.status": { request: { profileId?: string }; reply: CredentialsStatus };
  "credentials.test": { request: { profileId?: string; draft?: CredentialsDraft }; reply: CredentialsTestResult };

  // settings: the selected profile's fields (site, kmsRegion, endpoint, signatureVersion, autoImportEndpoint,
  // contact with productCode = its defaultProduct) and the global ones
  "settings.get": { request: Record<string, never>; reply: Settings };
  /** Partial update; returns the whole settings. Setting `endpoint` may need a runtime host permission. */
  "settings.set": { request: Partial<Settings>; reply: Settings };

  // renewal (per vault key)
  "renewal.get": { request: { keyId: string }; reply: KeyRenewal };
  /**
   * Stores the key's renewal policy (validated by src/core/lifecycle/renewal.ts validateRenewalPolicy), the
   * upload opt-in, the deploy bindings and the old upload's deletion; absent `uploadToCas` / `deploy` /
   * `deleteOldUpload` keep what was stored.
   */
  "renewal.set": { request: { keyId: string; policy: RenewalPolicyInput; uploadToCas?: boolean; deploy?: DeployBinding[]; deleteOldUpload?: boolean; profileId?: string }; reply: KeyRenewal };

  // the account-wide expiry watch
  /** Every certificate of the account with its days left (empty, `configured: false`, without credentials). */
  "account.watch": { request: Record<string, never>; reply: AccountWatch };

  // webhook notifications (options page)
  "webhook.get": { request: Record<string, never>; reply: WebhookView };
  /** Checked by src/core/notify/webhook.ts validateWebhook (https, the robot's host); the page asks for the URL's origin as a host permission. */
  "webhook.set": { request: WebhookSetRequest; reply: WebhookView };
  /** "Send a test message": one delivery now (retried as any), its outcome (also stored as `last`). */
  "webhook.test": { request: Record<string, never>; reply: WebhookDeliveryView };

  // popup hand-off from the context menu
  "ui.takePendingForm": { request: Record<string, never>; reply: PendingForm | null };
}

export type MessageType = keyof Protocol;
export type RequestOf<T extends MessageType> = Protocol[T]["request"];
export type ReplyOf<T extends MessageType> = Protocol[T]["reply"];

export interface RequestMessage<T extends MessageType = MessageType> {
  type: T;
  payload: RequestOf<T>;
  /** Locale the page wants error and lint texts in; the worker falls back to the settings. */
  locale?: "en" | "zh_CN";
}

export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

export const MESSAGE_TYPES: readonly MessageType[] = [
  "vault.status",
  "vault.setPassphrase",
  "vault.unlock",
  "vault.lock",
  "vault.removePassphrase",
  "vault.setLockPolicy",
  "keys.create",
  "keys.list",
  "keys.get",
  "keys.delete",
  "keys.export",
  "keys.importCertificate",
  "keys.previewCertificate",
  "keys.backup",
  "keys.restore",
  "csr.create",
  "csr.inspect",
  "orders.submitCsr",
  "orders.certificateRequest",
  "orders.orderForCloudCsr",
  "orders.casCreateCsr",
  "orders.kmsCreateCertificate",
  "orders.packageState",
  "orders.list",
  "orders.get",
  "orders.refresh",
  "orders.cancel",
  "orders.delete",
  "orders.addDnsRecord",
  "orders.pending",
  "orders.pendingCheck",
  "orders.pendingChoose",
  "orders.pendingPlaceAnyway",
  "orders.confirmImport",
  "orders.declineImport",
  "profile.list",
  "profile.select",
  "profile.save",
  "profile.delete",
  "credentials.set",
  "credentials.clear",
  "credentials.status",
  "credentials.test",
  "settings.get",
  "settings.set",
  "renewal.get",
  "renewal.set",
  "webhook.get",
  "webhook.set",
  "webhook.test",
  "account.watch",
  "ui.takePendingForm",
];

// ---------------------------------------------------------------------------------------------------------
// Client for pages

export interface RuntimeLike {
  sendMessage(message: unknown): Promise<unknown>;
}

function defaultRuntime(): RuntimeLike {
  const g = globalThis as { browser?: { runtime?: RuntimeLike }; chrome?: { runtime?: RuntimeLike } };
  const runtime = g.browser?.runtime ?? g.chrome?.runtime;
  if (!runtime) throw new KeysmithError("messages.no_worker");
  return runtime;
}

/**
 * Send one request to the worker. Resolves with the reply's value; an `{ ok: false }` reply is thrown as the
 * KeysmithError it carries (render it with `err.localized(locale)`).
 */
export async function sendMessage<T extends MessageType>(
  type: T,
  payload: RequestOf<T>,
  options: { locale?: "en" | "zh_CN"; runtime?: RuntimeLike } = {},
): Promise<ReplyOf<T>> {
  const message: RequestMessage<T> = { type, payload, ...(options.locale ? { locale: options.locale } : {}) };
  let reply: unknown;
  try {
    reply = await (options.runtime ?? defaultRuntime()).sendMessage(message);
  } catch (err) {
    if (err instanceof KeysmithError) throw err;
    throw new KeysmithError("messages.no_worker", { params: { detail: err instanceof Error ? err.message : String(err) } });
  }
  if (!isReply(reply)) throw new KeysmithError("messages.no_worker", { params: { detail: "no reply" } });
  if (!reply.ok) throw KeysmithError.fromData(reply.error);
  return reply.value as ReplyOf<T>;
}

function isReply(value: unknown): value is Reply<unknown> {
  if (!value || typeof value !== "object") return false;
  const v = value as { ok?: unknown; error?: unknown };
  if (v.ok === true) return true;
  return v.ok === false && !!v.error && typeof v.error === "object";
}
