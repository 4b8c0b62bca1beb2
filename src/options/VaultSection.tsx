// The vault passphrase in the options page (options.html#vault): without one, what protects the keys is
// said plainly (the operating-system account and disk encryption) and a passphrase can be set; with one,
// unlock, lock now, change, remove, and the lock policy. New passphrases are checked here as typed (at
// least PASSPHRASE_MIN_LENGTH characters, not only spaces, confirmation equal) and again by the worker.
import { useEffect, useRef, useState } from "preact/hooks";
import { SelectField, TextField } from "../ui/fields";
import { Done } from "../ui/notices";
import { localizeError, useLocale, useT } from "../ui/locale";
import { useAction } from "../ui/use-action";
import type { WorkerApi } from "../ui/worker-api";
import type { ErrorData } from "../core/errors";
import { FocusableError } from "./section";
import { useFocusInvalid } from "../ui/focus-invalid";
import { IDLE_LOCK_MINUTES, PASSPHRASE_MAX_LENGTH, PASSPHRASE_MIN_LENGTH, type LockPolicy, type VaultStatus } from "../messages";

function issue(code: string, field: string, params: Record<string, string | number> = {}): ErrorData {
  return { code, field, params, message: code };
}

/** The page's check of a new vault passphrase and its confirmation (null: may be sent). */
export function checkVaultPassphrase(passphrase: string, confirm: string): ErrorData | null {
  if ([...passphrase].length < PASSPHRASE_MIN_LENGTH || passphrase.trim() === "") return issue("ui.vault.passphrase_short", "passphrase", { min: PASSPHRASE_MIN_LENGTH });
  if (passphrase.length > PASSPHRASE_MAX_LENGTH) return issue("ui.vault.passphrase_long", "passphrase", { max: PASSPHRASE_MAX_LENGTH });
  if (confirm !== passphrase) return issue("ui.vault.passphrase_mismatch", "confirm");
  return null;
}

