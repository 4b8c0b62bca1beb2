// The ECS instance role's credentials from the metadata service (cli/credentials/ecs-metadata.ts), with a
// scripted metadata service in place of fetch: IMDSv2 token first and sent with every GET, the role name
// asked when none is configured, the fallback without a token unless IMDSv1 is disabled, and typed
// refusals that never quote the answer's secret.
import { describe, expect, it } from "vitest";
import { ecsMetadataEndpoint, ecsRoleCredentials, type MetadataFetch } from "../../../cli/credentials/ecs-metadata";
import { KeysmithError } from "../../../src/core/errors";

const CREDS = { AccessKeyId: "STS.ecs0001", AccessKeySecret: "ecs-secret-value", SecurityToken: "ecs-token", Expiration: "2030-01-01T00:00:00Z", LastUpdated: "2029-12-31T18:00:00Z", Code: "Success" };

function service(opts: { tokenStatus?: number; credentials?: unknown } = {}) {
  const calls: { method: string; path: string; token?: string }[] = [];
  const fetch: MetadataFetch = async (url, init) => {
    const path = new URL(url).pathname;
    calls.push({ method: init.method, path, token: init.headers["X-aliyun-ecs-metadata-token"] });
    const answer = (status: number, body: string) => ({ status, text: async () => body });
    if (path === "/latest/api/token") return init.headers["X-aliyun-ecs-metadata-token-ttl-seconds"] ? answer(opts.tokenStatus ?? 200, "tok-123") : answer(400, "");
    if (path === "/latest/meta-data/ram/security-credentials/") return answer(200, "EcsRole\n");
    if (path === "/latest/meta-data/ram/security-credentials/EcsRole") return answer(200, JSON.stringify(opts.credentials ?? CREDS));
    return answer(404, "Not Found");
  };
  return { calls, fetch };
}

const base = { endpoint: "http://127.0.0.1:1", field: "ALIBABA_CLOUD_ECS_METADATA" };

describe("ECS metadata credentials", () => {
  it("IMDSv2: the token first, then the role name and the credentials with it", async () => {
    const s = service();
    const creds = await ecsRoleCredentials({ ...base, fetch: s.fetch });
    expect(creds).toEqual({ accessKeyId: "STS.ecs0001", accessKeySecret: "ecs-secret-value", securityToken: "ecs-token", expiration: "2030-01-01T00:00:00Z" });
    expect(s.calls).toEqual([
      { method: "PUT", path: "/latest/api/token", token: undefined },
      { method: "GET", path: "/latest/meta-data/ram/security-credentials/", token: "tok-123" },
      { method: "GET", path: "/latest/meta-data/ram/security-credentials/EcsRole", token: "tok-123" },
    ]);
  });

  it("a configured role name is not asked for; a refused token request falls back to plain GETs", async () => {
    const s = service({ tokenStatus: 403 });
    await ecsRoleCredentials({ ...base, roleName: "EcsRole", fetch: s.fetch });
    expect(s.calls.slice(1)).toEqual([{ method: "GET", path: "/latest/meta-data/ram/security-credentials/EcsRole", token: undefined }]);
  });

  it("IMDSv1 disabled: a refused token request is a typed error naming the endpoint and role", async () => {
    const s = service({ tokenStatus: 403 });
    const err = await ecsRoleCredentials({ ...base, roleName: "EcsRole", imdsV1Disabled: true, fetch: s.fetch }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeysmithError);
    expect((err as KeysmithError).code).toBe("api.credentials.ecs_metadata");
    expect((err as KeysmithError).message).toContain("ALIBABA_CLOUD_ECS_METADATA: the ECS metadata service http://127.0.0.1:1 gave no credentials for the RAM role EcsRole (HTTP 403");
    expect(s.calls).toHaveLength(1);
  });

  it("an answer that is not Success, or lacks a part, is refused without quoting the secret", async () => {
    for (const credentials of [{ ...CREDS, Code: "Failed" }, { ...CREDS, SecurityToken: "" }]) {
      const err = (await ecsRoleCredentials({ ...base, fetch: service({ credentials }).fetch }).catch((e: unknown) => e)) as KeysmithError;
      expect(err.code).toBe("api.credentials.ecs_metadata");
      expect(err.message).toContain("role EcsRole");
      expect(err.message).not.toContain("ecs-secret-value");
    }
  });

  it("KEYSMITH_ECS_METADATA_ENDPOINT overrides 100.100.100.200", () => {
    expect(ecsMetadataEndpoint({})).toBe("http://100.100.100.200");
    expect(ecsMetadataEndpoint({ KEYSMITH_ECS_METADATA_ENDPOINT: "http://127.0.0.1:8787/" })).toBe("http://127.0.0.1:8787");
  });
});
