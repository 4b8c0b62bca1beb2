// `keysmith deploy` and `keysmith renew` to DCDN, SLB and ALB against the emulator (in process, as
// cli-renew.test.ts runs the CLI). A certificate made by `keysmith renew` with no bindings (kept locally, not
// uploaded) is deployed with `keysmith deploy` to a DCDN domain, an SLB HTTPS listener (its default
// certificate, then an SNI domain extension) and an ALB listener (default, and additional on another), each
// read back through the API: DescribeDcdnDomainCertificateInfo (CertId and the served leaf's serial), the
// listener's / extension's ServerCertificateId whose AliCloudCertificateId is the upload's CertId, and
// ListListenerCertificates showing `<CertId>-cn-hangzhou`. Then a renew file with one binding of each deploys
// all three in one run. The resources themselves are made with the official @alicloud/pop-core SDK.
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/index";
import { createClient, staticCredentials } from "../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../src/core/aliyun/hmac";
import { runCli } from "../support/run-cli";
import { opensslCsr, popClient } from "./emulator-helpers";

let emu: RunningEmulator;
const dir = mkdtempSync(join(tmpdir(), "keysmith-cli-targets-"));
const stateDir = join(dir, "state");
const pass = join(dir, "pass.txt");
const post = { method: "POST" } as const;
const sources = JSON.stringify([{ content: "203.0.113.10", type: "ipaddr", priority: "20", port: 80, weight: "10" }]);
const contact = `contact: { username: "Li Lei", email: ops@example.com, phone: "13800000000" }`;

function cli(...argv: string[]) {
  return runCli([...argv, "--endpoint", emu.url, "--state-dir", stateDir], {
    ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret,
    KEYSMITH_LANG: "en",
  });
}
const renew = (config: string) => cli("renew", "--config", config, "--passphrase-file", pass, "--interval", "0.05", "--timeout", "60");

async function client(region?: string) {
  return createClient({ credentials: staticCredentials({ accessKeyId: emu.accessKeyId, hmac: await hmacKeysFromSecret(emu.accessKeySecret) }), endpoint: emu.url, ...(region ? { region } : {}) });
}

/** The state's upload CertId and its certificate's serial (upper-case hex, as the emulator reads it). */
function current(name: string): { certId: string; serial: string } {
  const state = JSON.parse(readFileSync(join(stateDir, `certificates/${name}/state.json`), "utf8")) as { upload?: { certId: string } };
  const serial = new X509Certificate(readFileSync(join(stateDir, `certificates/${name}/cert.pem`))).serialNumber;
  return { certId: state.upload?.certId ?? "", serial };
}

const sameSerial = (a: string, b: string) => a.toUpperCase().replace(/^0+/, "") === b.toUpperCase().replace(/^0+/, "");

async function dcdnServed(domain: string): Promise<{ certId: string; serial: string }> {
  const reply = await (await client()).call("dcdn", "DescribeDcdnDomainCertificateInfo", { DomainName: domain });
  const info = (reply.CertInfos as { CertInfo: Record<string, unknown>[] }).CertInfo[0]!;
  return { certId: String(info.CertId), serial: new X509Certificate(String(info.SSLPub)).serialNumber };
}

/** The cas CertId an SLB server certificate was made from. */
async function casIdOfServerCertificate(region: string, serverCertificateId: string): Promise<string> {
  const reply = await (await client(region)).call("slb", "DescribeServerCertificates", { RegionId: region, ServerCertificateId: serverCertificateId });
  return String((reply.ServerCertificates as { ServerCertificate: Record<string, unknown>[] }).ServerCertificate[0]?.AliCloudCertificateId ?? "");
}

async function slbListener(region: string, lb: string, port: number): Promise<Record<string, unknown>> {
  return (await client(region)).call("slb", "DescribeLoadBalancerHTTPSListenerAttribute", { RegionId: region, LoadBalancerId: lb, ListenerPort: String(port) });
}

async function slbExtension(region: string, lb: string, port: number, domain: string): Promise<string> {
  const reply = await (await client(region)).call("slb", "DescribeDomainExtensions", { RegionId: region, LoadBalancerId: lb, ListenerPort: String(port) });
  return String((reply.DomainExtensions as { DomainExtension: Record<string, unknown>[] }).DomainExtension.find((e) => e.Domain === domain)?.ServerCertificateId ?? "");
}

async function albCertificates(listenerId: string): Promise<[string, boolean][]> {
  const reply = await (await client()).call("alb", "ListListenerCertificates", { ListenerId: listenerId, CertificateType: "Server" });
  return (reply.Certificates as Record<string, unknown>[]).map((c) => [String(c.CertificateId), c.IsDefault === true]);
}

