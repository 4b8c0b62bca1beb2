// Property: whatever arrives on the emulator's port (emulator/server.ts) — odd methods, request targets
// such as `//` or `http://[::1`, stray header bytes, lying Content-Length, broken chunking, unsigned or
// badly signed cloud calls, plain garbage — is answered with the cloud's error JSON (RequestId, HostId,
// Code, Message, Recommend) or the connection is closed, and the emulator keeps serving. Requests go over
// raw sockets (node:net) to 127.0.0.1. The budget is small and seeded: KEYSMITH_FUZZ_RUNS (default 60) and
// KEYSMITH_FUZZ_SEED (default 20261201) change it. The limits (1 MiB body, 32 KiB target) are checked with
// fixed examples, being too large to generate per case.
import fc from "fast-check";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../../emulator/index";
import { MAX_BODY_BYTES, MAX_TARGET_BYTES } from "../../../emulator/server";
import { rawV1 } from "../../interop/emulator-helpers";

function positiveInteger(text: string | undefined, fallback: number): number {
  const n = text === undefined ? NaN : Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
const RUNS = positiveInteger(process.env.KEYSMITH_FUZZ_RUNS, 60);
const SEED = positiveInteger(process.env.KEYSMITH_FUZZ_SEED, 20_261_201);
/** The property tests' own time-out: 60 s for the default budget, none for a long run asked through the environment. */
const TEST_TIMEOUT = process.env.KEYSMITH_FUZZ_RUNS === undefined ? 60_000 : 0;
/** Longest wait for one exchange; the server answers in milliseconds, so this only bounds a hang. */
const EXCHANGE_MS = 3_000;

let emu: RunningEmulator;
let port: number;
beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  port = emu.port;
});
afterAll(async () => {
  await emu?.close();
});

interface Exchange {
  bytes: Buffer;
  /** The socket failed (e.g. reset while the client still wrote) rather than closing. */
  resetCode?: string;
}