export function VaultSection(props: { api: WorkerApi; focus?: boolean }) {
  const tr = useT();
  const locale = useLocale();
  const errorFor = (field: string) => (shown?.field === field ? localizeError(locale, shown) : undefined);
  const [status, setStatus] = useState<VaultStatus | null>(null);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [shown, setShown] = useState<ErrorData | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [minutes, setMinutes] = useState("15");
  const section = useRef<HTMLElement>(null);
  // A refused or failed submit: the first invalid field (else the error) takes the focus once it is drawn.
  const failed = useFocusInvalid(section);
  useEffect(() => {
    props.api.send("vault.status", {}).then((s) => {
      setStatus(s);
      if (s.lockPolicy.kind === "idle") setMinutes(String(s.lockPolicy.minutes));
    }, () => setStatus(null));
  }, [props.api]);
  useEffect(() => {
    if (props.focus) section.current?.scrollIntoView({ block: "start" });
  }, [props.focus]);
  const action = useAction(async (run: () => Promise<VaultStatus>, doneKey: string) => {
    const s = await run();
    setStatus(s);
    setDone(tr(doneKey));
    return s;
  });
  const clear = () => { setCurrent(""); setNext(""); setConfirm(""); };
  const submit = (kind: "set" | "change" | "remove" | "unlock") => async (e: Event) => {
    e.preventDefault();
    setDone(null);
    if (kind === "set" || kind === "change") {
      const problem = checkVaultPassphrase(next, confirm);
      setShown(problem);
      if (problem) return failed();
    } else setShown(null);
    const api = props.api;
    const out =
      kind === "set" ? await action.run(() => api.send("vault.setPassphrase", { passphrase: next }), "ui_vault_set_done")
      : kind === "change" ? await action.run(() => api.send("vault.setPassphrase", { passphrase: next, current }), "ui_vault_changed")
      : kind === "remove" ? await action.run(() => api.send("vault.removePassphrase", { current }), "ui_vault_removed")
      : await action.run(() => api.send("vault.unlock", { passphrase: current }), "ui_vault_unlocked");
    clear();
    if (!out) failed();
    return out;
  };
  // The worker names fields by their protocol names; shown by their labels (as RestoreSection does). Locked,
  // "passphrase" is the one typed to unlock (the current one); otherwise the new one being set.
  const fieldLabels: Record<string, string> = { current: "ui_vault_current", passphrase: status?.locked ? "ui_vault_current" : "ui_vault_new" };
  const labelled = (e: ErrorData | null) => (e?.field && fieldLabels[e.field] ? { ...e, field: tr(fieldLabels[e.field]!) } : e);
  const policyValue = status?.lockPolicy.kind ?? "browser-close";
  const savePolicy = async (kind: string, mins = minutes) => {
    const n = Number.parseInt(mins, 10);
    if (kind === "idle" && !(n >= IDLE_LOCK_MINUTES.min && n <= IDLE_LOCK_MINUTES.max)) {
      setShown(issue("ui.vault.idle_minutes", "minutes", { min: IDLE_LOCK_MINUTES.min, max: IDLE_LOCK_MINUTES.max }));
      return failed();
    }
    setShown(null);
    const policy: LockPolicy = kind === "idle" ? { kind: "idle", minutes: n } : { kind: kind as "browser-close" | "manual" };
    if (!(await action.run(() => props.api.send("vault.setLockPolicy", { policy }), "ui_vault_policy_saved"))) failed();
  };
  const newFields = (
    <>
      <TextField id="vault-new" label={tr("ui_vault_new")} hint={tr("ui_vault_rule", { min: PASSPHRASE_MIN_LENGTH })} type="password" autocomplete="new-password" required
        value={next} onInput={setNext} error={errorFor("passphrase")} />
      <TextField id="vault-confirm" label={tr("ui_vault_confirm")} type="password" autocomplete="new-password" required
        value={confirm} onInput={setConfirm} error={errorFor("confirm")} />
    </>
  );
  const currentField = (
    <TextField id="vault-current" label={tr("ui_vault_current")} type="password" autocomplete="current-password" required value={current} onInput={setCurrent} />
  );
  return (
    <section class="stack card" aria-labelledby="vault-title" id="vault" ref={section}>
      <h2 id="vault-title">{tr("ui_vault_title")}</h2>
      {!status ? null : !status.hasPassphrase ? (
        <>
          <p class="hint" id="vault-no-passphrase">{tr("ui_vault_without")}</p>
          <form class="stack" onSubmit={submit("set")} noValidate>
            {newFields}
            <div class="actions"><button type="submit" id="vault-set" disabled={action.busy}>{tr("ui_vault_set")}</button></div>
          </form>
        </>
      ) : (
        <>
          <p class="hint" id="vault-state">{tr(status.locked ? "ui_vault_state_locked" : "ui_vault_state_unlocked")}</p>
          {status.unprotectedKeys > 0 ? <p class="hint" id="vault-unprotected">{tr("ui_vault_unprotected", { count: status.unprotectedKeys })}</p> : null}
          {status.locked ? (
            <form class="stack" onSubmit={submit("unlock")} noValidate>
              {currentField}
              <div class="actions"><button type="submit" id="vault-unlock" disabled={action.busy || current === ""}>{tr("ui_vault_unlock")}</button></div>
            </form>
          ) : (
            <>
              <div class="actions">
                <button type="button" class="secondary" id="vault-lock" disabled={action.busy}
                  onClick={() => void action.run(() => props.api.send("vault.lock", {}), "ui_vault_locked_now")}>{tr("ui_vault_lock_now")}</button>
              </div>
              <SelectField id="vault-policy" label={tr("ui_vault_policy")} value={policyValue}
                choices={[
                  { value: "browser-close", label: tr("ui_vault_policy_browser_close") },
                  { value: "idle", label: tr("ui_vault_policy_idle") },
                  { value: "manual", label: tr("ui_vault_policy_manual") },
                ]}
                onChange={(v) => void savePolicy(v)} />
              {policyValue === "idle" ? (
                <TextField id="vault-idle-minutes" label={tr("ui_vault_idle_minutes")} value={minutes} onInput={setMinutes}
                  error={errorFor("minutes")} />
              ) : null}
              {policyValue === "idle" ? <div class="actions"><button type="button" class="secondary small" id="vault-idle-save" onClick={() => void savePolicy("idle")}>{tr("ui_vault_idle_save")}</button></div> : null}
              <form class="stack" onSubmit={submit("change")} noValidate>
                <h3>{tr("ui_vault_change")}</h3>
                {currentField}
                {newFields}
                <div class="actions"><button type="submit" id="vault-change" disabled={action.busy || current === ""}>{tr("ui_vault_change")}</button></div>
              </form>
              <form class="stack" onSubmit={submit("remove")} noValidate>
                <h3>{tr("ui_vault_remove")}</h3>
                <p class="hint">{tr("ui_vault_remove_hint")}</p>
                <TextField id="vault-remove-current" label={tr("ui_vault_current")} type="password" autocomplete="current-password" required value={current} onInput={setCurrent} />
                <div class="actions"><button type="submit" class="secondary" id="vault-remove" disabled={action.busy || current === ""}>{tr("ui_vault_remove")}</button></div>
              </form>
            </>
          )}
        </>
      )}
      <FocusableError error={labelled(action.error)} id="vault-error" />
      {done && !action.error ? <Done id="vault-done" text={done} /> : null}
    </section>
  );
}
