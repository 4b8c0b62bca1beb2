// The HTTP side: one port for cas, KMS and Alidns, dispatched by API version and action from a V1 query,
// a V1 form body or V3 headers; CORS for extension pages; the loopback-only control endpoint; faults.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { CloudError, CloudErrors } from "./cloud-error";
import { toCloudJson } from "./json";
import { verifyRequest, isV3, TIMESTAMP_WINDOW_MS, type Credential, type WireRequest } from "./signature";
import { Faults } from "./faults";
import type { ServiceContext, ServiceDefinition } from "./service";
import type { EmulatorControl } from "./control";
import { findOperation } from "../src/core/aliyun/operations";
import { validateParams } from "../src/core/aliyun/validate";
import { isKeysmithError } from "../src/core/errors";

export const CONTROL_PREFIX = "/__emulator/";
const ALLOWED_ORIGIN = /^(chrome-extension|moz-extension):\/\/[^/]+$|^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;
const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

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
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
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

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer, cors: Record<string, string>): Promise<void> {
    const requestId = randomUUID().toUpperCase();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(",") : v;
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
    let host = byVersion.get(claimedVersion ?? "")?.host ?? "emulator.aliyuncs.com";
    const reply = { ...cors, "x-acs-request-id": requestId };
    try {
      const latency = deps.faults.latencyMs();
      if (latency > 0) await sleep(latency);
      const call = verifyRequest(wire, { findCredential: (id) => deps.credentials.find((c) => c.accessKeyId === id), now: deps.signatureNow, useNonce });
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
      const result = await handler(params, deps.context);
      deps.persist();
      if (service.creates.includes(call.action) && deps.faults.take("dropAfterCommit", call.action)) {
        req.socket.destroy();
        return;
      }
      send(res, 200, toCloudJson({ RequestId: requestId, ...result }), reply);
    } catch (err) {
      const cloud = asCloudError(err);
      if (!(err instanceof CloudError) && !isKeysmithError(err)) console.error("emulator: internal error:", err instanceof Error ? err.message : String(err));
      send(res, cloud.status, errorBody(cloud, requestId, host), reply);
    }
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
    if (!LOOPBACK.has(req.socket.remoteAddress ?? "")) {
      send(res, 403, JSON.stringify({ error: "the control endpoint answers loopback clients only" }), {});
      return;
    }
    let input: Record<string, unknown> = {};
    if (body.length > 0) {
      try {
        input = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      } catch {
        send(res, 400, JSON.stringify({ error: "the body must be JSON" }), {});
        return;
      }
    }
    try {
      const result = await deps.control.dispatch(req.method ?? "GET", url.pathname.slice(CONTROL_PREFIX.length), input);
      if (result === undefined) send(res, 404, JSON.stringify({ error: `no control route ${req.method} ${url.pathname}` }), {});
      else send(res, 200, toCloudJson(result), {});
    } catch (err) {
      send(res, 400, JSON.stringify({ error: err instanceof Error ? err.message : String(err) }), {});
    }
  }

  return createServer((req, res) => {
    const cors = corsHeaders(req);
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
    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    readBody(req)
      .then((body) => (url.pathname.startsWith(CONTROL_PREFIX) ? handleControl(req, res, url, body) : handleApi(req, res, url, body, cors)))
      .catch((err: unknown) => {
        console.error("emulator: request failed:", err instanceof Error ? err.message : String(err));
        if (!res.headersSent) res.destroy();
      });
  });
}
