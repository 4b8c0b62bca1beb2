// Upload to cas and CDN deploy after an automatic renewal (src/background/lifecycle/upload-deploy.ts), against
// the in-process emulator: with the key's opt-in, the renewed certificate and its key go up once
// (UploadUserCertificate through the write-ahead creates, its CertId on the order), each CDN binding (a named
// domain, or every CDN domain the SANs cover) is set to it and confirmed by DescribeDomainCertificateInfo
// showing the new serial; the private key appears in no storage, progress or notification. A binding that
// cannot be deployed leaves that domain serving the old certificate, notifies, and is tried again after the
// backoff, without a second upload.
import { describe, expect, it } from "vitest";
import { normalizeSerial } from "../../../src/core/lifecycle/deploy-targets";
import type { ExportResult, KeyView, OrderView } from "../../../src/messages";
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
});
