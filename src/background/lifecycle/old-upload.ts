// After an automatic renewal's deploys are all confirmed, with the key's `deleteOldUpload` setting (and its
// `uploadToCas` opt-in): the previous upload Keysmith made for the certificate the renewal replaces is deleted
// from cas (DeleteUserCertificate), so uploads do not pile up in the account.
//
// Which upload: the `casCertId` of the stored order whose certificate is the replaced one (same key, the
// fingerprint the progress names in `replaces`). Only creates.ts writes `casCertId` on an order, from
// Keysmith's own UploadUserCertificate, so an upload the user made (in the console, or an earlier tool) is never
// a candidate; before deleting, GetUserCertificateDetail (CertFilter: no certificate, no key) must also show a
// `keysmith-` name. It is deleted only when nothing serves it now in CDN nor in any target the key's bindings
// use (DCDN; SLB and ALB in each bound region) (src/core/lifecycle/deploy-targets.ts `servedCertIds`: for CDN,
// DescribeCdnHttpsDomainList then DescribeDomainCertificateInfo of each HTTPS domain). "Not found" (at the look or the delete) means already
// deleted.
//
// It never fails the renewal nor touches a deployment: a refusal or a failure is stored on the progress
// (`oldUploadDeleted: false`, `oldUploadError`, `oldUploadRetryAt` after the renewal's backoff) and the renewal
// tick tries again when that time has come. Each step is stored before the next, so a restarted worker resumes.
// Every call goes through the client of the renewal's profile (`profileId`), whichever profile is selected.
import { isNotFoundError } from "../../core/aliyun/api-error";
import { parseCertificates } from "../../core/cert/certificate";
import { KeysmithError } from "../../core/errors";
import { deployTarget, type ApiCall } from "../../core/lifecycle/deploy-targets";
import { nextAttemptAt } from "../../core/lifecycle/renewal";
import type { ServiceId } from "../../core/aliyun/operation-types";
import type { DeployBinding, KeyView, RenewalProgressView } from "../../messages";
import type { OrderStore } from "../orders/order-store";
import { toErrorData } from "../router";
import type { Services } from "../services";

/** Every upload Keysmith makes is named so (upload-deploy.ts casCertificateName). */
export const CAS_NAME_PREFIX = "keysmith-";


export interface OldUploadDeps {
  services: Pick<Services, "cloud">;
  orders: Pick<OrderStore, "list">;
  now: () => Date;
  /** The backoff's jitter (default Math.random). */
  random?: () => number;
  /** The cas region uploads live in (cn-hangzhou, or ap-southeast-1 for intl); default cn-hangzhou. */
  casRegion?: (profileId?: string) => Promise<string>;
}

export interface OldUploadContext {
  /** The profile the renewal acts under. */
  profileId: string;
  /** The key whose certificate was replaced. */
  key: KeyView;
  progress: RenewalProgressView;
  save: (progress: RenewalProgressView) => Promise<void>;
  /**
   * The key's deploy bindings: besides CDN (always asked), the targets they use are asked what they serve,
   * SLB and ALB in each bound region. Other targets are not (the AccessKey's RAM policy may not allow them).
   */
  deploy?: DeployBinding[];
}

/** The targets (and regions, for regional ones) whose `servedCertIds` decide: CDN, plus each one bound. */
export function targetsToAsk(deploy: readonly DeployBinding[] = []): { target: string; region?: string }[] {
  const out: { target: string; region?: string }[] = [{ target: "cdn" }];
  for (const b of deploy) {
    const region = "region" in b ? b.region : undefined;
    if (!out.some((o) => o.target === b.target && o.region === region)) out.push({ target: b.target, ...(region ? { region } : {}) });
  }
  return out;
}

/** A finished renewal whose old upload is still to be deleted and whose next attempt is due at `now`. */
export function oldUploadDue(progress: RenewalProgressView | undefined, now: Date): boolean {
  if (!progress?.finishedAt || progress.oldUploadDeleted !== false || !progress.oldUploadRetryAt) return false;
  return now.getTime() >= Date.parse(progress.oldUploadRetryAt);
}

/** Marks a finished renewal's progress: the old upload is to be looked at now. */
export function oldUploadToDo(progress: RenewalProgressView, now: Date): RenewalProgressView {
  return { ...progress, oldUploadDeleted: false, oldUploadRetryAt: now.toISOString() };
}


/**
 * The cas CertId Keysmith uploaded for the certificate with fingerprint `replaces` of key `keyId`: the
 * `casCertId` of the stored order that certificate came from (not the order `exceptOrderId`, the renewal's own).
 */
