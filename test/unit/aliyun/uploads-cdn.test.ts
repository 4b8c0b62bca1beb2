// The catalogue entries for uploaded certificates (cas) and CDN deployment: validation refuses bad input
// naming the field, in both languages; the private keys (ParamSpec.secret) never come back out of the client
// inside an error and are never stored by the write-ahead ledger; and our own client against the emulator:
// upload → list UPLOAD → detail → AddCdnDomain → SetCdnDomainSSLCertificate → DescribeDomainCertificateInfo,
// with an UploadUserCertificate answer dropped after the commit adopted by the ledger, never uploaded twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type RunningEmulator } from "../../../emulator/index";
import { createClient, staticCredentials, type AliyunClient, type FetchLike, type SignatureVersion } from "../../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../../src/core/aliyun/hmac";
import { ApiError } from "../../../src/core/aliyun/api-error";
import { endpointFor } from "../../../src/core/aliyun/endpoints";
import { operation, secretParamNames, LONG_FIELDS } from "../../../src/core/aliyun/operations";
import { validateParams } from "../../../src/core/aliyun/validate";
import { createWriteAhead, memoryLedger } from "../../../src/core/aliyun/write-ahead";
import { certificateSubstance } from "../../../src/core/aliyun/create-identity";
import { KeysmithError } from "../../../src/core/errors";

let emulator: RunningEmulator;
let dir: string;

/** An OpenSSL P-256 key and a certificate for `names` from the emulator's CA (leaf + chain). */
async function certFor(names: string[]): Promise<{ cert: string; key: string }> {
  const base = join(dir, names[0]!.replace(/\W/g, "_"));
  execFileSync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", `${base}.key`], { stdio: "pipe" });
  execFileSync("openssl", ["req", "-new", "-key", `${base}.key`, "-subj", `/CN=${names[0]}`, "-out", `${base}.csr`], { stdio: "pipe" });
  const signed = await emulator.control.signCsr(readFileSync(`${base}.csr`, "utf8"), names);
  return { cert: `${signed.certificate}${signed.chain}`, key: readFileSync(`${base}.key`, "utf8") };
}

/** The base64 body of a PEM key, joined: what must never appear in an error or the ledger. */
const keyBody = (pem: string) => pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
const keyLines = (pem: string) => pem.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"));

function refusal(fn: () => unknown): KeysmithError {
  try {
    fn();
  } catch (err) {
    if (err instanceof KeysmithError) return err;
    throw err;
  }
  throw new Error("accepted");
}

beforeAll(async () => {
  emulator = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), "keysmith-uploads-"));
});
afterAll(async () => emulator.close());

