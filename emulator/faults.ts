// Fault injection for tests: added latency, HTTP 5xx, Throttling, and the faults around a create's commit
// (the answer lost after the commit, the commit made late after the connection was cut, a 503 after the
// commit, and new things missing from lists for a while). Counts are consumed one per request a fault
// hits; "always" never runs out. At most one count-consuming fault hits a request, checked in this order:
// throttling, serverError, lateCommit (before the commit), then dropAfterCommit, serverErrorAfterCommit.
export type FaultCount = number | "always";

export interface FaultConfig {
  /** Milliseconds added before every cloud API answer. */
  latencyMs?: number;
  /** Answer this many requests with 503 ServiceUnavailable (or `serverErrorStatus`). */
  serverError?: FaultCount;
  serverErrorStatus?: 500 | 502 | 503;
  /** Answer this many requests with Throttling. */
  throttling?: FaultCount;
  /** Carry out this many creates, then close the connection without answering. */
  dropAfterCommit?: FaultCount;
  /**
   * Creates: close the connection at once without answering, and carry the create out `lateCommitMs`
   * (wall-clock) milliseconds later. Hits every create while `lateCommit` is absent, else that many.
   */
  lateCommitMs?: number;
  /** How many creates `lateCommitMs` hits (needs `lateCommitMs`). */
  lateCommit?: FaultCount;
  /**
   * What a create makes (order, CSR, KMS certificate, DNS record) is left out of list answers
   * (ListUserCertificateOrder, ListCsr, ListCertificates, DescribeDomainRecords) until this many
   * business-clock milliseconds after its commit. Reads by id see it at once.
   */
  listLagMs?: number;
  /** Carry out this many creates, then answer 503 ServiceUnavailable. */
  serverErrorAfterCommit?: FaultCount;
  /** Only requests for these actions are affected (all when absent); for listLagMs, the creating action. */
  actions?: string[];
}

export type FaultKind = "serverError" | "throttling" | "dropAfterCommit" | "serverErrorAfterCommit";

const COUNT_FIELDS = ["serverError", "throttling", "dropAfterCommit", "lateCommit", "serverErrorAfterCommit"] as const;
const MS_FIELDS = ["latencyMs", "lateCommitMs", "listLagMs"] as const;
const KNOWN_FIELDS: readonly string[] = [...MS_FIELDS, ...COUNT_FIELDS, "serverErrorStatus", "actions"];
/** An hour: longer delays are a typo, and a timer that long would outlive any test. */
export const MAX_FAULT_MS = 60 * 60 * 1000;

function parseCount(field: string, value: unknown): FaultCount {
  if (value === "always") return "always";
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n === "number" && Number.isSafeInteger(n) && n >= 0) return n;
  throw new Error(`fault ${field} must be a whole number from 0 or "always", not ${JSON.stringify(value)}`);
}

function parseMs(field: string, value: unknown): number {
  const n = typeof value === "string" && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (typeof n === "number" && Number.isFinite(n) && n >= 0 && n <= MAX_FAULT_MS) return n;
  throw new Error(`fault ${field} must be a number of milliseconds from 0 to ${MAX_FAULT_MS}, not ${JSON.stringify(value)}`);
}

/**
 * Checks a fault configuration from outside (control endpoint JSON, CLI flags, startEmulator options):
 * known fields only, each of its type and range. Throws an Error naming the field and the rule.
 * Fields set to undefined or null are left out.
 */
export function parseFaultConfig(input: unknown): FaultConfig {
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new Error("faults must be a JSON object");
  const out: FaultConfig = {};
  for (const [field, value] of Object.entries(input)) {
    if (!KNOWN_FIELDS.includes(field)) throw new Error(`unknown fault ${JSON.stringify(field)}; known: ${KNOWN_FIELDS.join(", ")}`);
    if (value === undefined || value === null) continue;
    if ((MS_FIELDS as readonly string[]).includes(field)) out[field as (typeof MS_FIELDS)[number]] = parseMs(field, value);
    else if ((COUNT_FIELDS as readonly string[]).includes(field)) out[field as (typeof COUNT_FIELDS)[number]] = parseCount(field, value);
    else if (field === "serverErrorStatus") {
      const n = Number(value);
      if (n !== 500 && n !== 502 && n !== 503) throw new Error(`fault serverErrorStatus must be 500, 502 or 503, not ${JSON.stringify(value)}`);
      out.serverErrorStatus = n;
    } else {
      if (!Array.isArray(value) || !value.every((a) => typeof a === "string" && a !== "")) {
        throw new Error("fault actions must be a list of action names, e.g. [\"CreateCertificateWithCsrRequest\"]");
      }
      out.actions = value as string[];
    }
  }
  if (out.lateCommit !== undefined && !out.lateCommitMs) throw new Error("fault lateCommit needs lateCommitMs (the delay before the commit, above 0)");
  return out;
}

export class Faults {
  private config: FaultConfig;
  constructor(config: FaultConfig = {}) {
    this.config = parseFaultConfig(config);
  }

  /** Replaces the whole configuration (validated; throws on a bad value and keeps the old one). */
  set(config: FaultConfig): void {
    this.config = parseFaultConfig(config);
  }

  get(): FaultConfig {
    return { ...this.config };
  }

  latencyMs(): number {
    return this.config.latencyMs ?? 0;
  }

  serverErrorStatus(): number {
    return this.config.serverErrorStatus ?? 503;
  }

  private applies(action: string): boolean {
    return !this.config.actions || this.config.actions.includes(action);
  }

  /** True when `kind` applies to this request; consumes one count. */
  take(kind: FaultKind, action: string): boolean {
    const count = this.config[kind];
    if (count === undefined || count === 0) return false;
    if (!this.applies(action)) return false;
    if (count !== "always") this.config[kind] = count - 1;
    return true;
  }

  /** The delay before a create's late commit when lateCommitMs hits this request (consumes one count), else undefined. */
  takeLateCommit(action: string): number | undefined {
    const ms = this.config.lateCommitMs ?? 0;
    if (ms <= 0 || !this.applies(action)) return undefined;
    const count = this.config.lateCommit;
    if (count === 0) return undefined;
    if (typeof count === "number") this.config.lateCommit = count - 1;
    return ms;
  }

  /** How long what this create makes stays out of lists (0: listed at once). */
  listLagMs(action: string): number {
    return this.applies(action) ? (this.config.listLagMs ?? 0) : 0;
  }
}
