// Private keys sent as parameters (catalogue ParamSpec.secret: cas UploadUserCertificate Key, SignPrivateKey,
// EncryptPrivateKey; CDN SetCdnDomainSSLCertificate SSLPri) must not come back out of src/core/aliyun/client.ts
// inside an error: a SignatureDoesNotMatch answer quotes the server's string to sign (every parameter,
// percent-encoded twice), and a failed fetch may quote the URL. Errors are shown, logged and stored, so
// their texts are cleaned here before they leave the client. The same holds for the STS security token a
// call is signed with (V1 signs it as a parameter; a refusal may quote it back).
import { KeysmithError } from "../errors";
import { ApiError } from "./api-error";
import { percentEncode } from "./encode";
import type { Operation } from "./operation-types";

const MARK = "[private key withheld]";
const TOKEN_MARK = "[security token withheld]";
/** A window this long shared with a secret (in any of its encodings) means the text quotes part of it. */
const WINDOW = 16;

export interface SecretSet {
  /** The secrets as they may appear: raw, URL-encoded once and twice, form-encoded. */
  variants: string[];
  windows: Set<string>;
  /** What replaces them. */
  mark: string;
}

/** The values of `op`'s secret parameters in `wire`; undefined when there are none. */
export function secretsOf(op: Operation, wire: Readonly<Record<string, string>>): SecretSet | undefined {
  return secretSet(op.params.filter((p) => p.secret && wire[p.name]).map((p) => wire[p.name]!), MARK);
}

/** The STS security token a call is signed with; undefined when there is none. */
export function tokenSecrets(securityToken: string | undefined): SecretSet | undefined {
  return secretSet(securityToken ? [securityToken] : [], TOKEN_MARK);
}

function secretSet(values: string[], mark: string): SecretSet | undefined {
  if (values.length === 0) return undefined;
  const variants = [
    ...new Set(
      values.flatMap((v) => [v, percentEncode(v), percentEncode(percentEncode(v)), encodeURIComponent(v), new URLSearchParams({ v }).toString().slice(2)]),
    ),
  ].sort((a, b) => b.length - a.length);
  const windows = new Set<string>();
  for (const v of variants) for (let i = 0; i + WINDOW <= v.length; i++) windows.add(v.slice(i, i + WINDOW));
  return { variants, windows, mark };
}

/** `text` with every whole secret replaced; withheld entirely when a piece of one is left (a cut-off quote). */
export function redactText(text: string, secrets: SecretSet): string {
  let out = text;
  for (const v of secrets.variants) if (v.length >= WINDOW) out = out.split(v).join(secrets.mark);
  for (let i = 0; i + WINDOW <= out.length; i++) if (secrets.windows.has(out.slice(i, i + WINDOW))) return secrets.mark;
  return out;
}

/** The same error with its texts cleaned (and, for a no-answer error, without the platform's cause). */
export function redactError(err: unknown, secrets: SecretSet | undefined): unknown {
  if (!secrets) return err;
  if (err instanceof ApiError) {
    return new ApiError({
      status: err.status,
      apiCode: redactText(err.apiCode, secrets),
      apiMessage: redactText(err.apiMessage, secrets),
      requestId: redactText(err.requestId, secrets),
      recommend: redactText(err.recommend, secrets),
      action: err.field ?? "",
    });
  }
  if (err instanceof KeysmithError) {
    const params = Object.fromEntries(Object.entries(err.params).map(([k, v]) => [k, typeof v === "string" ? redactText(v, secrets) : v]));
    return new KeysmithError(err.code, { field: err.field, params });
  }
  if (err instanceof Error) return new Error(redactText(err.message, secrets));
  return err;
}

/**
 * What pages and the CLI show of an AccessKeyId: its first and last four characters ("LTAI…Demo"), or the
 * first two of a short one. The options page, the popup's profile switcher and `keysmith whoami` print it.
 */
export function accessKeyIdHint(id: string): string {
  return id.length <= 8 ? `${id.slice(0, 2)}…` : `${id.slice(0, 4)}…${id.slice(-4)}`;
}
