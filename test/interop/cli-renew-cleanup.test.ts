// `keysmith renew` with `deleteOldUploads` against the emulator (in process, as cli-renew.test.ts runs it).
// One renew file, three certificates, each deployed to its own CDN domain:
//   clean   deleteOldUploads: true   past the renewal point its first upload is deleted from cas
//   keep    the default (false)      its first upload stays in cas (and is remembered in state.json)
//   shared  deleteOldUploads: true   a wildcard whose first upload another CDN domain, one the file does not
//                                    bind, still serves: kept, reported on stderr and --json, exit 0; deleted
//                                    by the first run after that domain serves something else
// and the delete's edge cases: a 503 keeps the upload for the next run (exit 0), and an upload already gone
// (a delete whose answer was lost) counts as deleted. What is in cas and what CDN serves is read through the
// emulator's API (GetUserCertificateDetail, DescribeDomainCertificateInfo), not taken from the CLI's output.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/index";
import { createClient, staticCredentials, type AliyunClient } from "../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../src/core/aliyun/hmac";
import { renewRunner } from "../support/renew-cli";

const DAY = 24 * 60 * 60 * 1000;
let emu: RunningEmulator;
let api: AliyunClient;
const dir = mkdtempSync(join(tmpdir(), "keysmith-cli-renew-cleanup-"));
const stateDir = join(dir, "state");
const pass = join(dir, "pass.txt");
const config = join(dir, "renew.yaml");

const contact = `    contact: { username: "Li Lei", email: ops@example.com, phone: "13800000000" }\n`;
const renewFile = (keepDeletes: boolean) => `certificates:
  - name: clean
    domains: [clean.example.com]
${contact}    deleteOldUploads: true
    deploy:
      - cdn: clean.example.com
  - name: keep
    domains: [keep.example.com]
${contact}${keepDeletes ? "    deleteOldUploads: true\n" : ""}    deploy:
      - cdn: keep.example.com
  - name: shared
    domains: ["*.shared.example.com"]
    productCode: geotrust-dv-w-starter
${contact}    deleteOldUploads: true
    deploy:
      - cdn: www.shared.example.com
`;

const renew = renewRunner(() => emu, { config, pass, stateDir });

interface RunReport {
  certificates: { name: string; outcome: string; certId?: string; uploadsDeleted?: string[]; uploadsKept?: { certId: string; reason: string }[] }[];
}
const report = (out: string, name: string) => (JSON.parse(out) as RunReport).certificates.find((c) => c.name === name)!;

/** The cas CertId a CDN domain serves, read back through the API. */
async function servedCertId(domain: string): Promise<string> {
  const reply = await api.call("cdn", "DescribeDomainCertificateInfo", { DomainName: domain });
  return String((reply.CertInfos as { CertInfo: Record<string, unknown>[] }).CertInfo[0]!.CertId);
}

/** Whether cas still holds the upload: GetUserCertificateDetail answers it, or NotFoundCertificate. */
async function inCas(certId: string): Promise<boolean> {
  try {
    const detail = await api.call("cas", "GetUserCertificateDetail", { CertId: certId, CertFilter: true });
    expect(String(detail.Id)).toBe(certId);
    return true;
  } catch (err) {
    expect(err).toMatchObject({ apiCode: "NotFoundCertificate", status: 404 });
    return false;
  }
}

const previousUploads = (name: string): string[] => {
  const state = JSON.parse(readFileSync(join(stateDir, `certificates/${name}/state.json`), "utf8")) as { previousUploads?: { certId: string }[] };
  return (state.previousUploads ?? []).map((u) => u.certId);
};

beforeAll(async () => {
  emu = await startEmulator();
  api = await createClient({ credentials: staticCredentials({ accessKeyId: emu.accessKeyId, hmac: await hmacKeysFromSecret(emu.accessKeySecret) }), endpoint: emu.url });
  writeFileSync(pass, "renew passphrase\n");
  writeFileSync(config, renewFile(false));
  for (const domain of ["clean.example.com", "keep.example.com", "www.shared.example.com", "img.shared.example.com"]) {
    await api.call("cdn", "AddCdnDomain", { DomainName: domain, CdnType: "web", Sources: JSON.stringify([{ content: "origin.example.com", type: "domain" }]) });
  }
});
afterAll(async () => emu?.close());

