// `keysmith renew` past the renewal point with an ALB and an SLB binding, against the emulator (in process, as
// cli-deploy-targets.test.ts runs the CLI). Two certificates, each with `deleteOldUploads: true`:
//   albren  an additional certificate of ALB listener L1: the renewal dissociates the replaced upload from L1
//           (DissociateAdditionalCertificatesFromListener) but not the certificate the user associated there;
//           the old upload, which the user also associated with listener L2, is kept in cas while ALB serves it
//           (the reason names `alb L2`) and deleted by the first run after L2 no longer lists it
//   slbren  the default certificate of an SLB HTTPS listener (cn-shanghai): the server certificate Keysmith made
//           from the old upload is refused deletion while the user's SNI domain extension uses it, and deleted
//           (DeleteServerCertificate) by the first run after; the user's own server certificate is never
//           deleted; the old cas upload is kept while an SLB server certificate was made from it
// What each product serves and what cas holds is read through the emulator's API (the signed client and
// @alicloud/pop-core), not taken from the CLI's output.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/index";
import { createClient, staticCredentials, type AliyunClient } from "../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../src/core/aliyun/hmac";
import { renewRunner } from "../support/renew-cli";
import { opensslCsr, popClient } from "./emulator-helpers";

const DAY = 24 * 60 * 60 * 1000;
let emu: RunningEmulator;
let api: AliyunClient;
const dir = mkdtempSync(join(tmpdir(), "keysmith-cli-deploy-renewal-"));
const stateDir = join(dir, "state");
const pass = join(dir, "pass.txt");
const config = join(dir, "renew.yaml");
const post = { method: "POST" } as const;
const contact = `    contact: { username: "Li Lei", email: ops@example.com, phone: "13800000000" }\n`;
const ALB_DOMAIN = "alb.renewal.example.com";
const SLB_DOMAIN = "slb.renewal.example.com";
const REGION = "cn-shanghai";

const renew = renewRunner(() => emu, { config, pass, stateDir });

interface RunReport {
  certificates: { name: string; outcome: string; uploadsDeleted?: string[]; uploadsKept?: { certId: string; reason: string }[] }[];
}
const report = (out: string, name: string) => (JSON.parse(out) as RunReport).certificates.find((c) => c.name === name)!;
const uploadOf = (name: string): string => (JSON.parse(readFileSync(join(stateDir, `certificates/${name}/state.json`), "utf8")) as { upload?: { certId: string } }).upload?.certId ?? "";

/** Whether cas still holds the upload (GetUserCertificateDetail, or NotFoundCertificate). */
async function inCas(certId: string): Promise<boolean> {
  try {
    await api.call("cas", "GetUserCertificateDetail", { CertId: certId, CertFilter: true });
    return true;
  } catch (err) {
    expect(err).toMatchObject({ apiCode: "NotFoundCertificate", status: 404 });
    return false;
  }
}

/** A listener's server certificates as [CertificateId, IsDefault], read with the signed client. */
async function albRows(listenerId: string): Promise<[string, boolean][]> {
  const reply = await api.call("alb", "ListListenerCertificates", { ListenerId: listenerId, CertificateType: "Server" });
  return (reply.Certificates as Record<string, unknown>[]).map((c) => [String(c.CertificateId), c.IsDefault === true]);
}

/** SLB server certificates of the region: id → the cas CertId it was made from. */
async function serverCertificates(): Promise<Map<string, string>> {
  const reply = await api.call("slb", "DescribeServerCertificates", { RegionId: REGION });
  return new Map((reply.ServerCertificates as { ServerCertificate: Record<string, unknown>[] }).ServerCertificate.map((c) => [String(c.ServerCertificateId), String(c.AliCloudCertificateId)]));
}

async function listenerCertificate(lb: string): Promise<string> {
  return String((await api.call("slb", "DescribeLoadBalancerHTTPSListenerAttribute", { RegionId: REGION, LoadBalancerId: lb, ListenerPort: 443 })).ServerCertificateId);
}

/** A certificate the user uploaded to cas themselves (not Keysmith's). */
let uploads = 0;
async function userUpload(domain: string): Promise<string> {
  const { csr, keyPath } = opensslCsr(dir, "ec", domain);
  const signed = await emu.control.signCsr(csr, [domain]);
  const up = (await popClient(emu, "2020-04-07").request("UploadUserCertificate", { Name: `user-${++uploads}-${domain}`, Cert: `${signed.certificate}${signed.chain}`, Key: readFileSync(keyPath, "utf8") }, post)) as { CertId: unknown };
  return String(up.CertId);
}