describe("catalogue: UploadUserCertificate, GetUserCertificateDetail, DeleteUserCertificate and CDN", () => {
  it("has the operations, CDN's endpoint, the secret parameters and the long ids", () => {
    expect(operation("cas", "UploadUserCertificate").kind).toBe("create");
    expect(operation("cas", "UploadUserCertificate").reconcile?.action).toBe("ListUserCertificateOrder");
    expect(operation("cdn", "AddCdnDomain").reconcile?.action).toBe("DescribeUserDomains");
    expect(operation("cdn", "SetCdnDomainSSLCertificate").version).toBe("2018-05-10");
    expect(endpointFor("cdn").host).toBe("cdn.aliyuncs.com");
    expect(endpointFor("cdn", { site: "intl" }).host).toBe("cdn.aliyuncs.com");
    expect(secretParamNames(operation("cas", "UploadUserCertificate"))).toEqual(["Key", "SignPrivateKey", "EncryptPrivateKey"]);
    expect(secretParamNames(operation("cdn", "SetCdnDomainSSLCertificate"))).toEqual(["SSLPri"]);
    expect(LONG_FIELDS.has("CertId")).toBe(true);
    expect(operation("cas", "ListUserCertificateOrder").params.find((p) => p.name === "OrderType")?.allowed).toContain("UPLOAD");
  });

  it("refuses bad input naming the field, with a text in both languages", async () => {
    const { cert, key } = await certFor(["v.example.com"]);
    const upload = operation("cas", "UploadUserCertificate");
    const cases: [() => unknown, string, string][] = [
      [() => validateParams(upload, { Cert: cert, Key: key }), "api.param.required", "Name"],
      [() => validateParams(upload, { Name: "x".repeat(65), Cert: cert, Key: key }), "api.param.cert_name", "Name"],
      [() => validateParams(upload, { Name: "n", Cert: "not a cert", Key: key }), "api.param.certificate_pem", "Cert"],
      [() => validateParams(upload, { Name: "n", Cert: cert, Key: cert }), "api.param.private_key_pem", "Key"],
      [() => validateParams(upload, { Name: "n", Cert: cert }), "api.param.required", "Key"],
      [() => validateParams(upload, { Name: "n" }), "api.param.upload_pair", "Cert"],
      [() => validateParams(upload, { Name: "n", SignCert: cert, SignPrivateKey: key }), "api.param.required", "EncryptCert"],
      [() => validateParams(operation("cas", "GetUserCertificateDetail"), { CertId: "12ab" }), "api.param.type", "CertId"],
      [() => validateParams(operation("cas", "DeleteUserCertificate"), {}), "api.param.required", "CertId"],
      [() => validateParams(operation("cdn", "AddCdnDomain"), { DomainName: "a b", CdnType: "web", Sources: "[]" }), "api.param.cdn_domain", "DomainName"],
      [() => validateParams(operation("cdn", "AddCdnDomain"), { DomainName: "www.example.com", CdnType: "live", Sources: "[]" }), "api.param.allowed", "CdnType"],
      [() => validateParams(operation("cdn", "AddCdnDomain"), { DomainName: "www.example.com", CdnType: "web", Sources: "[]" }), "api.param.cdn_sources", "Sources"],
      [() => validateParams(operation("cdn", "SetCdnDomainSSLCertificate"), { DomainName: "www.example.com", SSLProtocol: "yes" }), "api.param.allowed", "SSLProtocol"],
      [() => validateParams(operation("cdn", "SetCdnDomainSSLCertificate"), { DomainName: "www.example.com", SSLProtocol: "on", CertType: "cas" }), "api.param.required", "CertId"],
      [() => validateParams(operation("cdn", "SetCdnDomainSSLCertificate"), { DomainName: "www.example.com", SSLProtocol: "on", CertType: "upload", SSLPub: cert }), "api.param.required", "SSLPri"],
      [() => validateParams(operation("cdn", "DescribeDomainCertificateInfo"), {}), "api.param.required", "DomainName"],
      [() => validateParams(operation("cdn", "DescribeUserDomains"), { PageSize: "0" }), "api.param.positive", "PageSize"],
    ];
    for (const [fn, code, field] of cases) {
      const err = refusal(fn);
      expect([err.code, err.field]).toEqual([code, field]);
      for (const lang of ["en", "zh_CN"] as const) {
        const text = err.localized(lang);
        expect(text, `${code} in ${lang}`).toContain(field);
        expect(text).not.toContain("error_");
      }
      // A refusal never quotes the key it was given.
      expect(JSON.stringify(err.toData())).not.toContain(keyLines(key)[0]);
    }
    expect(validateParams(operation("cdn", "AddCdnDomain"), { DomainName: ".example.com", CdnType: "web", Sources: '[{"content":"1.2.3.4","type":"ipaddr"}]' }).DomainName).toBe(".example.com");
  });

  it("reconciles an upload by fingerprint (or serial) and name, not by a keyword", async () => {
    const { cert, key } = await certFor(["r.example.com"]);
    const spec = operation("cas", "UploadUserCertificate").reconcile!;
    const sub = certificateSubstance(cert)!;
    const wire = { Name: "r-1", Cert: cert, Key: key };
    expect(spec.params(wire)).toEqual({ OrderType: "UPLOAD", Keyword: "r.example.com" });
    expect(spec.matches({ Name: "r-1", Fingerprint: sub.fingerprint }, wire)).toBe(true);
    expect(spec.matches({ Name: "r-1", Fingerprint: sub.fingerprint.toLowerCase() }, wire)).toBe(true);
    expect(spec.matches({ Name: "r-2", Fingerprint: sub.fingerprint }, wire)).toBe(false);
    expect(spec.matches({ Name: "r-1", Fingerprint: "00".repeat(20) }, wire)).toBe(false);
    expect(spec.matches({ Name: "r-1", SerialNo: sub.serial.toLowerCase() }, wire)).toBe(true);
    expect(spec.matches({ CommonName: "r.example.com" }, wire)).toBe(false); // a keyword alone is not the substance
    expect(spec.identity(wire)).toEqual([`upload:${sub.fingerprint}`, "upload-name:r-1"]);
  });
});

