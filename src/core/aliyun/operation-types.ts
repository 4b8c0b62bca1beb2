// The shape of one catalogue entry. The catalogue is data: the client signs from it, validateParams
// checks from it, the CLI derives its flags from it, the emulator validates with it, the UI builds forms.
import type { RuleId } from "./rules";

export type ServiceId = "cas" | "kms" | "alidns";

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
}

/**
 * A create whose answer was lost is never retried blind. The client lists before and after through a
 * read operation of the same service and reports the identifiers that appeared.
 */
export interface ReconcileSpec {
  /** The list operation's action (same service and version). */
  action: string;
  /** Its parameters, derived from the create's (e.g. Keyword = the CSR's CN). */
  params: (createParams: Record<string, string>) => Record<string, string>;
  /** Dotted path to the array of items in the list response. */
  items: string;
  /** The identifier field inside each item, and the name the create's response gives it. */
  idField: string;
  resultField: string;
}