describe("keysmith renew: deleteOldUploads", { timeout: 180_000 }, () => {
  const first: Record<string, string> = {};
  const later = new Date(Date.now() + 61 * DAY).toISOString();

  it("first run: each certificate ordered, uploaded and deployed; nothing to delete yet", async () => {
    const run = await renew("--json");
    expect(run.code, run.err + run.out).toBe(0);
    for (const [name, domain] of [["clean", "clean.example.com"], ["keep", "keep.example.com"], ["shared", "www.shared.example.com"]] as const) {
      expect(report(run.out, name)).toMatchObject({ outcome: "renewed" });
      expect(report(run.out, name).uploadsDeleted).toBeUndefined();
      first[name] = await servedCertId(domain);
      expect(await inCas(first[name]!)).toBe(true);
    }
    // Another CDN domain, not in the file, is pointed at shared's upload by hand.
    await api.call("cdn", "SetCdnDomainSSLCertificate", { DomainName: "img.shared.example.com", SSLProtocol: "on", CertType: "cas", CertId: first.shared! });
  });

  it("past the renewal point: deleteOldUploads deletes the old upload, the default keeps it, one another domain serves is kept (exit 0)", async () => {
    emu.control.advanceTime(61 * DAY);
    const uploads = emu.control.counts().uploads;
    const run = await renew("--now", later, "--json");
    expect(run.code, run.err + run.out).toBe(0);

    // clean: the new upload serves its domain, the old one is gone from cas.
    const cleanNow = await servedCertId("clean.example.com");
    expect(cleanNow).not.toBe(first.clean);
    expect(await inCas(cleanNow)).toBe(true);
    expect(await inCas(first.clean!)).toBe(false);
    expect(report(run.out, "clean")).toMatchObject({ outcome: "renewed", certId: cleanNow, uploadsDeleted: [first.clean] });
    expect(previousUploads("clean")).toEqual([]);

    // keep (the default): renewed and deployed, the old upload still in cas, remembered for later.
    const keepNow = await servedCertId("keep.example.com");
    expect(keepNow).not.toBe(first.keep);
    expect(await inCas(first.keep!)).toBe(true);
    expect(report(run.out, "keep").uploadsDeleted).toBeUndefined();
    expect(previousUploads("keep")).toEqual([first.keep]);

    // shared: the binding serves the new upload; img.shared (not in the file) still serves the old one, kept.
    const sharedNow = await servedCertId("www.shared.example.com");
    expect(sharedNow).not.toBe(first.shared);
    expect(await servedCertId("img.shared.example.com")).toBe(first.shared);
    expect(await inCas(first.shared!)).toBe(true);
    const shared = report(run.out, "shared");
    expect(shared.outcome).toBe("renewed");
    expect(shared.uploadsKept).toEqual([{ certId: first.shared, reason: "still served by cdn img.shared.example.com" }]);
    expect(run.err).toContain(`shared: the earlier upload CertId ${first.shared} was not deleted`);
    expect(previousUploads("shared")).toEqual([first.shared]);

    // Three new uploads, one deleted.
    expect(emu.control.counts().uploads).toBe(uploads + 3 - 1);
  });

  it("the next run tries again: still served, still kept; a 503 on the delete keeps it too; deleted once nothing serves it", async () => {
    const again = await renew("--now", later, "--json");
    expect(again.code, again.err).toBe(0);
    expect(report(again.out, "shared").uploadsKept?.map((k) => k.certId)).toEqual([first.shared]);
    expect(await inCas(first.shared!)).toBe(true);

    // img.shared moves to the new certificate by hand; the delete then meets a 503 once: reported, kept, exit 0.
    await api.call("cdn", "SetCdnDomainSSLCertificate", { DomainName: "img.shared.example.com", SSLProtocol: "on", CertType: "cas", CertId: await servedCertId("www.shared.example.com") });
    emu.control.setFaults({ serverError: 1, actions: ["DeleteUserCertificate"] });
    const refused = await renew("--now", later, "--json");
    emu.control.setFaults({});
    expect(refused.code, refused.err).toBe(0);
    expect(report(refused.out, "shared").uploadsKept?.map((k) => k.certId)).toEqual([first.shared]);
    expect(refused.err).toContain("was not deleted");
    expect(await inCas(first.shared!)).toBe(true);
    expect(previousUploads("shared")).toEqual([first.shared]);

    const done = await renew("--now", later, "--json");
    expect(done.code, done.err).toBe(0);
    expect(report(done.out, "shared")).toMatchObject({ outcome: "current", uploadsDeleted: [first.shared] });
    expect(report(done.out, "shared").uploadsKept).toBeUndefined();
    expect(await inCas(first.shared!)).toBe(false);
    expect(previousUploads("shared")).toEqual([]);
  });

  it("an old upload already gone (a delete whose answer was lost) counts as deleted; turning the setting on later cleans up", async () => {
    // keep's old upload is deleted behind the CLI's back, as a delete carried out whose answer never came.
    await api.call("cas", "DeleteUserCertificate", { CertId: first.keep! });
    writeFileSync(config, renewFile(true));
    const run = await renew("--now", later);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain(`keep: the earlier upload CertId ${first.keep} is no longer in cas`);
    expect(previousUploads("keep")).toEqual([]);
    expect(await inCas(await servedCertId("keep.example.com"))).toBe(true);
  });

  it("a current, deployed certificate with nothing to delete costs no write", async () => {
    const before = emu.control.counts();
    const run = await renew("--now", later, "--json");
    expect(run.code, run.err).toBe(0);
    for (const name of ["clean", "keep", "shared"]) expect(report(run.out, name)).toMatchObject({ outcome: "current" });
    expect(emu.control.counts()).toEqual(before);
  });
});
