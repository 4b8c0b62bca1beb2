// The selected profile's default applicant contact, validation method and product: what the order form
// starts from, saved on their own. Every field is optional here (the order form asks for what is missing),
// so none is marked required; what is typed must be valid (an e-mail address, a phone number) to be saved.
import { useState } from "preact/hooks";
import { SelectField, TextField } from "../ui/fields";
import { contactErrors, toContactInput, type ContactInput } from "../ui/contact-fields";
import { Done } from "../ui/notices";
import { useLocale, useT } from "../ui/locale";
import { productDetail, productName } from "../ui/product-names";
import { useAction } from "../ui/use-action";
import { DEFAULT_DV_PRODUCT_CODE, DV_PRODUCT_CODES } from "../core/aliyun/product-codes";
import type { ProfileView } from "../messages";
import type { WorkerApi } from "../ui/worker-api";
import { saveProfileFields, type ProfileState } from "./profiles";
import { FocusableError, SectionHead, sameForm, useDirtyReport, useFocusOnFailure } from "./section";

/** The profile's contact as the form holds it, its product the profile's default (a blank one is the default DV product). */
function toContactForm(p: ProfileView): ContactInput {
  return toContactInput({ ...p.contact, productCode: p.defaultProduct || DEFAULT_DV_PRODUCT_CODE });
}

/** Problems of what is typed (message keys): the order form's rules (contactErrors), but empty fields are fine. */
export function contactProblems(c: ContactInput): Partial<Record<"email" | "phone", string>> {
  const errors = contactErrors(c);
  const out: Partial<Record<"email" | "phone", string>> = {};
  if (c.email.trim() !== "" && errors.email) out.email = errors.email;
  if (c.phone.trim() !== "" && errors.phone) out.phone = errors.phone;
  return out;
}

export function ContactSection(props: {
  api: WorkerApi;
  state: ProfileState;
  profile: ProfileView;
  onSaved: (p: ProfileView) => void;
  onDirty?: (dirty: boolean) => void;
}) {
  const tr = useT();
  const locale = useLocale();
  const [form, setForm] = useState<ContactInput>(() => toContactForm(props.profile));
  const [showErrors, setShowErrors] = useState(false);
  const focus = useFocusOnFailure<HTMLElement>();
  const save = useAction((c: ContactInput) =>
    saveProfileFields(props.api, props.state, props.profile, {
      contact: { username: c.username.trim(), email: c.email.trim(), phone: c.phone.trim(), validateType: c.validateType },
      defaultProduct: c.productCode,
    }));
  const dirty = !sameForm(form, toContactForm(props.profile));
  useDirtyReport(dirty, props.onDirty);
  const set = (patch: Partial<ContactInput>) => { setForm({ ...form, ...patch }); save.reset(); };
  const problems = showErrors ? contactProblems(form) : {};
  const products = DV_PRODUCT_CODES.includes(form.productCode as (typeof DV_PRODUCT_CODES)[number]) ? [...DV_PRODUCT_CODES] : [form.productCode, ...DV_PRODUCT_CODES];

  const onSave = async (e: Event) => {
    e.preventDefault();
    setShowErrors(true);
    if (Object.keys(contactProblems(form)).length > 0) return focus.failed();
    const saved = await save.run(form);
    if (saved) {
      setForm(toContactForm(saved));
      props.onSaved(saved);
    } else focus.failed();
  };

  return (
    <section class="stack card" aria-labelledby="contact-title" id="contact" ref={focus.ref}>
      <SectionHead id="contact" title={tr("ui_opt_contact_title")} dirty={dirty} />
      <p class="section-for" id="contact-profile">{tr("ui_opt_section_for", { name: props.profile.name })}</p>
      <p class="hint">{tr("ui_opt_contact_hint")}</p>
      <form class="stack" onSubmit={onSave} noValidate id="contact-form">
        <TextField id="default-username" label={tr("ui_contact_username")} value={form.username} onInput={(v) => set({ username: v })} />
        <TextField id="default-email" label={tr("ui_contact_email")} type="email" value={form.email} error={problems.email && tr(problems.email)}
          onInput={(v) => set({ email: v })} />
        <TextField id="default-phone" label={tr("ui_contact_phone")} type="tel" value={form.phone} error={problems.phone && tr(problems.phone)}
          onInput={(v) => set({ phone: v })} />
        <SelectField id="default-validate" label={tr("ui_validate_type")}
          hint={tr(form.validateType === "DNS" ? "ui_validate_dns_hint" : "ui_validate_file_hint")} value={form.validateType}
          choices={[{ value: "DNS", label: tr("ui_validate_dns") }, { value: "FILE", label: tr("ui_validate_file") }]}
          onChange={(v) => set({ validateType: v as ContactInput["validateType"] })} />
        <SelectField id="default-product" label={tr("ui_product_code")} hint={productDetail(form.productCode, locale)} value={form.productCode}
          choices={products.map((p) => ({ value: p, label: productName(p, locale) }))}
          onChange={(v) => set({ productCode: v })} />
        <FocusableError error={save.error} id="contact-error" />
        {save.result && !dirty ? <Done text={tr("ui_opt_saved_for", { name: props.profile.name })} id="contact-saved" /> : null}
        <div class="actions">
          <button type="submit" id="save-contact" disabled={save.busy}>{tr("ui_opt_save_contact")}</button>
        </div>
      </form>
    </section>
  );
}
