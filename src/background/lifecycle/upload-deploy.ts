// After an automatic renewal's certificate is issued and paired (renewer.ts), with the key's explicit
// `uploadToCas` opt-in: the certificate and its private key go to the user's Alibaba Cloud account (cas
// UploadUserCertificate: Name, Cert = leaf + chain, Key = the vault's PKCS#8 PEM), then each deploy binding is
// served through the deploy catalogue (src/core/lifecycle/deploy-targets.ts DEPLOY_TARGETS: CDN and DCDN set
// the cas CertId on the domain, SLB and ALB on the listener, through a client bound to the binding's region)
// and confirmed by reading back the served CertId (and the serial where the product shows the certificate).
// The upload is a create through the write-ahead creates (orders/creates.ts), so a lost answer is found in
// ListUserCertificateOrder instead of uploading twice; its CertId lands on the order (`casCertId`). The key is
// held only in this function's variables for the call: the ledger drops secret parameters, and no error,
// notification or progress carries it. Each domain confirmed is stored before the next; a failed deploy
// changed nothing on that domain (the old certificate stays served) and is tried again after the backoff.
// The upload and the deploys use the profile of the renewal (its order's), whichever profile is selected.
import type { ServiceId } from "../../core/aliyun/operation-types";
import { KeysmithError } from "../../core/errors";
import type { AliyunClient } from "../../core/aliyun/client";
import {
  albWhereText, coveredDomains, deployTarget, normalizeSerial, slbWhereText, type ApiCall, type ConfirmOptions, type DeployTarget, type ReplacedUpload, type RetireRequest,
} from "../../core/lifecycle/deploy-targets";
import { profileOrDefault, type DeployBinding, type KeyView, type RenewalProgressView } from "../../messages";
import type { Creates } from "../orders/creates";
import type { StoredOrder } from "../orders/order-store";
import type { Services } from "../services";
import { CAS_NAME_PREFIX, previousUpload } from "./old-upload";
import { RenewalWaiting, type AfterIssued } from "./renewer";

export interface UploadDeployDeps {
  services: Pick<Services, "keys" | "cloud">;
  creates: Pick<Creates, "create" | "list">;
  /** `list`: to find the upload the renewal replaces (old-upload.ts previousUpload), for the targets' `retire`. */
  orders: { get(id: string): Promise<StoredOrder>; list?(): Promise<StoredOrder[]> };
  /** Read-back pacing (deploy-targets.ts defaults: 10 reads, 2 s apart). */
  confirm?: ConfirmOptions;
  /** The cas region the upload lives in (the site's: cn-hangzhou, or ap-southeast-1 for intl); default cn-hangzhou. */
  casRegion?: (profileId?: string) => Promise<string>;
}

/** The name the certificate gets in cas: unique per certificate (its serial), at most 64 characters. */
export function casCertificateName(key: KeyView): string {
  const cn = (key.commonName || key.sans[0] || "certificate").replace(/^\*\./, "wildcard.");
  const serial = normalizeSerial(key.certificate?.serial ?? "").slice(-12);
  const suffix = `-${serial || Date.now().toString(16)}`;
  return `${CAS_NAME_PREFIX}${cn}`.slice(0, 64 - suffix.length) + suffix;
}

/** One place a binding names: its target, the place in the target's text form, the region of a regional one. */
export interface BoundPlace {
  target: string;
  /** `DeployRequest.domain`: a domain (cdn, dcdn), `LB_ID:PORT[:DOMAIN]` (slb), `LISTENER_ID:default|additional` (alb). */
  where: string;
  region?: string;
}

/** The place of a binding that names one (not `auto`). */
export function bindingPlace(b: Exclude<DeployBinding, { auto: true }>): BoundPlace {
  if (b.target === "slb") return { target: "slb", where: slbWhereText({ loadBalancerId: b.loadBalancerId, port: b.port, ...(b.domain ? { domain: b.domain } : {}) }), region: b.region };
  if (b.target === "alb") return { target: "alb", where: albWhereText({ listenerId: b.listenerId, isDefault: b.default }), region: b.region };
  return { target: b.target, where: b.domain };
}

/**
 * How a place is named in the progress's `deployed` list (and the notification): a CDN domain as it is (as
 * stored before other targets existed), any other place with its target (`dcdn:www.example.com`,
 * `slb:lb-1:443`, `alb:lsn-1:default`), so the same domain on CDN and DCDN are two places.
 */
export const placeLabel = (p: BoundPlace): string => (p.target === "cdn" ? p.where : `${p.target}:${p.where}${p.region ? `@${p.region}` : ""}`);

