// A key's "Renewal" section in its details: off / notify / auto, how many days before the end, a new key or
// the same one, and — only for a key the vault may export — the opt-in to upload the certificate with its
// private key to the user's Alibaba Cloud account (said in plain words before it can be ticked), the CDN
// domains to deploy it to, under "DCDN, SLB and ALB" (folded unless something is bound there) the DCDN
// domains, SLB and ALB listeners with a region each (src/ui/renewal-form.ts reads the lines) and, with the upload, whether the previous upload is deleted once nothing serves it. The worker stores and checks it (renewal.get / renewal.set) and does the renewing
// (src/background/lifecycle/renewer.ts); this view also shows when the certificate is due and how the last
// renewal went.
import { useEffect, useState } from "preact/hooks";
import { CheckboxField, SelectField, TextField } from "../ui/fields";
import { localizeError, useLocale, useT } from "../ui/locale";
import { Done, ErrorNotice } from "../ui/notices";
import { beforeDaysError, deployErrors, renewalInput, renewalRequest, type RenewalInput } from "../ui/renewal-form";
import { regionChoices } from "../options/endpoint";
import { useAction } from "../ui/use-action";
import type { KeyView, WorkerApi } from "../ui/worker-api";
import type { KeyRenewal } from "../messages";
import { localDate, localDateTime } from "../ui/dates";

const MODES = ["off", "notify", "auto"] as const;

