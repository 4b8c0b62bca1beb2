// Where signed requests may go (src/background/settings-store.ts checkEndpointSettings, src/background/cloud.ts
// checkDestination / cloudForSettings): plain http only to loopback, signature V1 only to Alibaba Cloud hosts
// or loopback, and a custom endpoint only with its host permission granted. Every refusal is checked with a
// fetch that records what it is given: nothing may reach it (and no LAN address is ever contacted).
import { describe, expect, it } from "vitest";
import { cloudForSettings, checkDestination } from "../../../src/background/cloud";
import { createSettingsStore, SETTINGS_KEY } from "../../../src/background/settings-store";
import { isAlibabaHost, isLoopbackHost } from "../../../src/core/aliyun/endpoints";
import type { CredentialSource, FetchLike } from "../../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../../src/core/aliyun/hmac";
import { DEFAULT_SETTINGS, type Settings } from "../../../src/messages";
import { refusal } from "../../support/refusal";

function memoryStorage(initial: Record<string, unknown> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    get: async (k: string) => data.get(k),
    set: async (k: string, v: unknown) => void data.set(k, structuredClone(v)),
    remove: async (k: string) => void data.delete(k),
  };
}

/** A fetch that answers like the cloud and remembers every URL it was given. */
function recordingFetch() {
  const urls: string[] = [];
  const fetch: FetchLike = async (url) => {
    urls.push(url);
    return { status: 200, ok: true, text: async () => JSON.stringify({ RequestId: "r", TotalCount: 1, UsedCount: 0, IssuedCount: 0 }) };
  };
  return { urls, fetch };
}

const credentials: CredentialSource = {
  signingCredentials: async () => ({ accessKeyId: "LTAI-test", hmac: await hmacKeysFromSecret("test secret") }),
};

const settings = (patch: Partial<Settings>): Settings => ({ ...DEFAULT_SETTINGS, ...patch });

describe("hosts", () => {
  it("Alibaba Cloud hosts are *.aliyuncs.com only", () => {
    for (const h of ["cas.aliyuncs.com", "cas.ap-southeast-1.aliyuncs.com", "alidns.ap-southeast-1.aliyuncs.com", "kms.eu-central-1.aliyuncs.com", "CAS.ALIYUNCS.COM"]) {
      expect(isAlibabaHost(h), h).toBe(true);
    }
    for (const h of ["aliyuncs.com.evil.example", "evilaliyuncs.com", "cas.aliyuncs.com.evil.example", "127.0.0.1", "example.com", ""]) {
      expect(isAlibabaHost(h), h).toBe(false);
    }
  });

  it("loopback is 127.0.0.0/8, localhost and [::1]", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "[::1]"]) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ["192.168.1.10", "10.0.0.5", "127.0.0.1.nip.io", "localhost.example", "128.0.0.1", "[::2]", "0.0.0.0"]) expect(isLoopbackHost(h), h).toBe(false);
    // The URL parser's forms of a loopback address end up as 127.x.
    expect(isLoopbackHost(new URL("http://2130706433/").hostname)).toBe(true);
  });
});

describe("saving an endpoint (settings.set)", () => {
  it("refuses plain http to a LAN address, storing nothing and sending nothing", async () => {
    const storage = memoryStorage();
    const store = createSettingsStore(storage);
    const { urls, fetch } = recordingFetch();
    for (const endpoint of ["http://192.168.1.10", "http://10.0.0.5:8787", "http://intranet.example"]) {
      const err = await refusal(store.update({ endpoint }));
      expect([err.code, err.field], endpoint).toEqual(["settings.endpoint.plain_http", "endpoint"]);
      expect(err.localized("zh_CN")).toContain("http");
      expect(storage.data.has(SETTINGS_KEY)).toBe(false);
    }
    // Even a stored one (from before these rules, or edited in storage) is refused at send.
    const stale = settings({ endpoint: "http://192.168.1.10" });
    const err = await refusal(cloudForSettings(stale, credentials, { hasHostPermission: async () => true, fetch }));
    expect(err.code).toBe("settings.endpoint.plain_http");
    expect(urls).toEqual([]);
  });

  it("takes https anywhere and plain http to loopback", async () => {
    const store = createSettingsStore(memoryStorage());
    for (const endpoint of ["http://127.0.0.1:8787", "http://127.9.9.9:1", "http://localhost:8787", "http://[::1]:8787", "https://cas.example.com"]) {
      expect((await store.update({ endpoint })).endpoint, endpoint).toBe(new URL(endpoint).origin);
    }
  });

  it("signature V1 only to Alibaba Cloud hosts or loopback, whichever of the two is saved last", async () => {
    const store = createSettingsStore(memoryStorage());
    await store.update({ endpoint: "https://proxy.example.com" });
    const err = await refusal(store.update({ signatureVersion: "v1" }));
    expect([err.code, err.field]).toEqual(["settings.signature.v1_host", "signatureVersion"]);
    expect((await store.get()).signatureVersion).toBe("v3");
    await store.update({ endpoint: "", signatureVersion: "v1" });
    expect((await refusal(store.update({ endpoint: "https://proxy.example.com" }))).code).toBe("settings.signature.v1_host");
    expect((await store.get()).endpoint).toBe("");
    expect((await store.update({ endpoint: "https://cas.ap-southeast-1.aliyuncs.com" })).signatureVersion).toBe("v1");
    expect((await store.update({ endpoint: "http://127.0.0.1:8787" })).signatureVersion).toBe("v1");
  });
});

