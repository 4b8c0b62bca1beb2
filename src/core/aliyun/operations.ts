// The typed registry over the per-service catalogues: the single source for the client, the CLI
// flags, the emulator's validation and the UI forms.
import type { Operation, ServiceId } from "./operation-types";
import { CAS_OPERATIONS } from "./operations/cas";
import { KMS_OPERATIONS } from "./operations/kms";
import { ALIDNS_OPERATIONS } from "./operations/alidns";
import { CDN_OPERATIONS } from "./operations/cdn";
import { DCDN_OPERATIONS } from "./operations/dcdn";
import { SLB_OPERATIONS } from "./operations/slb";
import { ALB_OPERATIONS } from "./operations/alb";
import { STS_OPERATIONS } from "./operations/sts";

export type { Operation, ParamSpec, ResponseField, ServiceId, ParamType } from "./operation-types";
export { DV_PRODUCT_CODES, PACKAGE_PRODUCT_CODES } from "./operations/cas";

export const OPERATIONS: readonly Operation[] = [...CAS_OPERATIONS, ...KMS_OPERATIONS, ...ALIDNS_OPERATIONS, ...CDN_OPERATIONS, ...DCDN_OPERATIONS, ...SLB_OPERATIONS, ...ALB_OPERATIONS, ...STS_OPERATIONS];

export const SERVICE_VERSIONS: Record<ServiceId, string> = { cas: "2020-04-07", kms: "2016-01-20", alidns: "2015-01-09", cdn: "2018-05-10", dcdn: "2018-01-15", slb: "2014-05-15", alb: "2020-06-16", sts: "2015-04-01" };

export function findOperation(version: string, action: string): Operation | undefined {
  return OPERATIONS.find((op) => op.version === version && op.action === action);
}

export function operation(service: ServiceId, action: string): Operation {
  const op = OPERATIONS.find((o) => o.service === service && o.action === action);
  if (!op) throw new Error(`no catalogue entry for ${service} ${action}`); // programming error, not user input
  return op;
}

/**
 * Field names typed long (OrderId, CsrId, RecordId…), nested ones by their last segment
 * ("CertificateOrderList.OrderId" → "OrderId"): the client keeps these as strings wherever they appear.
 */
export const LONG_FIELDS: ReadonlySet<string> = new Set(
  OPERATIONS.flatMap((op) => [
    ...op.params.filter((p) => p.type === "long").map((p) => p.name),
    ...op.response.filter((f) => f.type === "long").map((f) => f.name.split(".").pop()!),
  ]),
);

/** CLI flag for a parameter: kebab-case of its name (ValidateType → validate-type, RR → rr). */
export function flagName(paramName: string): string {
  return paramName.replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2").toLowerCase();
}

/** Names of a catalogue entry's private-key parameters (ParamSpec.secret). */
export function secretParamNames(op: Operation): string[] {
  return op.params.filter((p) => p.secret).map((p) => p.name);
}