export function RenewalSection(props: { api: WorkerApi; keyInfo: KeyView }) {
  const tr = useT();
  const locale = useLocale();
  const k = props.keyInfo;
  const id = k.id;
  const [input, setInput] = useState<RenewalInput | null>(null);
  const [stored, setStored] = useState<KeyRenewal | null>(null);
  const [showErrors, setShowErrors] = useState(false);
  const [moreOpened, setMoreOpened] = useState(false);
  const load = useAction(() => props.api.send("renewal.get", { keyId: id }));
  const save = useAction((req: ReturnType<typeof renewalRequest>) => props.api.send("renewal.set", req));

  useEffect(() => {
    void load.run().then((r) => {
      if (!r) return;
      setStored(r);
      setInput(renewalInput(r));
    });
  }, [id]);

  if (!input) return <ErrorNotice error={load.error} id={`renewal-load-error-${id}`} />;
  const set = (patch: Partial<RenewalInput>) => {
    save.reset();
    setInput({ ...input, ...patch });
  };
  const daysError = beforeDaysError(input.beforeDays);
  const listenerErrors = deployErrors(input);
  // Open when something is bound there, or a line there has a problem to show.
  const moreTargetsOpen = input.dcdnDomains.trim() !== "" || input.dcdnAuto || input.slbListeners.trim() !== "" || input.albListeners.trim() !== "" || (showErrors && (listenerErrors.slb ?? listenerErrors.alb) !== undefined);
  const regions = regionChoices(tr);
  const canUpload = k.exportable && k.spec !== "EC_SM2";
  const submit = async (e: Event) => {
    e.preventDefault();
    setShowErrors(true);
    if (daysError || listenerErrors.slb || listenerErrors.alb) return;
    const next = await save.run(renewalRequest(id, input, stored?.policy.fractionLeft));
    if (next) {
      setStored(next);
      setInput(renewalInput(next));
    }
  };
  const progress = stored?.progress;

  return (
    <form class="stack renewal" id={`renewal-${id}`} aria-labelledby={`renewal-title-${id}`} onSubmit={submit}>
      <h2 id={`renewal-title-${id}`}>{tr("ui_renewal_title")}</h2>
      <SelectField
        id={`renewal-mode-${id}`}
        label={tr("ui_renewal_mode")}
        hint={tr(`ui_renewal_mode_${input.mode}_hint`)}
        value={input.mode}
        choices={MODES.map((m) => ({ value: m, label: tr(`ui_renewal_mode_${m}`) }))}
        onChange={(v) => set({ mode: v as RenewalInput["mode"] })}
      />
      {input.mode !== "off" ? (
        <TextField
          id={`renewal-days-${id}`}
          label={tr("ui_renewal_days")}
          hint={tr("ui_renewal_days_hint")}
          error={showErrors && daysError ? tr(daysError) : undefined}
          value={input.beforeDays}
          onInput={(v) => set({ beforeDays: v })}
        />
      ) : null}
      {input.mode === "auto" ? (
        <SelectField
          id={`renewal-key-${id}`}
          label={tr("ui_renewal_key")}
          value={input.key}
          choices={[
            { value: "new", label: tr("ui_renewal_key_new") },
            { value: "reuse", label: tr("ui_renewal_key_reuse") },
          ]}
          onChange={(v) => set({ key: v as RenewalInput["key"] })}
        />
      ) : null}
      {input.mode === "auto" && canUpload ? (
        <>
          <p class="renewal-warning" role="note" id={`renewal-upload-warning-${id}`}>{tr("ui_renewal_upload_warning")}</p>
          <CheckboxField
            id={`renewal-upload-${id}`}
            label={tr("ui_renewal_upload")}
            checked={input.uploadToCas}
            onChange={(checked) => set({ uploadToCas: checked })}
          />
        </>
      ) : null}
      {input.mode === "auto" && !canUpload ? (
        <p class="hint" id={`renewal-upload-unavailable-${id}`}>{tr(k.spec === "EC_SM2" ? "ui_renewal_upload_sm2" : "ui_renewal_upload_not_exportable")}</p>
      ) : null}
      {input.mode === "auto" && input.uploadToCas ? (
        <>
          <TextField
            id={`renewal-cdn-${id}`}
            label={tr("ui_renewal_cdn_domains")}
            hint={tr("ui_renewal_cdn_domains_hint")}
            multiline
            rows={2}
            value={input.cdnDomains}
            onInput={(v) => set({ cdnDomains: v })}
          />
          <CheckboxField
            id={`renewal-cdn-auto-${id}`}
            label={tr("ui_renewal_cdn_auto")}
            checked={input.cdnAuto}
            onChange={(checked) => set({ cdnAuto: checked })}
          />
          <details id={`renewal-more-targets-${id}`} open={moreOpened || moreTargetsOpen} onToggle={(e) => setMoreOpened((e.currentTarget as HTMLDetailsElement).open)}>
            <summary>{tr("ui_renewal_more_targets")}</summary>
            <div class="stack">
              <TextField
                id={`renewal-dcdn-${id}`}
                label={tr("ui_renewal_dcdn_domains")}
                hint={tr("ui_renewal_dcdn_domains_hint")}
                multiline
                rows={2}
                value={input.dcdnDomains}
                onInput={(v) => set({ dcdnDomains: v })}
              />
              <CheckboxField
                id={`renewal-dcdn-auto-${id}`}
                label={tr("ui_renewal_dcdn_auto")}
                checked={input.dcdnAuto}
                onChange={(checked) => set({ dcdnAuto: checked })}
              />
              <TextField
                id={`renewal-slb-${id}`}
                label={tr("ui_renewal_slb_listeners")}
                hint={tr("ui_renewal_slb_listeners_hint")}
                error={showErrors && listenerErrors.slb ? tr(listenerErrors.slb.key, { line: listenerErrors.slb.line }) : undefined}
                multiline
                rows={2}
                value={input.slbListeners}
                onInput={(v) => set({ slbListeners: v })}
              />
              <SelectField id={`renewal-slb-region-${id}`} label={tr("ui_renewal_slb_region")} value={input.slbRegion} choices={regions} onChange={(v) => set({ slbRegion: v })} />
              <TextField
                id={`renewal-alb-${id}`}
                label={tr("ui_renewal_alb_listeners")}
                hint={tr("ui_renewal_alb_listeners_hint")}
                error={showErrors && listenerErrors.alb ? tr(listenerErrors.alb.key, { line: listenerErrors.alb.line }) : undefined}
                multiline
                rows={2}
                value={input.albListeners}
                onInput={(v) => set({ albListeners: v })}
              />
              <SelectField id={`renewal-alb-region-${id}`} label={tr("ui_renewal_alb_region")} value={input.albRegion} choices={regions} onChange={(v) => set({ albRegion: v })} />
            </div>
          </details>
          <CheckboxField
            id={`renewal-delete-old-${id}`}
            label={tr("ui_renewal_delete_old")}
            hint={tr("ui_renewal_delete_old_hint")}
            checked={input.deleteOldUpload}
            onChange={(checked) => set({ deleteOldUpload: checked })}
          />
        </>
      ) : null}
      {stored?.dueAt ? <p class="hint" id={`renewal-due-${id}`}>{tr("ui_renewal_due", { date: localDate(stored.dueAt, locale) })}</p> : null}
      {progress ? (
        <p class="hint" id={`renewal-status-${id}`} data-phase={progress.phase} data-finished={progress.finishedAt ? "true" : "false"}>
          {progress.finishedAt
            ? tr("ui_renewal_status_done", { date: localDate(progress.finishedAt, locale), deployed: (progress.deployed ?? []).join(", ") || "-" })
            : progress.lastError
              ? tr("ui_renewal_status_failed", { reason: localizeError(locale, progress.lastError), time: progress.retryAt ? localDateTime(progress.retryAt, locale) : "-" })
              : tr(`ui_renewal_status_${progress.phase}`)}
        </p>
      ) : null}
      {progress?.finishedAt && progress.oldCasCertId && (progress.oldUploadDeleted || progress.oldUploadError) ? (
        <p class="hint" id={`renewal-old-upload-${id}`} data-deleted={progress.oldUploadDeleted ? "true" : "false"}>
          {progress.oldUploadDeleted
            ? tr("ui_renewal_old_deleted", { certId: progress.oldCasCertId })
            : tr("ui_renewal_old_kept", { certId: progress.oldCasCertId, reason: localizeError(locale, progress.oldUploadError!) })}
        </p>
      ) : null}
      <ErrorNotice error={save.error} id={`renewal-error-${id}`} />
      {save.result ? <Done text={tr("ui_renewal_saved")} id={`renewal-saved-${id}`} /> : null}
      <div class="actions">
        <button type="submit" class="small" id={`renewal-save-${id}`} disabled={save.busy}>{tr("ui_renewal_save")}</button>
      </div>
    </form>
  );
}
