// The applicant contact as forms hold it (every field present).
// Kept apart from the form component so the popup's first render does not load the order form.
import type { Contact } from "./worker-api";
import { DEFAULT_DV_PRODUCT_CODE } from "../core/aliyun/product-codes";

/** The contact as the form holds it: every field present. */
export type ContactInput = Required<Contact>;

export function toContactInput(c: Partial<Contact> | undefined): ContactInput {
  return {
    username: c?.username ?? "",
    email: c?.email ?? "",
    phone: c?.phone ?? "",
    validateType: c?.validateType ?? "DNS",
    productCode: c?.productCode ?? DEFAULT_DV_PRODUCT_CODE,
  };
}