describe("private keys stay out of errors", () => {
  async function clientWith(fetch: FetchLike | undefined, secret = emulator.accessKeySecret, version: SignatureVersion = "v1"): Promise<AliyunClient> {
    return createClient({
      credentials: staticCredentials({ accessKeyId: emulator.accessKeyId, hmac: await hmacKeysFromSecret(secret) }),
      endpoint: emulator.url,
      signatureVersion: version,
      ...(fetch ? { fetch } : {}),
    });
  }

  it("a SignatureDoesNotMatch answer quotes the string to sign: the key is withheld from the ApiError", async () => {
    const { cert, key } = await certFor(["s.example.com"]);
    const client = await clientWith(undefined, "not-the-secret");
    // SSLPri sorts before SSLPub: the quoted string to sign reaches the key within its first 500 characters.
    const err = await client
      .call("cdn", "SetCdnDomainSSLCertificate", { DomainName: "s.example.com", SSLProtocol: "on", CertType: "upload", SSLPub: cert, SSLPri: key })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const api = err as ApiError;
    expect(api.apiCode).toBe("SignatureDoesNotMatch");
    const everything = `${api.message} ${api.apiMessage} ${JSON.stringify(api.toData())} ${api.localized("zh_CN")}`;
    for (const line of keyLines(key)) expect(everything).not.toContain(line);
    expect(everything).not.toContain(encodeURIComponent(encodeURIComponent(keyLines(key)[0]!.slice(0, 16))));
    expect(api.apiMessage).toBe("[private key withheld]");
    expect(api.toData().message).toContain("SignatureDoesNotMatch"); // what went wrong is still said
  });

  it("a message cut off inside the key, and a network error quoting the URL, are cleaned too", async () => {
    const { cert, key } = await certFor(["t.example.com"]);
    const encoded = encodeURIComponent(encodeURIComponent(key));
    const cut: FetchLike = async () => ({
      status: 400, ok: false,
      text: async () => JSON.stringify({ Code: "SignatureDoesNotMatch", Message: `server string to sign is:POST&%2F&SSLPri%3D${encoded.slice(0, 150)}`, RequestId: "R" }),
    });
    const a = (await (await clientWith(cut)).call("cdn", "SetCdnDomainSSLCertificate", { DomainName: "t.example.com", SSLProtocol: "on", CertType: "upload", SSLPub: cert, SSLPri: key }).catch((e: unknown) => e)) as ApiError;
    expect(a.apiMessage).toBe("[private key withheld]");
    const thrower: FetchLike = async (url) => {
      throw new TypeError(`request to ${url.slice(0, 5000)} failed`);
    };
    const b = (await (await clientWith(thrower)).call("cas", "UploadUserCertificate", { Name: "t", Cert: cert, Key: key }).catch((e: unknown) => e)) as KeysmithError;
    expect(b.code).toBe("api.network");
    expect(b.cause).toBeUndefined();
    expect(JSON.stringify(b.toData())).not.toContain(keyBody(key).slice(0, 40));
    expect(String(b.params.reason)).not.toMatch(/PRIVATE/);
  });
});

