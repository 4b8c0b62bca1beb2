// Fault injection for tests: added latency, HTTP 5xx, Throttling, and "commit then drop the response"
// for creates. Counts are consumed one per matching request; "always" never runs out.
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
  /** Only requests for these actions are affected (all when absent). */
  actions?: string[];
}

export type FaultKind = "serverError" | "throttling" | "dropAfterCommit";

export class Faults {
  private config: FaultConfig;
  constructor(config: FaultConfig = {}) {
    this.config = { ...config };
  }

  set(config: FaultConfig): void {
    this.config = { ...config };
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

  /** True when `kind` applies to this request; consumes one count. */
  take(kind: FaultKind, action: string): boolean {
    const count = this.config[kind];
    if (count === undefined || count === 0) return false;
    if (this.config.actions && !this.config.actions.includes(action)) return false;
    if (count !== "always") this.config[kind] = count - 1;
    return true;
  }
}
