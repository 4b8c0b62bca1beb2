// Upload to cas and CDN deploy after an automatic renewal (src/background/lifecycle/upload-deploy.ts), against
// the in-process emulator: with the key's opt-in, the renewed certificate and its key go up once
// (UploadUserCertificate through the write-ahead creates, its CertId on the order), each CDN binding (a named
// domain, or every CDN domain the SANs cover) is set to it and confirmed by DescribeDomainCertificateInfo
// showing the new serial; the private key appears in no storage, progress or notification. A binding that
// cannot be deployed leaves that domain serving the old certificate, notifies, and is tried again after the
// backoff, without a second upload. With `deleteOldUpload` (src/background/lifecycle/old-upload.ts), once the
// next renewal's deploys are confirmed the upload the last renewal made is deleted when no CDN domain serves it
// (an upload Keysmith did not make never is); one still served, or a delete that fails, stays, the renewal
// still succeeds, and a later tick (a restarted worker too) deletes it.
import { describe, expect, it } from "vitest";
import { targetsToAsk } from "../../../src/background/lifecycle/old-upload";
import { casCertificateName } from "../../../src/background/lifecycle/upload-deploy";
import { ORDERS_KEY, type StoredOrder } from "../../../src/background/orders/order-store";
import { normalizeSerial } from "../../../src/core/lifecycle/deploy-targets";
import type { ExportResult, KeyView, OrderView, PendingCreateView, RenewalProgressView } from "../../../src/messages";
import { popClient } from "../../interop/emulator-helpers";
import { DAY, renewalHarness } from "./renewal-harness";

const h = renewalHarness();
const sources = JSON.stringify([{ content: "203.0.113.10", type: "ipaddr", priority: "20", port: 443, weight: "10" }]);

async function addCdnDomain(name: string): Promise<void> {
  await (await h.client()).call("cdn", "AddCdnDomain", { DomainName: name, CdnType: "web", Sources: sources });
}

/** What CDN serves on `domain`: its cas CertId and the leaf's serial. */
async function served(domain: string): Promise<{ certId: string; serial: string } | undefined> {
  const reply = (await (await h.client()).call("cdn", "DescribeDomainCertificateInfo", { DomainName: domain })) as { CertInfos?: { CertInfo?: { CertId?: string | number; ServerCertificate?: string }[] } };
  const info = reply.CertInfos?.CertInfo?.[0];
  if (!info?.CertId) return undefined;
  const { parseCertificates } = await import("../../../src/core/cert/certificate");
  return { certId: String(info.CertId), serial: info.ServerCertificate ? normalizeSerial(parseCertificates(info.ServerCertificate, "c").leaf.serial) : "" };
}

/** Uploads the key's current certificate and serves it on `domain` (the deployment a renewal replaces). */
async function deployCurrent(t: Awaited<ReturnType<typeof h.setup>>, domain: string): Promise<string> {
  const key = await t.value<ExportResult>("keys.export", { keyId: t.key.id, format: "pkcs8", unencrypted: true });
  const client = await h.client();
  const up = (await client.call("cas", "UploadUserCertificate", { Name: `old-${t.domain}`.slice(0, 64), Cert: t.key.certificate!.pem, Key: key.data })) as { CertId: string | number };
  await client.call("cdn", "SetCdnDomainSSLCertificate", { DomainName: domain, SSLProtocol: "on", CertType: "cas", CertId: String(up.CertId) });
  return String(up.CertId);
}

/** Whether cas still holds `certId` (GetUserCertificateDetail; the emulator answers NotFoundCertificate once it is deleted). */
async function casHolds(certId: string): Promise<boolean> {
  try {
    await (await h.client()).call("cas", "GetUserCertificateDetail", { CertId: certId, CertFilter: "true" });
    return true;
  } catch (err) {
    if ((err as { apiCode?: string }).apiCode === "NotFoundCertificate") return false;
    throw err;
  }
}

type Setup = Awaited<ReturnType<typeof h.setup>>;