let l1 = "";
let l2 = "";
let userDefault = "";
let userExtra = "";
let lb = "";
let userServerCertificate = "";
let extension = "";

beforeAll(async () => {
  emu = await startEmulator();
  api = await createClient({ credentials: staticCredentials({ accessKeyId: emu.accessKeyId, hmac: await hmacKeysFromSecret(emu.accessKeySecret) }), endpoint: emu.url });
  writeFileSync(pass, "renew passphrase\n");
  const alb = popClient(emu, "2020-06-16");
  userDefault = await userUpload(ALB_DOMAIN);
  userExtra = await userUpload(ALB_DOMAIN);
  for (const which of [1, 2]) {
    const made = (await alb.request("CreateListener", { LoadBalancerId: "alb-emurenewal", ListenerProtocol: "HTTPS", ListenerPort: 442 + which, "Certificates.1.CertificateId": `${userDefault}-cn-hangzhou` }, post)) as { ListenerId: string };
    if (which === 1) l1 = String(made.ListenerId);
    else l2 = String(made.ListenerId);
  }
  const slb = popClient(emu, "2014-05-15");
  lb = String(((await slb.request("CreateLoadBalancer", { RegionId: REGION, LoadBalancerName: "renewal" }, post)) as { LoadBalancerId: string }).LoadBalancerId);
  const casId = await userUpload(SLB_DOMAIN);
  userServerCertificate = String(((await slb.request("UploadServerCertificate", { RegionId: REGION, AliCloudCertificateId: casId, AliCloudCertificateName: `user-${uploads}-${SLB_DOMAIN}`, AliCloudCertificateRegionId: "cn-hangzhou" }, post)) as { ServerCertificateId: string }).ServerCertificateId);
  await slb.request("CreateLoadBalancerHTTPSListener", { RegionId: REGION, LoadBalancerId: lb, ListenerPort: 443, BackendServerPort: 80, Bandwidth: -1, StickySession: "off", HealthCheck: "off", ServerCertificateId: userServerCertificate }, post);
  extension = String(((await slb.request("CreateDomainExtension", { RegionId: REGION, LoadBalancerId: lb, ListenerPort: 443, Domain: SLB_DOMAIN, ServerCertificateId: userServerCertificate }, post)) as { DomainExtensionId: string }).DomainExtensionId);
  writeFileSync(config, [
    "certificates:",
    "  - name: albren",
    `    domains: [${ALB_DOMAIN}]`,
    contact.trimEnd(),
    "    deleteOldUploads: true",
    "    deploy:",
    `      - alb: { listenerId: ${l1}, default: false, region: cn-hangzhou }`,
    "  - name: slbren",
    `    domains: [${SLB_DOMAIN}]`,
    contact.trimEnd(),
    "    deleteOldUploads: true",
    "    deploy:",
    `      - slb: { loadBalancerId: ${lb}, port: 443, region: ${REGION} }`,
    "",
  ].join("\n"));
});
afterAll(async () => emu?.close());

