// The HTTP (or, with `tls`, HTTPS) side: one port for every service, dispatched by API version and action
// from a V1 query, a V1 form body or V3 headers; CORS for extension pages; the loopback-only control
// endpoint and ECS instance metadata (`/latest/…`); faults. Issued STS credentials are accepted until they
// expire on the business clock.
// Every request gets an answer in the cloud's error JSON or a closed connection, never a crash: request
// targets are parsed without throwing, bodies and targets are bounded, and what Node's HTTP parser itself
// refuses (clientError, CONNECT, Upgrade, Expect) is answered in the same JSON.
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Duplex } from "node:stream";
import { randomUUID } from "node:crypto";
import { CloudError, CloudErrors } from "./cloud-error";
import { toCloudJson } from "./json";
import { anonymousCall, verifyRequest, isV3, TIMESTAMP_WINDOW_MS, type Credential, type WireRequest } from "./signature";
import { issuedCredential, metadataRequest } from "./services/sts";
import { Faults } from "./faults";
import type { LateCommits } from "./late-commits";
import type { CallInfo, ServiceContext, ServiceDefinition } from "./service";
import type { EmulatorControl } from "./control";
import { findOperation } from "../src/core/aliyun/operations";
import { validateParams } from "../src/core/aliyun/validate";
import { isKeysmithError } from "../src/core/errors";

export const CONTROL_PREFIX = "/__emulator/";
const ALLOWED_ORIGIN = /^(chrome-extension|moz-extension):\/\/[^/]+$|^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;
const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);
/** Host headers the control endpoint answers: loopback names, any port (anything else may be DNS rebinding). */
const CONTROL_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/i;
/** application/json, with or without parameters (`; charset=utf-8`). */
const JSON_CONTENT_TYPE = /^application\/json\s*(;.*)?$/i;
/** Request bodies above this are refused with 413 (a CSR is a few KB; a form-encoded one some more). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Request targets (path and query string) above this are refused with 414. */
export const MAX_TARGET_BYTES = 32 * 1024;
/** Node's limit on the request line and headers together (above it: 431); leaves room for MAX_TARGET_BYTES. */
export const MAX_HEADER_BYTES = 64 * 1024;
const DEFAULT_HOST = "emulator.aliyuncs.com";

export interface ServerDeps {
  services: readonly ServiceDefinition[];
  credentials: readonly Credential[];
  context: ServiceContext;
  faults: Faults;
  control: EmulatorControl;
  /** Wall clock for signature timestamps (tests may shift it to provoke expiry). */
  signatureNow(): number;
  /** Called after every cloud call that may have changed state. */
  persist(): void;
  /** Where lateCommit keeps the creates it holds back. */
  lateCommits: LateCommits;
  /** Serve HTTPS with this PEM key and certificate chain (emulator/index.ts makes them from its CA). */
  tls?: { key: string; cert: string };
}

type BodyRead = { body: Buffer } | { refused: "too-large" | "aborted" };

/** The whole body up to `limit` bytes; past it (declared or counted) reading stops and the caller refuses. */
function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const declared = req.headers["content-length"];
    if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limit) {
      resolve({ refused: "too-large" });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyRead): void => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      resolve(result);
    };
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > limit) settle({ refused: "too-large" });
      else chunks.push(c);
    };
    req.on("data", onData);
    req.on("end", () => settle({ body: Buffer.concat(chunks) }));
    req.on("error", () => settle({ refused: "aborted" }));
    req.on("close", () => settle({ refused: "aborted" }));
  });
}

/**
 * The path and query string of a request target, or undefined when it is neither origin-form (`/…`) nor
 * a well-formed absolute-form URL (`http://host/…`). Never throws: `GET //` is path "//", for instance.
 */
export function parseTarget(raw: string): { pathname: string; search: string } | undefined {
  let rest = raw;
  if (/^[a-z][a-z0-9+.-]*:/i.test(rest)) {
    if (!URL.canParse(rest)) return undefined;
    const url = new URL(rest);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    rest = `${url.pathname}${url.search}`;
  }
  if (!rest.startsWith("/")) return undefined;
  const hash = rest.indexOf("#");
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf("?");
  return q < 0 ? { pathname: rest, search: "" } : { pathname: rest.slice(0, q), search: rest.slice(q) };
}

/** The request's headers as one string each (a repeated header joined by commas), names in lower case. */
function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(",") : v;
  return headers;
}

function decodeParams(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  return out;
}

function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin || !ALLOWED_ORIGIN.test(origin)) return {};
  return {
    "access-control-allow-origin": origin,
    vary: "Origin",
    "access-control-expose-headers": "x-acs-request-id",
  };
}

