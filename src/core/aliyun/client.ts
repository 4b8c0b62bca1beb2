// The signed Alibaba Cloud client: validate against the catalogue, sign (V1 or V3), send with a timeout,
// parse so long IDs stay exact, and turn refusals into ApiError. Reads are retried with backoff and
// jitter; creates and writes are sent once (a create's lost answer is for src/core/aliyun/write-ahead.ts).
// Pure core: fetch, clock, nonce, sleep and randomness are handed in (defaults are the platform's).
import { KeysmithError, fail } from "../errors";
import { ApiError, apiErrorFromResponse } from "./api-error";
import { canonicalQuery, isoSeconds } from "./encode";
import { endpointFor, type Site } from "./endpoints";
import type { HmacKeys } from "./hmac";
import { parseApiJson } from "./json";
import type { Operation, ServiceId } from "./operation-types";
import { LONG_FIELDS, operation as lookupOperation } from "./operations";
import { signRpcV1 } from "./sign-v1";
import { signV3 } from "./sign-v3";
import { validateParams, type InputValue } from "./validate";
import { redactError, secretsOf, tokenSecrets } from "./redact";

export type SignatureVersion = "v1" | "v3";

/** What a credential store hands the client per call: the id, the two HMAC keys, an STS token. */
export interface SigningCredentials {
  accessKeyId: string;
  hmac: HmacKeys;
  securityToken?: string;
  /** ISO time; a call after it is refused locally (api.credentials.token_expired). */
  securityTokenExpiresAt?: string;
}

/** The background credential store is one; the CLI builds one from the environment. */
export interface CredentialSource {
  signingCredentials(): Promise<SigningCredentials>;
}

/** A source over fixed credentials (CLI, tests): the secret is imported as HMAC keys at once. */
export function staticCredentials(creds: SigningCredentials): CredentialSource {
  return { signingCredentials: async () => creds };
}

