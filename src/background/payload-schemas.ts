// One runtime schema per message type of src/messages.ts. The mapped type below makes the compiler check
// that each schema produces exactly the request type the protocol declares, so the two cannot drift.
import { KeysmithError } from "../core/errors";
import {
  IDLE_LOCK_MINUTES, KEY_SPEC_IDS, PASSPHRASE_MAX_LENGTH, PASSPHRASE_MIN_LENGTH, RECONCILE_MINUTES, ROLE_DURATION_SECONDS, type LockPolicy, type MessageType, type RequestOf,
} from "../messages";
import { EXT_KEY_USAGE_NAMES, KEY_USAGE_NAMES } from "../core/csr/usages";
import { ROLE_SESSION_NAME } from "../core/aliyun/operations/sts";
import { parseSlbWhere, slbWhereText } from "../core/lifecycle/deploy-targets";
import { validateRenewalPolicy } from "../core/lifecycle/renewal";
import { KMS_REGIONS } from "../options/endpoint";
import { EXPORT_PASSPHRASE_MIN } from "../ui/passphrase-rules";
import type { DeployBinding, RenewalPolicyInput } from "../messages";
import { bool, empty, int, list, nullable, obj, oneOf, optional, partial, str, type Schema } from "./payload-schema";

const id = str({ min: 1, max: 100 });
const pem = str({ min: 1, max: 200_000 });
/** A passphrase that only opens something already made (a backup to restore, the vault to unlock). */
const passphrase = str({ max: PASSPHRASE_MAX_LENGTH });
/**
 * A passphrase that will protect keys against whoever holds the file or the disk and can guess offline: at
 * least `min` characters counted as code points (one CJK character is one), not only spaces. The worker
 * refuses short ones whatever a page let through.
 */
const passphraseOfAtLeast = (min: number): Schema<string> => ({
  check(v, path) {
    const text = passphrase.check(v, path);
    if ([...text].length < min || text.trim() === "") {
      throw new KeysmithError("passphrase.too_short", { field: path, params: { min } });
    }
    return text;
  },
});
/** The vault's passphrase: PASSPHRASE_MIN_LENGTH. */
const newPassphrase = passphraseOfAtLeast(PASSPHRASE_MIN_LENGTH);
/**
 * A key in a file (keys.export's encrypted PKCS#8 and PFX, keys.backup): the pages' rule,
 * EXPORT_PASSPHRASE_MIN (src/ui/passphrase-rules.ts).
 */
const exportPassphrase = passphraseOfAtLeast(EXPORT_PASSPHRASE_MIN);
const lockPolicy: Schema<LockPolicy> = {
  check(v, path) {
    const kind = obj({ kind: oneOf(["browser-close", "idle", "manual"] as const), minutes: optional(int(IDLE_LOCK_MINUTES)) }).check(v, path);
    if (kind.kind === "idle") {
      if (kind.minutes === undefined) throw new KeysmithError("message.payload.invalid", { field: `${path}.minutes`, params: { rule: "required with kind idle" } });
      return { kind: "idle", minutes: kind.minutes };
    }
    if (kind.minutes !== undefined) throw new KeysmithError("message.payload.invalid", { field: `${path}.minutes`, params: { rule: "only with kind idle" } });
    return { kind: kind.kind };
  },
};
const keySpec = oneOf(KEY_SPEC_IDS);
const field = str({ max: 256 });
const subject = obj({
  CN: optional(field),
  O: optional(field),
  OU: optional(field),
  C: optional(field),
  ST: optional(field),
  L: optional(field),
  emailAddress: optional(field),
});
const sans = list(str({ max: 300 }), { max: 100 });
const contactFields = {
  username: str({ max: 64 }),
  email: str({ max: 128 }),
  phone: str({ max: 32 }),
  validateType: oneOf(["DNS", "FILE"] as const),
  productCode: optional(str({ max: 64 })),
};
const exportFormat = oneOf(["pkcs8-encrypted", "pkcs12", "pkcs12-legacy", "pkcs8", "pkcs1", "sec1", "pem-bundle", "certificate"] as const);
/** Only the popup's "Place another order anyway" confirmation sends it: the duplicate guard is off for that create. */
const allowDuplicate = optional(bool());
const isoDate = str({ max: 40, pattern: /^\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)$/ });

