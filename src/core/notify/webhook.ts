// Webhook notifications: DingTalk, Feishu (Lark) and WeCom group robots, or a generic JSON POST. Pure apart
// from the `fetch` / `now` / `sleep` the caller hands in, so the CLI, the worker and Node tests share it.
// - validateWebhook: the config `{ kind, url, secret?, format? }`, every refusal a typed error naming the field
//   and the rule (https only, plain http to loopback for tests; the robots' own hosts).
// - webhookRequest: the POST to make for one message. Signing goes through WebCrypto (crypto.subtle):
//   DingTalk: `timestamp` (ms) and `sign` query parameters, sign = base64(HMAC-SHA256(key = secret,
//   message = `${timestamp}\n${secret}`)), URL-encoded; Feishu: `timestamp` (s) and `sign` in the JSON body,
//   sign = base64(HMAC-SHA256(key = `${timestamp}\n${secret}`, message = empty)). WeCom robots are not signed
//   (the key is in the URL).
// - sendWebhook: one delivery, retried on a network error, HTTP 5xx or 429 and a robot's JSON error
//   (`errcode` / `code` not 0), with a doubling pause, a bounded number of attempts; it never throws: the
//   result says delivered or carries the typed error (callers record it; a renewal never waits on it).
// What a message holds: the event, each certificate's name, domains, notAfter and days left, a reason for a
// failure, and what to do. Never key material, never a credential: the caller passes names and dates only.
import { KeysmithError } from "../errors";
import { isLoopbackHost } from "../aliyun/endpoints";
import { t, type Locale } from "../i18n";
import { reasonNetwork, reasonTimeout } from "../reason";

