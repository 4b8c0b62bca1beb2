// A least-privilege RAM policy for the AccessKey Keysmith uses, derived from the operation catalogue so it
// always lists exactly the actions the client can call. RAM action prefixes: cas is `yundun-cert:` (the
// older `cas:` prefix was retired), KMS `kms:`, Alidns `alidns:`, CDN `cdn:`, DCDN `dcdn:`, SLB `slb:`, ALB `alb:`.
import { OPERATIONS, type ServiceId } from "./operations";

export const RAM_ACTION_PREFIX: Record<ServiceId, string> = { cas: "yundun-cert", kms: "kms", alidns: "alidns", cdn: "cdn", dcdn: "dcdn", slb: "slb", alb: "alb" };

export interface RamPolicy {
  Version: "1";
  Statement: { Effect: "Allow"; Action: string[]; Resource: "*" }[];
}

/** One Allow statement per service asked for (every catalogued service by default), actions sorted. */
export function ramPolicy(services: readonly ServiceId[] = Object.keys(RAM_ACTION_PREFIX) as ServiceId[]): RamPolicy {
  return {
    Version: "1",
    Statement: services.map((service) => ({
      Effect: "Allow" as const,
      Action: [...new Set(OPERATIONS.filter((op) => op.service === service).map((op) => `${RAM_ACTION_PREFIX[service]}:${op.action}`))].sort(),
      Resource: "*" as const,
    })),
  };
}
