// What a service file provides (one per cloud service, dispatched by API version) and what it is handed.
import type { CertificateAuthority } from "./ca";
import type { EmulatorState } from "./state";
import type { Credential } from "./signature";

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

/** What the server tells a handler about this one call. */
export interface CallInfo {
  /** Business-clock ms after the commit before list answers show what this create makes (listLagMs fault; 0 for others). */
  listLagMs: number;
  /** The credential the call was signed with (an issued STS one included); absent for anonymous calls. */
  caller?: Credential;
}

export type Handler = (
  params: Record<string, string>,
  ctx: ServiceContext,
  call: CallInfo,
) => Promise<Record<string, unknown>> | Record<string, unknown>;

/** Something a create made: listed from `listedAt` on (business clock; absent = at once). */
export interface Listable {
  listedAt?: number;
}

/** The `listedAt` stamp for something committed now under `call`. */
export function listedAtFor(ctx: ServiceContext, call: CallInfo | undefined): number | undefined {
  return call && call.listLagMs > 0 ? ctx.now() + call.listLagMs : undefined;
}

/** Whether list answers show `item` yet (reads by id always do). */
export function isListed(ctx: ServiceContext, item: Listable): boolean {
  return item.listedAt === undefined || ctx.now() >= item.listedAt;
}

export interface ServiceDefinition {
  id: "cas" | "kms" | "alidns" | "cdn" | "dcdn" | "slb" | "alb" | "sts";
  version: string;
  /** The HostId the cloud puts in its answers. */
  host: string;
  handlers: Record<string, Handler>;
  /**
   * Actions that create something (besides those the catalogue marks kind "create"): the faults around a
   * commit (dropAfterCommit, lateCommit, serverErrorAfterCommit, listLagMs) apply to these.
   */
  creates: readonly string[];
}
