// The selected profile's credentials, saved on their own: an AccessKey, an STS token with its expiry, or a
// RAM role assumed with another profile's credentials (role ARN, source profile, session name, duration).
// Secrets are write-only: the page sends them to the worker once and never gets them back (the worker
// answers with a masked id only), so nothing here can display or leak them later; the typed values are
// forgotten after every save, whatever happened.
// "Test credentials" tests what the form shows without saving anything (credentials.test with a `draft`):
// the cloud settings of the Cloud section as they stand and, when typed, this form's AccessKey; a role is
// tested as saved. An endpoint that cannot be reached is said in words, never as the browser's text.
import { useState } from "preact/hooks";
import { SelectField, TextField } from "../ui/fields";
import { Done } from "../ui/notices";
import { localizeError, useLocale, useT } from "../ui/locale";
import { localDateTime } from "../ui/dates";
import { useAction } from "../ui/use-action";
import type { ErrorData } from "../core/errors";
import type { CredentialsDraft, ProfileKind, ProfileView } from "../messages";
import type { WorkerApi } from "../ui/worker-api";
import { requestEndpointPermission } from "./endpoint";
import { cleanEndpoint, endpointValid, originOf, type CloudForm } from "./CloudSection";
import {
  DEFAULT_SESSION_NAME, KIND_LABELS, PROFILE_KINDS, ROLE_DURATION_SECONDS, checkRoleArn, checkSessionName, parseDuration,
  profileArg, saveProfileFields, sourceCandidates, type FieldProblem, type ProfileState,
} from "./profiles";
import { FocusableError, SectionHead, focusFirstInvalid, sameForm, useDirtyReport, useFocusOnFailure } from "./section";

interface RoleForm {
  roleArn: string;
  sourceProfileId: string;
  roleSessionName: string;
  /** As typed; parsed (and checked) on save. */
  durationSeconds: string;
}

type Field = "accessKeyId" | "accessKeySecret" | "securityToken" | "securityTokenExpiresAt" | "roleArn" | "sourceProfileId" | "roleSessionName" | "durationSeconds";

function roleFormOf(p: ProfileView, profiles: readonly ProfileView[]): RoleForm {
  return {
    roleArn: p.roleArn ?? "",
    sourceProfileId: p.sourceProfileId ?? sourceCandidates(profiles, p.id)[0]?.id ?? "",
    roleSessionName: p.roleSessionName ?? DEFAULT_SESSION_NAME,
    durationSeconds: String(p.durationSeconds ?? ROLE_DURATION_SECONDS.default),
  };
}

/** A datetime-local value ("2026-12-31T18:00") as an ISO instant, or undefined when it is not a date. */
function isoFromLocal(value: string): string | undefined {
  const d = new Date(value);
  return value && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
}

/** The worker's names for what it refused (the last part of a dotted path) → the field on this form. */
function fieldOf(error: ErrorData | null | undefined): Field | undefined {
  const last = error?.field?.split(".").pop();
  const known: Field[] = ["accessKeyId", "accessKeySecret", "securityToken", "securityTokenExpiresAt", "roleArn", "sourceProfileId", "roleSessionName", "durationSeconds"];
  return known.find((f) => f === last);
}

/** A failed call to the endpoint in words: which endpoint, and that it could not be reached (never the browser's text). */
export function reachError(error: ErrorData, endpoint: string): ErrorData {
  if (error.code !== "api.network" && error.code !== "api.timeout") return error;
  return endpoint
    ? { code: "ui.options.unreachable", params: { origin: originOf(endpoint) }, message: "ui.options.unreachable" }
    : { code: "ui.options.unreachable_cloud", params: {}, message: "ui.options.unreachable_cloud" };
}