/** A placeholder certificate in cas for `domain` (the certificate SLB and ALB serve before the deploy). */
let placeholders = 0;
async function placeholder(domain: string): Promise<string> {
  const name = `placeholder-${++placeholders}-${domain}`;
  const { csr, keyPath } = opensslCsr(dir, "ec", domain);
  const signed = await emu.control.signCsr(csr, [domain]);
  const up = (await popClient(emu, "2020-04-07").request("UploadUserCertificate", { Name: name, Cert: `${signed.certificate}${signed.chain}`, Key: readFileSync(keyPath, "utf8") }, post)) as { CertId: unknown };
  return String(up.CertId);
}

/** An SLB load balancer in `region` with an HTTPS listener on 443 serving a placeholder, and an SNI extension for `sni`. */
async function slbWithListener(region: string, domain: string, sni?: string): Promise<string> {
  const slb = popClient(emu, "2014-05-15");
  const lb = String(((await slb.request("CreateLoadBalancer", { RegionId: region, LoadBalancerName: domain }, post)) as { LoadBalancerId: string }).LoadBalancerId);
  const casId = await placeholder(domain);
  const sc = String(((await slb.request("UploadServerCertificate", { RegionId: region, AliCloudCertificateId: casId, AliCloudCertificateName: `placeholder-${placeholders}-${domain}`, AliCloudCertificateRegionId: "cn-hangzhou" }, post)) as { ServerCertificateId: string }).ServerCertificateId);
  await slb.request("CreateLoadBalancerHTTPSListener", {
    RegionId: region, LoadBalancerId: lb, ListenerPort: 443, BackendServerPort: 80, Bandwidth: -1,
    StickySession: "on", StickySessionType: "insert", CookieTimeout: 300, HealthCheck: "off", ServerCertificateId: sc,
  }, post);
  if (sni) await slb.request("CreateDomainExtension", { RegionId: region, LoadBalancerId: lb, ListenerPort: 443, Domain: sni, ServerCertificateId: sc }, post);
  return lb;
}

async function albListener(domain: string): Promise<string> {
  const casId = await placeholder(domain);
  const made = (await popClient(emu, "2020-06-16").request("CreateListener", { LoadBalancerId: "alb-emutest", ListenerProtocol: "HTTPS", ListenerPort: 443, "Certificates.1.CertificateId": `${casId}-cn-hangzhou` }, post)) as { ListenerId: string };
  return String(made.ListenerId);
}

beforeAll(async () => {
  emu = await startEmulator();
  writeFileSync(pass, "renew passphrase\n");
});
afterAll(async () => emu?.close());