export async function previousUpload(orders: Pick<OrderStore, "list">, keyId: string, replaces: string, exceptOrderId?: string): Promise<string | undefined> {
  for (const o of await orders.list()) {
    if (!o.casCertId || !o.certificatePem || o.keyId !== keyId || o.id === exceptOrderId) continue;
    try {
      if (parseCertificates(o.certificatePem, "certificatePem").leaf.fingerprintSha256 === replaces) return o.casCertId;
    } catch {
      // An unreadable certificate on an order is not the one replaced.
    }
  }
  return undefined;
}

export function createOldUploadCleanup(deps: OldUploadDeps) {
  const random = deps.random ?? Math.random;

  /** One attempt; returns the progress stored. Never throws for the cloud's answers. */
  return async function deleteOldUpload(ctx: OldUploadContext): Promise<RenewalProgressView> {
    let progress = ctx.progress;
    const put = async (next: RenewalProgressView) => {
      progress = next;
      await ctx.save(next);
    };
    if (progress.oldUploadDeleted !== false) return progress;
    try {
      if (!progress.oldCasCertId) {
        const found = await previousUpload(deps.orders, ctx.key.id, progress.replaces, progress.orderId);
        if (!found || found === progress.casCertId) {
          // No upload of Keysmith's for the replaced certificate: nothing to delete.
          const next = { ...progress };
          delete next.oldUploadDeleted;
          delete next.oldUploadRetryAt;
          delete next.oldUploadError;
          delete next.oldUploadFailures;
          await put(next);
          return progress;
        }
        await put({ ...progress, oldCasCertId: found });
      }
      const certId = progress.oldCasCertId!;
      const profile = { profileId: ctx.profileId };
      const client = (await deps.services.cloud(profile)).client;
      const call = (service: string): ApiCall => (action, params) => client.call(service as ServiceId, action, params) as Promise<Record<string, unknown>>;

      let gone = false;
      try {
        // CertFilter: the answer carries neither the certificate nor its key.
        const detail = await call("cas")("GetUserCertificateDetail", { CertId: certId, CertFilter: "true" });
        if (!String(detail.Name ?? "").startsWith(CAS_NAME_PREFIX)) {
          // Not an upload Keysmith made: never deleted, and not looked at again.
          const next: RenewalProgressView = { ...progress, oldUploadDeleted: false, oldUploadError: toErrorData(new KeysmithError("renewal.old_upload.not_ours", { field: "deleteOldUpload", params: { certId } })) };
          delete next.oldUploadRetryAt;
          await put(next);
          return progress;
        }
      } catch (err) {
        if (!isNotFoundError(err)) throw err;
        gone = true;
      }
      if (!gone) {
        const serving: string[] = [];
        // CDN always; DCDN, SLB and ALB only when the key is bound to them (each SLB/ALB region bound, through
        // a client for that region): an account's RAM policy may not allow the others.
        const casRegion = deps.casRegion ? await deps.casRegion(ctx.profileId) : undefined;
        for (const { target: id, region } of targetsToAsk(ctx.deploy)) {
          const target = deployTarget(id, "deploy");
          const regional = target.regional && region !== undefined;
          const regionalClient = regional ? (await deps.services.cloud({ region, ...profile })).client : client;
          const targetCall: ApiCall = (action, params) => regionalClient.call(target.service as ServiceId, action, params) as Promise<Record<string, unknown>>;
          const context = { ...(regional ? { region } : {}), ...(casRegion ? { casRegion } : {}) };
          serving.push(...((await target.servedCertIds(targetCall, context)).get(certId) ?? []));
        }
        if (serving.length > 0) {
          throw new KeysmithError("renewal.old_upload.in_use", { field: "deleteOldUpload", params: { certId, domains: serving.join(", ") } });
        }
        try {
          await call("cas")("DeleteUserCertificate", { CertId: certId });
        } catch (err) {
          if (!isNotFoundError(err)) throw err;
        }
      }
      const done: RenewalProgressView = { ...progress, oldUploadDeleted: true };
      delete done.oldUploadError;
      delete done.oldUploadRetryAt;
      delete done.oldUploadFailures;
      await put(done);
    } catch (err) {
      // Refused or failed: the renewal stays done and its deployments as they are; tried again later.
      const failures = (progress.oldUploadFailures ?? 0) + 1;
      await put({
        ...progress,
        oldUploadDeleted: false,
        oldUploadError: toErrorData(err),
        oldUploadFailures: failures,
        oldUploadRetryAt: nextAttemptAt(deps.now(), failures, random).toISOString(),
      });
    }
    return progress;
  };
}

export type OldUploadCleanup = ReturnType<typeof createOldUploadCleanup>;