function send(res: ServerResponse, status: number, body: string, extra: Record<string, string>): void {
  res.writeHead(status, { "content-type": "application/json;charset=utf-8", "content-length": Buffer.byteLength(body), ...extra });
  res.end(body);
}

/** Answers with the cloud's error JSON and closes the connection, dropping whatever the client still sends. */
function refuse(req: IncomingMessage, res: ServerResponse, err: CloudError, cors: Record<string, string>): void {
  const requestId = randomUUID().toUpperCase();
  const body = errorBody(err, requestId, DEFAULT_HOST);
  if (res.headersSent || res.destroyed) {
    req.socket.destroy();
    return;
  }
  res.writeHead(err.status, {
    "content-type": "application/json;charset=utf-8", "content-length": Buffer.byteLength(body), connection: "close", ...cors, "x-acs-request-id": requestId,
  });
  res.end(body, () => req.socket.destroy());
}

/** The same answer written straight to a socket, for what never became a request object (parser errors, CONNECT, Upgrade). */
function refuseRaw(socket: Duplex, err: CloudError): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const requestId = randomUUID().toUpperCase();
  const body = errorBody(err, requestId, DEFAULT_HOST);
  const head = [
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? "Error"}`,
    "content-type: application/json;charset=utf-8",
    `content-length: ${Buffer.byteLength(body)}`,
    `x-acs-request-id: ${requestId}`,
    "connection: close",
  ].join("\r\n");
  socket.end(`${head}\r\n\r\n${body}`, () => socket.destroy());
}

function errorBody(err: CloudError, requestId: string, host: string): string {
  return toCloudJson({
    RequestId: requestId,
    HostId: host,
    Code: err.code,
    Message: err.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(err.code)}&product=Emulator&requestId=${requestId}`,
  });
}

