// The shape of one catalogue entry. The catalogue is data: the client signs from it, validateParams
// checks from it, the CLI derives its flags from it, the emulator validates with it, the UI builds forms.
import type { RuleId } from "./rules";

export type ServiceId = "cas" | "kms" | "alidns" | "cdn" | "dcdn" | "slb" | "alb" | "sts";

/** integer: a JS-safe number; long: digits kept as a string (17-digit OrderIds exceed 2^53). */
export type ParamType = "string" | "integer" | "long" | "boolean" | "json-array";

export interface ParamSpec {
  name: string;
  type: ParamType;
  required?: boolean;
  allowed?: readonly string[];
  /** A named rule from rules.ts; its error code is `api.param.<rule>`. */
  rule?: RuleId;
  /** What the service assumes when the parameter is omitted (documentation and UI only). */
  default?: string;
  description: string;
  /**
   * A private key (cas UploadUserCertificate Key, CDN SSLPri…): the client keeps its value out of every
   * error it raises, and the write-ahead ledger (src/core/aliyun/write-ahead.ts) never stores it.
   */
  secret?: boolean;
}

export type FieldType = "string" | "integer" | "long" | "boolean" | "array" | "object";

export interface ResponseField {
  /** Dotted path for nested fields, e.g. "DomainRecords.Record". */
  name: string;
  type: FieldType;
}

export interface Operation {
  service: ServiceId;
  version: string;
  action: string;
  method: "POST";
  /** read: retried on throttling, 5xx and network errors; create: never retried, reconciled; write: neither. */
  kind: "read" | "create" | "write";
  params: readonly ParamSpec[];
  response: readonly ResponseField[];
  /** Rules that span several parameters (e.g. KeySize by Algorithm); throw KeysmithError. */
  crossCheck?: (params: Record<string, string>) => void;
  /** For creates: how to find out, after an answer was lost, whether the call took effect. */
  reconcile?: ReconcileSpec;
  /**
   * Sent without a signature or credentials (STS AssumeRoleWithOIDC: the token in the parameters is the
   * proof). The client sends the V3 headers without Authorization; the emulator checks no signature.
   */
  anonymous?: true;
}

/**
 * A create whose answer was lost is never retried blind. src/core/aliyun/write-ahead.ts lists through a
 * read operation of the same service before the create and again until the result shows up, and adopts
 * the one new item that carries what the create sent (its substance, not a keyword).
 */
export interface ReconcileSpec {
  /** The list operation's action (same service and version). */
  action: string;
  /** Its parameters, derived from the create's (a keyword narrows the list; matching is `matches`). */
  params: (createParams: Record<string, string>) => Record<string, string>;
  /** Dotted path to the array of items in the list response. */
  items: string;
  /** The identifier field inside each item, and the name the create's response gives it. */
  idField: string;
  resultField: string;
  /** Paging: the page-number and page-size parameters, and the size asked for. */
  paging: { page: string; size: string; pageSize: number };
  /** True when a listed item is what this create would have made. */
  matches: (item: Record<string, unknown>, createParams: Record<string, string>) => boolean;
  /** When the item was made (ms since the epoch), where the list says: items made before the create began are not it. */
  createdAt?: (item: Record<string, unknown>) => number | undefined;
  /** A few fields of an item that let a person tell two candidates apart. */
  describe: (item: Record<string, unknown>) => Record<string, string>;
  /**
   * What identifies the result before it exists ("csr:<SPKI SHA-256>", "domain:<name>", "dns:…"): two
   * creates sharing one of these are the same create, and the second waits for the first to settle.
   */
  identity: (createParams: Record<string, string>) => string[];
  /**
   * Refusals that mean "this exists already" (Alidns DomainRecordDuplicate): the create is idempotent, and
   * the one listed item that matches is its result, however old.
   */
  existsCodes?: readonly string[];
}