/** One automatic renewal of `keyId` (61 days on: its 90-day certificate is due), ticked until it is finished. */
async function renewOnce(t: Setup, keyId: string): Promise<RenewalProgressView> {
  h.advance(61 * DAY);
  await h.tickUntil(t, () => h.renewals(t)[keyId]?.progress?.finishedAt !== undefined, 10);
  const progress = h.renewals(t)[keyId]!.progress!;
  expect(progress).toMatchObject({ phase: "deployed", failures: 0, casCertId: expect.any(String), finishedAt: expect.any(String) });
  return progress;
}

/** Two renewals in a row: the first uploads (Keysmith's upload), the second replaces it. */
async function renewTwice(t: Setup): Promise<{ first: RenewalProgressView; second: RenewalProgressView }> {
  const first = await renewOnce(t, t.key.id);
  const second = await renewOnce(t, first.newKeyId!);
  expect(second.casCertId).not.toBe(first.casCertId);
  return { first, second };
}

/**
 * Uploads the key's current certificate as `name` and records its CertId on the order the certificate came
 * from, as creates.ts records a renewal's upload (a first renewal cannot make a two-name certificate here:
 * the emulator's DV orders are single-domain).
 */
async function recordPreviousUpload(t: Setup, name: string): Promise<string> {
  const key = await t.value<ExportResult>("keys.export", { keyId: t.key.id, format: "pkcs8", unencrypted: true });
  const up = (await (await h.client()).call("cas", "UploadUserCertificate", { Name: name, Cert: t.key.certificate!.pem, Key: key.data })) as { CertId: string | number };
  const certId = String(up.CertId);
  const at = new Date(h.now()).toISOString();
  const orders = (t.store.get(ORDERS_KEY) as Record<string, StoredOrder> | undefined) ?? {};
  const prev: StoredOrder = { id: "prev", operation: "CreateCertificateWithCsrRequest", domain: t.domain, state: "issued", keyId: t.key.id, certificatePem: t.key.certificate!.pem, casCertId: certId, createdAt: at, updatedAt: at, notified: [] };
  t.store.set(ORDERS_KEY, { ...orders, prev });
  return certId;
}

const uploadsFor = (cn: string) => (h.emulator().control.snapshot() as { uploads: { commonName: string; certId: string }[] }).uploads.filter((u) => u.commonName === cn);

