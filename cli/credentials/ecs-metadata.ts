// The ECS instance RAM role's temporary credentials from the instance metadata service, the way the
// Alibaba Cloud SDKs ask: IMDSv2 first (PUT /latest/api/token with X-aliyun-ecs-metadata-token-ttl-seconds,
// then the token in X-aliyun-ecs-metadata-token), the plain GET when the token request fails unless
// ALIBABA_CLOUD_IMDSV1_DISABLED=true; the role name from /latest/meta-data/ram/security-credentials/ when
// none is configured. The service is http://100.100.100.200; KEYSMITH_ECS_METADATA_ENDPOINT points
// elsewhere (the emulator's, in tests).
import { fail } from "../../src/core/errors";
import { reasonNetwork } from "../../src/core/reason";
import { temporaryCredentialsFrom, type TemporaryCredentials } from "../../src/core/aliyun/sts";

export const ECS_METADATA_ENDPOINT = "http://100.100.100.200";
const CREDENTIALS_PATH = "/latest/meta-data/ram/security-credentials/";
const TOKEN_TTL_SECONDS = 21_600;

export type MetadataFetch = (url: string, init: { method: string; headers: Record<string, string>; signal?: AbortSignal }) => Promise<{ status: number; text(): Promise<string> }>;

export interface EcsMetadataOptions {
  endpoint: string;
  /** Asked from the service when absent. */
  roleName?: string;
  /** Never fall back to a request without the IMDSv2 token. */
  imdsV1Disabled?: boolean;
  /** What to name in an error: the variable or file that asked for the ECS role. */
  field: string;
  fetch?: MetadataFetch;
  timeoutMs?: number;
}

export function ecsMetadataEndpoint(env: NodeJS.ProcessEnv): string {
  return (env.KEYSMITH_ECS_METADATA_ENDPOINT?.trim() || ECS_METADATA_ENDPOINT).replace(/\/+$/, "");
}

/** The metadata answer's part Keysmith uses: the same shape as STS temporary credentials. */
export async function ecsRoleCredentials(opts: EcsMetadataOptions): Promise<TemporaryCredentials> {
  const fetchFn: MetadataFetch = opts.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const timeoutMs = opts.timeoutMs ?? 5_000;
  // "-" until the service names the role.
  let role = opts.roleName ?? "-";
  const refuse = (reason: string): never => fail("api.credentials.ecs_metadata", opts.field, { endpoint: opts.endpoint, role, reason });

  async function request(method: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    try {
      const r = await fetchFn(`${opts.endpoint}${path}`, { method, headers, signal: AbortSignal.timeout(timeoutMs) });
      return { status: r.status, body: await r.text() };
    } catch (err) {
      return refuse(reasonNetwork(err instanceof Error ? err.message : String(err)));
    }
  }

  let token: string | undefined;
  try {
    const r = await request("PUT", "/latest/api/token", { "X-aliyun-ecs-metadata-token-ttl-seconds": String(TOKEN_TTL_SECONDS) });
    if (r.status === 200 && r.body.trim() !== "") token = r.body.trim();
    else if (opts.imdsV1Disabled) refuse(`HTTP ${r.status} (/latest/api/token)`);
  } catch (err) {
    if (opts.imdsV1Disabled) throw err;
  }
  const headers: Record<string, string> = token ? { "X-aliyun-ecs-metadata-token": token } : {};

  let roleName = opts.roleName;
  if (!roleName) {
    const r = await request("GET", CREDENTIALS_PATH, headers);
    if (r.status !== 200 || r.body.trim() === "") refuse(`HTTP ${r.status} (${CREDENTIALS_PATH})`);
    roleName = r.body.trim().split(/\s+/)[0]!;
    role = roleName;
  }
  const r = await request("GET", `${CREDENTIALS_PATH}${encodeURIComponent(roleName)}`, headers);
  if (r.status !== 200) refuse(`HTTP ${r.status} (${CREDENTIALS_PATH}${roleName})`);
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(r.body) as Record<string, unknown>;
  } catch {
    return refuse("not JSON");
  }
  if (data.Code !== undefined && data.Code !== "Success") refuse(`Code ${typeof data.Code === "string" ? data.Code.slice(0, 64) : "?"}`);
  return temporaryCredentialsFrom(data, (name) => refuse(`no ${name}`));
}