/** A renewal policy: the core's own check (typed errors naming `policy.<member>`), defaults filled in. */
const renewalPolicy: Schema<RenewalPolicyInput> = { check: (v, path) => validateRenewalPolicy(v, path) };
/** A CDN domain as CDN names it (`.example.com` is its wildcard form). */
const cdnDomain = str({ min: 1, max: 253, pattern: /^(\*\.|\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$/ });
/** The regions an SLB or ALB binding may name: those the options page offers, the manifest's slb./alb. hosts. */
const deployRegion = oneOf(KMS_REGIONS);
/** A listener port: a whole number from 1 to 65535. */
const listenerPort: Schema<number> = {
  check(v, path) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 65535) {
      throw new KeysmithError("message.payload.invalid", { field: path, params: { rule: "integer 1..65535" } });
    }
    return v;
  },
};
/** Either a domain or `auto: true` (every domain of the product the certificate covers): CDN and DCDN. */
function domainBinding<T extends "cdn" | "dcdn">(target: T, v: unknown, path: string): { target: T; domain: string } | { target: T; auto: true } {
  const b = obj({ target: oneOf([target] as const), domain: optional(cdnDomain), auto: optional(bool()) }).check(v, path);
  if (b.domain !== undefined && b.auto === undefined) return { target, domain: b.domain.toLowerCase() };
  if (b.domain === undefined && b.auto === true) return { target, auto: true };
  throw new KeysmithError("message.payload.invalid", { field: path, params: { rule: "either domain or auto: true" } });
}
const deployBinding: Schema<DeployBinding> = {
  check(v, path) {
    const target = oneOf(["cdn", "dcdn", "slb", "alb"] as const).check(v && typeof v === "object" ? (v as { target?: unknown }).target : undefined, `${path}.target`);
    if (target === "cdn") return domainBinding("cdn", v, path);
    if (target === "dcdn") return domainBinding("dcdn", v, path);
    if (target === "slb") {
      const b = obj({
        target: oneOf(["slb"] as const),
        loadBalancerId: str({ min: 1, max: 67, pattern: /^lb-[A-Za-z0-9-]{1,64}$/ }),
        port: listenerPort,
        domain: optional(cdnDomain),
        region: deployRegion,
      }).check(v, path);
      // The deploy catalogue's own check of the place (its domain in A-label form), so the worker can deploy it.
      const where = parseSlbWhere(slbWhereText({ loadBalancerId: b.loadBalancerId, port: b.port, ...(b.domain ? { domain: b.domain.toLowerCase() } : {}) }), path);
      return { target, loadBalancerId: where.loadBalancerId, port: where.port, ...(where.domain ? { domain: where.domain } : {}), region: b.region };
    }
    const b = obj({ target: oneOf(["alb"] as const), listenerId: str({ min: 1, max: 68, pattern: /^lsn-[A-Za-z0-9-]{1,64}$/ }), default: bool(), region: deployRegion }).check(v, path);
    return { target, listenerId: b.listenerId, default: b.default, region: b.region };
  },
};

const site = oneOf(["cn", "intl"] as const);
const kmsRegion = str({ max: 64, pattern: /^[a-z0-9-]*$/ });
const signatureVersion = oneOf(["v1", "v3"] as const);
const profileContact = obj({
  username: optional(str({ max: 64 })),
  email: optional(str({ max: 128 })),
  phone: optional(str({ max: 32 })),
  validateType: optional(oneOf(["DNS", "FILE"] as const)),
});
/** A RAM role: its ARN, the signing profile, RoleSessionName and DurationSeconds as STS AssumeRole takes them. */
const profileRole = obj({
  roleArn: str({ min: 1, max: 300, pattern: /^acs:ram::\d+:role\/[^\s]+$/ }),
  sourceProfileId: id,
  roleSessionName: str({ min: 2, max: 64, pattern: ROLE_SESSION_NAME }), // the bounds first, for their plainer message
  durationSeconds: int(ROLE_DURATION_SECONDS),
});

