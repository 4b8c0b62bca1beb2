// credentials.*: the secret goes in once and never comes back out (status shows a hint of the AccessKeyId
// only); "test" makes one signed read (DescribePackageState) and reports success or the reason. Each acts on
// the profile `profileId` names, else the selected one. "test" with a `draft` tests what the options form
// shows without saving it: the draft's endpoint passes the same rules as a saved one (cloud.ts
// checkDestination, which begins with settings-store.ts checkEndpointSettings), its AccessKey the same as
// credentials.set's (credentials.ts checkCredentialInput), and a draft secret signs this one call only.
import { fail } from "../../core/errors";
import type { Settings } from "../../messages";
import type { Handler } from "../router";
import { toErrorData } from "../router";
import { checkCredentialInput } from "../credentials";
import type { Services } from "../services";
import { normalizeEndpoint, type SettingsStore } from "../settings-store";

export function credentialHandlers(services: Services, settings: SettingsStore) {
  const handlers: {
    "credentials.set": Handler<"credentials.set">;
    "credentials.clear": Handler<"credentials.clear">;
    "credentials.status": Handler<"credentials.status">;
    "credentials.test": Handler<"credentials.test">;
  } = {
    "credentials.set": ({ profileId, ...input }) => services.credentials.set(input, profileId),
    "credentials.clear": (p) => services.credentials.clear(p.profileId),
    "credentials.status": (p) => services.credentials.status(p.profileId),
    "credentials.test": async ({ profileId, draft }) => {
      try {
        const s = await settings.forProfile(profileId);
        if (!draft) {
          const cloud = await services.cloud(profileId ? { profileId } : undefined);
          return { ok: true, packages: await cloud.describePackageState(s.contact.productCode || undefined) };
        }
        const tried: Settings = {
          ...s,
          site: draft.site,
          kmsRegion: draft.kmsRegion,
          endpoint: draft.endpoint ? normalizeEndpoint(draft.endpoint) : "",
          signatureVersion: draft.signatureVersion,
        };
        const given = draft.accessKeyId !== undefined || draft.accessKeySecret !== undefined;
        if (given) checkCredentialInput({ accessKeyId: draft.accessKeyId ?? "", accessKeySecret: draft.accessKeySecret ?? "" });
        if (!services.draftCloud) fail("worker.service_unavailable", "draft", { service: "credentials.test draft" });
        const cloud = await services.draftCloud(
          tried,
          given ? { accessKeyId: draft.accessKeyId!.trim(), accessKeySecret: draft.accessKeySecret!, ...(draft.securityToken ? { securityToken: draft.securityToken } : {}) } : undefined,
          profileId,
        );
        return { ok: true, packages: await cloud.describePackageState(s.contact.productCode || undefined) };
      } catch (err) {
        return { ok: false, error: toErrorData(err) };
      }
    },
  };
  return handlers;
}