export type FetchLike = (input: string, init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<{
  status: number;
  ok: boolean;
  text(): Promise<string>;
}>;

export interface ClientOptions {
  /** Needed for every operation but the anonymous ones (catalogue `anonymous`, e.g. STS AssumeRoleWithOIDC). */
  credentials?: CredentialSource;
  site?: Site;
  /** KMS region, e.g. cn-hangzhou. */
  region?: string;
  /** Overrides every service's endpoint (the emulator: http://127.0.0.1:PORT). */
  endpoint?: string;
  fetch?: FetchLike;
  signatureVersion?: SignatureVersion;
  /** Per attempt; default 15 s. */
  timeoutMs?: number;
  /** Further attempts for reads; default 3. */
  retries?: number;
  /** First backoff step; default 400 ms, doubled per attempt, full jitter. */
  backoffMs?: number;
  now?: () => Date;
  nonce?: () => string;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** A response object; long fields (OrderId, CsrId, RecordId…) are strings. */
export type ApiResponse = Record<string, unknown> & { RequestId?: string };

export interface AliyunClient {
  /** Validates `params` against the catalogue entry, then signs and sends. */
  call(service: ServiceId, action: string, params?: Readonly<Record<string, InputValue>>): Promise<ApiResponse>;
  callOperation(op: Operation, params?: Readonly<Record<string, InputValue>>): Promise<ApiResponse>;
  readonly signatureVersion: SignatureVersion;
}

/** The answer never came (network failure or timeout). */
class NoAnswer extends Error {
  constructor(readonly timedOut: boolean, cause: unknown) {
    super("no answer", { cause });
  }
}

/** `base`'s origin with the parameters as the query (sorted, encoded: canonicalQuery), none: just `/`. */
function queryUrl(base: URL, params: Record<string, string>): string {
  const query = canonicalQuery(params);
  return `${base.origin}/${query ? `?${query}` : ""}`;
}

export function createClient(options: ClientOptions): AliyunClient {
  const fetchFn: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const signatureVersion = options.signatureVersion ?? "v3";
  const timeoutMs = options.timeoutMs ?? 15_000;
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 400;
  const now = options.now ?? (() => new Date());
  const nonce = options.nonce ?? (() => globalThis.crypto.randomUUID());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;

  /** The V3 request without Authorization (and without any credential): for anonymous operations. */
  function unsigned(op: Operation, base: URL, wire: Record<string, string>): { url: string; headers: Record<string, string> } {
    return {
      url: queryUrl(base, wire),
      headers: { accept: "application/json", "x-acs-action": op.action, "x-acs-version": op.version, "x-acs-date": isoSeconds(now()), "x-acs-signature-nonce": nonce() },
    };
  }

  async function sendOnce(op: Operation, wire: Record<string, string>): Promise<ApiResponse> {
    const base = endpointFor(op.service, { site: options.site, region: options.region, endpoint: options.endpoint });
    if (op.anonymous) {
      const { url, headers } = unsigned(op, base, wire);
      return send(op, url, headers);
    }
    if (!options.credentials) fail("api.credentials.missing", "AccessKeyId");
    const creds = await options.credentials.signingCredentials();
    if (creds.securityToken && creds.securityTokenExpiresAt && Date.parse(creds.securityTokenExpiresAt) <= now().getTime()) {
      fail("api.credentials.token_expired", "SecurityToken", { expiresAt: creds.securityTokenExpiresAt });
    }
    const ctx = { accessKeyId: creds.accessKeyId, securityToken: creds.securityToken, now: now(), nonce: nonce() };
    let url: string;
    let headers: Record<string, string>;
    if (signatureVersion === "v1") {
      // As the Tea SDKs send it: POST with every parameter, Signature included, in the query; empty body.
      const signed = await signRpcV1({ method: op.method, params: { ...wire, Action: op.action, Version: op.version } }, { ...ctx, hmac: creds.hmac.v1 });
      url = `${base.origin}/?${signed.encoded}`;
      headers = { accept: "application/json" };
    } else {
      const signed = await signV3(
        {
          method: op.method,
          host: base.host,
          action: op.action,
          version: op.version,
          query: wire,
          extraHeaders: { "x-acs-credentials-provider": creds.securityToken ? "static_sts" : "static_ak" },
        },
        { ...ctx, hmac: creds.hmac.v3 },
      );
      url = queryUrl(base, signed.query);
      // fetch sets Host itself (browsers forbid setting it); it is signed with the same value.
      const { host: _host, ...rest } = signed.headers;
      headers = rest;
    }
    // The security token is signed as a parameter (V1) and sent in the URL: a refusal or a failed fetch
    // that quotes either leaves the client without it.
    const tokens = tokenSecrets(creds.securityToken);
    try {
      return await send(op, url, headers);
    } catch (err) {
      if (!tokens) throw err;
      throw err instanceof NoAnswer ? new NoAnswer(err.timedOut, redactError(err.cause, tokens)) : redactError(err, tokens);
    }
  }

  async function send(op: Operation, url: string, headers: Record<string, string>): Promise<ApiResponse> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await fetchFn(url, { method: op.method, headers, signal: controller.signal });
      status = response.status;
      text = await response.text();
    } catch (err) {
      throw new NoAnswer(controller.signal.aborted, err);
    } finally {
      clearTimeout(timer);
    }
    if (status < 200 || status >= 300) throw apiErrorFromResponse(op.action, status, text);
    try {
      const parsed = parseApiJson(text, LONG_FIELDS);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as ApiResponse;
    } catch {
      // fall through: an answer we cannot read is reported as such
    }
    fail("api.response.invalid", op.action, { status });
  }

  function noAnswerError(op: Operation, err: NoAnswer): KeysmithError {
    return err.timedOut
      ? new KeysmithError("api.timeout", { field: op.action, params: { seconds: Math.round(timeoutMs / 1000) }, cause: err.cause })
      : new KeysmithError("api.network", { field: op.action, params: { reason: describe(err.cause) }, cause: err.cause });
  }

  async function read(op: Operation, wire: Record<string, string>): Promise<ApiResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await sendOnce(op, wire);
      } catch (err) {
        const retryable = err instanceof NoAnswer || (err instanceof ApiError && err.retryable);
        if (!retryable || attempt >= retries) throw err instanceof NoAnswer ? noAnswerError(op, err) : err;
        // Full jitter: a random wait up to the doubled step spreads clients that failed together.
        await sleep(Math.round(random() * backoffMs * 2 ** attempt));
      }
    }
  }

  async function callOperation(op: Operation, params: Readonly<Record<string, InputValue>> = {}): Promise<ApiResponse> {
    const wire = validateParams(op, params);
    // Private keys among the parameters never travel back out inside an error (src/core/aliyun/redact.ts).
    const secrets = secretsOf(op, wire);
    try {
      if (op.kind === "read") return await read(op, wire);
      try {
        return await sendOnce(op, wire);
      } catch (err) {
        throw err instanceof NoAnswer ? noAnswerError(op, err) : err;
      }
    } catch (err) {
      throw redactError(err, secrets);
    }
  }

  return {
    signatureVersion,
    callOperation,
    call: (service, action, params) => callOperation(lookupOperation(service, action), params),
  };
}

/** `a.b` inside nested objects (Alidns nests lists: DomainRecords.Record). */
export function pathValue(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    if (!current || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.message.slice(0, 200);
  return String(cause).slice(0, 200);
}
