// The credential store keeps only wrapped HMAC keys under a non-extractable AES key: the secret is
// nowhere in the database (as text or bytes), the keys still sign (the published V1 vector) after the store is reopened, and
// "test credentials" reports success or the typed reason.
import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { createCredentialStore, testCredentials } from "../../../src/background/credentials";
import { accessKeyIdHint } from "../../../src/core/aliyun/redact";
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

function deepBytes(value: unknown, out: Uint8Array[] = []): Uint8Array[] {
  if (value instanceof ArrayBuffer) out.push(new Uint8Array(value));
  else if (ArrayBuffer.isView(value)) out.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  else if (value && typeof value === "object" && !(value instanceof CryptoKey)) for (const v of Object.values(value)) deepBytes(v, out);
  return out;
}

function deepCryptoKeys(value: unknown, out: CryptoKey[] = []): CryptoKey[] {
  if (value instanceof CryptoKey) out.push(value);
  else if (value && typeof value === "object" && !ArrayBuffer.isView(value)) for (const v of Object.values(value)) deepCryptoKeys(v, out);
  return out;
}

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function deepStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (value && typeof value === "object") for (const v of Object.values(value)) deepStrings(v, out);
  return out;
}

describe("credential store", () => {
  it("keeps wrapped HMAC keys, never the secret in any form, and signs the published V1 vector after reopening", async () => {
    const dbName = freshDb();
    const store = createCredentialStore({ dbName });
    const status = await store.set({ accessKeyId: "testid", accessKeySecret: SECRET });
    expect(status).toEqual({ configured: true, accessKeyIdHint: "te…", hasSecurityToken: false, securityTokenExpiresAt: undefined });

    const dump = await dumpDatabase(dbName);
    expect(dump).toHaveLength(1);
    const record = dump[0] as { wrappingKey: CryptoKey; v1: { wrapped: ArrayBuffer }; v3: { wrapped: ArrayBuffer } };
    expect(deepStrings(dump).some((s) => s.includes(SECRET))).toBe(false);
    // No byte array anywhere in the record holds the secret (Chromium writes a stored CryptoKey's raw
    // bytes to disk, which is why only wrapped HMAC keys are stored).
    for (const bytes of deepBytes(dump)) expect(containsBytes(bytes, new TextEncoder().encode(SECRET))).toBe(false);
    expect(deepCryptoKeys(dump).map((k) => k.algorithm.name)).toEqual(["AES-GCM"]);
    expect(record.wrappingKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey("raw", record.wrappingKey)).rejects.toThrow();

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