/** Catalogue refusals (KeysmithError api.param.*) in the cloud's words. */
function asCloudError(err: unknown): CloudError {
  if (err instanceof CloudError) return err;
  if (isKeysmithError(err)) {
    const field = err.field ?? "";
    if (err.code === "api.param.required") return CloudErrors.missingParameter(field);
    let text: string;
    try {
      text = err.localized("en");
    } catch {
      text = err.code;
    }
    return CloudErrors.invalidParameter(field, text);
  }
  return CloudErrors.internalError();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function createEmulatorServer(deps: ServerDeps): Server {
  const byVersion = new Map(deps.services.map((s) => [s.version, s]));
  const nonces = new Map<string, number>();
  const useNonce = (accessKeyId: string, nonce: string): boolean => {
    const now = deps.signatureNow();
    if (nonces.size > 10_000) for (const [k, at] of nonces) if (now - at > 2 * TIMESTAMP_WINDOW_MS) nonces.delete(k);
    const key = `${accessKeyId}\n${nonce}`;
    if (nonces.has(key)) return false;
    nonces.set(key, now);
    return true;
  };

  // Static keys first, then the STS credentials the emulator issued (emulator/services/sts.ts).
  const findCredential = (id: string): Credential | undefined => deps.credentials.find((c) => c.accessKeyId === id) ?? issuedCredential(deps.context, id);
  const isAnonymous = (version: string, action: string): boolean => findOperation(version, action)?.anonymous === true;

  const isCreate = (service: ServiceDefinition, version: string, action: string): boolean =>
    findOperation(version, action)?.kind === "create" || service.creates.includes(action);

  type Target = { pathname: string; search: string };

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: Target, body: Buffer, cors: Record<string, string>): Promise<void> {
    const requestId = randomUUID().toUpperCase();
    const headers = flatHeaders(req);
    const contentType = headers["content-type"] ?? "";
    const wire: WireRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: decodeParams(url.search),
      form: contentType.includes("application/x-www-form-urlencoded") ? decodeParams(body.toString("utf8")) : {},
      headers,
      body,
    };
    const claimedVersion = isV3(wire) ? headers["x-acs-version"] : (wire.form.Version ?? wire.query.Version);
    let host = byVersion.get(claimedVersion ?? "")?.host ?? DEFAULT_HOST;
    const reply = { ...cors, "x-acs-request-id": requestId };
    try {
      const latency = deps.faults.latencyMs();
      if (latency > 0) await sleep(latency);
      const call = anonymousCall(wire, isAnonymous) ?? verifyRequest(wire, { findCredential, now: deps.signatureNow, useNonce });
      const caller = call.accessKeyId ? findCredential(call.accessKeyId) : undefined;
      if (caller?.expiresAt !== undefined && deps.context.now() >= caller.expiresAt) throw CloudErrors.securityTokenExpired();
      const service = byVersion.get(call.version);
      if (!service) throw CloudErrors.unknownVersion(call.version);
      host = service.host;
      const handler = service.handlers[call.action];
      if (!handler) throw CloudErrors.unknownAction(call.action);
      if (deps.faults.take("throttling", call.action)) throw CloudErrors.throttling();
      if (deps.faults.take("serverError", call.action)) {
        const status = deps.faults.serverErrorStatus();
        throw status === 503 ? CloudErrors.serviceUnavailable() : new CloudError(status, "InternalError", "The request processing has failed due to some unknown error.");
      }
      let params = call.params;
      const op = findOperation(call.version, call.action);
      if (op) {
        const known = new Set(op.params.map((p) => p.name));
        const mine: Record<string, string> = {};
        for (const [k, v] of Object.entries(params)) if (known.has(k)) mine[k] = v;
        params = validateParams(op, mine);
      }
      const create = isCreate(service, call.version, call.action);
      const info: CallInfo = { listLagMs: create ? deps.faults.listLagMs(call.action) : 0, caller };
      const lateBy = create ? deps.faults.takeLateCommit(call.action) : undefined;
      if (lateBy !== undefined) {
        // Cut now, commit later: the client sees a lost connection and the create lands after lateBy ms.
        req.socket.destroy();
        const validated = params;
        deps.lateCommits.schedule(
          lateBy,
          async () => {
            await handler(validated, deps.context, info);
            deps.persist();
          },
          (err) => {
            if (!(err instanceof CloudError) && !isKeysmithError(err)) console.error("emulator: late commit failed:", err instanceof Error ? err.message : String(err));
          },
        );
        return;
      }
      const result = await handler(params, deps.context, info);
      deps.persist();
      if (create && deps.faults.take("dropAfterCommit", call.action)) {
        req.socket.destroy();
        return;
      }
      if (create && deps.faults.take("serverErrorAfterCommit", call.action)) throw CloudErrors.serviceUnavailable();
      send(res, 200, toCloudJson({ RequestId: requestId, ...result }), reply);
    } catch (err) {
      const cloud = asCloudError(err);
      if (!(err instanceof CloudError) && !isKeysmithError(err)) console.error("emulator: internal error:", err instanceof Error ? err.message : String(err));
      send(res, cloud.status, errorBody(cloud, requestId, host), reply);
    }
  }

  /**
   * Why a control request is refused, or undefined: it must come from a loopback address, name a loopback
   * host (a web page's DNS-rebound name does not), and a POST must say application/json (a page's
   * form or text/plain POST, which needs no CORS preflight, does not).
   */
  function controlRefusal(req: IncomingMessage): string | undefined {
    if (!LOOPBACK.has(req.socket.remoteAddress ?? "")) return "The control endpoint answers loopback clients only.";
    if (!CONTROL_HOST.test(req.headers.host ?? "")) return "The control endpoint answers only a Host of 127.0.0.1, localhost or [::1].";
    const method = (req.method ?? "GET").toUpperCase();
    if (method !== "GET" && method !== "HEAD" && !JSON_CONTENT_TYPE.test(req.headers["content-type"] ?? "")) {
      return "The control endpoint takes only Content-Type application/json.";
    }
    return undefined;
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, url: Target, body: Buffer): Promise<void> {
    const refused = controlRefusal(req);
    if (refused !== undefined) {
      const requestId = randomUUID().toUpperCase();
      send(res, 403, errorBody(new CloudError(403, "Forbidden.ControlEndpoint", refused), requestId, DEFAULT_HOST), { "x-acs-request-id": requestId });
      return;
    }
    let input: Record<string, unknown> = {};
    if (body.length > 0) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString("utf8"));
      } catch {
        send(res, 400, JSON.stringify({ error: "the body must be JSON" }), {});
        return;
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        send(res, 400, JSON.stringify({ error: "the body must be a JSON object" }), {});
        return;
      }
      input = parsed as Record<string, unknown>;
    }
    try {
      const result = await deps.control.dispatch(req.method ?? "GET", url.pathname.slice(CONTROL_PREFIX.length), input);
      if (result === undefined) send(res, 404, JSON.stringify({ error: `no control route ${req.method} ${url.pathname}` }), {});
      else send(res, 200, toCloudJson(result), {});
    } catch (err) {
      send(res, 400, JSON.stringify({ error: err instanceof Error ? err.message : String(err) }), {});
    }
  }

  /** ECS instance metadata (emulator/services/sts.ts metadataRequest), loopback clients only. */
  function handleMetadata(req: IncomingMessage, res: ServerResponse, url: Target): boolean {
    if (!url.pathname.startsWith("/latest/")) return false;
    if (!LOOPBACK.has(req.socket.remoteAddress ?? "")) {
      res.writeHead(403, { "content-type": "text/plain;charset=utf-8" });
      res.end("The metadata endpoints answer loopback clients only.");
      return true;
    }
    const answer = metadataRequest(deps.context, (req.method ?? "GET").toUpperCase(), url.pathname, flatHeaders(req));
    deps.persist();
    res.writeHead(answer.status, { "content-type": answer.contentType, "content-length": Buffer.byteLength(answer.body) });
    res.end(answer.body);
    return true;
  }

  function route(req: IncomingMessage, res: ServerResponse, cors: Record<string, string>): void {
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        ...cors,
        "access-control-allow-methods": "GET, POST, OPTIONS",
        "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "authorization, content-type",
        "access-control-max-age": "600",
      });
      res.end();
      return;
    }
    const raw = req.url ?? "/";
    if (Buffer.byteLength(raw) > MAX_TARGET_BYTES) return refuse(req, res, CloudErrors.targetTooLong(MAX_TARGET_BYTES), cors);
    const target = parseTarget(raw);
    if (!target) return refuse(req, res, CloudErrors.badRequest("the request target must be a path (/…) or an http URL."), cors);
    void readBody(req, MAX_BODY_BYTES)
      .then((read) => {
        if ("refused" in read) {
          if (read.refused === "too-large") refuse(req, res, CloudErrors.bodyTooLarge(MAX_BODY_BYTES), cors);
          else refuse(req, res, CloudErrors.badRequest("the request body ended early."), cors);
          return;
        }
        if (handleMetadata(req, res, target)) return;
        return target.pathname.startsWith(CONTROL_PREFIX) ? handleControl(req, res, target, read.body) : handleApi(req, res, target, read.body, cors);
      })
      .catch((err: unknown) => {
        console.error("emulator: request failed:", err instanceof Error ? err.message : String(err));
        refuse(req, res, CloudErrors.internalError(), {});
      });
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    let cors: Record<string, string> = {};
    try {
      cors = corsHeaders(req);
      route(req, res, cors);
    } catch (err) {
      // Nothing a client sends may take the process down: whatever slipped through is an InternalError answer.
      console.error("emulator: request failed:", err instanceof Error ? err.message : String(err));
      refuse(req, res, CloudErrors.internalError(), {});
    }
  };
  const server = deps.tls
    ? createHttpsServer({ maxHeaderSize: MAX_HEADER_BYTES, requireHostHeader: false, key: deps.tls.key, cert: deps.tls.cert }, onRequest)
    : createServer({ maxHeaderSize: MAX_HEADER_BYTES, requireHostHeader: false }, onRequest);
  // Expect: 100-continue: a body declared too large is refused before the client is told to send it.
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    const declared = req.headers["content-length"];
    if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > MAX_BODY_BYTES) {
      refuse(req, res, CloudErrors.bodyTooLarge(MAX_BODY_BYTES), corsHeaders(req));
      return;
    }
    res.writeContinue();
    onRequest(req, res);
  });
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === "ECONNRESET" || err.code === "EPIPE") {
      socket.destroy();
      return;
    }
    // A response already under way on this connection (pipelining) cannot be followed by another one.
    // `_httpMessage` is Node's own link from a server socket to its current response (not in the typings).
    const current = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (current?.headersSent) {
      socket.destroy();
      return;
    }
    if (err.code === "HPE_HEADER_OVERFLOW") refuseRaw(socket, CloudErrors.headersTooLarge());
    else if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") refuseRaw(socket, new CloudError(408, "RequestTimeout", "The request was not received in time."));
    else refuseRaw(socket, CloudErrors.badRequest(`the HTTP request could not be parsed (${err.code ?? "parse error"}).`));
  });
  server.on("checkExpectation", (req: IncomingMessage, res: ServerResponse) => refuse(req, res, CloudErrors.expectationFailed(), {}));
  server.on("connect", (_req: IncomingMessage, socket: Duplex) => refuseRaw(socket, CloudErrors.badRequest("CONNECT is not supported.")));
  server.on("upgrade", (_req: IncomingMessage, socket: Duplex) => refuseRaw(socket, CloudErrors.badRequest("protocol upgrades are not supported.")));
  return server;
}
