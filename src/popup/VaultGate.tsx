// The vault lock in the popup: while the vault is locked, the passphrase prompt stands in for the tabs
// (every key use and signed call would answer `vault.locked`); without a passphrase, a dismissible first-run
// note says what protects the keys and offers to set one in the options page (options.html#vault).
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { TextField } from "../ui/fields";
import { ErrorNotice } from "../ui/notices";
import { useT } from "../ui/locale";
import { useAction } from "../ui/use-action";
import type { WorkerApi } from "../ui/worker-api";
import type { VaultStatus } from "../messages";

const OFFER_DISMISSED = "keysmith.vaultOfferDismissed";

export function VaultGate(props: { api: WorkerApi; children: ComponentChildren }) {
  const tr = useT();
  const [status, setStatus] = useState<VaultStatus | null>(null);
  const [passphrase, setPassphrase] = useState("");
  const [dismissed, setDismissed] = useState(() => globalThis.localStorage?.getItem(OFFER_DISMISSED) === "1");
  useEffect(() => {
    props.api.send("vault.status", {}).then(setStatus, () => setStatus(null));
  }, [props.api]);
  const unlock = useAction(async (p: string) => props.api.send("vault.unlock", { passphrase: p }));

  if (status?.locked) {
    const onSubmit = async (e: Event) => {
      e.preventDefault();
      if (passphrase === "") return;
      const next = await unlock.run(passphrase);
      setPassphrase("");
      if (next) setStatus(next);
    };
    return (
      <section class="stack card" aria-labelledby="unlock-title" id="vault-unlock">
        <h2 id="unlock-title">{tr("ui_vault_unlock_title")}</h2>
        <p class="hint">{tr("ui_vault_unlock_hint")}</p>
        <form class="stack" onSubmit={onSubmit} noValidate>
          <TextField id="unlock-passphrase" label={tr("ui_vault_passphrase")} type="password" autocomplete="current-password" required
            value={passphrase} onInput={(v) => { setPassphrase(v); unlock.reset(); }} />
          {/* The worker names the field "passphrase"; the prompt shows it by its label, as BackupView does. */}
          <ErrorNotice error={unlock.error?.field === "passphrase" ? { ...unlock.error, field: tr("ui_vault_passphrase") } : unlock.error} id="unlock-error" />
          <div class="actions">
            <button type="submit" id="unlock-vault" disabled={unlock.busy || passphrase === ""}>{tr("ui_vault_unlock")}</button>
          </div>
        </form>
      </section>
    );
  }
  return (
    <>
      {status && !status.hasPassphrase && !dismissed ? (
        <p class="hint card" id="vault-offer" role="note">
          {tr("ui_vault_offer")}{" "}
          <a href="options.html#vault" target="_blank" id="vault-offer-set">{tr("ui_vault_offer_set")}</a>{" "}
          <button type="button" class="secondary small" id="vault-offer-dismiss"
            onClick={() => { globalThis.localStorage?.setItem(OFFER_DISMISSED, "1"); setDismissed(true); }}>{tr("ui_vault_offer_dismiss")}</button>
        </p>
      ) : null}
      {props.children}
    </>
  );
}
