// The applicant contact as forms hold it (every field present), and the DV product codes of the seeds.
// Kept apart from the form component so the popup's first render does not load the order form.
import type { Contact } from "./worker-api";

/** The contact as the form holds it: every field present. */
export type ContactInput = Required<Contact>;

export function toContactInput(c: Partial<Contact> | undefined): ContactInput {
  return {
    username: c?.username ?? "",
    email: c?.email ?? "",
    phone: c?.phone ?? "",
    validateType: c?.validateType ?? "DNS",
    productCode: c?.productCode ?? PRODUCT_CODES[0],
  };
}

export const PRODUCT_CODES = [
  "symantec-free-1-free",
  "symantec-dv-1-starter",
  "geotrust-dv-1-starter",
  "geotrust-dv-w-starter",
  "globalsign-dv-1-personal",
  "globalsign-dv-w-advanced",
] as const;
