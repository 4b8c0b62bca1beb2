// The options page's side of profiles (src/messages.ts ProfileView, profile.* messages): the page edits the
// SELECTED profile (the switcher at the top of the page chooses it, as the popup's does), so what a section
// saves goes to the profile it names. Rules checked here before anything is sent mirror the worker's
// (src/background/payload-schemas.ts: a name of at most 64 characters, unique ignoring case; a role's ARN,
// session name and duration). A worker without profile.* (an older build, a scripted test worker) still
// gets a working page: one implicit profile built from settings.get and credentials.status, saved with
// settings.set.
import {
  DEFAULT_PROFILE_ID, ROLE_DURATION_SECONDS,
  type CredentialsStatus, type ProfileKind, type ProfileList, type ProfileSaveRequest, type ProfileView, type Settings,
} from "../messages";
import { ROLE_SESSION_NAME } from "../core/aliyun/operations/sts";
import type { WorkerApi } from "../ui/worker-api";

export const PROFILE_NAME_MAX = 64;
/** acs:ram::<account id>:role/<name>, as the worker's schema takes it. */
export const ROLE_ARN_PATTERN = /^acs:ram::\d+:role\/\S+$/;
/** RoleSessionName: 2–64 of [A-Za-z0-9.@_-], STS's rule as the catalogue states it. */
export const SESSION_NAME_PATTERN = ROLE_SESSION_NAME;
export const DEFAULT_SESSION_NAME = "keysmith";
export { ROLE_DURATION_SECONDS };

export const PROFILE_KINDS: readonly ProfileKind[] = ["accessKey", "sts", "role"];
/** The kind's name on the page (ui.json). */
export const KIND_LABELS: Record<ProfileKind, string> = { accessKey: "ui_opt_kind_access_key", sts: "ui_opt_kind_sts", role: "ui_opt_kind_role" };

/** The profiles as the page knows them; `managed` false: the worker has no profile.* messages. */
export interface ProfileState {
  list: ProfileList;
  managed: boolean;
}

/** A page-side problem with a field: the message key and its parameters (rendered by the section). */
export interface FieldProblem {
  key: string;
  params?: Record<string, string | number>;
}

/** The name a new or renamed profile may take (null: fine). */
export function checkProfileName(name: string, profiles: readonly ProfileView[], selfId?: string): FieldProblem | null {
  const n = name.trim();
  if (n === "") return { key: "ui_opt_required" };
  if ([...n].length > PROFILE_NAME_MAX) return { key: "ui_opt_profile_name_long", params: { max: PROFILE_NAME_MAX } };
  const taken = profiles.find((p) => p.id !== selfId && p.name.trim().toLowerCase() === n.toLowerCase());
  return taken ? { key: "ui_opt_profile_name_taken", params: { name: taken.name } } : null;
}

export function checkRoleArn(text: string): FieldProblem | null {
  if (text.trim() === "") return { key: "ui_opt_required" };
  return ROLE_ARN_PATTERN.test(text.trim()) ? null : { key: "ui_opt_role_arn_invalid" };
}

export function checkSessionName(text: string): FieldProblem | null {
  if (text.trim() === "") return { key: "ui_opt_required" };
  return SESSION_NAME_PATTERN.test(text.trim()) ? null : { key: "ui_opt_session_name_invalid" };
}

/** Seconds as typed: a whole number from 900 to 43200 (full-width digits count as digits). */
export function parseDuration(text: string): { ok: true; value: number } | { ok: false; problem: FieldProblem } {
  const digits = text.trim().replace(/[\uff10-\uff19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30));
  if (digits === "") return { ok: false, problem: { key: "ui_opt_required" } };
  const value = /^\d{1,6}$/.test(digits) ? Number(digits) : NaN;
  if (Number.isInteger(value) && value >= ROLE_DURATION_SECONDS.min && value <= ROLE_DURATION_SECONDS.max) return { ok: true, value };
  return { ok: false, problem: { key: "ui_opt_duration_invalid", params: { min: ROLE_DURATION_SECONDS.min, max: ROLE_DURATION_SECONDS.max } } };
}

/** Profiles a role profile may assume its role with: every other profile that does not lead back to it. */
export function sourceCandidates(profiles: readonly ProfileView[], selfId: string): ProfileView[] {
  const byId = new Map(profiles.map((p) => [p.id, p]));
  const leadsBack = (p: ProfileView): boolean => {
    const seen = new Set<string>();
    let cur: ProfileView | undefined = p;
    while (cur && cur.kind === "role" && cur.sourceProfileId && !seen.has(cur.id)) {
      seen.add(cur.id);
      if (cur.sourceProfileId === selfId) return true;
      cur = byId.get(cur.sourceProfileId);
    }
    return false;
  };
  return profiles.filter((p) => p.id !== selfId && !leadsBack(p));
}

/** The one profile of a worker without profile.* messages: its settings and stored credentials. */
export function implicitProfile(s: Settings, status: CredentialsStatus | null): ProfileView {
  const { productCode, ...contact } = s.contact;
  return {
    id: DEFAULT_PROFILE_ID, name: "default", kind: status?.hasSecurityToken ? "sts" : "accessKey",
    accessKeyIdHint: status?.configured ? status.accessKeyIdHint : "",
    site: s.site, kmsRegion: s.kmsRegion, endpoint: s.endpoint, signatureVersion: s.signatureVersion,
    autoImportEndpoint: s.autoImportEndpoint, contact, defaultProduct: productCode ?? "",
    ...(status?.securityTokenExpiresAt ? { tokenExpiresAt: status.securityTokenExpiresAt } : {}),
    configured: status?.configured ?? false,
  };
}

/** profile.list, or the implicit profile when the worker does not know the message. */
export async function loadProfiles(api: WorkerApi): Promise<ProfileState> {
  try {
    return { list: await api.send("profile.list", {}), managed: true };
  } catch {
    const [settings, status] = await Promise.all([api.send("settings.get", {}), api.send("credentials.status", {}).catch(() => null)]);
    return { list: { profiles: [implicitProfile(settings, status)], selectedId: DEFAULT_PROFILE_ID }, managed: false };
  }
}

export function selectedProfile(state: ProfileState): ProfileView {
  return state.list.profiles.find((p) => p.id === state.list.selectedId) ?? state.list.profiles[0]!;
}

export type ProfileFields = Omit<ProfileSaveRequest, "id" | "name">;

/** Saves fields of `profile` (profile.save; settings.set for the implicit profile) and answers it as stored. */
export async function saveProfileFields(api: WorkerApi, state: ProfileState, profile: ProfileView, fields: ProfileFields): Promise<ProfileView> {
  if (state.managed) return api.send("profile.save", { id: profile.id, name: profile.name, ...fields });
  const { contact, defaultProduct, role: _role, ...rest } = fields;
  const patch: Partial<Settings> = { ...rest };
  if (contact !== undefined || defaultProduct !== undefined) {
    patch.contact = { ...(contact ?? profile.contact), productCode: defaultProduct ?? profile.defaultProduct };
  }
  const settings = await api.send("settings.set", patch);
  const status = await api.send("credentials.status", {}).catch(() => null);
  return implicitProfile(settings, status);
}

/** credentials.* take the profile explicitly, so a selection changed elsewhere never redirects a save. */
export function profileArg(state: ProfileState, profile: ProfileView): { profileId?: string } {
  return state.managed ? { profileId: profile.id } : {};
}
