// Following orders in the background and the "expiring" notification. The days are typed as text and
// checked here (src/ui/settings-rules.ts: a whole number in the worker's range) before anything is saved;
// so are the minutes the worker keeps looking for a create whose answer was lost (reconcileMinutes).
import { CheckboxField, Field } from "../ui/fields";
import { localizeError, useLocale, useT } from "../ui/locale";
import { EXPIRY_WARNING_DAYS, RECONCILE_MINUTES_RANGE } from "../ui/settings-rules";
import type { ErrorData } from "../core/errors";

export function OrderSettingsSection(props: {
  followOrders: boolean;
  expiryWarningDays: string;
  reconcileMinutes: string;
  error?: ErrorData;
  reconcileError?: ErrorData;
  onChange: (patch: { followOrders?: boolean; expiryWarningDays?: string; reconcileMinutes?: string }) => void;
}) {
  const tr = useT();
  const locale = useLocale();
  const error = props.error ? localizeError(locale, props.error) : undefined;
  const described = ["expiry-warning-days-hint", error ? "expiry-warning-days-error" : ""].filter(Boolean).join(" ");
  const reconcileError = props.reconcileError ? localizeError(locale, props.reconcileError) : undefined;
  const reconcileDescribed = ["reconcile-minutes-hint", reconcileError ? "reconcile-minutes-error" : ""].filter(Boolean).join(" ");
  return (
    <section class="stack card" aria-labelledby="follow-title">
      <h2 id="follow-title">{tr("ui_orders_and_notifications")}</h2>
      <CheckboxField id="follow-orders" label={tr("ui_follow_orders")} hint={tr("ui_follow_orders_hint")} checked={props.followOrders}
        onChange={(v) => props.onChange({ followOrders: v })} />
      <Field id="expiry-warning-days" label={tr("ui_expiry_warning_days")} hint={tr("ui_expiry_warning_days_hint", EXPIRY_WARNING_DAYS)} error={error}>
        <input type="text" inputMode="numeric" id="expiry-warning-days" name="expiry-warning-days" autocomplete="off" style={{ maxWidth: "8rem" }}
          value={props.expiryWarningDays} aria-invalid={error ? "true" : undefined} aria-describedby={described}
          onInput={(e) => props.onChange({ expiryWarningDays: (e.currentTarget as HTMLInputElement).value })} />
      </Field>
      <Field id="reconcile-minutes" label={tr("ui_reconcile_minutes")} hint={tr("ui_reconcile_minutes_hint", RECONCILE_MINUTES_RANGE)} error={reconcileError}>
        <input type="text" inputMode="numeric" id="reconcile-minutes" name="reconcile-minutes" autocomplete="off" style={{ maxWidth: "8rem" }}
          value={props.reconcileMinutes} aria-invalid={reconcileError ? "true" : undefined} aria-describedby={reconcileDescribed}
          onInput={(e) => props.onChange({ reconcileMinutes: (e.currentTarget as HTMLInputElement).value })} />
      </Field>
    </section>
  );
}
