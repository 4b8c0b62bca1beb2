// After an automatic renewal's certificate is issued and paired (renewer.ts), with the key's explicit
// `uploadToCas` opt-in: the certificate and its private key go to the user's Alibaba Cloud account (cas
// UploadUserCertificate: Name, Cert = leaf + chain, Key = the vault's PKCS#8 PEM), then each deploy binding is
// served through the deploy catalogue (src/core/lifecycle/deploy-targets.ts DEPLOY_TARGETS: the CDN entry sets
// the cas CertId on the domain) and confirmed by reading back the served CertId and serial.
// The upload is a create through the write-ahead creates (orders/creates.ts), so a lost answer is found in
// ListUserCertificateOrder instead of uploading twice; its CertId lands on the order (`casCertId`). The key is
// held only in this function's variables for the call: the ledger drops secret parameters, and no error,
// notification or progress carries it. Each domain confirmed is stored before the next; a failed deploy
// changed nothing on that domain (the old certificate stays served) and is tried again after the backoff.
import type { ServiceId } from "../../core/aliyun/operation-types";
import { KeysmithError } from "../../core/errors";
import { coveredDomains, deployTarget, normalizeSerial, type ApiCall, type ConfirmOptions } from "../../core/lifecycle/deploy-targets";
import type { DeployBinding, KeyView, RenewalProgressView } from "../../messages";
import type { Creates } from "../orders/creates";
import type { StoredOrder } from "../orders/order-store";
import type { Services } from "../services";
import { CAS_NAME_PREFIX } from "./old-upload";
import { RenewalWaiting, type AfterIssued } from "./renewer";

export interface UploadDeployDeps {
  services: Pick<Services, "keys" | "cloud">;
  creates: Pick<Creates, "create" | "list">;
  orders: { get(id: string): Promise<StoredOrder> };
  /** Read-back pacing (deploy-targets.ts defaults: 10 reads, 2 s apart). */
  confirm?: ConfirmOptions;
}

/** The name the certificate gets in cas: unique per certificate (its serial), at most 64 characters. */
export function casCertificateName(key: KeyView): string {
  const cn = (key.commonName || key.sans[0] || "certificate").replace(/^\*\./, "wildcard.");
  const serial = normalizeSerial(key.certificate?.serial ?? "").slice(-12);
  const suffix = `-${serial || Date.now().toString(16)}`;
  return `${CAS_NAME_PREFIX}${cn}`.slice(0, 64 - suffix.length) + suffix;
}

/** The domains the bindings name, each once: a named domain, or every one of the product the SANs cover. */
async function bindingDomains(bindings: DeployBinding[], call: (service: string) => ApiCall, sans: string[]): Promise<{ target: string; domain: string }[]> {
  const out: { target: string; domain: string }[] = [];
  const add = (target: string, domain: string) => {
    if (!out.some((d) => d.target === target && d.domain === domain)) out.push({ target, domain });
  };
  for (const b of bindings) {
    const target = deployTarget(b.target, "deploy");
    if ("auto" in b) for (const d of await coveredDomains(target, call(target.service), sans)) add(b.target, d);
    else add(b.target, b.domain);
  }
  return out;
}

export function createUploadDeploy(deps: UploadDeployDeps) {
  async function upload(newKey: KeyView, order: StoredOrder): Promise<string> {
    if (order.casCertId) return order.casCertId; // uploaded before (or adopted by reconciliation)
    if (!newKey.exportable) throw new KeysmithError("renewal.upload.not_exportable", { field: "uploadToCas", params: { label: newKey.label || newKey.commonName || newKey.id } });
    if (newKey.spec === "EC_SM2") throw new KeysmithError("renewal.upload.sm2", { field: "uploadToCas" });
    if (!newKey.certificate) throw new KeysmithError("renewal.upload.no_certificate", { field: "keyId" });
    // A ledger entry still open for this upload: reconciliation settles it; never a second upload meanwhile.
    if ((await deps.creates.list()).some((e) => (e.context as { orderLocalId?: string; operation?: string } | undefined)?.operation === "UploadUserCertificate" && (e.context as { orderLocalId?: string }).orderLocalId === order.id)) {
      throw new RenewalWaiting();
    }
    const key = (await deps.services.keys.export({ keyId: newKey.id, format: "pkcs8", unencrypted: true })).data;
    try {
      const recorded = await deps.creates.create({
        service: "cas",
        action: "UploadUserCertificate",
        params: { Name: casCertificateName(newKey), Cert: newKey.certificate.pem, Key: key },
        context: { operation: "UploadUserCertificate", domain: newKey.commonName, keyId: newKey.id, orderLocalId: order.id },
      });
      return recorded.casCertId ?? (await deps.orders.get(order.id)).casCertId ?? "";
    } catch (err) {
      if (err instanceof KeysmithError && err.code === "api.create.unknown") throw new RenewalWaiting();
      throw err;
    }
  }

  return async function afterIssued(ctx: AfterIssued): Promise<RenewalProgressView> {
    let progress = ctx.progress;
    const order = await deps.orders.get(ctx.order.id);
    if (progress.phase === "issued" || !progress.casCertId) {
      const casCertId = await upload(ctx.newKey, order);
      if (!casCertId) throw new KeysmithError("renewal.upload.no_result", { field: "UploadUserCertificate" });
      progress = { ...progress, phase: "uploaded", casCertId };
      await ctx.save(progress);
    }
    if (ctx.renewal.deploy.length === 0) return progress;
    const client = (await deps.services.cloud()).client;
    const call = (service: string): ApiCall => (action, params) => client.call(service as ServiceId, action, params) as Promise<Record<string, unknown>>;
    const serial = normalizeSerial(ctx.newKey.certificate?.serial ?? "");
    const sans = ctx.newKey.certificate?.sans ?? ctx.newKey.sans;
    for (const { target: id, domain } of await bindingDomains(ctx.renewal.deploy, call, sans)) {
      if (progress.deployed?.includes(domain)) continue;
      const target = deployTarget(id, "deploy");
      const request = { domain, certId: progress.casCertId! };
      await target.deploy(call(target.service), request);
      const confirmation = await target.confirm(call(target.service), { ...request, serial }, deps.confirm);
      if (!confirmation.confirmed) {
        throw new KeysmithError("renewal.deploy.unconfirmed", { field: "deploy", params: { domain, certId: request.certId, served: confirmation.served?.certId ?? "-" } });
      }
      progress = { ...progress, deployed: [...(progress.deployed ?? []), domain] };
      await ctx.save(progress);
    }
    return progress;
  };
}
