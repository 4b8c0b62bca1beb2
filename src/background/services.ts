// The services the handlers stand on, in the worker's terms. Each has one real implementation over the
// other parts of the project (vault-keys.ts over the key vault in vault/, cloud.ts over the core's signed
// client, credentials.ts's credential store, csr-inspect.ts over the core's CSR reader) and an in-memory
// fake in the unit tests. Handlers only ever see these interfaces.
import type { Locale } from "../core/i18n";
import type {
  CredentialsStatus,
  CsrInspection,
  CsrMade,
  ExportFormat,
  ExportResult,
  KeySpecId,
  KeyState,
  KeyView,
  RequestOf,
  Settings,
} from "../messages";
import type { CloudPort } from "./cloud-port";

export interface KeyService {
  create(req: { spec: KeySpecId; exportable: boolean; label?: string }): Promise<KeyView>;
  /** New key + CSR, or a new CSR for `keyId`. */
  createCsr(req: RequestOf<"csr.create">, locale: Locale): Promise<CsrMade>;
  list(): Promise<KeyView[]>;
  get(keyId: string): Promise<KeyView>;
  delete(keyId: string, opts: { confirm: boolean; force?: boolean }): Promise<void>;
  export(req: { keyId: string; format: ExportFormat; passphrase?: string; unencrypted?: boolean }): Promise<ExportResult>;
  importCertificate(pem: string): Promise<KeyView>;
  /**
   * The private key the cloud made for order `orderId` (CreateCertificateRequest) with its issued certificate:
   * stored as an exportable key, origin "cloud", paired and linked (the same key again is not stored twice).
   */
  importCloudKey(req: { privateKeyPem: string; certificatePem: string; orderId: string }): Promise<KeyView>;
  backup(passphrase: string): Promise<ExportResult>;
  restore(data: Uint8Array, passphrase: string): Promise<KeyView[]>;
  linkOrder(keyId: string, orderId: string): Promise<void>;
  setState(keyId: string, state: KeyState): Promise<void>;
  /** Find the key whose public key is the CSR's (to link an order submitted with a pasted CSR). */
  keyForCsr?(csrPem: string): Promise<string | undefined>;
}

export interface CsrService {
  inspect(csrPem: string, operation: string | undefined, locale: Locale): Promise<CsrInspection>;
}

/** A profile's own stored credentials (`profileId` absent: the selected profile). */
export interface CredentialService {
  set(input: { accessKeyId: string; accessKeySecret: string; securityToken?: string; securityTokenExpiresAt?: string }, profileId?: string): Promise<CredentialsStatus>;
  clear(profileId?: string): Promise<CredentialsStatus>;
  status(profileId?: string): Promise<CredentialsStatus>;
  /**
   * Drops a role profile's temporary credentials held in memory (their expiry is status()'s
   * securityTokenExpiresAt), when the profile is changed or deleted.
   */
  forget?(profileId: string): void;
}

export interface Services {
  keys: KeyService;
  csr: CsrService;
  credentials: CredentialService;
  /**
   * A client for a profile's settings and credentials (`profileId` absent: the selected profile; throws a
   * typed error when it has none). `region` binds the regional services (SLB, ALB, KMS) to that region's
   * endpoint instead of the profile's KMS region (a deploy binding's region); an endpoint override still
   * sends every service to its one URL.
   */
  cloud(options?: { region?: string; profileId?: string }): Promise<CloudPort>;
  /**
   * A client for settings a page shows but has not saved (credentials.test with a draft): `credentials` a
   * secret used for this client only, never stored; absent, the stored credentials of `profileId`.
   */
  draftCloud?(settings: Settings, credentials: { accessKeyId: string; accessKeySecret: string; securityToken?: string } | undefined, profileId?: string): Promise<CloudPort>;
}
