// The applicant contact, validation method and product that every cas order carries. Defaults come from
// the options page so a user types them once.
import { SelectField, TextField } from "./fields";
import { useLocale, useT } from "./locale";
import { productDetail, productName } from "./product-names";
import type { ContactInput } from "./contact-input";
import { DV_PRODUCT_CODES } from "../core/aliyun/product-codes";
export { toContactInput, type ContactInput } from "./contact-input";

export function contactErrors(c: ContactInput): Partial<Record<keyof ContactInput, string>> {
  const out: Partial<Record<keyof ContactInput, string>> = {};
  if (c.username.trim() === "") out.username = "ui_contact_username_required";
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(c.email.trim())) out.email = "ui_contact_email_invalid";
  if (!/^\+?[0-9][0-9 -]{4,19}$/.test(c.phone.trim())) out.phone = "ui_contact_phone_invalid";
  return out;
}

export function ContactFields(props: { idPrefix: string; value: ContactInput; onChange: (c: ContactInput) => void; showErrors: boolean }) {
  const tr = useT();
  const locale = useLocale();
  const c = props.value;
  const errors = props.showErrors ? contactErrors(c) : {};
  const set = (patch: Partial<ContactInput>) => props.onChange({ ...c, ...patch });
  const id = (s: string) => `${props.idPrefix}-${s}`;
  return (
    <fieldset class="stack">
      <legend>{tr("ui_contact")}</legend>
      <TextField id={id("username")} label={tr("ui_contact_username")} required value={c.username} error={errors.username && tr(errors.username)} onInput={(v) => set({ username: v })} />
      <TextField id={id("email")} label={tr("ui_contact_email")} type="email" required value={c.email} error={errors.email && tr(errors.email)} onInput={(v) => set({ email: v })} />
      <TextField id={id("phone")} label={tr("ui_contact_phone")} type="tel" required value={c.phone} error={errors.phone && tr(errors.phone)} onInput={(v) => set({ phone: v })} />
      <SelectField
        id={id("validate")}
        label={tr("ui_validate_type")}
        hint={tr(c.validateType === "DNS" ? "ui_validate_dns_hint" : "ui_validate_file_hint")}
        value={c.validateType}
        choices={[{ value: "DNS", label: tr("ui_validate_dns") }, { value: "FILE", label: tr("ui_validate_file") }]}
        onChange={(v) => set({ validateType: v as ContactInput["validateType"] })}
      />
      <SelectField
        id={id("product")}
        label={tr("ui_product_code")}
        hint={productDetail(c.productCode, locale)}
        value={c.productCode}
        choices={DV_PRODUCT_CODES.map((p) => ({ value: p, label: productName(p, locale) }))}
        onChange={(v) => set({ productCode: v })}
      />
    </fieldset>
  );
}
