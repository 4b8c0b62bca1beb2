// What a service file provides (one per cloud service, dispatched by API version) and what it is handed.
import type { CertificateAuthority } from "./ca";
import type { EmulatorState } from "./state";

export interface ServiceContext {
  state: EmulatorState;
  /** The business clock: wall clock plus the control endpoint's advance. Milliseconds. */
  now(): number;
  ca: CertificateAuthority;
  /** How long an order stays in `process` once its domain is validated (0: issued on the same poll). */
  processDelayMs: number;
  region: string;
  /** The account the emulator pretends to be (KMS Arn). */
  accountId: string;
}

export type Handler = (params: Record<string, string>, ctx: ServiceContext) => Promise<Record<string, unknown>> | Record<string, unknown>;

export interface ServiceDefinition {
  id: "cas" | "kms" | "alidns";
  version: string;
  /** The HostId the cloud puts in its answers. */
  host: string;
  handlers: Record<string, Handler>;
  /** Actions that create something: "commit then drop the response" applies to these. */
  creates: readonly string[];
}
