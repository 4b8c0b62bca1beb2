// `deleteOldUploads: true` in the renew file: after every deploy binding of a certificate is confirmed
// serving its current upload, the earlier uploads this tool made for it (state.json `previousUploads`,
// recorded by ensureUploaded in cli/lifecycle/rollout.ts) are deleted from cas with DeleteUserCertificate,
// each only when no CDN domain of the account serves it. Uploads this tool did not make are never touched.
//
// What CDN serves is read, not assumed: DescribeCdnHttpsDomainList lists the domains with HTTPS on (page
// after page; its rows carry no CertId), and DescribeDomainCertificateInfo of each says which CertId it
// serves (CDN_TARGET.served). A listing or read that fails keeps every upload for the next run.
//
// A delete is not a create: it spends nothing and makes nothing, so no write-ahead entry. A lost answer is
// harmless: the CertId stays recorded, the next run deletes it again, and a "not found" answer then means it
// is gone (deleted). A refusal (the certificate in use, anything else) or a failure is reported and the CertId
// stays recorded: the next run tries again. None of this fails the renewal.
import { isKeysmithError } from "../../src/core/errors";
import { t } from "../../src/core/i18n";
import { operation } from "../../src/core/aliyun/operations";
import { ApiError } from "../../src/core/aliyun/api-error";
import type { AliyunClient } from "../../src/core/aliyun/client";
import { CDN_TARGET } from "../../src/core/lifecycle/deploy-targets";
import { targetCall, type RolloutEnv } from "./rollout";
import { writeState, type CertificateFiles, type CertificateState } from "./store";

/** DescribeCdnHttpsDomainList page size (the default is 20; no maximum documented). */
const HTTPS_PAGE_SIZE = 100;
/** At most this many pages (50,000 domains with HTTPS on): a listing that never ends keeps every upload. */
const HTTPS_MAX_PAGES = 500;

export interface CleanupResult {
  /** CertIds deleted now, or found gone already. */
  deleted: string[];
  /** CertIds not deleted, with why; still recorded, tried again on the next run. */
  kept: { certId: string; reason: string }[];
}

const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" || typeof v === "bigint" ? String(v) : "");
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const rows = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === "object") : []);

/** DescribeCdnHttpsDomainList did not end within HTTPS_MAX_PAGES pages. */
class ListingTooLong extends Error {}

/** Every CDN domain of the account with HTTPS on, and the cas CertId each serves: CertId → domains. */
export async function cdnServedCertIds(client: AliyunClient): Promise<Map<string, string[]>> {
  const call = targetCall(client, CDN_TARGET);
  const domains: string[] = [];
  let seen = 0;
  let complete = false;
  for (let page = 1; page <= HTTPS_MAX_PAGES && !complete; page++) {
    const reply = await call("DescribeCdnHttpsDomainList", { PageNumber: String(page), PageSize: String(HTTPS_PAGE_SIZE) });
    const items = rows(obj(reply.CertInfos).CertInfo);
    for (const item of items) {
      const name = str(item.DomainName).toLowerCase();
      if (name && !domains.includes(name)) domains.push(name);
    }
    const total = Number(reply.TotalCount);
    seen += items.length;
    complete = items.length === 0 || (Number.isFinite(total) ? seen >= total : items.length < HTTPS_PAGE_SIZE);
  }
  if (!complete) throw new ListingTooLong();
  const served = new Map<string, string[]>();
  for (const domain of domains) {
    const certId = (await CDN_TARGET.served(call, domain))?.certId;
    if (certId) served.set(certId, [...(served.get(certId) ?? []), domain]);
  }
  return served;
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
    served = await cdnServedCertIds(env.client);
  } catch (err) {
    if (!(err instanceof ListingTooLong) && !isKeysmithError(err)) throw err;
    const reason = err instanceof ListingTooLong ? t(env.ctx.locale, "lifecycle_cli_upload_listing_too_long", { pages: HTTPS_MAX_PAGES }) : reasonOf(env, err);
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
