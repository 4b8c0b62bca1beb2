// `deleteOldUploads: true` in the renew file: after every deploy binding of a certificate is confirmed
// serving its current upload, the earlier uploads this tool made for it (state.json `previousUploads`,
// recorded by ensureUploaded in cli/lifecycle/rollout.ts) are deleted from cas with DeleteUserCertificate,
// each only when no CDN domain of the account serves it. Uploads this tool did not make are never touched.
//
// What CDN serves is read, not assumed: DescribeCdnHttpsDomainList lists the domains with HTTPS on (page
// after page; its rows carry no CertId), and DescribeDomainCertificateInfo of each says which CertId it
// serves (CDN_TARGET.servedCertIds in src/core/lifecycle/deploy-targets.ts). A listing or read that fails keeps every upload for the next run.
//
// A delete is not a create: it spends nothing and makes nothing, so no write-ahead entry. A lost answer is
// harmless: the CertId stays recorded, the next run deletes it again, and a "not found" answer then means it
// is gone (deleted). A refusal (the certificate in use, anything else) or a failure is reported and the CertId
// stays recorded: the next run tries again. None of this fails the renewal.
import { isKeysmithError } from "../../src/core/errors";
import { t } from "../../src/core/i18n";
import { operation } from "../../src/core/aliyun/operations";
import { ApiError } from "../../src/core/aliyun/api-error";
import { CDN_TARGET } from "../../src/core/lifecycle/deploy-targets";
import { targetCall, type RolloutEnv } from "./rollout";
import { writeState, type CertificateFiles, type CertificateState } from "./store";

export interface CleanupResult {
  /** CertIds deleted now, or found gone already. */
  deleted: string[];
  /** CertIds not deleted, with why; still recorded, tried again on the next run. */
  kept: { certId: string; reason: string }[];
}

/** "Not found" for the CertId: the upload is gone (an earlier delete whose answer was lost, or the user's). */
function gone(err: unknown): boolean {
  return err instanceof ApiError && err.status < 500 && /notfound|not_found|notexist|not_exist/i.test(err.apiCode);
}

function reasonOf(env: RolloutEnv, err: unknown): string {
  return isKeysmithError(err) ? err.localized(env.ctx.locale) : String(err);
}

/**
 * Deletes the earlier uploads of certificate `name` that no CDN domain serves. Call only once every deploy
 * binding of the certificate is confirmed serving `state.upload`. Never throws for a cloud answer.
 */
export async function deleteOldUploads(env: RolloutEnv, name: string, files: CertificateFiles, state: CertificateState): Promise<CleanupResult> {
  const result: CleanupResult = { deleted: [], kept: [] };
  const current = state.upload?.certId;
  // The current upload is never an old one (an entry naming it is dropped, not deleted).
  if (current !== undefined && (state.previousUploads ?? []).some((u) => u.certId === current)) {
    state.previousUploads = (state.previousUploads ?? []).filter((u) => u.certId !== current);
    writeState(files, state);
  }
  const old = [...(state.previousUploads ?? [])];
  if (old.length === 0) return result;

  let served: Map<string, string[]>;
  try {
    served = await CDN_TARGET.servedCertIds(targetCall(env.client, CDN_TARGET));
  } catch (err) {
    if (!isKeysmithError(err)) throw err;
    const reason = reasonOf(env, err);
    return { deleted: [], kept: old.map((u) => ({ certId: u.certId, reason })) };
  }

  for (const upload of old) {
    const domains = served.get(upload.certId);
    if (domains) {
      result.kept.push({ certId: upload.certId, reason: t(env.ctx.locale, "lifecycle_cli_upload_in_use", { domains: domains.map((d) => `${CDN_TARGET.id} ${d}`).join(", ") }) });
      continue;
    }
    try {
      await env.client.callOperation(operation("cas", "DeleteUserCertificate"), { CertId: upload.certId });
      env.say(t(env.ctx.locale, "lifecycle_cli_upload_deleted", { name, certId: upload.certId }));
    } catch (err) {
      if (!isKeysmithError(err)) throw err;
      if (!gone(err)) {
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
