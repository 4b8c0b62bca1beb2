// After issuance: the certificate and its key go to cas (UploadUserCertificate, a create under the
// write-ahead ledger: cli/create.ts), and each deploy target is pointed at the cas CertId and read back
// (src/core/lifecycle/deploy-targets.ts). Used by `keysmith renew` and `keysmith deploy`.
//
// The upload is the one step that hands the private key to the user's Alibaba Cloud account: cas holds it
// so that CDN, DCDN, SLB and ALB can serve the certificate. For the CLI, a renew file with deploy bindings (or an explicit
// `keysmith deploy`) is the user's opt-in to that; without bindings nothing is uploaded.
import { isKeysmithError, type KeysmithError } from "../../src/core/errors";
import { certificateSubstance } from "../../src/core/aliyun/create-identity";
import { t } from "../../src/core/i18n";
import { operation, type ServiceId } from "../../src/core/aliyun/operations";
import type { AliyunClient } from "../../src/core/aliyun/client";
import { DEFAULT_REGION } from "../../src/core/aliyun/endpoints";
import { normalizeSerial, type ApiCall, type DeployTarget, type ReplacedUpload, type RetireRequest, type TargetContext } from "../../src/core/lifecycle/deploy-targets";
import { clientFromArgs } from "../credentials-env";
import type { ParsedArgs } from "../args";
import type { CliContext } from "../context";
import { placeCreate } from "../create";
import { readOrders, stateDirFrom } from "../state-dir";
import { uploadMaterial } from "./issue";
import { writeState, type CertificateFiles, type CertificateState } from "./store";

export interface RolloutEnv {
  ctx: CliContext;
  client: AliyunClient;
  args: ParsedArgs;
  passphrase: string;
  say: (line: string) => void;
  /** Reads back before a deploy counts as failed, and the wait between them. */
  confirmAttempts: number;
  confirmIntervalMs: number;
}

export type UploadOutcome = { kind: "uploaded" | "present"; certId: string } | { kind: "unknown"; error: KeysmithError } | { kind: "failed"; reason: string };

/** The port a deploy target talks through, bound to the signed client and the target's service. */
export function targetCall(client: AliyunClient, target: DeployTarget): ApiCall {
  // The catalogue's service ids are the client's (src/core/aliyun/operation-types.ts ServiceId).
  return (action, params) => client.call(target.service as ServiceId, action, params);
}

/** Where a binding's place is, besides its text: a regional product's region (absent: --region, else the site's). */
export interface DeployPlace {
  region?: string;
}

/** The region and cas region a target's calls use (--site intl: cas lives in ap-southeast-1). */
export function targetContext(env: Pick<RolloutEnv, "args">, target: DeployTarget, place: DeployPlace = {}): TargetContext {
  const site = env.args.strings.get("site") === "intl" ? "intl" : "cn";
  return {
    ...(target.regional ? { region: place.region ?? env.args.strings.get("region") ?? DEFAULT_REGION[site] } : {}),
    casRegion: DEFAULT_REGION[site],
  };
}

/** The client a target is called through: for SLB and ALB, one bound to the place's region's endpoint. */
export function targetClient(env: Pick<RolloutEnv, "args" | "client" | "ctx">, target: DeployTarget, place: DeployPlace = {}): AliyunClient {
  if (!target.regional || place.region === undefined || place.region === env.args.strings.get("region")) return env.client;
  return clientFromArgs({ ...env.args, strings: new Map([...env.args.strings, ["region", place.region]]) }, env.ctx);
}

/** cas names are unique in an account: the certificate's name and its serial's last 20 hex digits. */
export function uploadName(name: string, serial: string): string {
  return `${name.slice(0, 43)}-${normalizeSerial(serial).slice(-20)}`;
}

/** Uploads the state's current certificate and key to cas once (per serial); later calls reuse the CertId. */
export async function ensureUploaded(env: RolloutEnv, name: string, files: CertificateFiles, state: CertificateState, serial: string): Promise<UploadOutcome> {
  const want = normalizeSerial(serial);
  if (state.upload && normalizeSerial(state.upload.serial) === want) return { kind: "present", certId: state.upload.certId };
  const material = await uploadMaterial(files, env.passphrase);
  if (!material) return { kind: "failed", reason: t(env.ctx.locale, "lifecycle_cli_nothing_to_upload", { name }) };
  const uploadAs = uploadName(name, serial);
  // An upload whose answer was lost and that `keysmith order reconcile` adopted since: that is its CertId.
  const fingerprint = certificateSubstance(material.cert)?.fingerprint;
  const adopted = fingerprint ? readOrders(stateDirFrom(env.args.strings.get("state-dir"), env.ctx.env)).filter((o) => o.action === "UploadUserCertificate" && o.keys.includes(`upload:${fingerprint}`)).pop() : undefined;
  let certId: string;
  if (adopted) certId = adopted.id;
  else {
    let placed;
    try {
      placed = await placeCreate(env.ctx, env.client, env.args, operation("cas", "UploadUserCertificate"), { Name: uploadAs, Cert: material.cert, Key: material.key });
    } catch (err) {
      // An earlier run's upload of this certificate is still pending: its outcome is unknown until reconciled.
      if (isKeysmithError(err) && err.code === "api.create.pending") return { kind: "unknown", error: err };
      throw err;
    }
    if ("unknown" in placed) return { kind: "unknown", error: placed.unknown };
    certId = String(placed.response.CertId ?? "");
  }
  if (!certId) return { kind: "failed", reason: t(env.ctx.locale, "lifecycle_cli_upload_no_id", { name }) };
  // The upload it replaces is remembered, so `deleteOldUploads` can delete it once nothing serves it.
  const replaced = state.upload;
  if (replaced && replaced.certId !== certId && !(state.previousUploads ?? []).some((u) => u.certId === replaced.certId)) {
    state.previousUploads = [...(state.previousUploads ?? []), replaced];
  }
  state.upload = { certId, serial: want, name: uploadAs };
  writeState(files, state);
  env.say(t(env.ctx.locale, "lifecycle_cli_uploaded", { name, certId }));
  return { kind: "uploaded", certId };
}