describe("keysmith deploy to DCDN, SLB and ALB", { timeout: 120_000 }, () => {
  const domain = "multi.example.com";

  beforeAll(async () => {
    const config = join(dir, "local.yaml");
    writeFileSync(config, `certificates:\n  - name: multi\n    domains: [${domain}]\n    ${contact}\n`);
    const made = await renew(config);
    expect(made.code, made.err + made.out).toBe(0);
    expect(current("multi").certId).toBe(""); // no binding: kept locally, nothing uploaded
  });

  it("--dcdn DOMAIN: uploads to cas, deploys, and DescribeDcdnDomainCertificateInfo shows the CertId and serial", async () => {
    await popClient(emu, "2018-01-15").request("AddDcdnDomain", { DomainName: domain, Sources: sources }, post);
    const r = await cli("deploy", "--cert", "multi", "--dcdn", domain, "--passphrase-file", pass, "--json");
    expect(r.code, r.err).toBe(0);
    const { certId, serial } = current("multi");
    expect(JSON.parse(r.out)).toMatchObject({ target: "dcdn", domain, certId, outcome: "deployed" });
    const served = await dcdnServed(domain);
    expect(served.certId).toBe(certId);
    expect(sameSerial(served.serial, serial)).toBe(true);
    // Again: already served, nothing set.
    const before = emu.control.counts().dcdnDeploys;
    const again = await cli("deploy", "--cert", "multi", "--dcdn", domain);
    expect(again.code, again.err).toBe(0);
    expect(emu.control.counts().dcdnDeploys).toBe(before);
    // A domain the certificate does not cover: exit 2 naming the flag.
    const refused = await cli("deploy", "--cert", "multi", "--dcdn", "other.example.com");
    expect(refused.code).toBe(2);
    expect(refused.err).toContain("--dcdn");
  });

  it("--slb LB:443 and LB:443:DOMAIN --region: the listener's and the SNI extension's server certificate is made from the CertId", async () => {
    const lb = await slbWithListener("cn-shanghai", domain, domain);
    const { certId } = current("multi");
    const before = emu.control.counts();
    const def = await cli("deploy", "--cert", "multi", "--slb", `${lb}:443`, "--region", "cn-shanghai");
    expect(def.code, def.err).toBe(0);
    const listener = await slbListener("cn-shanghai", lb, 443);
    expect(await casIdOfServerCertificate("cn-shanghai", String(listener.ServerCertificateId))).toBe(certId);
    // Only the certificate changed: session persistence as it was.
    expect([listener.StickySession, listener.StickySessionType, listener.CookieTimeout, listener.HealthCheck]).toEqual(["on", "insert", 300, "off"]);

    const sni = await cli("deploy", "--cert", "multi", "--slb", `${lb}:443:${domain}`, "--region", "cn-shanghai");
    expect(sni.code, sni.err).toBe(0);
    const extCert = await slbExtension("cn-shanghai", lb, 443, domain);
    expect(extCert).toBe(String(listener.ServerCertificateId)); // the server certificate made once is reused
    expect(emu.control.counts()).toMatchObject({ slbServerCertificates: before.slbServerCertificates + 1, slbDeploys: before.slbDeploys + 2 });

    // Not in that region; a domain without an extension; a port that is not a port.
    expect((await cli("deploy", "--cert", "multi", "--slb", `${lb}:443`, "--region", "cn-beijing")).code).toBe(1);
    const noExt = await cli("deploy", "--cert", "multi", "--slb", `${lb}:443:www.multi.example.com`, "--region", "cn-shanghai");
    expect(noExt.code).toBe(2);
    expect(noExt.err).toContain("--slb");
    const badPort = await cli("deploy", "--cert", "multi", "--slb", `${lb}:99999`);
    expect(badPort.code).toBe(2);
    expect(badPort.err).toContain("--slb");
  });

  it("--alb LISTENER (default) and LISTENER:additional: ListListenerCertificates shows <CertId>-cn-hangzhou", async () => {
    const first = await albListener(domain);
    const second = await albListener(domain);
    const { certId } = current("multi");
    const def = await cli("deploy", "--cert", "multi", "--alb", first);
    expect(def.code, def.err).toBe(0);
    expect(await albCertificates(first)).toEqual([[`${certId}-cn-hangzhou`, true]]);
    const extra = await cli("deploy", "--cert", "multi", "--alb", `${second}:additional`);
    expect(extra.code, extra.err).toBe(0);
    const rows = await albCertificates(second);
    expect(rows).toContainEqual([`${certId}-cn-hangzhou`, false]);
    expect(rows.filter(([, isDefault]) => isDefault)).toHaveLength(1); // the default is left as it was
    expect((await cli("deploy", "--cert", "multi", "--alb", "lsn-nope")).code).toBe(1);
    expect((await cli("deploy", "--cert", "multi", "--alb", `${first}:sni`)).code).toBe(2);
  });

  it("exactly one place: none or two is exit 2", async () => {
    const none = await cli("deploy", "--cert", "multi");
    expect(none.code).toBe(2);
    const two = await cli("deploy", "--cert", "multi", "--dcdn", domain, "--alb", "lsn-x");
    expect(two.code).toBe(2);
    expect(two.err).toContain("--alb");
  });

  it("--help names the four kinds of place", async () => {
    const help = await cli("deploy", "--help");
    expect(help.code).toBe(0);
    for (const flag of ["--cdn", "--dcdn", "--slb LB_ID:PORT[:DOMAIN]", "--alb LISTENER_ID[:default|:additional]", "--region"]) expect(help.out + help.err).toContain(flag);
  });
});

describe("keysmith renew with a dcdn, an slb and an alb binding", { timeout: 120_000 }, () => {
  it("one run orders, uploads once and deploys to all three; each read back serves the upload", async () => {
    const domain = "three.example.com";
    await popClient(emu, "2018-01-15").request("AddDcdnDomain", { DomainName: domain, Sources: sources }, post);
    const lb = await slbWithListener("cn-hangzhou", domain);
    const listener = await albListener(domain);
    const config = join(dir, "three.yaml");
    writeFileSync(config, [
      "certificates:",
      "  - name: three",
      `    domains: [${domain}]`,
      `    ${contact}`,
      "    deploy:",
      `      - dcdn: ${domain}`,
      `      - slb: { loadBalancerId: ${lb}, port: 443 }`,
      `      - alb: { listenerId: ${listener}, default: true, region: cn-hangzhou }`,
      "",
    ].join("\n"));
    const run = await cli("renew", "--config", config, "--passphrase-file", pass, "--interval", "0.05", "--timeout", "60", "--json");
    expect(run.code, run.err + run.out).toBe(0);
    const { certId, serial } = current("three");
    const out = JSON.parse(run.out) as { certificates: { name: string; outcome: string; deployed: string[] }[] };
    expect(out.certificates[0]!.deployed).toEqual([`dcdn:${domain}`, `slb:${lb}:443`, `alb:${listener}:default`]);
    const dcdn = await dcdnServed(domain);
    expect(dcdn.certId).toBe(certId);
    expect(sameSerial(dcdn.serial, serial)).toBe(true);
    expect(await casIdOfServerCertificate("cn-hangzhou", String((await slbListener("cn-hangzhou", lb, 443)).ServerCertificateId))).toBe(certId);
    expect(await albCertificates(listener)).toEqual([[`${certId}-cn-hangzhou`, true]]);
    // A second run: everything current, nothing set.
    const before = emu.control.counts();
    const second = await cli("renew", "--config", config, "--passphrase-file", pass, "--json");
    expect(second.code, second.err).toBe(0);
    expect(emu.control.counts()).toEqual(before);
  });
});
