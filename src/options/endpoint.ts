// Endpoint override: a custom origin (or the local emulator) is an optional host permission, asked for
// at runtime so the installed extension holds only the cloud's hosts until the user opts in.
import { hostPermissionPattern, permissionsIgnorePorts } from "../platform/host-pattern";

export const EMULATOR_ENDPOINT = "http://127.0.0.1:8787";

export const KMS_REGIONS = [
  "cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-shenzhen", "cn-zhangjiakou", "cn-hongkong",
  "ap-southeast-1", "ap-southeast-5", "ap-northeast-1", "eu-central-1", "us-west-1", "us-east-1",
] as const;

/** The regions as select choices: the region's name in the page's language, then its id. */
export function regionChoices(tr: (key: string) => string): { value: string; label: string }[] {
  return KMS_REGIONS.map((r) => ({ value: r, label: `${tr(`ui_region_${r.replace(/-/g, "_")}`)} (${r})` }));
}

interface PermissionsLike {
  request(p: { origins: string[] }): Promise<boolean>;
}

/** True when the browser lets the worker reach the endpoint (granted now or already held). */
export async function requestEndpointPermission(endpoint: string): Promise<boolean> {
  const g = globalThis as { chrome?: { permissions?: PermissionsLike } };
  if (!g.chrome?.permissions) return false;
  try {
    return await g.chrome.permissions.request({ origins: [hostPermissionPattern(new URL(endpoint).origin, permissionsIgnorePorts())] });
  } catch {
    return false;
  }
}