export type DeployOutcome = { kind: "unchanged" | "deployed" } | { kind: "failed"; reason: string };

/**
 * Points the place `domain` (a domain, or an SLB/ALB listener in its target's text form) of `target` at cas
 * certificate `certId` unless it serves it already, then reads it back.
 */
export async function deployOne(env: RolloutEnv, target: DeployTarget, domain: string, certId: string, serial: string, files: CertificateFiles, state: CertificateState, name: string, place: DeployPlace = {}): Promise<DeployOutcome> {
  const call = targetCall(targetClient(env, target, place), target);
  const context = targetContext(env, target, place);
  const want = normalizeSerial(serial);
  const served = await target.served(call, domain, { ...context, want: certId });
  const record = () => {
    state.deployed = { ...(state.deployed ?? {}), [`${target.id}:${domain}`]: { certId, serial: want, at: new Date().toISOString() } };
    writeState(files, state);
  };
  // The uploads this certificate had before (recorded by this tool): what a place kept of them may go once
  // the new one is confirmed there (ALB's replaced additional certificate, SLB's unused server certificates).
  const before = state.deployed?.[`${target.id}:${domain}`]?.certId;
  const replaced: ReplacedUpload[] = [
    ...(state.previousUploads ?? []).map((u) => ({ certId: u.certId, name: u.name })),
    ...(before && !(state.previousUploads ?? []).some((u) => u.certId === before) ? [{ certId: before }] : []),
  ].filter((u) => u.certId !== certId);
  if (served?.certId === certId && (served.serial === undefined || served.serial === want)) {
    if (before !== certId) record();
    await retireReplaced(env, target, call, { domain, certId, ...context, replaced }, name);
    return { kind: "unchanged" };
  }
  const certName = state.upload?.certId === certId ? state.upload.name : undefined;
  await target.deploy(call, { domain, certId, ...context, ...(certName ? { certName } : {}) });
  const confirmed = await target.confirm(call, { domain, certId, ...context, serial: want }, { attempts: env.confirmAttempts, intervalMs: env.confirmIntervalMs });
  if (!confirmed.confirmed) {
    return {
      kind: "failed",
      reason: t(env.ctx.locale, "lifecycle_cli_not_confirmed", { name, target: target.id, domain, certId, seen: confirmed.served?.certId ?? "-", reads: confirmed.reads }),
    };
  }
  record();
  env.say(t(env.ctx.locale, "lifecycle_cli_deployed", { name, target: target.id, domain, certId, serial: want }));
  await retireReplaced(env, target, call, { domain, certId, ...context, replaced }, name);
  return { kind: "deployed" };
}

/**
 * After `request.certId` is confirmed at the place: the target's `retire` (SLB, ALB) removes what the place
 * kept of the replaced uploads. Nothing to retire costs no call; a failure or refusal is said on stderr and
 * never fails the deploy (the next run, deployed or unchanged, tries again while the upload stays recorded).
 */
async function retireReplaced(env: RolloutEnv, target: DeployTarget, call: ApiCall, request: RetireRequest, name: string): Promise<void> {
  if (!target.retire || request.replaced.length === 0) return;
  const where = { name, target: target.id, domain: request.domain };
  try {
    const done = await target.retire(call, request);
    if (done.removed.length > 0) env.say(t(env.ctx.locale, "lifecycle_cli_retired", { ...where, ids: done.removed.join(", ") }));
    for (const kept of done.kept) env.ctx.stderr(`keysmith: ${t(env.ctx.locale, "lifecycle_cli_retire_kept", { ...where, id: kept.id, reason: kept.reason })}\n`);
  } catch (err) {
    if (!isKeysmithError(err)) throw err;
    env.ctx.stderr(`keysmith: ${t(env.ctx.locale, "lifecycle_cli_retire_kept", { ...where, id: "-", reason: err.localized(env.ctx.locale) })}\n`);
  }
}
