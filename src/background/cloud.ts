// CloudPort over the signed client of src/core/aliyun/client.ts with the stored credentials and the
// current settings (site, KMS region, endpoint override, signature version). A client is made per use,
// so a settings change applies to the next call without restarting anything.
// Creates are not here: they go through the write-ahead ledger (src/background/orders/creates.ts).
// Before a client is made, and again in the fetch it is given (so before every signed request), the
// destination is checked (`checkDestination`): an endpoint override must be an origin whose host permission
// the user granted (`cloud.endpoint.no_permission` names the permission), plain http only to loopback and
// signature V1 only to Alibaba Cloud hosts or loopback (settings-store.ts checkEndpointSettings). A refusal
// happens before anything is signed or sent, and before a create is written to the ledger.
import { createClient, type AliyunClient, type CredentialSource, type FetchLike } from "../core/aliyun/client";
import { isAlibabaHost, isLoopbackHost } from "../core/aliyun/endpoints";
import { KeysmithError } from "../core/errors";
import type { PackageState, Settings } from "../messages";
import type { CloudPort } from "./cloud-port";
import { checkEndpointSettings } from "./settings-store";
import { hostPermissionGranted, hostPermissionPattern, permissionsIgnorePorts } from "../platform/host-pattern";

const str = (v: unknown): string | undefined => (v === undefined || v === null || v === "" ? undefined : String(v));

export function cloudFromClient(client: AliyunClient): CloudPort {
  return {
    client,
    async kmsUploadCertificate(p) {
      await client.call("kms", "UploadCertificate", {
        CertificateId: p.certificateId,
        Certificate: p.certificate,
        CertificateChain: p.certificateChain || undefined,
      });
    },
    async describeCertificateState(orderId) {
      const r = await client.call("cas", "DescribeCertificateState", { OrderId: orderId });
      const validateType = str(r.ValidateType);
      return {
        type: String(r.Type ?? "unknow"),
        validateType: validateType === "DNS" || validateType === "FILE" ? validateType : undefined,
        recordType: str(r.RecordType),
        recordDomain: str(r.RecordDomain),
        recordValue: str(r.RecordValue),
        domain: str(r.Domain),
        uri: str(r.Uri),
        content: str(r.Content),
        certificate: str(r.Certificate),
        privateKey: str(r.PrivateKey),
      };
    },
    async describePackageState(productCode): Promise<PackageState[]> {
      const r = await client.call("cas", "DescribePackageState", productCode ? { ProductCode: productCode } : {});
      return [
        {
          productCode: String(r.ProductCode ?? productCode ?? ""),
          totalCount: Number(r.TotalCount ?? 0),
          usedCount: Number(r.UsedCount ?? 0),
          issuedCount: Number(r.IssuedCount ?? 0),
        },
      ];
    },
    async cancelOrderRequest(orderId) {
      await client.call("cas", "CancelOrderRequest", { OrderId: orderId });
    },
    async deleteCertificateRequest(orderId) {
      await client.call("cas", "DeleteCertificateRequest", { OrderId: orderId });
    },
  };
}

/** Whether the browser lets the extension reach `origin` (a granted host permission); Platform.hasHostPermission. */
export type HostPermissionCheck = (origin: string) => Promise<boolean>;

interface PermissionsApi {
  contains(p: { origins: string[] }): Promise<boolean>;
}

/**
 * The browser's own answer (browser.permissions in Firefox, chrome.permissions in Chrome/Edge MV3, both
 * promise-based). Outside a browser nothing grants anything: false.
 */
export const browserHostPermission: HostPermissionCheck = async (origin) => {
  const g = globalThis as { browser?: { permissions?: PermissionsApi }; chrome?: { permissions?: PermissionsApi } };
  const api = g.browser?.permissions ?? g.chrome?.permissions;
  if (!api) return false;
  try {
    return await hostPermissionGranted(origin, (p) => api.contains(p));
  } catch {
    return false;
  }
};

/**
 * May a signed request for these settings go to `url` (default: the endpoint override, if any)? Throws the
 * typed refusal; returns when it may. Alibaba Cloud's own hosts (no override) are the manifest's host
 * permissions and need no check beyond V1's.
 */
export async function checkDestination(settings: Settings, hasHostPermission: HostPermissionCheck, url?: string): Promise<void> {
  checkEndpointSettings(settings); // stored before these rules existed, or edited in storage
  const target = new URL(url ?? (settings.endpoint || "https://cas.aliyuncs.com/"));
  const endpoint = settings.endpoint ? new URL(settings.endpoint) : undefined;
  const loopback = isLoopbackHost(target.hostname);
  if (!endpoint && !isAlibabaHost(target.hostname)) {
    throw new KeysmithError("cloud.endpoint.unexpected_host", { field: "endpoint", params: { host: target.host } });
  }
  if (endpoint && target.origin !== endpoint.origin) {
    throw new KeysmithError("cloud.endpoint.unexpected_host", { field: "endpoint", params: { host: target.host } });
  }
  if (target.protocol === "http:" && !loopback) {
    throw new KeysmithError("settings.endpoint.plain_http", { field: "endpoint", params: { host: target.host } });
  }
  if (settings.signatureVersion === "v1" && !loopback && !isAlibabaHost(target.hostname)) {
    throw new KeysmithError("settings.signature.v1_host", { field: "signatureVersion", params: { host: target.host } });
  }
  if (endpoint && !(await hasHostPermission(target.origin))) {
    throw new KeysmithError("cloud.endpoint.no_permission", { field: "endpoint", params: { origin: target.origin, permission: hostPermissionPattern(target.origin, permissionsIgnorePorts()) } });
  }
}

export interface CloudOptions {
  /** Default: the browser's permissions API (browserHostPermission). */
  hasHostPermission?: HostPermissionCheck;
  /** Default: globalThis.fetch. */
  fetch?: FetchLike;
}

/**
 * A CloudPort for the current settings. Refuses (rejects with the typed error) before the client exists when
 * the destination may not be used, and its fetch checks each request's URL again before it leaves.
 */
export async function cloudForSettings(settings: Settings, credentials: CredentialSource, options: CloudOptions = {}): Promise<CloudPort> {
  const hasHostPermission = options.hasHostPermission ?? browserHostPermission;
  await checkDestination(settings, hasHostPermission);
  // Bound: a bare `fetch` reference called on another object throws "Illegal invocation" in Chrome.
  const send: FetchLike = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  return cloudFromClient(
    createClient({
      credentials,
      site: settings.site,
      region: settings.kmsRegion || undefined,
      endpoint: settings.endpoint || undefined,
      signatureVersion: settings.signatureVersion,
      fetch: async (url, init) => {
        await checkDestination(settings, hasHostPermission, String(url));
        return send(url, init);
      },
    }),
  );
}
