// A least-privilege RAM policy for the AccessKey Keysmith uses, derived from the operation catalogue so it
// always lists exactly the actions the client can call. RAM action prefixes: cas is `yundun-cert:` (the
// older `cas:` prefix was retired), KMS `kms:`, Alidns `alidns:`, CDN `cdn:`, DCDN `dcdn:`, SLB `slb:`, ALB `alb:`,
// STS `sts:`. STS is left out unless asked for: GetCallerIdentity and AssumeRoleWithOIDC need no permission,
// and sts:AssumeRole on every resource would let the key assume any role that trusts its account.
import { OPERATIONS, type ServiceId } from "./operations";

export const RAM_ACTION_PREFIX: Record<ServiceId, string> = { cas: "yundun-cert", kms: "kms", alidns: "alidns", cdn: "cdn", dcdn: "dcdn", slb: "slb", alb: "alb", sts: "sts" };

/** The services a policy covers when none are named: all but STS. */
export const DEFAULT_POLICY_SERVICES = (Object.keys(RAM_ACTION_PREFIX) as ServiceId[]).filter((s) => s !== "sts");

export interface RamPolicy {
  Version: "1";
  Statement: { Effect: "Allow"; Action: string[]; Resource: "*" }[];
}

/** One Allow statement per service asked for (every catalogued service but STS by default), actions sorted. */
export function ramPolicy(services: readonly ServiceId[] = DEFAULT_POLICY_SERVICES): RamPolicy {
  return {
    Version: "1",
    Statement: services.map((service) => ({
      Effect: "Allow" as const,
      Action: [...new Set(OPERATIONS.filter((op) => op.service === service).map((op) => `${RAM_ACTION_PREFIX[service]}:${op.action}`))].sort(),
      Resource: "*" as const,
    })),
  };
}
