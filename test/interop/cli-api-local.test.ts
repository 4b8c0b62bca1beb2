// Every API command of the CLI, in both signature versions, against a small local server that checks
// each signature with the official @alicloud/openapi-util and the parameters with the catalogue's
// validateParams (the emulator's own test, cli-api.test.ts, runs the same commands against emulator/).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenApiUtil from "@alicloud/openapi-util";
import { runCli } from "../support/run-cli";
import { findOperation } from "../../src/core/aliyun/operations";
import { validateParams } from "../../src/core/aliyun/validate";

const Util = (OpenApiUtil as unknown as { default?: typeof OpenApiUtil }).default ?? OpenApiUtil;
const ID = "LTAI5tKeysmithTest";
const SECRET = "k3y5m1th-Secret*~ (test)";
const BIG_ORDER_ID = "98987582437920968"; // beyond 2^53: JSON.parse would make it …960
const V1_COMMON = new Set(["Action", "Version", "Format", "AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp", "SecurityToken", "Signature"]);

interface Seen { action: string; version: "v1" | "v3"; params: Record<string, string> }
const seen: Seen[] = [];
let server: Server;
let endpoint: string;
const dir = mkdtempSync(join(tmpdir(), "keysmith-cli-api-"));

function reply(action: string): string {
  switch (action) {
    case "CreateCertificateRequest":
    case "CreateCertificateWithCsrRequest":
    case "CreateCertificateForPackageRequest":
      return `{"RequestId":"req-1","OrderId":${BIG_ORDER_ID}}`;
    case "DescribeCertificateState":
      return `{"RequestId":"req-1","Type":"domain_verify","ValidateType":"DNS","RecordType":"TXT","RecordDomain":"_dnsauth","RecordValue":"2020abc"}`;
    case "ListUserCertificateOrder":
      return `{"RequestId":"req-1","TotalCount":1,"CertificateOrderList":[{"OrderId":${BIG_ORDER_ID},"Domain":"www.example.com","Status":"CHECKING"}]}`;
    case "DescribePackageState":
      return `{"RequestId":"req-1","ProductCode":"digicert-free-1-free","TotalCount":20,"UsedCount":1,"IssuedCount":0}`;
    case "CreateCsr":
      return `{"RequestId":"req-1","CsrId":12345678901234567,"Csr":"-----BEGIN CERTIFICATE REQUEST-----\\nMIIB\\n-----END CERTIFICATE REQUEST-----"}`;
    case "CreateCertificate":
      return `{"RequestId":"req-1","CertificateId":"9a28de48-8d8b-484d-a766-dec4****","Arn":"acs:kms:cn-hangzhou:1540355698848459:certificate/9a28","Csr":"-----BEGIN CERTIFICATE REQUEST-----\\nMIIB\\n-----END CERTIFICATE REQUEST-----"}`;
    case "AddDomainRecord":
      return `{"RequestId":"req-1","RecordId":"9999985"}`;
    default:
      return `{"RequestId":"req-1"}`;
  }
}

