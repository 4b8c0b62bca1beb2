// Profiles (`#profiles`): every Alibaba Cloud account (or RAM role) Keysmith signs for, with its name, how it
// signs, its key (masked) or role, and where its requests go. "Use this profile" selects it (as the switcher
// at the top of the page does: the sections below then edit it, and new orders in the popup use it); a new
// profile is selected once added, so its credentials can be entered at once. Rename in place; Delete asks
// first and, when the worker refuses because the profile still has open orders (or pending creates, renewals,
// roles using it: `profile.in_use`, its message names them), says so and offers "Delete anyway" (force).
import { useState } from "preact/hooks";
import { TextField } from "../ui/fields";
import { Done } from "../ui/notices";
import { localizeError, useLocale, useT } from "../ui/locale";
import { useAction } from "../ui/use-action";
import type { ErrorData } from "../core/errors";
import type { ProfileList, ProfileView } from "../messages";
import type { WorkerApi } from "../ui/worker-api";
import { originOf } from "./CloudSection";
import { KIND_LABELS, checkProfileName, type ProfileState } from "./profiles";
import { FocusableError, SectionHead, useFocusOnFailure } from "./section";

/** Where the profile's requests go, in words. */
function destination(p: ProfileView, tr: (k: string, params?: Record<string, string | number>) => string): string {
  return p.endpoint ? originOf(p.endpoint) : tr(p.site === "intl" ? "ui_site_intl" : "ui_site_cn");
}