describe.each(["v1", "v3"] as const)("our client against the emulator, signature %s", (version) => {
  async function clientFor(): Promise<AliyunClient> {
    return createClient({
      credentials: staticCredentials({ accessKeyId: emulator.accessKeyId, hmac: await hmacKeysFromSecret(emulator.accessKeySecret) }),
      endpoint: emulator.url,
      signatureVersion: version,
      sleep: async () => undefined,
    });
  }

  it("uploads, lists, reads, adds a CDN domain, deploys by CertId and reads the served serial", async () => {
    const client = await clientFor();
    const domain = `www.${version}.deploy.example.com`;
    const { cert, key } = await certFor([domain]);
    const sub = certificateSubstance(cert)!;
    const up = await client.call("cas", "UploadUserCertificate", { Name: `deploy-${version}`, Cert: cert, Key: key });
    const certId = up.CertId as string;
    expect(certId).toMatch(/^\d+$/); // a long field: text
    const list = await client.call("cas", "ListUserCertificateOrder", { OrderType: "UPLOAD", Keyword: domain });
    expect((list.CertificateOrderList as Record<string, unknown>[]).map((r) => [r.CertificateId, r.Fingerprint])).toEqual([[certId, sub.fingerprint]]);
    const detail = await client.call("cas", "GetUserCertificateDetail", { CertId: certId, CertFilter: true });
    expect([detail.Id, detail.Common, detail.Key]).toEqual([certId, domain, undefined]);
    await client.call("cdn", "AddCdnDomain", { DomainName: domain, CdnType: "web", Sources: '[{"content":"origin.example.com","type":"domain","port":443}]' });
    await client.call("cdn", "SetCdnDomainSSLCertificate", { DomainName: domain, SSLProtocol: "on", CertType: "cas", CertId: certId });
    const info = await client.call("cdn", "DescribeDomainCertificateInfo", { DomainName: domain });
    const served = (info.CertInfos as { CertInfo: Record<string, unknown>[] }).CertInfo[0]!;
    expect(served.CertId).toBe(certId);
    expect(certificateSubstance(String(served.ServerCertificate))?.serial).toBe(sub.serial);
    // A certificate a CDN domain serves is not deleted; with HTTPS off there it is.
    await expect(client.call("cas", "DeleteUserCertificate", { CertId: certId })).rejects.toMatchObject({ apiCode: "CertificateInUse", status: 400 });
    await client.call("cdn", "SetCdnDomainSSLCertificate", { DomainName: domain, SSLProtocol: "off" });
    await client.call("cas", "DeleteUserCertificate", { CertId: certId });
    await expect(client.call("cas", "GetUserCertificateDetail", { CertId: certId })).rejects.toMatchObject({ apiCode: "NotFoundCertificate", status: 404 });
  });

  it("an UploadUserCertificate answer dropped after the commit is adopted by the ledger: one upload, the key never stored", async () => {
    const client = await clientFor();
    const { cert, key } = await certFor([`lost.${version}.example.com`]);
    const ledger = memoryLedger();
    let n = 0;
    const wa = createWriteAhead({ client, ledger, now: () => new Date(), newId: () => `up-${version}-${++n}` });
    const before = emulator.control.counts().uploads;
    emulator.control.setFaults({ dropAfterCommit: 1, actions: ["UploadUserCertificate"] });
    const params = { Name: `lost-${version}`, Cert: cert, Key: key };
    await expect(wa.place(operation("cas", "UploadUserCertificate"), params)).rejects.toMatchObject({ code: "api.create.unknown" });
    emulator.control.setFaults({});
    const [entry] = await ledger.list();
    expect(entry!.params.Key).toBeUndefined();
    expect(JSON.stringify(await ledger.list())).not.toContain(keyLines(key)[0]);
    // A second upload of the same certificate waits for the first to settle.
    await expect(wa.place(operation("cas", "UploadUserCertificate"), params)).rejects.toMatchObject({ code: "api.create.pending" });
    const found = await wa.check(entry!);
    expect(found.outcome).toBe("adopted");
    const certId = (found as { resultId: string }).resultId;
    expect(emulator.control.counts().uploads).toBe(before + 1);
    const detail = await client.call("cas", "GetUserCertificateDetail", { CertId: certId });
    expect(detail.Name).toBe(`lost-${version}`);
    await wa.settle(entry!.id);

    // Sent again and answered 503 before anything was done: unknown. Placed anyway, without the key it cannot
    // be sent; with it, the cloud refuses the name as taken and the listed certificate with this fingerprint is the result.
    emulator.control.setFaults({ serverError: 1, actions: ["UploadUserCertificate"] });
    await expect(wa.place(operation("cas", "UploadUserCertificate"), params)).rejects.toMatchObject({ code: "api.create.unknown" });
    emulator.control.setFaults({});
    const [second] = await ledger.list();
    await expect(wa.placeAnyway(second!.id)).rejects.toMatchObject({ code: "api.param.required", field: "Key" });
    expect((await ledger.list()).map((e) => e.id)).toEqual([second!.id]); // still there
    const again = await wa.placeAnyway(second!.id, undefined, { Key: key });
    expect(again.response.Existing).toBe(true);
    expect(again.response.CertId).toBe(certId);
    expect(emulator.control.counts().uploads).toBe(before + 1); // refused as NameRepeat: nothing new
  });

  it("an AddCdnDomain answer dropped after the commit is adopted", async () => {
    const client = await clientFor();
    const wa = createWriteAhead({ client, ledger: memoryLedger(), now: () => new Date(), newId: () => `cdn-${version}` });
    const domain = `lost-cdn.${version}.example.com`;
    emulator.control.setFaults({ dropAfterCommit: 1, actions: ["AddCdnDomain"] });
    await expect(wa.place(operation("cdn", "AddCdnDomain"), { DomainName: domain, CdnType: "web", Sources: '[{"content":"1.2.3.4","type":"ipaddr"}]' })).rejects.toMatchObject({ code: "api.create.unknown" });
    emulator.control.setFaults({});
    const found = await wa.check((await wa.list())[0]!);
    expect(found).toMatchObject({ outcome: "adopted", resultId: domain });
  });
});
