// What the pages use to talk to the background worker: the typed protocol of src/messages.ts behind one
// `send` method, so views can be rendered against a fake in tests and nothing here holds keys or secrets.
// Form state (every subject field a string) is converted to the protocol's shapes here.
import type { MessageType, ReplyOf, RequestOf, SubjectFields, KeySpecId } from "../messages";
export type {
  KeySpecId, KeyView, CsrMade, CsrInspection, LintFinding, ExportFormat, ExportResult, OrderView, OrderState,
  OrderOperation, ValidationRecord, Contact, PackageState, Settings, CredentialsStatus, PendingForm, SubjectFields,
  PendingCreateView, PendingCheckResult,
} from "../messages";
export { KEY_SPEC_IDS as KEY_SPECS } from "../messages";

export interface WorkerApi {
  send<T extends MessageType>(type: T, payload: RequestOf<T>): Promise<ReplyOf<T>>;
}

/** The subject as the form holds it: every field a string, "" when empty. */
export interface SubjectInput {
  CN: string;
  O: string;
  OU: string;
  C: string;
  ST: string;
  L: string;
  emailAddress: string;
}
export type SubjectField = keyof SubjectInput;
export const SUBJECT_FIELDS: readonly SubjectField[] = ["CN", "O", "OU", "C", "ST", "L", "emailAddress"];
export const EMPTY_SUBJECT: SubjectInput = { CN: "", O: "", OU: "", C: "", ST: "", L: "", emailAddress: "" };

export function toSubjectInput(s: SubjectFields | undefined): SubjectInput {
  const out = { ...EMPTY_SUBJECT };
  for (const f of SUBJECT_FIELDS) out[f] = s?.[f] ?? "";
  return out;
}

/** Trimmed, with empty fields left out (the DN then omits them). */
export function toSubjectFields(s: SubjectInput): SubjectFields {
  const out: SubjectFields = {};
  for (const f of SUBJECT_FIELDS) if (s[f].trim() !== "") out[f] = s[f].trim();
  return out;
}

export function isKeySpec(value: string): value is KeySpecId {
  return ["RSA_2048", "RSA_3072", "RSA_4096", "EC_P256", "EC_P384", "EC_SM2"].includes(value);
}