describe("upload to cas and CDN deploy after renewal", () => {
  it("uploads once, deploys to every CDN domain the SANs cover (auto binding), confirms the new serial; no key material outside the vault", async () => {
    const t = await h.setup({ policy: { mode: "auto" }, uploadToCas: true, deploy: [{ target: "cdn", auto: true }] });
    await addCdnDomain(t.domain);
    const oldCertId = await deployCurrent(t, t.domain);
    expect((await served(t.domain))?.certId).toBe(oldCertId);

    h.advance(61 * DAY);
    await h.tickUntil(t, () => h.renewals(t)[t.key.id]?.progress?.finishedAt !== undefined);
    const progress = h.renewals(t)[t.key.id]!.progress!;
    expect(progress).toMatchObject({ phase: "deployed", deployed: [t.domain], casCertId: expect.any(String), failures: 0 });
    const renewed = await t.value<KeyView>("keys.get", { keyId: progress.newKeyId! });
    expect(await served(t.domain)).toEqual({ certId: progress.casCertId, serial: normalizeSerial(renewed.certificate!.serial) });
    expect(uploadsFor(t.domain)).toHaveLength(2); // the old one and the renewal's
    const order = (await t.value<OrderView[]>("orders.list", {})).find((o) => o.id === progress.orderId)!;
    expect(order.casCertId).toBe(progress.casCertId);
    const done = t.notifications.find((n) => n.id === `renewal:${t.key.id}:done`)!;
    expect(done.message).toContain(`Deployed to: ${t.domain}`);

    // The new key's private half: in no storage value, progress or notification.
    const pkcs8 = await t.value<ExportResult>("keys.export", { keyId: renewed.id, format: "pkcs8", unencrypted: true });
    const body = pkcs8.data.replace(/-----[^-]+-----|\s/g, "");
    const outside = JSON.stringify([...t.store.entries()]) + JSON.stringify(t.notifications);
    expect(outside).not.toContain(body.slice(20, 80));

    // The renewed key carries the settings; its certificate is not due, so nothing more happens.
    await h.tickUntil(t, () => false, 2);
    expect(uploadsFor(t.domain)).toHaveLength(2);
  });

  it("a deploy the CDN refuses leaves the old deployment, notifies, and retries without a second upload", async () => {
    const t = await h.setup({ policy: { mode: "auto" }, uploadToCas: true });
    await addCdnDomain(t.domain);
    const oldCertId = await deployCurrent(t, t.domain);
    await t.value("renewal.set", { keyId: t.key.id, policy: { mode: "auto" }, deploy: [{ target: "cdn", domain: t.domain }] });
    // CDN answers every SetCdnDomainSSLCertificate with 503 for now: nothing changes on the domain.
    h.emulator().control.setFaults({ serverError: 50, actions: ["SetCdnDomainSSLCertificate"] });
    try {
      h.advance(61 * DAY);
      await h.tickUntil(t, () => (h.renewals(t)[t.key.id]?.progress?.failures ?? 0) > 0);
    } finally {
      h.emulator().control.setFaults({});
    }
    const failed = h.renewals(t)[t.key.id]!.progress!;
    expect(failed).toMatchObject({ phase: "uploaded", failures: 1, casCertId: expect.any(String), lastError: { code: "api.remote.unavailable", field: "SetCdnDomainSSLCertificate" } });
    expect(failed.finishedAt).toBeUndefined();
    expect(t.notifications.find((n) => n.id === `renewal:${t.key.id}:failed`)?.message).toMatch(/untouched/);
    expect((await served(t.domain))?.certId).toBe(oldCertId); // the old deployment stays
    expect(uploadsFor(t.domain)).toHaveLength(2);

    await t.worker.renewer.tick(); // before the retry time: nothing
    expect(h.renewals(t)[t.key.id]!.progress!.failures).toBe(1);
    h.advance(6 * 60_000);
    await h.tickUntil(t, () => h.renewals(t)[t.key.id]?.progress?.finishedAt !== undefined);
    const done = h.renewals(t)[t.key.id]!.progress!;
    expect(done).toMatchObject({ phase: "deployed", deployed: [t.domain], casCertId: failed.casCertId });
    expect((await served(t.domain))?.certId).toBe(failed.casCertId);
    expect(uploadsFor(t.domain)).toHaveLength(2); // uploaded once
  });

  it("an upload refused before commit waits for the window; 'place it anyway' takes the key back from the vault and the renewal deploys it, one upload", async () => {
    const t = await h.setup({ policy: { mode: "auto" }, uploadToCas: true });
    await addCdnDomain(t.domain);
    await deployCurrent(t, t.domain);
    await t.value("renewal.set", { keyId: t.key.id, policy: { mode: "auto" }, deploy: [{ target: "cdn", domain: t.domain }] });
    await t.value("settings.set", { reconcileMinutes: 1 });
    const pendingUploads = async () => (await t.value<PendingCreateView[]>("orders.pending", {})).filter((e) => e.action === "UploadUserCertificate");
    // Every UploadUserCertificate answered 503 before anything is made: the outcome is unknown to the worker.
    h.emulator().control.setFaults({ serverError: "always", actions: ["UploadUserCertificate"] });
    try {
      h.advance(61 * DAY);
      await h.tickUntil(t, async () => (await pendingUploads()).length > 0);
      h.advance(2 * 60_000); // past the one-minute window: nothing found
      await t.worker.creates.reconcile();
      await h.tickUntil(t, () => false, 2); // the renewal waits on the open entry: no second upload
    } finally {
      h.emulator().control.setFaults({});
    }
    const [entry] = await pendingUploads();
    expect(entry).toMatchObject({ state: "unknown", windowOver: true });
    expect(uploadsFor(t.domain)).toHaveLength(1); // only the certificate deployed by hand
    expect(JSON.stringify([...t.store.entries()])).not.toMatch(/PRIVATE KEY/);

    const order = await t.value<OrderView>("orders.pendingPlaceAnyway", { id: entry!.id, confirm: true });
    expect(order.casCertId).toEqual(expect.any(String));
    expect(await pendingUploads()).toEqual([]);
    await h.tickUntil(t, () => h.renewals(t)[t.key.id]?.progress?.finishedAt !== undefined);
    const done = h.renewals(t)[t.key.id]!.progress!;
    expect(done).toMatchObject({ phase: "deployed", deployed: [t.domain], casCertId: order.casCertId });
    expect((await served(t.domain))?.certId).toBe(order.casCertId);
    expect(uploadsFor(t.domain)).toHaveLength(2); // the hand-made one and exactly one upload by the renewal
    expect(JSON.stringify([...t.store.entries()])).not.toMatch(/PRIVATE KEY/);
  });

  it("deleteOldUpload on: the next renewal deletes the upload the last one made, the new one serves; an upload Keysmith did not make stays", async () => {
    const t = await h.setup({ policy: { mode: "auto" }, uploadToCas: true, deleteOldUpload: true });
    await addCdnDomain(t.domain);
    const external = await deployCurrent(t, t.domain); // uploaded by hand, not by Keysmith
    await t.value("renewal.set", { keyId: t.key.id, policy: { mode: "auto" }, deploy: [{ target: "cdn", domain: t.domain }] });

    const first = await renewOnce(t, t.key.id);
    // The certificate it replaced was imported, not uploaded by Keysmith: nothing to delete.
    expect(first.oldCasCertId).toBeUndefined();
    expect(first.oldUploadDeleted).toBeUndefined();
    expect(await casHolds(external)).toBe(true);
    expect(h.renewals(t)[first.newKeyId!]).toMatchObject({ deleteOldUpload: true, uploadToCas: true }); // the setting moves with the policy

    const second = await renewOnce(t, first.newKeyId!);
    expect(second).toMatchObject({ oldCasCertId: first.casCertId, oldUploadDeleted: true });
    expect(second.oldUploadError).toBeUndefined();
    expect(await casHolds(first.casCertId!)).toBe(false);
    expect(await casHolds(second.casCertId!)).toBe(true);
    const renewed = await t.value<KeyView>("keys.get", { keyId: second.newKeyId! });
    expect(await served(t.domain)).toEqual({ certId: second.casCertId, serial: normalizeSerial(renewed.certificate!.serial) });
    expect(await casHolds(external)).toBe(true);
    const view = await t.value<{ progress: RenewalProgressView }>("renewal.get", { keyId: first.newKeyId! });
    expect(view.progress).toMatchObject({ oldCasCertId: first.casCertId, oldUploadDeleted: true });
  });

  it("deleteOldUpload off (the default): the last renewal's upload stays in cas", async () => {
    const t = await h.setup({ policy: { mode: "auto" }, uploadToCas: true, deploy: [{ target: "cdn", auto: true }] });
    await addCdnDomain(t.domain);
    expect(h.renewals(t)[t.key.id]!.deleteOldUpload).toBe(false);
    const { first, second } = await renewTwice(t);
    expect(second.oldUploadDeleted).toBeUndefined();
    expect(second.oldCasCertId).toBeUndefined();
    expect(await casHolds(first.casCertId!)).toBe(true);
    expect((await served(t.domain))?.certId).toBe(second.casCertId);
  });

  it("an old upload another CDN domain still serves stays, the renewal still succeeds; once nothing serves it a later tick deletes it", async () => {
    // The current certificate covers two names, so two CDN domains can serve it. DV orders here are
    // single-domain, so this upload is recorded as a renewal's upload would be (creates.ts: its CertId on the
    // order the certificate came from) rather than made by a first renewal.
    const t = await h.setup({ policy: { mode: "auto" }, uploadToCas: true, deleteOldUpload: true }, { moreSans: ["alt"] });
    const alt = `alt-${t.domain}`;
    expect(t.key.certificate!.sans).toEqual([t.domain, alt]);
    await addCdnDomain(t.domain);
    await addCdnDomain(alt);
    await t.value("renewal.set", { keyId: t.key.id, policy: { mode: "auto" }, deploy: [{ target: "cdn", domain: t.domain }] });
    const old = await recordPreviousUpload(t, casCertificateName(t.key));
    const client = await h.client();
    for (const domain of [t.domain, alt]) await client.call("cdn", "SetCdnDomainSSLCertificate", { DomainName: domain, SSLProtocol: "on", CertType: "cas", CertId: old });

    const progress = await renewOnce(t, t.key.id);
    expect(progress).toMatchObject({
      deployed: [t.domain],
      oldCasCertId: old,
      oldUploadDeleted: false,
      oldUploadFailures: 1,
      oldUploadRetryAt: expect.any(String),
      oldUploadError: { code: "renewal.old_upload.in_use", field: "deleteOldUpload", params: { certId: old, domains: alt } },
    });
    expect(progress.lastError).toBeUndefined();
    expect(await casHolds(old)).toBe(true);
    expect((await served(alt))?.certId).toBe(old); // its deployment untouched
    expect((await served(t.domain))?.certId).toBe(progress.casCertId);
    expect(t.notifications.some((n) => n.id === `renewal:${t.key.id}:done`)).toBe(true);
    expect(t.notifications.some((n) => n.id === `renewal:${t.key.id}:failed`)).toBe(false);
    const view = await t.value<{ progress: RenewalProgressView }>("renewal.get", { keyId: t.key.id });
    expect(view.progress.oldUploadError?.message).toContain(alt);

    // Before its retry time: nothing. The other domain stops serving it; a later tick deletes the old upload.
    await t.worker.renewer.tick();
    expect(h.renewals(t)[t.key.id]!.progress!.oldUploadDeleted).toBe(false);
    await client.call("cdn", "SetCdnDomainSSLCertificate", { DomainName: alt, SSLProtocol: "off" });
    h.advance(6 * 60_000);
    await t.worker.renewer.tick();
    const later = h.renewals(t)[t.key.id]!.progress!;
    expect(later).toMatchObject({ oldCasCertId: old, oldUploadDeleted: true, finishedAt: progress.finishedAt });
    expect(later.oldUploadError).toBeUndefined();
    expect(await casHolds(old)).toBe(false);
    expect(await casHolds(progress.casCertId!)).toBe(true);
  });

  it("a failed delete is recorded, not a failed renewal; a restarted worker takes it up on a later tick, and 'not found' counts as deleted", async () => {
    const t = await h.setup({ policy: { mode: "auto" }, uploadToCas: true, deploy: [{ target: "cdn", auto: true }], deleteOldUpload: true });
    await addCdnDomain(t.domain);
    const first = await renewOnce(t, t.key.id);
    const key1 = first.newKeyId!;
    h.emulator().control.setFaults({ serverError: "always", actions: ["DeleteUserCertificate"] });
    let second: RenewalProgressView;
    try {
      second = await renewOnce(t, key1);
    } finally {
      h.emulator().control.setFaults({});
    }
    expect(second).toMatchObject({ oldCasCertId: first.casCertId, oldUploadDeleted: false, oldUploadError: { code: "api.remote.unavailable", field: "DeleteUserCertificate" } });
    expect(second.lastError).toBeUndefined();
    expect(await casHolds(first.casCertId!)).toBe(true);
    expect((await served(t.domain))?.certId).toBe(second.casCertId);

    // Deleted by hand meanwhile; the worker restarts; its next tick finds it gone: deleted.
    await (await h.client()).call("cas", "DeleteUserCertificate", { CertId: first.casCertId! });
    h.advance(6 * 60_000);
    const restarted = await h.workerOn(t, t.factory);
    await restarted.worker.renewer.tick();
    const later = h.renewals(t)[key1]!.progress!;
    expect(later).toMatchObject({ oldCasCertId: first.casCertId, oldUploadDeleted: true });
    expect(later.oldUploadError).toBeUndefined();
    expect((await served(t.domain))?.certId).toBe(second.casCertId);
  });

  it("a recorded upload cas does not name as Keysmith's is never deleted, nor looked at again", async () => {
    const t = await h.setup({ policy: { mode: "auto" }, uploadToCas: true, deleteOldUpload: true, deploy: [{ target: "cdn", auto: true }] });
    await addCdnDomain(t.domain);
    const other = await recordPreviousUpload(t, `mine-${t.domain}`.slice(0, 64));
    const progress = await renewOnce(t, t.key.id);
    expect(progress).toMatchObject({ oldCasCertId: other, oldUploadDeleted: false, oldUploadError: { code: "renewal.old_upload.not_ours", params: { certId: other } } });
    expect(progress.oldUploadRetryAt).toBeUndefined();
    h.advance(7 * 60 * 60_000);
    await t.worker.renewer.tick();
    expect(h.renewals(t)[t.key.id]!.progress).toEqual(progress);
    expect(await casHolds(other)).toBe(true);
  });
});