describe("before every signed call (cloudForSettings)", () => {
  it("a custom endpoint without its host permission gets nothing; the error names the permission", async () => {
    const { urls, fetch } = recordingFetch();
    const asked: string[] = [];
    const err = await refusal(
      cloudForSettings(settings({ endpoint: "http://127.0.0.1:18787" }), credentials, { hasHostPermission: async (o) => (asked.push(o), false), fetch }),
    );
    expect(err.code).toBe("cloud.endpoint.no_permission");
    expect(err.params).toMatchObject({ origin: "http://127.0.0.1:18787", permission: "http://127.0.0.1:18787/*" });
    expect(err.message).toContain("http://127.0.0.1:18787/*");
    expect(asked).toEqual(["http://127.0.0.1:18787"]);
    expect(urls).toEqual([]);
  });

  it("in Firefox (match patterns without a port) the error names the host's pattern, the one the options page asks for", async () => {
    const { urls, fetch } = recordingFetch();
    const g = globalThis as { browser?: unknown };
    const before = g.browser;
    g.browser = { runtime: { getBrowserInfo: async () => ({ name: "Firefox" }) } };
    try {
      const err = await refusal(cloudForSettings(settings({ endpoint: "http://127.0.0.1:18787" }), credentials, { hasHostPermission: async () => false, fetch }));
      expect(err.params).toMatchObject({ origin: "http://127.0.0.1:18787", permission: "http://127.0.0.1/*" });
      expect(err.message).toContain("\"http://127.0.0.1/*\"");
    } finally {
      g.browser = before;
    }
    expect(urls).toEqual([]);
  });

  it("a permission revoked after the client was made stops the next request in its fetch", async () => {
    const { urls, fetch } = recordingFetch();
    let granted = true;
    const cloud = await cloudForSettings(settings({ endpoint: "https://proxy.example.com" }), credentials, { hasHostPermission: async () => granted, fetch });
    await cloud.describePackageState();
    expect(urls.map((u) => new URL(u).origin)).toEqual(["https://proxy.example.com"]);
    granted = false;
    await expect(cloud.describePackageState()).rejects.toThrow();
    expect(urls).toHaveLength(1);
  });

  it("signature V1 to a stored non-Alibaba endpoint is refused at send", async () => {
    const { urls, fetch } = recordingFetch();
    const err = await refusal(cloudForSettings(settings({ endpoint: "https://proxy.example.com", signatureVersion: "v1" }), credentials, { hasHostPermission: async () => true, fetch }));
    expect(err.code).toBe("settings.signature.v1_host");
    expect(urls).toEqual([]);
  });

  it("the real cloud (no override) needs no runtime permission; V1 goes to *.aliyuncs.com", async () => {
    const { urls, fetch } = recordingFetch();
    const cloud = await cloudForSettings(settings({ signatureVersion: "v1", site: "intl" }), credentials, { hasHostPermission: async () => false, fetch });
    await cloud.describePackageState();
    expect(new URL(urls[0]!).host).toBe("cas.ap-southeast-1.aliyuncs.com");
    expect(new URL(urls[0]!).searchParams.get("SignatureMethod")).toBe("HMAC-SHA1");
  });

  it("a request URL elsewhere than the configured destination is refused", async () => {
    await expect(checkDestination(settings({ endpoint: "https://proxy.example.com" }), async () => true, "https://other.example/")).rejects.toMatchObject({ code: "cloud.endpoint.unexpected_host" });
    await expect(checkDestination(settings({}), async () => true, "https://evil.example/")).rejects.toMatchObject({ code: "cloud.endpoint.unexpected_host" });
  });

  it("outside a browser (no permissions API) nothing is granted", async () => {
    const { urls, fetch } = recordingFetch();
    const err = await refusal(cloudForSettings(settings({ endpoint: "https://proxy.example.com" }), credentials, { fetch }));
    expect(err.code).toBe("cloud.endpoint.no_permission");
    expect(urls).toEqual([]);
  });
});
