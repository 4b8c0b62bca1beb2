// Following orders in the background and the "expiring" notification. The days are typed as text and
// checked here (src/ui/settings-rules.ts: a whole number in the worker's range) before anything is saved.
import { CheckboxField, Field } from "../ui/fields";
import { localizeError, useLocale, useT } from "../ui/locale";
import { EXPIRY_WARNING_DAYS } from "../ui/settings-rules";
import type { ErrorData } from "../core/errors";

export function OrderSettingsSection(props: {
  followOrders: boolean;
  expiryWarningDays: string;
  error?: ErrorData;
  onChange: (patch: { followOrders?: boolean; expiryWarningDays?: string }) => void;
}) {
  const tr = useT();
  const locale = useLocale();
  const error = props.error ? localizeError(locale, props.error) : undefined;
  const described = ["expiry-warning-days-hint", error ? "expiry-warning-days-error" : ""].filter(Boolean).join(" ");
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
    </section>
  );
}
