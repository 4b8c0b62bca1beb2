// The credential store keeps only non-extractable HMAC keys: the secret string is nowhere in the
// database, the keys still sign (the published V1 vector) after the store is reopened, and
// "test credentials" reports success or the typed reason.
import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { createCredentialStore, testCredentials, accessKeyIdHint } from "../../../src/background/credentials";
import { signRpcV1 } from "../../../src/core/aliyun/sign-v1";
import { createClient } from "../../../src/core/aliyun/client";

const SECRET = "testsecret";
let n = 0;
const freshDb = () => `keysmith-credentials-test-${++n}`;

async function dumpDatabase(name: string): Promise<unknown[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const out: unknown[] = [];
  for (const storeName of Array.from(db.objectStoreNames)) {
    const all = await new Promise<unknown[]>((resolve) => {
      const req = db.transaction(storeName).objectStore(storeName).getAll();
      req.onsuccess = () => resolve(req.result);
    });
    out.push(...all);
  }
  db.close();
  return out;
}

function deepStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (value && typeof value === "object") for (const v of Object.values(value)) deepStrings(v, out);
  return out;
}

describe("credential store", () => {
  it("keeps non-extractable HMAC keys, never the secret, and signs the published V1 vector after reopening", async () => {
    const dbName = freshDb();
    const store = createCredentialStore({ dbName });
    const status = await store.set({ accessKeyId: "testid", accessKeySecret: SECRET });
    expect(status).toEqual({ configured: true, accessKeyIdHint: "te…", hasSecurityToken: false, securityTokenExpiresAt: undefined });

    const dump = await dumpDatabase(dbName);
    expect(dump).toHaveLength(1);
    const record = dump[0] as { v1: CryptoKey; v3: CryptoKey };
    expect(deepStrings(dump).some((s) => s.includes(SECRET))).toBe(false);
    expect(JSON.stringify(dump)).not.toContain(SECRET);
    expect(record.v1.extractable).toBe(false);
    expect(record.v3.extractable).toBe(false);
    await expect(crypto.subtle.exportKey("raw", record.v1)).rejects.toThrow();

    const reopened = createCredentialStore({ dbName });
    const creds = await reopened.signingCredentials();
    const signed = await signRpcV1(
      { method: "GET", format: "JSON", params: { Action: "DescribeDedicatedHosts", RegionId: "cn-beijing", Version: "2014-05-26" } },
      { hmac: creds.hmac.v1, accessKeyId: creds.accessKeyId, now: new Date("2023-03-13T08:34:30Z"), nonce: "edb2b34af0af9a6d14deaf7c1a5315eb" },
    );
    expect(signed.signature).toBe("9NaGiOspFP5UPcwX8Iwt2YJXXuk=");
  });

  it("records an STS token with its expiry, shows only a hint of the AccessKey ID, and clears", async () => {
    const store = createCredentialStore({ dbName: freshDb() });
    const status = await store.set({ accessKeyId: "LTAI5tAbCdEfGh12x9Zq", accessKeySecret: SECRET, securityToken: "sts", securityTokenExpiresAt: "2030-01-01T00:00:00Z" });
    expect(status.accessKeyIdHint).toBe("LTAI…x9Zq");
    expect(accessKeyIdHint("LTAI5tAbCdEfGh12x9Zq")).not.toContain("AbCd");
    expect(status.hasSecurityToken).toBe(true);
    expect(status.securityTokenExpiresAt).toBe("2030-01-01T00:00:00Z");
    expect((await store.clear()).configured).toBe(false);
    await expect(store.signingCredentials()).rejects.toMatchObject({ code: "api.credentials.missing" });
  });

  it("refuses a blank secret naming the field", async () => {
    const store = createCredentialStore({ dbName: freshDb() });
    await expect(store.set({ accessKeyId: "id", accessKeySecret: "" })).rejects.toMatchObject({ code: "api.credentials.invalid", field: "AccessKeySecret" });
  });

  it("testCredentials: DescribePackageState success, or the typed reason", async () => {
    const store = createCredentialStore({ dbName: freshDb() });
    await store.set({ accessKeyId: "testid", accessKeySecret: SECRET });
    const ok = createClient({
      credentials: store,
      endpoint: "http://127.0.0.1:9",
      fetch: async () => ({ status: 200, ok: true, text: async () => `{"RequestId":"r","ProductCode":"digicert-free-1-free","TotalCount":20,"UsedCount":2,"IssuedCount":1}` }),
    });
    expect(await testCredentials(ok)).toEqual({ ok: true, packages: [{ productCode: "digicert-free-1-free", totalCount: 20, usedCount: 2, issuedCount: 1 }] });
    const refused = createClient({
      credentials: store,
      endpoint: "http://127.0.0.1:9",
      fetch: async () => ({ status: 404, ok: false, text: async () => `{"RequestId":"r-404","Code":"InvalidAccessKeyId.NotFound","Message":"Specified access key is not found."}` }),
    });
    const result = await testCredentials(refused);
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ code: "api.remote.access_key" });
    expect(result.error!.params).toMatchObject({ apiCode: "InvalidAccessKeyId.NotFound", requestId: "r-404", status: 404 });
  });
});