export const PAYLOAD_SCHEMAS: { [T in MessageType]: Schema<RequestOf<T>> } = {
  "vault.status": empty,
  "vault.setPassphrase": obj({ passphrase: newPassphrase, current: optional(passphrase) }),
  "vault.unlock": obj({ passphrase: str({ min: 1, max: PASSPHRASE_MAX_LENGTH }) }),
  "vault.lock": empty,
  "vault.removePassphrase": obj({ current: str({ min: 1, max: PASSPHRASE_MAX_LENGTH }) }),
  "vault.setLockPolicy": obj({ policy: lockPolicy }),

  "keys.create": obj({ spec: keySpec, exportable: bool(), label: optional(str({ max: 200 })) }),
  "keys.list": empty,
  "keys.get": obj({ keyId: id }),
  "keys.delete": obj({ keyId: id, confirm: bool(), force: optional(bool()) }),
  "keys.export": obj({ keyId: id, format: exportFormat, passphrase: optional(exportPassphrase), unencrypted: optional(bool()) }),
  "keys.importCertificate": obj({ pem, confirm: optional(bool()), acceptIssuerChange: optional(bool()) }),
  "keys.previewCertificate": obj({ pem }),
  "keys.backup": obj({ passphrase: exportPassphrase }),
  "keys.restore": obj({ data: str({ min: 1, max: 20_000_000 }), passphrase }),

  "csr.create": obj({
    spec: keySpec,
    subject,
    sans,
    exportable: bool(),
    label: optional(str({ max: 200 })),
    keyId: optional(id),
    operation: optional(str({ max: 64 })),
    keyUsage: optional(list(oneOf(KEY_USAGE_NAMES), { max: KEY_USAGE_NAMES.length })),
    extKeyUsage: optional(list(oneOf(EXT_KEY_USAGE_NAMES), { max: EXT_KEY_USAGE_NAMES.length })),
  }),
  "csr.inspect": obj({ csrPem: pem, operation: optional(str({ max: 64 })) }),

  "orders.submitCsr": obj({ ...contactFields, csrPem: pem, keyId: optional(id), allowDuplicate }),
  "orders.certificateRequest": obj({ ...contactFields, domain: str({ min: 1, max: 253 }), allowDuplicate }),
  "orders.orderForCloudCsr": obj({ ...contactFields, id, allowDuplicate }),
  "orders.casCreateCsr": obj({
    algorithm: oneOf(["RSA", "ECC", "SM2"] as const),
    keySize: int({ min: 256, max: 4096 }),
    commonName: str({ min: 1, max: 253 }),
    sans,
    countryCode: str({ max: 2 }),
    province: field,
    locality: field,
    corpName: optional(field),
    department: optional(field),
    name: optional(field),
    allowDuplicate,
  }),
  "orders.kmsCreateCertificate": obj({
    keySpec: oneOf(["RSA_2048", "EC_P256", "EC_SM2"] as const),
    subject,
    sans,
    exportablePrivateKey: bool(),
    protectionLevel: optional(oneOf(["SOFTWARE", "HSM"] as const)),
    allowDuplicate,
  }),
  "orders.packageState": obj({ productCode: optional(str({ max: 64 })) }),
  "orders.list": empty,
  "orders.get": obj({ id }),
  "orders.refresh": obj({ id }),
  "orders.cancel": obj({ id }),
  "orders.delete": obj({ id }),
  "orders.addDnsRecord": obj({ id, zone: optional(str({ max: 253 })), allowDuplicate }),
  "orders.pending": empty,
  "orders.pendingCheck": obj({ id }),
  "orders.pendingChoose": obj({ id, candidateId: str({ min: 1, max: 100 }) }),
  "orders.pendingPlaceAnyway": obj({ id, confirm: bool() }),
  "orders.confirmImport": obj({ id }),
  "orders.declineImport": obj({ id }),

  "profile.list": empty,
  "profile.select": obj({ id }),
  "profile.save": obj({
    id: optional(id),
    name: str({ max: 64 }),
    site: optional(site),
    kmsRegion: optional(kmsRegion),
    endpoint: optional(str({ max: 300 })),
    signatureVersion: optional(signatureVersion),
    autoImportEndpoint: optional(str({ max: 300 })),
    contact: optional(profileContact),
    defaultProduct: optional(str({ max: 64 })),
    role: optional(nullable(profileRole)),
  }),
  "profile.delete": obj({ id, force: optional(bool()) }),

  "credentials.set": obj({
    accessKeyId: str({ min: 1, max: 128 }),
    accessKeySecret: str({ min: 1, max: 256 }),
    securityToken: optional(str({ max: 8192 })),
    securityTokenExpiresAt: optional(isoDate),
    profileId: optional(id),
  }),
  "credentials.clear": obj({ profileId: optional(id) }),
  "credentials.status": obj({ profileId: optional(id) }),
  "credentials.test": obj({
    profileId: optional(id),
    draft: optional(
      obj({
        site,
        kmsRegion,
        endpoint: str({ max: 300 }),
        signatureVersion,
        accessKeyId: optional(str({ min: 1, max: 128 })),
        accessKeySecret: optional(str({ min: 1, max: 256 })),
        securityToken: optional(str({ max: 8192 })),
      }),
    ),
  }),

  "settings.get": empty,
  "settings.set": partial({
    site,
    kmsRegion,
    endpoint: str({ max: 300 }),
    signatureVersion,
    language: oneOf(["auto", "en", "zh_CN"] as const),
    defaultSubject: subject,
    contact: obj({
      username: optional(str({ max: 64 })),
      email: optional(str({ max: 128 })),
      phone: optional(str({ max: 32 })),
      validateType: optional(oneOf(["DNS", "FILE"] as const)),
      productCode: optional(str({ max: 64 })),
    }),
    followOrders: bool(),
    expiryWarningDays: int({ min: 1, max: 365 }),
    reconcileMinutes: int({ min: RECONCILE_MINUTES.min, max: RECONCILE_MINUTES.max }),
    autoImportEndpoint: str({ max: 300 }),
  }),

  "renewal.get": obj({ keyId: id }),
  "renewal.set": obj({ keyId: id, policy: renewalPolicy, uploadToCas: optional(bool()), deploy: optional(list(deployBinding, { max: 20 })), deleteOldUpload: optional(bool()), profileId: optional(id) }),

  "account.watch": empty,

  "webhook.get": empty,
  "webhook.set": obj({
    kind: oneOf(["off", "dingtalk", "feishu", "wecom", "generic"] as const),
    url: str({ max: 2048 }),
    secret: optional(str({ max: 256 })),
    clearSecret: optional(bool()),
    format: optional(oneOf(["text", "markdown"] as const)),
  }),
  "webhook.test": empty,

  "ui.takePendingForm": empty,
};
