// The RAM policy template: exactly the catalogue's actions, under the RAM prefixes, and the CLI that prints it.
import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../../src/core/aliyun/operations";
import { ramPolicy } from "../../../src/core/aliyun/ram-policy";
import { runCli } from "../../support/run-cli";

const run = (argv: string[], lang = "en") => runCli(argv, { KEYSMITH_LANG: lang });

describe("ramPolicy", () => {
  it("allows every catalogued action once, under yundun-cert:, kms:, alidns:, cdn:, dcdn:, slb: and alb:, and nothing else", () => {
    const policy = ramPolicy();
    const actions = policy.Statement.flatMap((s) => s.Action);
    // STS is left out of the default policy (src/core/aliyun/ram-policy.ts DEFAULT_POLICY_SERVICES).
    const expected = OPERATIONS.filter((op) => op.service !== "sts").map((op) => `${{ cas: "yundun-cert", kms: "kms", alidns: "alidns", cdn: "cdn", dcdn: "dcdn", slb: "slb", alb: "alb", sts: "sts" }[op.service]}:${op.action}`);
    expect([...actions].sort()).toEqual([...new Set(expected)].sort());
    expect(actions).toEqual(expect.arrayContaining([
      "yundun-cert:CreateCertificateWithCsrRequest",
      "yundun-cert:CreateCertificateRequest",
      "yundun-cert:CreateCsr",
      "kms:CreateCertificate",
      "kms:UploadCertificate",
      "alidns:AddDomainRecord",
      "yundun-cert:UploadUserCertificate",
      "cdn:SetCdnDomainSSLCertificate",
    ]));
    expect(actions.some((a) => a.startsWith("cas:") || a.includes("*"))).toBe(false);
    expect(policy.Statement.every((s) => s.Effect === "Allow")).toBe(true);
  });

  it("keeps only the services asked for", () => {
    const policy = ramPolicy(["kms"]);
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]!.Action.every((a) => a.startsWith("kms:"))).toBe(true);
  });
});

describe("keysmith ram-policy", () => {
  it("prints the policy as JSON", async () => {
    const r = await run(["ram-policy"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(ramPolicy());
  });

  it("--service cas,alidns prints those two statements", async () => {
    const r = await run(["ram-policy", "--service", "cas,alidns"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(ramPolicy(["cas", "alidns"]));
  });

  it("refuses an unknown service naming the flag, in English and Chinese", async () => {
    const en = await run(["ram-policy", "--service", "cas,ecs"]);
    expect(en.code).toBe(2);
    expect(en.out).toBe("");
    expect(en.err).toMatch(/--service: "ecs" is not a service/);
    const zh = await run(["ram-policy", "--service", "ecs"], "zh_CN");
    expect(zh.code).toBe(2);
    expect(zh.err).toMatch(/--service：「ecs」不是/);
  });
});