// DCDN, SLB and ALB bindings (the popup's other deploy fields): each place deployed through its deploy-catalogue
// entry, SLB through a client for the binding's region (the emulator keeps load balancers per RegionId), each
// read back through the product's API; the old upload's check asks CDN plus the bound targets only.
const post = { method: "POST" } as const;

/** A cas upload of the key's current certificate (what the listeners serve before the renewal). */
async function uploadCurrent(t: Setup, name: string): Promise<string> {
  const key = await t.value<ExportResult>("keys.export", { keyId: t.key.id, format: "pkcs8", unencrypted: true });
  const up = (await (await h.client()).call("cas", "UploadUserCertificate", { Name: name.slice(0, 64), Cert: t.key.certificate!.pem, Key: key.data })) as { CertId: string | number };
  return String(up.CertId);
}

/** An SLB load balancer in `region` with an HTTPS listener on 443 serving cas certificate `casId`. */
async function slbListener(region: string, name: string, casId: string): Promise<string> {
  const slb = popClient(h.emulator(), "2014-05-15");
  const lb = String(((await slb.request("CreateLoadBalancer", { RegionId: region, LoadBalancerName: name }, post)) as { LoadBalancerId: string }).LoadBalancerId);
  const sc = String(((await slb.request("UploadServerCertificate", { RegionId: region, AliCloudCertificateId: casId, AliCloudCertificateName: `before-${name}`.slice(0, 64), AliCloudCertificateRegionId: "cn-hangzhou" }, post)) as { ServerCertificateId: string }).ServerCertificateId);
  await slb.request("CreateLoadBalancerHTTPSListener", { RegionId: region, LoadBalancerId: lb, ListenerPort: 443, BackendServerPort: 80, Bandwidth: -1, StickySession: "off", HealthCheck: "off", ServerCertificateId: sc }, post);
  return lb;
}