function ProfileRow(props: {
  api: WorkerApi;
  profile: ProfileView;
  profiles: readonly ProfileView[];
  selected: boolean;
  onSelect: (id: string) => void;
  onChanged: (list?: ProfileList) => void;
}) {
  const tr = useT();
  const locale = useLocale();
  const p = props.profile;
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(p.name);
  const [nameProblem, setNameProblem] = useState<string | undefined>();
  const [confirming, setConfirming] = useState(false);
  const focus = useFocusOnFailure<HTMLLIElement>();
  const rename = useAction((n: string) => props.api.send("profile.save", { id: p.id, name: n }));
  const remove = useAction((force: boolean) => props.api.send("profile.delete", { id: p.id, ...(force ? { force: true } : {}) }));
  const refused: ErrorData | null = remove.error?.code === "profile.in_use" ? remove.error : null;
  const source = p.kind === "role" ? props.profiles.find((x) => x.id === p.sourceProfileId) : undefined;
  const renameError = nameProblem ?? (rename.error ? localizeError(locale, rename.error) : undefined);

  const onRename = async (e: Event) => {
    e.preventDefault();
    const problem = checkProfileName(name, props.profiles, p.id);
    setNameProblem(problem ? tr(problem.key, problem.params) : undefined);
    if (problem) return focus.failed();
    const saved = await rename.run(name.trim());
    if (!saved) return focus.failed();
    setRenaming(false);
    props.onChanged();
  };
  const onDelete = async (force: boolean) => {
    const list = await remove.run(force);
    if (list) props.onChanged(list);
    else focus.failed();
  };

  return (
    <li class={`card profile-row${props.selected ? " profile-selected" : ""}`} id={`profile-${p.id}`} ref={focus.ref}>
      <div class="card-head static">
        <span class="card-title" id={`profile-name-label-${p.id}`}>{p.name}</span>
        <span class="badges">
          {props.selected ? <span class="badge badge-ok" id={`profile-selected-${p.id}`}>{tr("ui_opt_profile_in_use")}</span> : null}
          {!p.configured ? <span class="badge">{tr("ui_opt_profile_not_configured")}</span> : null}
        </span>
      </div>
      <dl class="facts">
        <dt>{tr("ui_opt_profile_kind")}</dt>
        <dd id={`profile-kind-${p.id}`}>{tr(KIND_LABELS[p.kind])}</dd>
        {p.kind === "role" ? (
          <>
            <dt>{tr("ui_opt_role_arn")}</dt>
            <dd><code>{p.roleArn ?? "-"}</code>{source ? ` ${tr("ui_opt_profile_via", { name: source.name })}` : ""}</dd>
          </>
        ) : (
          <>
            <dt>{tr("ui_opt_profile_key")}</dt>
            <dd id={`profile-key-${p.id}`}>{p.accessKeyIdHint || tr("ui_opt_profile_no_key")}</dd>
          </>
        )}
        <dt>{tr("ui_opt_profile_destination")}</dt>
        <dd id={`profile-destination-${p.id}`}>{destination(p, tr)}</dd>
      </dl>
      {renaming ? (
        <form class="stack" onSubmit={onRename} noValidate>
          <TextField id={`profile-name-${p.id}`} label={tr("ui_opt_profile_name")} required value={name} error={renameError}
            onInput={(v) => { setName(v); setNameProblem(undefined); rename.reset(); }} />
          <div class="actions">
            <button type="submit" class="small" id={`profile-rename-save-${p.id}`} disabled={rename.busy}>{tr("ui_opt_profile_rename_save")}</button>
            <button type="button" class="secondary small" onClick={() => { setRenaming(false); setName(p.name); setNameProblem(undefined); }}>{tr("ui_cancel")}</button>
          </div>
        </form>
      ) : null}
      {confirming ? (
        <div class="confirm" role="group" aria-labelledby={`profile-delete-question-${p.id}`}>
          <p id={`profile-delete-question-${p.id}`}>{tr("ui_opt_profile_delete_question", { name: p.name })}</p>
          <FocusableError error={remove.error} id={refused ? `profile-delete-refused-${p.id}` : `profile-delete-error-${p.id}`} />
          {refused ? <p class="hint">{tr("ui_opt_profile_delete_force_hint")}</p> : null}
          <div class="actions">
            {refused ? (
              <button type="button" class="danger" id={`profile-delete-force-${p.id}`} disabled={remove.busy} onClick={() => void onDelete(true)}>{tr("ui_opt_profile_delete_force")}</button>
            ) : (
              <button type="button" class="danger" id={`profile-delete-confirm-${p.id}`} disabled={remove.busy} onClick={() => void onDelete(false)}>{tr("ui_opt_profile_delete")}</button>
            )}
            <button type="button" class="secondary" id={`profile-delete-cancel-${p.id}`} onClick={() => { setConfirming(false); remove.reset(); }}>{tr("ui_cancel")}</button>
          </div>
        </div>
      ) : null}
      {!renaming && !confirming ? (
        <div class="actions">
          {!props.selected ? (
            <button type="button" class="small" id={`profile-select-${p.id}`} onClick={() => props.onSelect(p.id)}
              aria-describedby={`profile-name-label-${p.id}`}>{tr("ui_opt_profile_select")}</button>
          ) : null}
          <button type="button" class="secondary small" id={`profile-rename-${p.id}`} aria-describedby={`profile-name-label-${p.id}`}
            onClick={() => { setName(p.name); setRenaming(true); }}>{tr("ui_opt_profile_rename")}</button>
          {props.profiles.length > 1 ? (
            <button type="button" class="danger small" id={`profile-delete-${p.id}`} aria-describedby={`profile-name-label-${p.id}`}
              onClick={() => { remove.reset(); setConfirming(true); }}>{tr("ui_opt_profile_delete")}</button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

export function ProfilesSection(props: {
  api: WorkerApi;
  state: ProfileState;
  onSelect: (id: string) => void;
  onChanged: (list?: ProfileList) => void;
}) {
  const tr = useT();
  const locale = useLocale();
  const { profiles, selectedId } = props.state.list;
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const [added, setAdded] = useState<string | null>(null);
  const focus = useFocusOnFailure<HTMLFormElement>();
  const add = useAction((n: string) => props.api.send("profile.save", { name: n }));
  const addError = problem ?? (add.error ? localizeError(locale, add.error) : undefined);

  const onAdd = async (e: Event) => {
    e.preventDefault();
    setAdded(null);
    const found = checkProfileName(name, profiles);
    setProblem(found ? tr(found.key, found.params) : undefined);
    if (found) return focus.failed();
    const created = await add.run(name.trim());
    if (!created) return focus.failed();
    setName("");
    setAdded(created.name);
    props.onSelect(created.id);
  };

  return (
    <section class="stack card" aria-labelledby="profiles-title" id="profiles">
      <SectionHead id="profiles" title={tr("ui_opt_profiles_title")} dirty={false} />
      <p class="hint">{tr("ui_opt_profiles_hint")}</p>
      <ul class="cards" id="profile-list">
        {profiles.map((p) => (
          <ProfileRow key={p.id} api={props.api} profile={p} profiles={profiles} selected={p.id === selectedId}
            onSelect={props.onSelect} onChanged={props.onChanged} />
        ))}
      </ul>
      <form class="stack" onSubmit={onAdd} noValidate id="add-profile-form" ref={focus.ref}>
        <TextField id="new-profile-name" label={tr("ui_opt_profile_new_name")} hint={tr("ui_opt_profile_new_hint")} required value={name}
          error={addError} onInput={(v) => { setName(v); setProblem(undefined); add.reset(); setAdded(null); }} />
        {added ? <Done id="profile-added" text={tr("ui_opt_profile_added", { name: added })} /> : null}
        <div class="actions">
          <button type="submit" class="secondary" id="add-profile" disabled={add.busy}>{tr("ui_opt_profile_add")}</button>
        </div>
      </form>
    </section>
  );
}