export const WEBHOOK_KINDS = ["dingtalk", "feishu", "wecom", "generic"] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];
export const WEBHOOK_FORMATS = ["text", "markdown"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export interface WebhookConfig {
  kind: WebhookKind;
  url: string;
  /** The robot's signing secret (DingTalk "SEC…", Feishu): only for dingtalk and feishu. */
  secret?: string;
  /** dingtalk and wecom: text (default) or markdown; feishu and generic: text only. */
  format?: WebhookFormat;
}

/** The hosts each robot's webhook URL must name (loopback aside, for tests). */
export const ROBOT_HOSTS: Readonly<Record<Exclude<WebhookKind, "generic">, readonly string[]>> = {
  dingtalk: ["oapi.dingtalk.com"],
  feishu: ["open.feishu.cn", "open.larksuite.com"],
  wecom: ["qyapi.weixin.qq.com"],
};

export const WEBHOOK_SECRET_MAX = 256;
export const WEBHOOK_URL_MAX = 2048;

export type NotifyEvent = "expiring" | "renewed" | "renewal_failed" | "deploy_failed" | "test";
export const NOTIFY_EVENTS: readonly NotifyEvent[] = ["expiring", "renewed", "renewal_failed", "deploy_failed", "test"];

export interface CertificateNotice {
  name: string;
  domains: string[];
  /** ISO 8601; days left are counted from it at `now`. */
  notAfter?: string;
  /** Why a renewal or deploy failed (a localized error text: never key material or a secret). */
  reason?: string;
  /** Domains or targets deployed. */
  deployed?: string[];
}

export interface NotifyMessage {
  event: NotifyEvent;
  certificates: CertificateNotice[];
  locale?: Locale;
}

export interface WebhookRequest {
  url: string;
  method: "POST";
  headers: Record<string, string>;
  body: string;
}

const fieldError = (code: string, field: string, params: Record<string, string | number> = {}) => new KeysmithError(code, { field, params });

/** Checks a webhook config (from a file, a page or storage); `path` prefixes the field names (e.g. "notify[0]"). */
export function validateWebhook(input: unknown, path = ""): WebhookConfig {
  const at = (f: string) => (path ? `${path}.${f}` : f);
  if (!input || typeof input !== "object" || Array.isArray(input)) throw fieldError("notify.webhook.not_object", path || "webhook");
  const v = input as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (!["kind", "url", "secret", "format"].includes(key)) throw fieldError("notify.webhook.field_unknown", at(key), { allowed: "kind, url, secret, format" });
  }
  const kind = v.kind;
  if (typeof kind !== "string" || !(WEBHOOK_KINDS as readonly string[]).includes(kind)) {
    throw fieldError("notify.webhook.kind", at("kind"), { given: typeof kind === "string" ? kind.slice(0, 40) : typeof kind, allowed: WEBHOOK_KINDS.join(", ") });
  }
  const k = kind as WebhookKind;
  if (typeof v.url !== "string" || v.url.trim() === "" || v.url.length > WEBHOOK_URL_MAX) throw fieldError("notify.webhook.url.invalid", at("url"));
  let url: URL;
  try {
    url = new URL(v.url.trim());
  } catch {
    throw fieldError("notify.webhook.url.invalid", at("url"));
  }
  if (url.username || url.password) throw fieldError("notify.webhook.url.invalid", at("url"));
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === "http:" && !loopback) throw fieldError("notify.webhook.url.https", at("url"), { host: url.host });
  if (url.protocol !== "https:" && url.protocol !== "http:") throw fieldError("notify.webhook.url.https", at("url"), { host: url.host || url.protocol });
  if (k !== "generic" && !loopback) {
    const hosts = ROBOT_HOSTS[k];
    if (!hosts.includes(url.hostname.toLowerCase())) throw fieldError("notify.webhook.url.host", at("url"), { kind: k, host: url.host, expected: hosts.join(", ") });
  }
  const config: WebhookConfig = { kind: k, url: url.href };
  if (v.secret !== undefined && v.secret !== null && v.secret !== "") {
    if (typeof v.secret !== "string" || /\s/.test(v.secret) || v.secret.length > WEBHOOK_SECRET_MAX) {
      throw fieldError("notify.webhook.secret.invalid", at("secret"), { max: WEBHOOK_SECRET_MAX });
    }
    if (k !== "dingtalk" && k !== "feishu") throw fieldError("notify.webhook.secret.unsigned", at("secret"), { kind: k });
    config.secret = v.secret;
  }
  if (v.format !== undefined) {
    if (typeof v.format !== "string" || !(WEBHOOK_FORMATS as readonly string[]).includes(v.format)) {
      throw fieldError("notify.webhook.format", at("format"), { kind: k, allowed: k === "dingtalk" || k === "wecom" ? "text, markdown" : "text" });
    }
    if (v.format === "markdown" && k !== "dingtalk" && k !== "wecom") throw fieldError("notify.webhook.format", at("format"), { kind: k, allowed: "text" });
    config.format = v.format as WebhookFormat;
  }
  return config;
}

/** One config or a list of them (the CLI's --webhook-config file). */
export function validateWebhooks(input: unknown, path = ""): WebhookConfig[] {
  if (Array.isArray(input)) {
    if (input.length === 0 || input.length > 10) throw fieldError("notify.webhook.list", path || "webhooks", { max: 10 });
    return input.map((item, i) => validateWebhook(item, `${path}[${i}]`));
  }
  return [validateWebhook(input, path)];
}

/** Whole days from `now` to `notAfter` (negative once past). */
export function daysLeft(notAfter: string, now: Date): number | undefined {
  const end = Date.parse(notAfter);
  if (Number.isNaN(end)) return undefined;
  return Math.floor((end - now.getTime()) / 86_400_000);
}

export interface RenderedMessage {
  title: string;
  /** Plain text: title, one line per certificate, what to do. */
  text: string;
  /** The same as Markdown (DingTalk, WeCom). */
  markdown: string;
}