/** The places the bindings name, each once: a named one, or every domain of the product the SANs cover. */
async function bindingPlaces(bindings: DeployBinding[], call: (service: string) => ApiCall, sans: string[]): Promise<BoundPlace[]> {
  const out: BoundPlace[] = [];
  const add = (p: BoundPlace) => {
    if (!out.some((d) => placeLabel(d) === placeLabel(p))) out.push(p);
  };
  for (const b of bindings) {
    const target = deployTarget(b.target, "deploy");
    if ("auto" in b) for (const d of await coveredDomains(target, call(target.service), sans)) add({ target: b.target, where: d });
    else add(bindingPlace(b));
  }
  return out;
}

/**
 * After a place is confirmed serving the new CertId: the target's `retire` (SLB, ALB) removes what the place kept
 * of the replaced upload (ALB's replaced additional certificate, SLB's server certificate Keysmith made from it).
 * Never fails the renewal: a refusal or failure leaves it (the old upload's deletion then says what still uses it).
 */
async function retireReplaced(target: DeployTarget, call: ApiCall, request: RetireRequest): Promise<void> {
  if (!target.retire || request.replaced.length === 0) return;
  try {
    await target.retire(call, request);
  } catch (err) {
    if (!(err instanceof KeysmithError)) throw err;
  }
}

export function createUploadDeploy(deps: UploadDeployDeps) {
  async function upload(newKey: KeyView, order: StoredOrder, profileId: string): Promise<string> {
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
        context: { operation: "UploadUserCertificate", domain: newKey.commonName, keyId: newKey.id, orderLocalId: order.id, profileId },
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
    // The upload, and the deploys of what it uploaded, go to the account of the order's profile.
    const profileId = profileOrDefault(order.profileId);
    if (progress.phase === "issued" || !progress.casCertId) {
      const casCertId = await upload(ctx.newKey, order, profileId);
      if (!casCertId) throw new KeysmithError("renewal.upload.no_result", { field: "UploadUserCertificate" });
      progress = { ...progress, phase: "uploaded", casCertId };
      await ctx.save(progress);
    }
    if (ctx.renewal.deploy.length === 0) return progress;
    // One client per region: SLB and ALB are regional (their host is the region's; RegionId is sent too).
    const clients = new Map<string, Promise<AliyunClient>>();
    const clientFor = (region?: string): Promise<AliyunClient> => {
      const key = region ?? "";
      if (!clients.has(key)) clients.set(key, deps.services.cloud({ ...(region ? { region } : {}), profileId }).then((c) => c.client));
      return clients.get(key)!;
    };
    const callIn = (region?: string) => (service: string): ApiCall => async (action, params) => (await clientFor(region)).call(service as ServiceId, action, params) as Promise<Record<string, unknown>>;
    const casRegion = deps.casRegion ? await deps.casRegion(profileId) : undefined;
    // The upload Keysmith made for the certificate this renewal replaces (named as casCertificateName named it).
    let replaced: ReplacedUpload[] | undefined;
    const replacedUploads = async (): Promise<ReplacedUpload[]> => {
      if (replaced) return replaced;
      const orders = deps.orders.list ? { list: () => deps.orders.list!() } : undefined;
      const old = orders ? await previousUpload(orders, ctx.key.id, progress.replaces, progress.orderId) : undefined;
      replaced = old && old !== progress.casCertId ? [{ certId: old, name: casCertificateName(ctx.key) }] : [];
      return replaced;
    };
    const serial = normalizeSerial(ctx.newKey.certificate?.serial ?? "");
    const sans = ctx.newKey.certificate?.sans ?? ctx.newKey.sans;
    for (const place of await bindingPlaces(ctx.renewal.deploy, callIn(), sans)) {
      const label = placeLabel(place);
      if (progress.deployed?.includes(label)) continue;
      const target = deployTarget(place.target, "deploy");
      const call = callIn(target.regional ? place.region : undefined)(target.service);
      const request = {
        domain: place.where,
        certId: progress.casCertId!,
        certName: casCertificateName(ctx.newKey),
        ...(target.regional && place.region ? { region: place.region } : {}),
        ...(casRegion ? { casRegion } : {}),
      };
      await target.deploy(call, request);
      const confirmation = await target.confirm(call, { ...request, serial }, deps.confirm);
      if (!confirmation.confirmed) {
        throw new KeysmithError("renewal.deploy.unconfirmed", { field: "deploy", params: { domain: label, certId: request.certId, served: confirmation.served?.certId ?? "-" } });
      }
      progress = { ...progress, deployed: [...(progress.deployed ?? []), label] };
      await ctx.save(progress);
      await retireReplaced(target, call, { ...request, replaced: await replacedUploads() });
    }
    return progress;
  };
}
