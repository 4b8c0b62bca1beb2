// The manifest's host permissions cover every endpoint the worker can call without an override: each
// service on both sites, KMS, SLB and ALB in every region the options page offers, and STS centrally and in those regions. A missing one fails only in a
// real browser against the real cloud (the emulator is an optional, runtime-granted origin), so it is
// checked here against src/core/aliyun/endpoints.ts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { endpointFor, isAlibabaHost, type Site } from "../../../src/core/aliyun/endpoints";
import type { ServiceId } from "../../../src/core/aliyun/operation-types";
import { OPERATIONS } from "../../../src/core/aliyun/operations";
import { KMS_REGIONS } from "../../../src/options/endpoint";

const manifest = JSON.parse(readFileSync(new URL("../../../manifest.json", import.meta.url), "utf8")) as { host_permissions: string[] };

describe("manifest host_permissions", () => {
  it("hold the endpoint of every catalogued service on both sites and of KMS in each offered region", () => {
    const services = [...new Set(OPERATIONS.map((op) => op.service))] as ServiceId[];
    expect(services).toEqual(expect.arrayContaining(["cas", "kms", "alidns", "cdn", "dcdn", "slb", "alb", "sts"]));
    const needed = new Set<string>();
    for (const site of ["cn", "intl"] as Site[]) {
      for (const service of services) {
        // STS is central per site, or regional when the client is given a region (the worker gives the KMS one).
        const regions = service === "kms" || service === "slb" || service === "alb" ? KMS_REGIONS : service === "sts" ? [undefined, ...KMS_REGIONS] : [undefined];
        for (const region of regions) needed.add(`${endpointFor(service, { site, region }).origin}/*`);
      }
    }
    const missing = [...needed].filter((p) => !manifest.host_permissions.includes(p));
    expect(missing).toEqual([]);
  });

  it("ask for Alibaba Cloud API hosts over https only", () => {
    for (const pattern of manifest.host_permissions) {
      const m = /^https:\/\/([^/*]+)\/\*$/.exec(pattern);
      expect(m, pattern).not.toBeNull();
      expect(isAlibabaHost(m![1]!), pattern).toBe(true);
    }
  });
});