/** The message's words, in its locale (the catalogues must be registered: src/core/i18n-catalogs.ts). */
export function renderMessage(message: NotifyMessage, now: Date): RenderedMessage {
  const locale = message.locale ?? "en";
  const title = t(locale, `notify_webhook_title_${message.event}`, { count: message.certificates.length });
  const lines = message.certificates.map((c) => {
    const left = c.notAfter ? daysLeft(c.notAfter, now) : undefined;
    let line = t(locale, "notify_webhook_line", {
      name: c.name,
      domains: c.domains.join(", ") || "-",
      notAfter: c.notAfter ? c.notAfter.slice(0, 10) : "-",
      days: left === undefined ? "-" : left,
    });
    if (c.deployed && c.deployed.length > 0) line += ` ${t(locale, "notify_webhook_deployed", { deployed: c.deployed.join(", ") })}`;
    if (c.reason) line += ` ${t(locale, "notify_webhook_reason", { reason: c.reason })}`;
    return line;
  });
  const todo = t(locale, `notify_webhook_todo_${message.event}`);
  const text = [`Keysmith: ${title}`, ...lines.map((l) => `- ${l}`), todo].join("\n");
  const markdown = [`### Keysmith: ${title}`, "", ...lines.map((l) => `- ${l}`), "", todo].join("\n");
  return { title: `Keysmith: ${title}`, text, markdown };
}

function base64(bytes: ArrayBuffer): string {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s);
}