describe("keysmith renew past the renewal point: nothing stale on ALB and SLB, old uploads deleted once no bound product serves them", { timeout: 180_000 }, () => {
  const first: Record<string, string> = {};
  let firstServerCertificate = "";
  let renewal = { code: 0 as number | null, out: "", err: "" };
  const later = new Date(Date.now() + 61 * DAY).toISOString();

  it("first run: ALB L1 lists the upload as additional, the SLB listener serves a server certificate made from it", async () => {
    const run = await renew("--json");
    expect(run.code, run.err + run.out).toBe(0);
    first.albren = uploadOf("albren");
    first.slbren = uploadOf("slbren");
    expect(await albRows(l1)).toEqual([[`${userDefault}-cn-hangzhou`, true], [`${first.albren}-cn-hangzhou`, false]]);
    firstServerCertificate = await listenerCertificate(lb);
    expect((await serverCertificates()).get(firstServerCertificate)).toBe(first.slbren);
    // By hand: the user associates a certificate of their own with L1 and Keysmith's upload with L2, and
    // points the SNI domain extension at the server certificate Keysmith made.
    await api.call("alb", "AssociateAdditionalCertificatesWithListener", { ListenerId: l1, "Certificates.1.CertificateId": `${userExtra}-cn-hangzhou` });
    await api.call("alb", "AssociateAdditionalCertificatesWithListener", { ListenerId: l2, "Certificates.1.CertificateId": `${first.albren}-cn-hangzhou` });
    await api.call("slb", "SetDomainExtensionAttribute", { RegionId: REGION, DomainExtensionId: extension, ServerCertificateId: firstServerCertificate });
  });

  it("renewal: L1 no longer lists the replaced additional certificate (the new one and the user's are listed); the old upload is kept while L2 serves it", async () => {
    emu.control.advanceTime(61 * DAY);
    const run = await renew("--now", later, "--json");
    renewal = run;
    expect(run.code, run.err + run.out).toBe(0);
    const now = uploadOf("albren");
    expect(now).not.toBe(first.albren);
    const rows = await albRows(l1);
    expect(rows).toContainEqual([`${now}-cn-hangzhou`, false]);
    expect(rows).toContainEqual([`${userExtra}-cn-hangzhou`, false]);
    expect(rows).toContainEqual([`${userDefault}-cn-hangzhou`, true]);
    expect(rows.map(([id]) => id)).not.toContain(`${first.albren}-cn-hangzhou`);
    // L2 is the user's: untouched, and it serves the old upload, so cas keeps it (found by asking ALB, not by a refusal).
    expect(await albRows(l2)).toContainEqual([`${first.albren}-cn-hangzhou`, false]);
    expect(await inCas(first.albren!)).toBe(true);
    expect(report(run.out, "albren").uploadsKept).toEqual([{ certId: first.albren, reason: `still served by alb ${l2}` }]);
  });

  it("renewal: the SLB server certificate made from the old upload stays while the SNI extension uses it; the user's is never deleted", async () => {
    const now = uploadOf("slbren");
    expect(now).not.toBe(first.slbren);
    const listener = await listenerCertificate(lb);
    const certs = await serverCertificates();
    expect(certs.get(listener)).toBe(now);
    expect(certs.get(firstServerCertificate)).toBe(first.slbren); // refused: the extension uses it
    expect(renewal.err).toContain(`slbren: slb ${lb}:443: ${firstServerCertificate} was not removed (CertificateRelatedDomainExtensionExist)`);
    expect(certs.has(userServerCertificate)).toBe(true);
    // The old cas upload is kept: an SLB server certificate made from it still exists.
    expect(await inCas(first.slbren!)).toBe(true);
    expect(previousUploadsOf("slbren")).toEqual([first.slbren]);
  });

  it("the first run after nothing uses them: the server certificate and both old uploads are deleted", async () => {
    // By hand: L2 lets go of the old upload (DissociateAdditionalCertificatesFromListener through pop-core),
    // and the SNI extension goes back to the user's server certificate.
    await popClient(emu, "2020-06-16").request("DissociateAdditionalCertificatesFromListener", { ListenerId: l2, "Certificates.1.CertificateId": `${first.albren}-cn-hangzhou` }, post);
    await api.call("slb", "SetDomainExtensionAttribute", { RegionId: REGION, DomainExtensionId: extension, ServerCertificateId: userServerCertificate });
    const run = await renew("--now", later, "--json");
    expect(run.code, run.err + run.out).toBe(0);
    const certs = await serverCertificates();
    expect(certs.has(firstServerCertificate)).toBe(false);
    expect(certs.has(userServerCertificate)).toBe(true);
    expect(certs.get(await listenerCertificate(lb))).toBe(uploadOf("slbren"));
    expect(report(run.out, "albren")).toMatchObject({ outcome: "current", uploadsDeleted: [first.albren] });
    expect(report(run.out, "slbren")).toMatchObject({ outcome: "current", uploadsDeleted: [first.slbren] });
    expect(await inCas(first.albren!)).toBe(false);
    expect(await inCas(first.slbren!)).toBe(false);
    expect(await inCas(userDefault)).toBe(true);
    expect(await inCas(userExtra)).toBe(true);
  });
});

function previousUploadsOf(name: string): string[] {
  const state = JSON.parse(readFileSync(join(stateDir, `certificates/${name}/state.json`), "utf8")) as { previousUploads?: { certId: string }[] };
  return (state.previousUploads ?? []).map((u) => u.certId);
}
