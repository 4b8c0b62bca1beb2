// `deleteOldUploads: true` in the renew file: after every deploy binding of a certificate is confirmed
// serving its current upload, the earlier uploads this tool made for it (state.json `previousUploads`,
// recorded by ensureUploaded in cli/lifecycle/rollout.ts) are deleted from cas with DeleteUserCertificate,
// each only when no product the certificate is bound to serves it. Uploads this tool did not make are never touched.
//
// What is served is read, not assumed, from every target the certificate's bindings use (and any recorded in
// state.json's deployments), each through its `servedCertIds` (src/core/lifecycle/deploy-targets.ts): CDN
// always (DescribeCdnHttpsDomainList, then DescribeDomainCertificateInfo of each domain); DCDN's domains; for
// SLB, in each bound region, every server certificate made from the upload (DescribeServerCertificates); for
// ALB, in each bound region, every listener's certificates (ListListeners, ListListenerCertificates). A listing
// or read that fails keeps every upload for the next run.
//
// A delete is not a create: it spends nothing and makes nothing, so no write-ahead entry. A lost answer is
// harmless: the CertId stays recorded, the next run deletes it again, and a "not found" answer then means it
// is gone (deleted). A refusal (the certificate in use, anything else) or a failure is reported and the CertId
// stays recorded: the next run tries again. None of this fails the renewal.
import { isKeysmithError } from "../../src/core/errors";
import { t } from "../../src/core/i18n";
import { operation } from "../../src/core/aliyun/operations";
import { isNotFoundError } from "../../src/core/aliyun/api-error";
import { CDN_TARGET, deployTarget, isDeployTargetId, type DeployTarget } from "../../src/core/lifecycle/deploy-targets";
import { targetCall, targetClient, targetContext, type DeployPlace, type RolloutEnv } from "./rollout";
import { writeState, type CertificateFiles, type CertificateState } from "./store";

export interface CleanupResult {
  /** CertIds deleted now, or found gone already. */
  deleted: string[];
  /** CertIds not deleted, with why; still recorded, tried again on the next run. */
  kept: { certId: string; reason: string }[];
}


function reasonOf(env: RolloutEnv, err: unknown): string {
  return isKeysmithError(err) ? err.localized(env.ctx.locale) : String(err);
}

/** A product the certificate is bound to, and for a regional one the region of the binding. */
export interface BoundPlace extends DeployPlace {
  target: string;
}

/**
 * The targets (and regions) asked what they serve: CDN always, then each bound one once per region, then any
 * target state.json records a deployment to (its region is not recorded: the default one is asked).
 */
function askedTargets(env: RolloutEnv, state: CertificateState, bound: readonly BoundPlace[]): { target: DeployTarget; place: DeployPlace }[] {
  const recorded: BoundPlace[] = Object.keys(state.deployed ?? {}).map((key) => key.slice(0, key.indexOf(":"))).filter(isDeployTargetId).map((target) => ({ target }));
  const asked: { target: DeployTarget; place: DeployPlace }[] = [];
  const seen = new Set<string>();
  for (const b of [{ target: CDN_TARGET.id }, ...bound, ...recorded] as BoundPlace[]) {
    const target = deployTarget(b.target, "deploy");
    const place: DeployPlace = target.regional && b.region !== undefined ? { region: b.region } : {};
    const key = `${target.id}|${target.regional ? (targetContext(env, target, place).region ?? "") : ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    asked.push({ target, place });
  }
  return asked;
}

/**
 * Deletes the earlier uploads of certificate `name` that no bound product serves (`bound`: the certificate's
 * deploy bindings; CDN is always asked). Call only once every deploy binding of the certificate is confirmed
 * serving `state.upload`. Never throws for a cloud answer.
 */
export async function deleteOldUploads(env: RolloutEnv, name: string, files: CertificateFiles, state: CertificateState, bound: readonly BoundPlace[] = []): Promise<CleanupResult> {
  const result: CleanupResult = { deleted: [], kept: [] };
  const current = state.upload?.certId;
  // The current upload is never an old one (an entry naming it is dropped, not deleted).
  if (current !== undefined && (state.previousUploads ?? []).some((u) => u.certId === current)) {
    state.previousUploads = (state.previousUploads ?? []).filter((u) => u.certId !== current);
    writeState(files, state);
  }
  const old = [...(state.previousUploads ?? [])];
  if (old.length === 0) return result;

  // CertId → where it is served, each place named with its target (`cdn www.example.com`, `alb lsn-…`).
  const served = new Map<string, string[]>();
  try {
    for (const { target, place } of askedTargets(env, state, bound)) {
      const call = targetCall(targetClient(env, target, place), target);
      for (const [certId, places] of await target.servedCertIds(call, targetContext(env, target, place))) {
        const named = places.map((p) => (p.startsWith(`${target.id} `) ? p : `${target.id} ${p}`));
        served.set(certId, [...(served.get(certId) ?? []), ...named]);
      }
    }
  } catch (err) {
    if (!isKeysmithError(err)) throw err;
    const reason = reasonOf(env, err);
    return { deleted: [], kept: old.map((u) => ({ certId: u.certId, reason })) };
  }

  for (const upload of old) {
    const domains = served.get(upload.certId);
    if (domains) {
      result.kept.push({ certId: upload.certId, reason: t(env.ctx.locale, "lifecycle_cli_upload_in_use", { domains: domains.join(", ") }) });
      continue;
    }
    try {
      await env.client.callOperation(operation("cas", "DeleteUserCertificate"), { CertId: upload.certId });
      env.say(t(env.ctx.locale, "lifecycle_cli_upload_deleted", { name, certId: upload.certId }));
    } catch (err) {
      if (!isKeysmithError(err)) throw err;
      // "Not found": the upload is gone (an earlier delete whose answer was lost, or the user's).
      if (!isNotFoundError(err)) {
        result.kept.push({ certId: upload.certId, reason: reasonOf(env, err) });
        continue;
      }
      env.say(t(env.ctx.locale, "lifecycle_cli_upload_gone", { name, certId: upload.certId }));
    }
    result.deleted.push(upload.certId);
    state.previousUploads = (state.previousUploads ?? []).filter((u) => u.certId !== upload.certId);
    if (state.previousUploads.length === 0) delete state.previousUploads;
    writeState(files, state);
  }
  return result;
}