async function albListener(casId: string): Promise<string> {
  const made = (await popClient(h.emulator(), "2020-06-16").request("CreateListener", { LoadBalancerId: "alb-renewtest", ListenerProtocol: "HTTPS", ListenerPort: 443, "Certificates.1.CertificateId": `${casId}-cn-hangzhou` }, post)) as { ListenerId: string };
  return String(made.ListenerId);
}

/** What an SLB listener serves: the cas CertId of its server certificate. */
async function slbServes(region: string, lb: string): Promise<string> {
  const client = await h.client();
  const attrs = (await client.call("slb", "DescribeLoadBalancerHTTPSListenerAttribute", { RegionId: region, LoadBalancerId: lb, ListenerPort: "443" })) as { ServerCertificateId?: string };
  const rows = (await client.call("slb", "DescribeServerCertificates", { RegionId: region, ServerCertificateId: String(attrs.ServerCertificateId) })) as { ServerCertificates?: { ServerCertificate?: { AliCloudCertificateId?: string | number }[] } };
  return String(rows.ServerCertificates?.ServerCertificate?.[0]?.AliCloudCertificateId ?? "");
}

/** The ALB listener's certificates: `<CertId>-<cas region>`, default or not. */
async function albServes(listenerId: string): Promise<{ id: string; isDefault: boolean }[]> {
  const reply = (await (await h.client()).call("alb", "ListListenerCertificates", { ListenerId: listenerId, CertificateType: "Server" })) as { Certificates?: { CertificateId: string; IsDefault: boolean | string; Status?: string }[] };
  return (reply.Certificates ?? []).filter((c) => c.Status === undefined || c.Status === "Associated").map((c) => ({ id: c.CertificateId, isDefault: c.IsDefault === true || c.IsDefault === "true" }));
}