async function handle(req: IncomingMessage): Promise<{ status: number; body: string }> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  const url = new URL(req.url ?? "/", "http://x");
  const query = Object.fromEntries(url.searchParams.entries());
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
  let action: string;
  let version: string;
  let params: Record<string, string>;
  let sigVersion: "v1" | "v3";
  if (headers.authorization) {
    sigVersion = "v3";
    const payload = createHash("sha256").update(body).digest("hex");
    if (headers["x-acs-content-sha256"] !== payload) return { status: 400, body: `{"Code":"InvalidParameter","Message":"content sha256"}` };
    const expected = Util.getAuthorization({ method: req.method, pathname: "/", query, headers } as never, "ACS3-HMAC-SHA256", payload, ID, SECRET);
    if (headers.authorization !== expected) return { status: 400, body: `{"Code":"SignatureDoesNotMatch","Message":"v3","RequestId":"r"}` };
    action = headers["x-acs-action"]!;
    version = headers["x-acs-version"]!;
    params = query;
  } else {
    sigVersion = "v1";
    const { Signature, ...signed } = query;
    if (Signature !== Util.getRPCSignature(signed, req.method!, SECRET) || signed.AccessKeyId !== ID) {
      return { status: 400, body: `{"Code":"SignatureDoesNotMatch","Message":"v1","RequestId":"r"}` };
    }
    action = signed.Action!;
    version = signed.Version!;
    params = Object.fromEntries(Object.entries(signed).filter(([k]) => !V1_COMMON.has(k)));
  }
  const op = findOperation(version, action);
  if (!op) return { status: 404, body: `{"Code":"InvalidAction.NotFound","Message":"${action}"}` };
  try {
    validateParams(op, params);
  } catch (err) {
    return { status: 400, body: JSON.stringify({ Code: "InvalidParameter", Message: String(err) }) };
  }
  seen.push({ action, version: sigVersion, params });
  return { status: 200, body: reply(action) };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    handle(req).then(({ status, body }) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address() as { port: number };
  endpoint = `http://127.0.0.1:${addr.port}`;
  execFileSync("openssl", ["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "rsa.key"), "-subj", "/CN=www.example.com", "-out", join(dir, "rsa.csr")], { stdio: "ignore" });
  execFileSync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", join(dir, "sm2.key")], { stdio: "ignore" });
  execFileSync("openssl", ["req", "-new", "-key", join(dir, "sm2.key"), "-subj", "/CN=sm2.example.com", "-sm3", "-sigopt", "distid:1234567812345678", "-out", join(dir, "sm2.csr")], { stdio: "ignore" });
  execFileSync("openssl", ["req", "-x509", "-key", join(dir, "rsa.key"), "-subj", "/CN=www.example.com", "-days", "1", "-out", join(dir, "cert.pem")], { stdio: "ignore" });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

// This cloud answers every create with the same OrderId, so each run gets a state directory of its own
// (one shared directory would rightly refuse the second order for one CSR as a duplicate).
const run = (argv: string[], env: Record<string, string> = {}) =>
  runCli(argv, { ALIBABA_CLOUD_ACCESS_KEY_ID: ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET, KEYSMITH_LANG: "en", KEYSMITH_STATE_DIR: mkdtempSync(join(tmpdir(), "keysmith-cli-state-")), ...env });

const contact = ["--username", "Tom (QA)*", "--email", "a+b@example.com", "--phone", "13900000000", "--validate-type", "DNS"];
const COMMANDS: { argv: () => string[]; action: string }[] = [
  { argv: () => ["order", "create", "--csr", join(dir, "rsa.csr"), ...contact, "--product-code", "digicert-free-1-free"], action: "CreateCertificateWithCsrRequest" },
  { argv: () => ["order", "create", "--domain", "www.example.com", ...contact], action: "CreateCertificateRequest" },
  { argv: () => ["order", "create-for-package", "--csr", join(dir, "rsa.csr"), "--validate-type", "FILE"], action: "CreateCertificateForPackageRequest" },
  { argv: () => ["order", "status", BIG_ORDER_ID], action: "DescribeCertificateState" },
  { argv: () => ["order", "list", "--status", "CHECKING"], action: "ListUserCertificateOrder" },
  { argv: () => ["order", "cancel", BIG_ORDER_ID], action: "CancelOrderRequest" },
  { argv: () => ["order", "delete", BIG_ORDER_ID], action: "DeleteCertificateRequest" },
  { argv: () => ["package", "status", "--product-code", "digicert-free-1-free"], action: "DescribePackageState" },
  { argv: () => ["cas", "create-csr", "--algorithm", "RSA", "--key-size", "2048", "--common-name", "www.example.com", "--sans", "a.example.com,b.example.com", "--country-code", "CN", "--province", "浙江", "--locality", "杭州", "--corp-name", "Example Ltd", "--name", "web_1"], action: "CreateCsr" },
  { argv: () => ["cas", "csr", "list"], action: "ListCsr" },
  { argv: () => ["cas", "csr", "get", "12345678901234567"], action: "GetCsrDetail" },
  { argv: () => ["cas", "csr", "delete", "12345678901234567"], action: "DeleteCsr" },
  { argv: () => ["kms", "create-certificate", "--key-spec", "EC_P256", "--subject", "CN=app,OU=ops,O=Example,C=CN", "--san", "a.example.com", "--san", "b.example.com", "--exportable-private-key", "false", "--protection-level", "HSM"], action: "CreateCertificate" },
  { argv: () => ["kms", "upload", "--certificate-id", "9a28", "--certificate", join(dir, "cert.pem")], action: "UploadCertificate" },
  { argv: () => ["kms", "get", "9a28"], action: "GetCertificate" },
  { argv: () => ["kms", "describe", "9a28"], action: "DescribeCertificate" },
  { argv: () => ["kms", "list"], action: "ListCertificates" },
  { argv: () => ["kms", "delete", "9a28"], action: "DeleteCertificate" },
  { argv: () => ["dns", "add", "--domain-name", "example.com", "--rr", "_dnsauth", "--type", "TXT", "--value", "2020abc"], action: "AddDomainRecord" },
  { argv: () => ["dns", "list", "--domain-name", "example.com"], action: "DescribeDomainRecords" },
  { argv: () => ["dns", "delete", "9999985"], action: "DeleteDomainRecord" },
];

describe.each(["v1", "v3"] as const)("CLI API commands, signature %s", (version) => {
  for (const c of COMMANDS) {
    it(`${c.argv().slice(0, 3).filter((a) => !a.startsWith("-") && !a.includes("/")).join(" ")} → ${c.action}`, async () => {
      const before = seen.length;
      const r = await run([...c.argv(), "--endpoint", endpoint, "--signature-version", version]);
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      const calls = seen.slice(before);
      // Creates list first (reconciliation snapshot); the last call is the command's own.
      expect(calls.at(-1)).toMatchObject({ action: c.action, version });
    });
  }

  it("--json keeps the 17-digit OrderId exact, as a string", async () => {
    const r = await run(["order", "status", BIG_ORDER_ID, "--json", "--endpoint", endpoint, "--signature-version", version]);
    expect(r.code).toBe(0);
    const created = await run(["order", "create", "--csr", join(dir, "rsa.csr"), ...contact, "--json", "--endpoint", endpoint, "--signature-version", version]);
    expect(JSON.parse(created.out).OrderId).toBe(BIG_ORDER_ID);
    expect(seen.at(-1)!.params.OrderId ?? BIG_ORDER_ID).toBe(BIG_ORDER_ID);
  });
});

describe("invalid parameters are refused locally, naming the field", () => {
  const cases: { argv: () => string[]; field: RegExp }[] = [
    { argv: () => ["order", "create", "--csr", join(dir, "sm2.csr"), ...contact], field: /Csr.*SM2/ },
    { argv: () => ["order", "create", "--csr", join(dir, "rsa.csr"), "--username", "T", "--email", "not-an-email", "--phone", "13900000000", "--validate-type", "DNS"], field: /Email/ },
    { argv: () => ["order", "create", "--csr", join(dir, "rsa.csr"), ...contact.slice(0, 6), "--validate-type", "EMAIL"], field: /ValidateType.*DNS, FILE/ },
    { argv: () => ["cas", "create-csr", "--algorithm", "ECC", "--key-size", "2048", "--common-name", "a.example.com", "--country-code", "CN", "--province", "p", "--locality", "l"], field: /KeySize/ },
    { argv: () => ["kms", "create-certificate", "--key-spec", "EC_P256", "--subject", "CN=app,C=CN"], field: /Subject/ },
    { argv: () => ["kms", "create-certificate", "--key-spec", "RSA_4096", "--subject", "CN=app,OU=ops,O=Example,C=CN"], field: /KeySpec/ },
    { argv: () => ["order", "status", "12ab"], field: /OrderId/ },
    { argv: () => ["order", "status"], field: /OrderId/ },
  ];
  for (const c of cases) {
    it(`${c.argv().slice(0, 2).join(" ")}: ${c.field.source}`, async () => {
      const before = seen.length;
      const r = await run([...c.argv(), "--endpoint", endpoint]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(c.field);
      expect(seen.length).toBe(before);
    });
  }

  it("speaks Chinese with a zh_CN locale", async () => {
    const r = await run(["order", "create", "--csr", join(dir, "sm2.csr"), ...contact, "--endpoint", endpoint], { KEYSMITH_LANG: "zh_CN" });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/SM2/);
    expect(r.err).toMatch(/不接受|不支持/);
  });

  it("missing credentials are named", async () => {
    const r = await run(["order", "list", "--endpoint", endpoint], { ALIBABA_CLOUD_ACCESS_KEY_SECRET: "" });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ALIBABA_CLOUD_ACCESS_KEY_SECRET/);
  });

  it("a wrong secret surfaces as the typed ApiError with Code and RequestId, and the secret is not printed", async () => {
    const r = await run(["order", "list", "--endpoint", endpoint], { ALIBABA_CLOUD_ACCESS_KEY_SECRET: "wrong-secret-value" });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/SignatureDoesNotMatch/);
    expect(r.err).not.toContain("wrong-secret-value");
  });
});