/** Writes `request`, half-closes, and collects everything the server sends until it closes. */
function exchange(request: Buffer | string, { endAfterWrite = true } = {}): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let resetCode: string | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${EXCHANGE_MS} ms; received ${JSON.stringify(Buffer.concat(chunks).toString("latin1").slice(0, 200))}`));
    }, EXCHANGE_MS);
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", (err: NodeJS.ErrnoException) => {
      resetCode = err.code ?? "error";
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ bytes: Buffer.concat(chunks), resetCode });
    });
    if (endAfterWrite) socket.end(request);
    else socket.write(request);
  });
}

interface ParsedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Splits what the server sent into HTTP/1.1 responses (interim 1xx skipped); throws on anything else. */
function parseResponses(bytes: Buffer, method: string | undefined): ParsedResponse[] {
  const text = bytes.toString("latin1");
  const out: ParsedResponse[] = [];
  let at = 0;
  while (at < text.length) {
    const headEnd = text.indexOf("\r\n\r\n", at);
    if (headEnd < 0) throw new Error(`a response head without its end: ${JSON.stringify(text.slice(at, at + 200))}`);
    const [statusLine, ...lines] = text.slice(at, headEnd).split("\r\n");
    const m = /^HTTP\/1\.1 (\d{3}) [^\r\n]*$/.exec(statusLine ?? "");
    if (!m) throw new Error(`not an HTTP/1.1 status line: ${JSON.stringify(statusLine)}`);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      if (colon <= 0) throw new Error(`a malformed response header: ${JSON.stringify(line)}`);
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(m[1]);
    at = headEnd + 4;
    if (status < 200) continue;
    // A HEAD answer has no body, except one written for a request the parser refused (its method unknown to
    // the server): a body then follows the head at once. Only the first answer is the HEAD's.
    const headAnswer = method === "HEAD" && out.length === 0 && !text.startsWith("{", at);
    const bodyless = headAnswer || status === 204 || status === 304;
    const length = bodyless ? 0 : Number(headers["content-length"]);
    if (!Number.isSafeInteger(length)) throw new Error(`a response without Content-Length: ${statusLine}`);
    out.push({ status, headers, body: Buffer.from(text.slice(at, at + length), "latin1").toString("utf8") });
    at += length;
  }
  return out;
}

/** A well-formed cloud error answer: 4xx/5xx, JSON, the five fields, Code and Message non-empty. */
function expectCloudError(r: ParsedResponse, method: string | undefined): void {
  expect(r.status).toBeGreaterThanOrEqual(400);
  expect(r.status).toBeLessThan(600);
  expect(r.headers["content-type"]).toMatch(/^application\/json/);
  if (method === "HEAD" && r.body === "") return;
  const body = JSON.parse(r.body) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(["Code", "HostId", "Message", "Recommend", "RequestId"]);
  expect(body.Code).toMatch(/^[A-Za-z][\w.]*$/);
  // InternalError means something threw that should have been a refusal: a bug, not an answer.
  expect(body.Code).not.toBe("InternalError");
  expect(String(body.Message)).not.toBe("");
  expect(body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
}

/** Every answer a cloud error, or a preflight's empty 204; or nothing at all and a closed connection. */
function expectAnsweredOrClosed(ex: Exchange, method: string | undefined): void {
  if (ex.bytes.length === 0) return; // closed without an answer (e.g. the request was cut short)
  for (const r of parseResponses(ex.bytes, method)) {
    if (r.status === 204) {
      expect(method).toBe("OPTIONS");
      expect(r.body).toBe("");
    } else expectCloudError(r, method);
  }
}

async function stillServing(): Promise<void> {
  const res = await rawV1(emu, "2020-04-07", "DescribePackageState", {});
  expect(res.status).toBe(200);
}

// ---- generators -------------------------------------------------------------------------------------

const latin1 = (min: number, max: number): fc.Arbitrary<string> => fc.integer({ min, max }).map((c) => String.fromCharCode(c));
/** Characters that keep a request line or header on its line (no CR, LF), with control and high bytes. */
const lineChar = fc.oneof({ weight: 6, arbitrary: latin1(0x21, 0x7e) }, { weight: 1, arbitrary: latin1(0x00, 0x1f).filter((c) => c !== "\r" && c !== "\n") }, { weight: 1, arbitrary: latin1(0x7f, 0xff) });
const lineText = (maxLength: number): fc.Arbitrary<string> => fc.array(lineChar, { maxLength }).map((a) => a.join(""));

const CLOUD_PARAMS = ["Action", "Version", "AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp", "Format", "SecurityToken", "OrderId", "Csr", "CsrId", "ShowSize", "CurrentPage", "DomainName", "RR", "Type", "Value", "PageSize", "PageNumber", "KeySpec", "Subject"];
const CLOUD_VALUES = ["2020-04-07", "2016-01-20", "2015-01-09", "1999-01-01", "CreateCertificateWithCsrRequest", "DescribeCertificateState", "ListUserCertificateOrder", "CreateCsr", "AddDomainRecord", "ListCertificates", "LTAI5tKeysmithEmulatorDemo", "HMAC-SHA1", "1.0", "JSON", "98987582437920969", "-1", "0", "99999999999999999999999", "%", "%zz", "%00", "%E4%B8", "__proto__", "constructor", "", "2026-12-01T00:00:00Z", "not-a-date"];

/** A query string of cloud parameter names and values, percent-escapes (broken ones too) and stray bytes. */
const cloudQuery = fc
  .tuple(
    fc.array(fc.tuple(fc.oneof(fc.constantFrom(...CLOUD_PARAMS), lineText(6)), fc.oneof(fc.constantFrom(...CLOUD_VALUES), lineText(12))), { maxLength: 10 }),
    fc.constantFrom("&", "&&", ";"),
  )
  .map(([pairs, separator]) => pairs.map(([k, v]) => `${k}=${v.replace(/ /g, "%20")}`).join(separator));

const target: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom("/", "//", "///", "http://[::1", "http://[::1]/", "http://", "http:/", "https://x/?a=b", "*", "ftp://x/", "?", "/?", "/#frag", "/%", "/..%2f..", "mailto:x", "//x?y", "http://host:99999/"),
    fc.tuple(lineText(30), cloudQuery).map(([path, q]) => `/${path.replace(/ /g, "")}?${q}`),
    cloudQuery.map((q) => `/?${q}`),
    fc.tuple(fc.constantFrom("http://", "https://", "HTTP://", "x-y:"), lineText(20), cloudQuery).map(([scheme, host, q]) => `${scheme}${host.replace(/[ /]/g, "")}/?${q}`),
    lineText(40).map((t) => t.replace(/ /g, "")),
  )
  // The control endpoint is for tests and would let a random body change faults or the clock.
  .filter((t) => !t.toLowerCase().includes("__emulator"));

const method = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE", "CONNECT") },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,10}$/) },
  { weight: 1, arbitrary: lineText(8).map((m) => m.replace(/ /g, "")) },
);

const headerName = fc.oneof(
  fc.constantFrom("host", "content-type", "content-length", "transfer-encoding", "expect", "origin", "authorization", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256", "x-acs-security-token", "connection", "upgrade", "access-control-request-headers"),
  lineText(12).map((n) => n.replace(/[: ]/g, "")),
);
const headerValue = fc.oneof(
  fc.constantFrom("application/x-www-form-urlencoded", "application/json", "chunked", "100-continue", "close", "keep-alive", "websocket", "chrome-extension://abc", "ACS3-HMAC-SHA256 Credential=LTAI5tKeysmithEmulatorDemo,SignedHeaders=host,Signature=00", "2020-04-07", "CreateCsr", "0", "-1", "12abc", "99999999999999999999"),
  lineText(40),
);

type BodyPlan = { kind: "none" } | { kind: "exact" | "short" | "long" | "chunked" | "broken-chunks"; bytes: Uint8Array };
const bodyBytes = fc.oneof(fc.uint8Array({ maxLength: 512 }), cloudQuery.map((q) => new Uint8Array(Buffer.from(q, "latin1"))));
const body: fc.Arbitrary<BodyPlan> = fc.oneof(
  fc.constant({ kind: "none" } as const),
  fc.tuple(fc.constantFrom("exact", "short", "long", "chunked", "broken-chunks") as fc.Arbitrary<"exact" | "short" | "long" | "chunked" | "broken-chunks">, bodyBytes).map(([kind, bytes]) => ({ kind, bytes })),
);

interface RequestPlan {
  method: string;
  target: string;
  version: string;
  headers: [string, string][];
  body: BodyPlan;
}

const request: fc.Arbitrary<RequestPlan> = fc.record({
  method,
  target,
  version: fc.oneof({ weight: 8, arbitrary: fc.constant("HTTP/1.1") }, { weight: 1, arbitrary: fc.constantFrom("HTTP/1.0", "HTTP/2.0", "HTTP/1", "") }),
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 8 }),
  body,
});

function encode(plan: RequestPlan): Buffer {
  const lines = [`${plan.method} ${plan.target} ${plan.version}`.trimEnd(), ...plan.headers.map(([n, v]) => `${n}: ${v}`)];
  const b = plan.body;
  let payload = Buffer.alloc(0);
  if (b.kind !== "none") {
    const bytes = Buffer.from(b.bytes);
    if (b.kind === "exact") lines.push(`content-length: ${bytes.length}`);
    if (b.kind === "short") lines.push(`content-length: ${bytes.length + 17}`);
    if (b.kind === "long") lines.push(`content-length: ${Math.floor(bytes.length / 2)}`);
    if (b.kind === "chunked" || b.kind === "broken-chunks") lines.push("transfer-encoding: chunked");
    payload =
      b.kind === "chunked"
        ? Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n0\r\n\r\n")])
        : b.kind === "broken-chunks"
          ? Buffer.concat([Buffer.from("zz\r\n"), bytes])
          : bytes;
  }
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), payload]);
}

// ---- properties and examples ------------------------------------------------------------------------

describe("emulator: every request, however malformed, gets the cloud's error JSON or a clean close", () => {
  it("random requests (methods, targets, headers, bodies) over raw sockets", async () => {
    await fc.assert(
      fc.asyncProperty(request, async (plan) => {
        const ex = await exchange(encode(plan));
        expectAnsweredOrClosed(ex, plan.method);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    await stillServing();
  }, TEST_TIMEOUT);

  it("random bytes on the wire", async () => {
    const bytes = fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 600 }), request.chain((plan) => fc.uint8Array({ maxLength: 40 }).map((tail) => new Uint8Array(Buffer.concat([encode(plan), Buffer.from(tail)])))));
    await fc.assert(
      fc.asyncProperty(bytes, async (raw) => {
        const ex = await exchange(Buffer.from(raw));
        // The first word, when the bytes start like a request line, is the method the first answer is for.
        expectAnsweredOrClosed(ex, /^([A-Z]+) /.exec(Buffer.from(raw).toString("latin1"))?.[1]);
      }),
      { seed: SEED + 1, numRuns: Math.max(5, Math.round(RUNS / 2)) },
    );
    await stillServing();
  }, TEST_TIMEOUT);

  it.each([
    ["GET //", "GET // HTTP/1.1\r\nHost: x\r\n\r\n", 400],
    ["an absolute target with a broken IPv6 host", "GET http://[::1 HTTP/1.1\r\nHost: x\r\n\r\n", 400],
    ["the asterisk target", "GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400],
    ["no Host header", "GET /?Action=x HTTP/1.1\r\n\r\n", 400],
    ["a header line without a colon", "GET / HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n", 400],
    ["a body shorter than its Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", 400],
    ["CONNECT", "CONNECT a:1 HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    ["an Upgrade", "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", 400],
    ["an Expect other than 100-continue", "POST / HTTP/1.1\r\nHost: x\r\nExpect: tea\r\nContent-Length: 0\r\n\r\n", 417],
  ])("%s: the cloud's error JSON with the status expected", async (_name, raw, status) => {
    const [answer] = parseResponses((await exchange(raw)).bytes, "GET");
    expect(answer?.status).toBe(status);
    expectCloudError(answer!, "GET");
  });

  it(`a target longer than ${MAX_TARGET_BYTES} bytes is 414 RequestURITooLong`, async () => {
    const [answer] = parseResponses((await exchange(`GET /?Action=${"a".repeat(MAX_TARGET_BYTES)} HTTP/1.1\r\nHost: x\r\n\r\n`)).bytes, "GET");
    expect(answer?.status).toBe(414);
    expectCloudError(answer!, "GET");
    expect(JSON.parse(answer!.body)).toMatchObject({ Code: "RequestURITooLong" });
  });

  it(`a body declared larger than ${MAX_BODY_BYTES} bytes is refused with 413 before it is read`, async () => {
    const [answer] = parseResponses((await exchange(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`)).bytes, "POST");
    expect(answer?.status).toBe(413);
    expect(JSON.parse(answer!.body)).toMatchObject({ Code: "RequestEntityTooLarge" });
  });

  it("a chunked body past the limit is cut off: 413 and the connection closed while the client still sends", async () => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", () => undefined); // a reset while still writing is the point: the upload is dropped
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.write("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    const piece = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    // Up to 4 MiB, stopping as soon as the server has closed: it must not read it all.
    while (!socket.destroyed && sent < 4 * MAX_BODY_BYTES) {
      const ok = socket.write(Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")]));
      sent += piece.length;
      if (!ok) await new Promise<void>((resolve) => {
        const done = (): void => resolve();
        socket.once("drain", done);
        socket.once("close", done);
      });
    }
    socket.end();
    await closed;
    expect(sent).toBeLessThan(4 * MAX_BODY_BYTES);
    const received = Buffer.concat(chunks);
    if (received.length > 0) {
      const [answer] = parseResponses(received, "POST");
      expect(answer?.status).toBe(413);
      expectCloudError(answer!, "POST");
    }
    await stillServing();
  });
});