describe("DCDN, SLB and ALB bindings", () => {
  it("a renewal deploys to a DCDN domain, an SLB listener (its region) and ALB listeners (default and additional), each confirmed through the API", async () => {
    const t = await h.setup({ policy: { mode: "auto" }, uploadToCas: true });
    await popClient(h.emulator(), "2018-01-15").request("AddDcdnDomain", { DomainName: t.domain, Sources: sources }, post);
    const before = await uploadCurrent(t, `before-${t.domain}`);
    const lb = await slbListener("cn-shanghai", t.domain, before);
    const lsnDefault = await albListener(before);
    const lsnExtra = await albListener(before);
    const deploy = [
      { target: "dcdn", domain: t.domain },
      { target: "slb", loadBalancerId: lb, port: 443, region: "cn-shanghai" },
      { target: "alb", listenerId: lsnDefault, default: true, region: "cn-hangzhou" },
      { target: "alb", listenerId: lsnExtra, default: false, region: "cn-hangzhou" },
    ];
    const set = await t.value<{ deploy: unknown[] }>("renewal.set", { keyId: t.key.id, policy: { mode: "auto" }, deploy });
    expect(set.deploy).toEqual(deploy);
    expect(await slbServes("cn-shanghai", lb)).toBe(before);

    h.cloudRegions.length = 0;
    const progress = await renewOnce(t, t.key.id);
    const casCertId = progress.casCertId!;
    // A client per binding region: SLB's and ALB's bound to theirs, DCDN's the settings' (one each per attempt).
    expect(new Set(h.cloudRegions)).toEqual(new Set([undefined, "cn-shanghai", "cn-hangzhou"]));
    expect(progress.deployed).toEqual([`dcdn:${t.domain}`, `slb:${lb}:443@cn-shanghai`, `alb:${lsnDefault}:default@cn-hangzhou`, `alb:${lsnExtra}:additional@cn-hangzhou`]);
    const renewed = await t.value<KeyView>("keys.get", { keyId: progress.newKeyId! });

    const dcdn = (await (await h.client()).call("dcdn", "DescribeDcdnDomainCertificateInfo", { DomainName: t.domain })) as { CertInfos?: { CertInfo?: { CertId?: string | number; SSLPub?: string }[] } };
    const info = dcdn.CertInfos!.CertInfo![0]!;
    expect(String(info.CertId)).toBe(casCertId);
    const { parseCertificates } = await import("../../../src/core/cert/certificate");
    expect(normalizeSerial(parseCertificates(info.SSLPub!, "c").leaf.serial)).toBe(normalizeSerial(renewed.certificate!.serial));

    expect(await slbServes("cn-shanghai", lb)).toBe(casCertId);
    expect(await albServes(lsnDefault)).toEqual([{ id: `${casCertId}-cn-hangzhou`, isDefault: true }]);
    expect(await albServes(lsnExtra)).toContainEqual({ id: `${casCertId}-cn-hangzhou`, isDefault: false });
    expect(await albServes(lsnExtra)).toContainEqual({ id: `${before}-cn-hangzhou`, isDefault: true }); // the default stays
    // The renewed key carries the bindings.
    expect(h.renewals(t)[progress.newKeyId!]!.deploy).toEqual(deploy);
  });

  it("an SLB binding in the wrong region is not deployed: the renewal fails there, the listener keeps its certificate", async () => {
    const t = await h.setup({ policy: { mode: "auto" }, uploadToCas: true });
    const before = await uploadCurrent(t, `before-${t.domain}`);
    const lb = await slbListener("cn-beijing", t.domain, before);
    await t.value("renewal.set", { keyId: t.key.id, policy: { mode: "auto" }, deploy: [{ target: "slb", loadBalancerId: lb, port: 443, region: "cn-shanghai" }] });
    h.advance(61 * DAY);
    await h.tickUntil(t, () => h.renewals(t)[t.key.id]?.progress?.lastError !== undefined);
    const progress = h.renewals(t)[t.key.id]!.progress!;
    expect(progress).toMatchObject({ phase: "uploaded", failures: 1 });
    expect(progress.finishedAt).toBeUndefined();
    expect(JSON.stringify(progress.lastError)).toContain("InvalidLoadBalancerId.NotFound");
    expect(await slbServes("cn-beijing", lb)).toBe(before);
  });

  it("the old upload's check asks CDN and the bound targets only; an ALB listener of the account still serving it keeps it", async () => {
    expect(targetsToAsk([])).toEqual([{ target: "cdn" }]);
    expect(targetsToAsk([{ target: "dcdn", auto: true }, { target: "slb", loadBalancerId: "lb-1", port: 443, region: "cn-shanghai" }, { target: "slb", loadBalancerId: "lb-2", port: 443, region: "cn-shanghai" }, { target: "alb", listenerId: "lsn-1", default: true, region: "cn-beijing" }])).toEqual([
      { target: "cdn" },
      { target: "dcdn" },
      { target: "slb", region: "cn-shanghai" },
      { target: "alb", region: "cn-beijing" },
    ]);

    const t = await h.setup({ policy: { mode: "auto" }, uploadToCas: true, deleteOldUpload: true });
    const before = await uploadCurrent(t, `before-${t.domain}`);
    const bound = await albListener(before);
    const other = await albListener(before);
    await t.value("renewal.set", { keyId: t.key.id, policy: { mode: "auto" }, deploy: [{ target: "alb", listenerId: bound, default: true, region: "cn-hangzhou" }] });
    const first = await renewOnce(t, t.key.id);
    // Another listener of the account takes the first renewal's upload: the next renewal must not delete it.
    await (await h.client()).call("alb", "UpdateListenerAttribute", { ListenerId: other, "Certificates.1.CertificateId": `${first.casCertId}-cn-hangzhou` });
    const second = await renewOnce(t, first.newKeyId!);
    expect(second).toMatchObject({ oldCasCertId: first.casCertId, oldUploadDeleted: false, oldUploadError: { code: "renewal.old_upload.in_use" } });
    expect(JSON.stringify(second.oldUploadError)).toContain(`alb ${other}`);
    expect(await casHolds(first.casCertId!)).toBe(true);
    expect(await albServes(bound)).toEqual([{ id: `${second.casCertId}-cn-hangzhou`, isDefault: true }]);
  });
  it("the next renewal retires what SLB and ALB kept of the last one's upload (server certificate, additional certificate), then deletes that upload", async () => {
    const t = await h.setup({ policy: { mode: "auto" }, uploadToCas: true, deleteOldUpload: true });
    const before = await uploadCurrent(t, `before-${t.domain}`);
    const lb = await slbListener("cn-shenzhen", t.domain, before);
    const lsn = await albListener(before);
    await t.value("renewal.set", {
      keyId: t.key.id,
      policy: { mode: "auto" },
      deploy: [{ target: "slb", loadBalancerId: lb, port: 443, region: "cn-shenzhen" }, { target: "alb", listenerId: lsn, default: false, region: "cn-hangzhou" }],
    });
    const { first, second } = await renewTwice(t);
    expect(await slbServes("cn-shenzhen", lb)).toBe(second.casCertId);
    const rows = (await (await h.client()).call("slb", "DescribeServerCertificates", { RegionId: "cn-shenzhen" })) as { ServerCertificates?: { ServerCertificate?: { AliCloudCertificateId?: string | number }[] } };
    const made = (rows.ServerCertificates?.ServerCertificate ?? []).map((r) => String(r.AliCloudCertificateId));
    expect(made).toContain(second.casCertId);
    expect(made).not.toContain(first.casCertId); // the first renewal's server certificate deleted
    const additional = (await albServes(lsn)).filter((c) => !c.isDefault).map((c) => c.id);
    expect(additional).toEqual([`${second.casCertId}-cn-hangzhou`]); // the first renewal's one dissociated
    expect(second).toMatchObject({ oldCasCertId: first.casCertId, oldUploadDeleted: true });
    expect(await casHolds(first.casCertId!)).toBe(false);
  });
});