export function CredentialsSection(props: {
  api: WorkerApi;
  state: ProfileState;
  profile: ProfileView;
  /** The Cloud section's form as it stands (tested with the credentials). */
  cloud: CloudForm;
  onChanged: () => void;
  onDirty?: (dirty: boolean) => void;
}) {
  const tr = useT();
  const locale = useLocale();
  const { profile, state } = props;
  const profiles = state.list.profiles;
  const [kind, setKind] = useState<ProfileKind>(profile.kind);
  const [id, setId] = useState("");
  const [secret, setSecret] = useState("");
  const [token, setToken] = useState("");
  const [expires, setExpires] = useState("");
  const [role, setRole] = useState<RoleForm>(() => roleFormOf(profile, profiles));
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});
  const [saved, setSaved] = useState(false);
  /** "Test" pressed with unsaved role changes: a role is tested as saved. */
  const [roleUnsaved, setRoleUnsaved] = useState(false);
  const focus = useFocusOnFailure<HTMLElement>();
  const testFocus = useFocusOnFailure<HTMLDivElement>();

  const baselineRole = roleFormOf(profile, profiles);
  const dirty = kind !== profile.kind || id !== "" || secret !== "" || token !== "" || expires !== "" || (kind === "role" && !sameForm(role, baselineRole));
  useDirtyReport(dirty, props.onDirty);

  const save = useAction(async (): Promise<true> => {
    if (kind === "role") {
      const duration = parseDuration(role.durationSeconds);
      await saveProfileFields(props.api, state, profile, {
        role: { roleArn: role.roleArn.trim(), sourceProfileId: role.sourceProfileId, roleSessionName: role.roleSessionName.trim(), durationSeconds: duration.ok ? duration.value : ROLE_DURATION_SECONDS.default },
      });
      return true;
    }
    // A role profile that signs with its own credentials again stops being a role first.
    if (profile.kind === "role") await saveProfileFields(props.api, state, profile, { role: null });
    const expiresAt = kind === "sts" ? isoFromLocal(expires) : undefined;
    await props.api.send("credentials.set", {
      accessKeyId: id.trim(), accessKeySecret: secret,
      ...(kind === "sts" ? { securityToken: token.trim(), ...(expiresAt ? { securityTokenExpiresAt: expiresAt } : {}) } : {}),
      ...profileArg(state, profile),
    });
    return true;
  });
  const clear = useAction(() => props.api.send("credentials.clear", profileArg(state, profile)));
  const test = useAction((draft: CredentialsDraft) => props.api.send("credentials.test", { ...profileArg(state, profile), draft }));

  const required = (value: string) => (value.trim() === "" ? tr("ui_opt_required") : undefined);
  const shown = (p: FieldProblem | null) => (p ? tr(p.key, p.params) : undefined);
  /** What must be right before the AccessKey / STS fields can be saved or tested. */
  const keyProblems = (): Partial<Record<Field, string>> => {
    const out: Partial<Record<Field, string>> = { accessKeyId: required(id), accessKeySecret: secret === "" ? tr("ui_opt_required") : undefined };
    if (kind === "sts") {
      out.securityToken = required(token);
      const at = isoFromLocal(expires);
      out.securityTokenExpiresAt = expires === "" ? tr("ui_opt_required") : !at ? tr("ui_opt_expiry_invalid") : Date.parse(at) <= Date.now() ? tr("ui_opt_expiry_past") : undefined;
    }
    return out;
  };
  const roleProblems = (): Partial<Record<Field, string>> => {
    const duration = parseDuration(role.durationSeconds);
    return {
      roleArn: shown(checkRoleArn(role.roleArn)),
      sourceProfileId: role.sourceProfileId !== "" ? undefined : tr(sourceCandidates(profiles, profile.id).length ? "ui_opt_required" : "ui_opt_role_source_none"),
      roleSessionName: shown(checkSessionName(role.roleSessionName)),
      durationSeconds: duration.ok ? undefined : shown(duration.problem),
    };
  };
  const clean = (p: Partial<Record<Field, string>>) => Object.fromEntries(Object.entries(p).filter(([, v]) => v)) as Partial<Record<Field, string>>;
  const forget = () => { setId(""); setSecret(""); setToken(""); setExpires(""); };

  const onSave = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    setRoleUnsaved(false);
    test.reset();
    const found = clean(kind === "role" ? roleProblems() : keyProblems());
    setProblems(found);
    if (Object.keys(found).length > 0) return focus.failed();
    const ok = (await save.run()) === true;
    // Forget the typed values at once, whatever happened: the secret lives only in the worker.
    setSecret("");
    setToken("");
    if (ok) {
      setId("");
      setExpires("");
      setSaved(true);
      props.onChanged();
    } else focus.failed();
  };
  const onClear = async () => {
    setSaved(false);
    if (await clear.run()) props.onChanged();
  };

  const onTest = async () => {
    setSaved(false);
    setRoleUnsaved(false);
    test.reset();
    save.reset();
    const cloud = props.cloud;
    if (!endpointValid(cloud.endpoint)) {
      // The Cloud section already marks its endpoint invalid: go there.
      focusFirstInvalid(document.getElementById("cloud"));
      return;
    }
    if (kind === "role" && dirty) {
      setRoleUnsaved(true);
      testFocus.failed();
      return;
    }
    const typed = kind !== "role" && (id !== "" || secret !== "" || token !== "");
    const needKey = kind !== "role" && (typed || kind !== profile.kind || !profile.configured);
    const found = needKey ? clean(keyProblems()) : {};
    if (kind === "sts" && needKey) delete found.securityTokenExpiresAt;
    setProblems(found);
    if (Object.keys(found).length > 0) return focus.failed();
    const endpoint = cleanEndpoint(cloud.endpoint);
    // Asked within the click (the prompt needs its user gesture); the worker sends only to a granted origin.
    if (endpoint) await requestEndpointPermission(endpoint);
    const draft: CredentialsDraft = {
      site: cloud.site, kmsRegion: cloud.kmsRegion, endpoint, signatureVersion: cloud.signatureVersion,
      ...(needKey ? { accessKeyId: id.trim(), accessKeySecret: secret, ...(kind === "sts" ? { securityToken: token.trim() } : {}) } : {}),
    };
    const result = await test.run(draft);
    if (!result?.ok) testFocus.failed();
  };

  const saveError = save.error ?? clear.error;
  const saveField = fieldOf(saveError);
  const errorFor = (f: Field) => problems[f] ?? (saveField === f && saveError ? localizeError(locale, saveError) : undefined);
  const testError: ErrorData | null | undefined = roleUnsaved
    ? { code: "ui.options.role_unsaved", params: {}, message: "ui.options.role_unsaved" }
    : test.error ?? test.result?.error;
  const endpointNow = cleanEndpoint(props.cloud.endpoint);
  const candidates = sourceCandidates(profiles, profile.id);
  const status = (() => {
    if (profile.kind === "role") {
      const source = profiles.find((p) => p.id === profile.sourceProfileId);
      return tr("ui_opt_cred_role", { arn: profile.roleArn ?? "-", source: source?.name ?? "-" });
    }
    if (!profile.configured) return tr("ui_credentials_none");
    if (profile.kind === "sts") {
      return profile.tokenExpiresAt
        ? tr("ui_opt_cred_sts_until", { id: profile.accessKeyIdHint, at: localDateTime(profile.tokenExpiresAt, locale) })
        : tr("ui_credentials_set_sts", { id: profile.accessKeyIdHint });
    }
    return tr("ui_credentials_set", { id: profile.accessKeyIdHint });
  })();

  return (
    <section class="stack card" aria-labelledby="cred-title" id="credentials" ref={focus.ref}>
      <SectionHead id="cred" title={tr("ui_credentials")} dirty={dirty} />
      <p class="section-for" id="cred-profile">{tr("ui_opt_section_for", { name: profile.name })}</p>
      <p id="cred-status" class={profile.configured ? "status-ok" : "hint"}>{status}</p>
      <form class="stack" onSubmit={onSave} autocomplete="off" noValidate id="cred-form">
        {state.managed ? (
          <SelectField id="cred-kind" label={tr("ui_opt_cred_kind")} value={kind}
            choices={PROFILE_KINDS.map((k) => ({ value: k, label: tr(KIND_LABELS[k]) }))}
            onChange={(v) => { setKind(v as ProfileKind); setProblems({}); save.reset(); setSaved(false); }} />
        ) : null}
        {kind === "role" ? (
          <>
            <TextField id="role-arn" label={tr("ui_opt_role_arn")} hint={tr("ui_opt_role_arn_hint")} required placeholder="acs:ram::123456789012:role/keysmith"
              value={role.roleArn} error={errorFor("roleArn")} onInput={(v) => { setRole({ ...role, roleArn: v }); setSaved(false); }} />
            <SelectField id="role-source" label={tr("ui_opt_role_source")} hint={tr(candidates.length ? "ui_opt_role_source_hint" : "ui_opt_role_source_none")} required
              error={errorFor("sourceProfileId")} value={role.sourceProfileId}
              choices={[{ value: "", label: tr("ui_opt_role_source_choose") }, ...candidates.map((p) => ({ value: p.id, label: p.name }))]}
              onChange={(v) => { setRole({ ...role, sourceProfileId: v }); setSaved(false); }} />
            <TextField id="role-session" label={tr("ui_opt_role_session")} hint={tr("ui_opt_role_session_hint")} required
              value={role.roleSessionName} error={errorFor("roleSessionName")} onInput={(v) => { setRole({ ...role, roleSessionName: v }); setSaved(false); }} />
            <TextField id="role-duration" label={tr("ui_opt_role_duration")} hint={tr("ui_opt_role_duration_hint", { min: ROLE_DURATION_SECONDS.min, max: ROLE_DURATION_SECONDS.max })} required
              value={role.durationSeconds} error={errorFor("durationSeconds")} onInput={(v) => { setRole({ ...role, durationSeconds: v }); setSaved(false); }} />
          </>
        ) : (
          <>
            <TextField id="access-key-id" label={tr("ui_access_key_id")} required value={id} error={errorFor("accessKeyId")}
              onInput={(v) => { setId(v); setSaved(false); }} />
            <TextField id="access-key-secret" label={tr("ui_access_key_secret")} hint={tr("ui_secret_write_only")} type="password"
              autocomplete="new-password" required value={secret} error={errorFor("accessKeySecret")} onInput={(v) => { setSecret(v); setSaved(false); }} />
            {kind === "sts" ? (
              <>
                <TextField id="sts-token" label={tr("ui_sts_token")} hint={tr("ui_sts_token_hint")} type="password" autocomplete="off" required
                  value={token} error={errorFor("securityToken")} onInput={(v) => { setToken(v); setSaved(false); }} />
                <TextField id="sts-expires" label={tr("ui_opt_sts_expires")} hint={tr("ui_opt_sts_expires_hint")} type="datetime-local" required value={expires}
                  error={errorFor("securityTokenExpiresAt")} onInput={(v) => { setExpires(v); setSaved(false); }} />
              </>
            ) : null}
          </>
        )}
        <FocusableError error={saveField ? null : saveError} id="cred-error" />
        {saved && !dirty ? <Done id="cred-saved" text={tr("ui_opt_saved_for", { name: profile.name })} /> : null}
        <div class="actions">
          <button type="submit" id="save-credentials" disabled={save.busy}>{tr(kind === "role" ? "ui_opt_save_role" : "ui_save_credentials")}</button>
          {profile.configured && profile.kind !== "role" && kind !== "role" ? (
            <button type="button" class="danger" id="clear-credentials" onClick={onClear}>{tr("ui_clear_credentials")}</button>
          ) : null}
        </div>
      </form>
      <div class="stack" ref={testFocus.ref}>
        <p class="hint" id="test-credentials-hint">{tr(kind === "role" ? "ui_opt_test_hint_role" : "ui_opt_test_hint")}</p>
        <div class="actions">
          <button type="button" class="secondary" id="test-credentials" onClick={() => void onTest()} disabled={test.busy}
            aria-describedby="test-credentials-hint">{tr("ui_test_credentials")}</button>
        </div>
        <FocusableError error={testError ? reachError(testError, endpointNow) : null} id="test-error" />
        {test.result?.ok ? (
          <Done id="test-ok" text={tr("ui_opt_test_ok", { packages: test.result.packages?.length ?? 0, remaining: (test.result.packages ?? []).reduce((n, p) => n + p.totalCount - p.usedCount, 0) })} />
        ) : null}
      </div>
      <p class="hint">{tr("ui_ram_policy_hint")}</p>
    </section>
  );
}
