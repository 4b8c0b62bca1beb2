// The popup's Renewal section as form state (every field a string or a flag) and its conversion to and from
// the worker's `renewal.set` / `renewal.get` shapes (src/messages.ts KeyRenewal). The worker checks everything
// again (validateRenewalPolicy, the upload rules); here only what lets the form say what is wrong before sending.
import type { DeployBinding, KeyRenewal, RenewalPolicyInput, RequestOf } from "../messages";

export interface RenewalInput {
  mode: "off" | "notify" | "auto";
  /** Days before the end, as typed. */
  beforeDays: string;
  key: "new" | "reuse";
  uploadToCas: boolean;
  /** CDN domains, one a line (or separated by commas or spaces). */
  cdnDomains: string;
  /** Every CDN domain the certificate covers. */
  cdnAuto: boolean;
  /** Delete the previous upload from cas once nothing serves it (offered only with the upload). */
  deleteOldUpload: boolean;
}

export function renewalInput(r: KeyRenewal): RenewalInput {
  return {
    mode: r.policy.mode,
    beforeDays: String(r.policy.beforeDays),
    key: r.policy.key,
    uploadToCas: r.uploadToCas,
    cdnDomains: r.deploy.flatMap((b) => ("domain" in b ? [b.domain] : [])).join("\n"),
    cdnAuto: r.deploy.some((b) => "auto" in b),
    deleteOldUpload: r.deleteOldUpload,
  };
}

/** The days field's problem, if any: a whole number from 1 to 397 (src/core/lifecycle/renewal.ts checkBeforeDays). */
export function beforeDaysError(text: string): "ui_renewal_days_invalid" | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return "ui_renewal_days_invalid";
  const n = Number(t);
  return n >= 1 && n <= 397 ? undefined : "ui_renewal_days_invalid";
}

export function domainsOf(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((d) => d.trim().toLowerCase()).filter(Boolean))];
}

/** The request for `renewal.set`: deploy bindings and the old upload's deletion only with the upload (the worker refuses them otherwise). */
export function renewalRequest(keyId: string, input: RenewalInput, fractionLeft?: number): RequestOf<"renewal.set"> {
  const policy: RenewalPolicyInput = { mode: input.mode, beforeDays: Number(input.beforeDays.trim()), key: input.key, ...(fractionLeft !== undefined ? { fractionLeft } : {}) };
  const deploy: DeployBinding[] = input.uploadToCas
    ? [...domainsOf(input.cdnDomains).map((domain): DeployBinding => ({ target: "cdn", domain })), ...(input.cdnAuto ? [{ target: "cdn", auto: true } as const] : [])]
    : [];
  return { keyId, policy, uploadToCas: input.uploadToCas, deploy, deleteOldUpload: input.uploadToCas && input.deleteOldUpload };
}