async function hmacSha256(key: string, message: string): Promise<ArrayBuffer> {
  const utf8 = new TextEncoder();
  const subtle = globalThis.crypto.subtle;
  const k = await subtle.importKey("raw", utf8.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return subtle.sign("HMAC", k, utf8.encode(message));
}

/** DingTalk: base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)), not yet URL-encoded. */
export async function dingtalkSign(secret: string, timestampMs: number): Promise<string> {
  return base64(await hmacSha256(secret, `${timestampMs}\n${secret}`));
}

/** Feishu: base64(HMAC-SHA256(key `${timestamp}\n${secret}`, empty message)); timestamp in seconds. */
export async function feishuSign(secret: string, timestampS: number): Promise<string> {
  return base64(await hmacSha256(`${timestampS}\n${secret}`, ""));
}

/** The POST for one message (signed with `now`'s timestamp when the config has a secret). */
export async function webhookRequest(config: WebhookConfig, message: NotifyMessage, now: Date): Promise<WebhookRequest> {
  const rendered = renderMessage(message, now);
  const headers = { "content-type": "application/json; charset=utf-8" };
  const markdown = config.format === "markdown";
  switch (config.kind) {
    case "dingtalk": {
      const url = new URL(config.url);
      if (config.secret) {
        const timestamp = now.getTime();
        url.searchParams.set("timestamp", String(timestamp));
        // URLSearchParams encodes as application/x-www-form-urlencoded: "+" → %2B, "/" → %2F, "=" → %3D.
        url.searchParams.set("sign", await dingtalkSign(config.secret, timestamp));
      }
      const body = markdown
        ? { msgtype: "markdown", markdown: { title: rendered.title, text: rendered.markdown } }
        : { msgtype: "text", text: { content: rendered.text } };
      return { url: url.href, method: "POST", headers, body: JSON.stringify(body) };
    }
    case "feishu": {
      const body: Record<string, unknown> = { msg_type: "text", content: { text: rendered.text } };
      if (config.secret) {
        const timestamp = Math.floor(now.getTime() / 1000);
        body.timestamp = String(timestamp);
        body.sign = await feishuSign(config.secret, timestamp);
      }
      return { url: config.url, method: "POST", headers, body: JSON.stringify(body) };
    }
    case "wecom": {
      const body = markdown ? { msgtype: "markdown", markdown: { content: rendered.markdown } } : { msgtype: "text", text: { content: rendered.text } };
      return { url: config.url, method: "POST", headers, body: JSON.stringify(body) };
    }
    case "generic": {
      const body = {
        event: message.event,
        title: rendered.title,
        text: rendered.text,
        certificates: message.certificates.map((c) => ({
          name: c.name,
          domains: c.domains,
          ...(c.notAfter ? { notAfter: c.notAfter, daysLeft: daysLeft(c.notAfter, now) } : {}),
          ...(c.deployed?.length ? { deployed: c.deployed } : {}),
          ...(c.reason ? { reason: c.reason } : {}),
        })),
      };
      return { url: config.url, method: "POST", headers, body: JSON.stringify(body) };
    }
  }
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{ status: number; text(): Promise<string> }>;

export interface SendDeps {
  fetch: FetchLike;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Attempts in all (default 3). */
  attempts?: number;
  /** The pause after the first failure, doubled after each (default 1000 ms). */
  backoffMs?: number;
  /** Per attempt (default 10 s). */
  timeoutMs?: number;
}

export type DeliveryResult = { ok: true; attempts: number } | { ok: false; attempts: number; error: KeysmithError };

export const WEBHOOK_ATTEMPTS = 3;

/** The robot's own verdict in a 2xx answer: undefined when it accepted, else its code and message. */
function robotRefusal(kind: WebhookKind, text: string): string | undefined {
  if (kind === "generic") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined; // not JSON: the HTTP status is the answer
  }
  if (!value || typeof value !== "object") return undefined;
  const v = value as Record<string, unknown>;
  const code = kind === "feishu" ? (v.code ?? v.StatusCode) : v.errcode;
  if (code === undefined || code === 0 || code === "0") return undefined;
  const msg = kind === "feishu" ? (v.msg ?? v.StatusMessage) : v.errmsg;
  return `${String(code)} ${typeof msg === "string" ? msg.slice(0, 200) : ""}`.trim();
}

/**
 * Delivers one message: each attempt built afresh (a new signing timestamp), retried on a network error, a
 * timeout, HTTP 5xx or 429, or the robot's JSON error; a 4xx other than 429 is not retried. Never throws.
 */
export async function sendWebhook(config: WebhookConfig, message: NotifyMessage, deps: SendDeps): Promise<DeliveryResult> {
  const attempts = Math.max(1, deps.attempts ?? WEBHOOK_ATTEMPTS);
  let pause = deps.backoffMs ?? 1000;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  let last = "";
  const host = (() => {
    try {
      return new URL(config.url).host;
    } catch {
      return "-";
    }
  })();
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let retry = true;
    try {
      const req = await webhookRequest(config, message, deps.now());
      const signal = typeof AbortSignal !== "undefined" && "timeout" in AbortSignal ? AbortSignal.timeout(timeoutMs) : undefined;
      const res = await deps.fetch(req.url, { method: req.method, headers: req.headers, body: req.body, ...(signal ? { signal } : {}) });
      const text = await res.text().catch(() => "");
      if (res.status >= 200 && res.status < 300) {
        const refused = robotRefusal(config.kind, text);
        if (refused === undefined) return { ok: true, attempts: attempt };
        last = refused;
      } else {
        last = `HTTP ${res.status}`;
        retry = res.status >= 500 || res.status === 429;
      }
    } catch (err) {
      // A reason token (src/core/reason.ts): the platform's own text ("Failed to fetch") is kept in the
      // token but shown to the user as words in their language.
      const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      last = timedOut ? reasonTimeout(Math.round(timeoutMs / 1000)) : reasonNetwork(err instanceof Error ? `${err.name}: ${err.message}` : "network");
    }
    if (!retry) return { ok: false, attempts: attempt, error: new KeysmithError("notify.webhook.delivery", { field: "url", params: { host, attempts: attempt, reason: last } }) };
    if (attempt < attempts) {
      await deps.sleep(pause);
      pause *= 2;
    }
  }
  return { ok: false, attempts, error: new KeysmithError("notify.webhook.delivery", { field: "url", params: { host, attempts, reason: last } }) };
}

/** Delivers to every config; one failing does not stop the others. */
export async function sendWebhooks(configs: readonly WebhookConfig[], message: NotifyMessage, deps: SendDeps): Promise<{ config: WebhookConfig; result: DeliveryResult }[]> {
  const out: { config: WebhookConfig; result: DeliveryResult }[] = [];
  for (const config of configs) out.push({ config, result: await sendWebhook(config, message, deps) });
  return out;
}
