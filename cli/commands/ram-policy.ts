// keysmith ram-policy [--service cas,kms,alidns,cdn]: print the least-privilege RAM policy for the AccessKey
// Keysmith uses (every action the catalogue can call, nothing else), ready for the RAM console or
// `aliyun ram CreatePolicy --PolicyDocument "$(keysmith ram-policy)"`.
import { fail } from "../../src/core/errors";
import { DEFAULT_POLICY_SERVICES, ramPolicy, RAM_ACTION_PREFIX } from "../../src/core/aliyun/ram-policy";
import type { ServiceId } from "../../src/core/aliyun/operations";
import { parseArgs } from "../args";
import type { Command } from "../context";

const SERVICES = Object.keys(RAM_ACTION_PREFIX) as ServiceId[];
const isService = (s: string): s is ServiceId => (SERVICES as string[]).includes(s);

export const ramPolicyCommand: Command = {
  name: "ram-policy",
  summary: "Print the least-privilege RAM policy for Keysmith's AccessKey (from the operation catalogue)",
  usage: "Usage: keysmith ram-policy [--service cas,kms,alidns,cdn]",
  async run(ctx) {
    const args = parseArgs(ctx.argv, [{ name: "service", kind: "string" }]);
    if (args.positionals.length > 0) fail("cli.flag.unknown", args.positionals[0]);
    const asked = args.strings.get("service")?.split(",").map((s) => s.trim().toLowerCase()) ?? DEFAULT_POLICY_SERVICES;
    for (const s of asked) if (!isService(s)) fail("cli.ram_policy.service", "--service", { value: s });
    ctx.stdout(`${JSON.stringify(ramPolicy([...new Set(asked)] as ServiceId[]), null, 2)}\n`);
    return 0;
  },
};
