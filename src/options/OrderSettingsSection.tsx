// Following orders in the background and the "expiring" notification, saved on their own (global: they
// are the same for every profile). The days are typed as text and checked here (src/ui/settings-rules.ts: a
// whole number in the worker's range) before anything is saved; so are the minutes the worker keeps looking
// for a create whose answer was lost (reconcileMinutes). A refused save focuses the first invalid field.
import { useState } from "preact/hooks";
import { CheckboxField, Field } from "../ui/fields";
import { Done } from "../ui/notices";
import { localizeError, useLocale, useT } from "../ui/locale";
import { useAction } from "../ui/use-action";
import { EXPIRY_WARNING_DAYS, RECONCILE_MINUTES_RANGE, parseExpiryWarningDays, parseReconcileMinutes } from "../ui/settings-rules";
import { RECONCILE_MINUTES, type Settings } from "../messages";
import type { WorkerApi } from "../ui/worker-api";
import { FocusableError, SectionHead, sameForm, useFocusOnFailure } from "./section";

interface OrdersForm {
  followOrders: boolean;
  /** As typed; parsed (and checked) on save. */
  expiryWarningDays: string;
  /** As typed; parsed (and checked) on save. */
  reconcileMinutes: string;
}

function toOrdersForm(s: Settings): OrdersForm {
  return { followOrders: s.followOrders, expiryWarningDays: String(s.expiryWarningDays), reconcileMinutes: String(s.reconcileMinutes ?? RECONCILE_MINUTES.default) };
}

export function OrderSettingsSection(props: { api: WorkerApi; settings: Settings; onSaved: (s: Settings) => void }) {
  const tr = useT();
  const locale = useLocale();
  const [form, setForm] = useState<OrdersForm>(() => toOrdersForm(props.settings));
  const focus = useFocusOnFailure<HTMLElement>();
  const save = useAction((s: Partial<Settings>) => props.api.send("settings.set", s));
  const dirty = !sameForm(form, toOrdersForm(props.settings));
  const set = (patch: Partial<OrdersForm>) => { setForm({ ...form, ...patch }); save.reset(); };
  const days = parseExpiryWarningDays(form.expiryWarningDays);
  const minutes = parseReconcileMinutes(form.reconcileMinutes);
  const error = days.ok ? undefined : localizeError(locale, days.error);
  const reconcileError = minutes.ok ? undefined : localizeError(locale, minutes.error);
  const described = ["expiry-warning-days-hint", error ? "expiry-warning-days-error" : ""].filter(Boolean).join(" ");
  const reconcileDescribed = ["reconcile-minutes-hint", reconcileError ? "reconcile-minutes-error" : ""].filter(Boolean).join(" ");

  const onSave = async (e: Event) => {
    e.preventDefault();
    if (!days.ok || !minutes.ok) return focus.failed();
    const saved = await save.run({ followOrders: form.followOrders, expiryWarningDays: days.value, reconcileMinutes: minutes.value });
    if (saved) {
      setForm(toOrdersForm(saved));
      props.onSaved(saved);
    } else focus.failed();
  };

  return (
    <section class="stack card" aria-labelledby="follow-title" id="follow" ref={focus.ref}>
      <SectionHead id="follow" title={tr("ui_orders_and_notifications")} dirty={dirty} />
      <p class="section-for">{tr("ui_opt_section_global")}</p>
      <form class="stack" onSubmit={onSave} noValidate id="orders-form">
        <CheckboxField id="follow-orders" label={tr("ui_follow_orders")} hint={tr("ui_follow_orders_hint")} checked={form.followOrders}
          onChange={(v) => set({ followOrders: v })} />
        <Field id="expiry-warning-days" label={tr("ui_expiry_warning_days")} hint={tr("ui_expiry_warning_days_hint", EXPIRY_WARNING_DAYS)} error={error}>
          <input type="text" inputMode="numeric" id="expiry-warning-days" name="expiry-warning-days" autocomplete="off" style={{ maxWidth: "8rem" }}
            value={form.expiryWarningDays} aria-invalid={error ? "true" : undefined} aria-describedby={described}
            onInput={(e) => set({ expiryWarningDays: (e.currentTarget as HTMLInputElement).value })} />
        </Field>
        <Field id="reconcile-minutes" label={tr("ui_reconcile_minutes")} hint={tr("ui_reconcile_minutes_hint", RECONCILE_MINUTES_RANGE)} error={reconcileError}>
          <input type="text" inputMode="numeric" id="reconcile-minutes" name="reconcile-minutes" autocomplete="off" style={{ maxWidth: "8rem" }}
            value={form.reconcileMinutes} aria-invalid={reconcileError ? "true" : undefined} aria-describedby={reconcileDescribed}
            onInput={(e) => set({ reconcileMinutes: (e.currentTarget as HTMLInputElement).value })} />
        </Field>
        <FocusableError error={save.error} id="orders-error" />
        {save.result && !dirty ? <Done text={tr("ui_saved")} id="orders-saved" /> : null}
        <div class="actions">
          <button type="submit" id="save-orders" disabled={save.busy}>{tr("ui_opt_save_orders")}</button>
        </div>
      </form>
    </section>
  );
}
