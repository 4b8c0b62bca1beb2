// The CLI's credentials and client: AccessKey from ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET (and an optional
// ALIBABA_CLOUD_SECURITY_TOKEN), imported as non-extractable WebCrypto HMAC keys like the extension does,
// and the global flags --endpoint, --region, --site, --signature-version.
import { fail } from "../src/core/errors";
import { createClient, type AliyunClient, type CredentialSource, type FetchLike, type SignatureVersion } from "../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../src/core/aliyun/hmac";
import type { Site } from "../src/core/aliyun/endpoints";
import type { FlagSpec, ParsedArgs } from "./args";

export const GLOBAL_API_FLAGS: FlagSpec[] = [
  { name: "endpoint", kind: "string" },
  { name: "region", kind: "string" },
  { name: "site", kind: "string" },
  { name: "signature-version", kind: "string" },
  { name: "json", kind: "boolean" },
];

export function credentialsFromEnv(env: NodeJS.ProcessEnv): CredentialSource {
  const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID?.trim();
  const secret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  if (!accessKeyId) fail("api.credentials.missing", "ALIBABA_CLOUD_ACCESS_KEY_ID");
  if (!secret) fail("api.credentials.missing", "ALIBABA_CLOUD_ACCESS_KEY_SECRET");
  const keys = hmacKeysFromSecret(secret);
  const securityToken = env.ALIBABA_CLOUD_SECURITY_TOKEN || undefined;
  return { signingCredentials: async () => ({ accessKeyId, hmac: await keys, securityToken }) };
}

export function clientFromArgs(args: ParsedArgs, env: NodeJS.ProcessEnv, fetchImpl?: FetchLike): AliyunClient {
  const version = args.strings.get("signature-version") ?? "v3";
  if (version !== "v1" && version !== "v3") fail("api.cli.signature_version", "--signature-version");
  const site = args.strings.get("site") ?? "cn";
  if (site !== "cn" && site !== "intl") fail("api.cli.site", "--site", { value: site });
  const endpoint = args.strings.get("endpoint") ?? env.KEYSMITH_ENDPOINT;
  if (endpoint !== undefined && !URL.canParse(endpoint.includes("://") ? endpoint : `https://${endpoint}`)) {
    fail("api.cli.endpoint", "--endpoint", { value: endpoint });
  }
  return createClient({
    credentials: credentialsFromEnv(env),
    endpoint,
    region: args.strings.get("region"),
    site: site as Site,
    signatureVersion: version as SignatureVersion,
    fetch: fetchImpl ?? ((input, init) => globalThis.fetch(input, init)),
  });
}
