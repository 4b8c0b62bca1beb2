// A profile with no AccessKey saved (src/background/profiles/profile-credentials.ts source()): the worker's
// error is api.credentials.not_saved naming the profile, whose text says where to save one (the options),
// not the command line's environment variables; once a key is saved the same source signs with it.
import { describe, expect, it } from "vitest";
import { createCredentialStore } from "../../../src/background/credentials";
import { createProfileCredentials } from "../../../src/background/profiles/profile-credentials";
import { createProfileStore } from "../../../src/background/profiles/profile-store";
import { VaultLock, memorySession } from "../../../src/background/vault/lock";
import { refusal } from "../../support/refusal";
import { FAST, freshFactory } from "../vault/helpers";
import { fakeCloud, fakePlatform } from "./fakes";

describe("no AccessKey saved for a profile", () => {
  it("is refused naming the profile, in the extension's words; a saved key then signs", async () => {
    const lock = new VaultLock({ indexedDB: freshFactory(), iterations: FAST.iterations, session: memorySession() });
    const profiles = createProfileStore(fakePlatform().platform.storage);
    const second = await profiles.save({ name: "staging" });
    const creds = createProfileCredentials({ profiles, lock, cloudFor: async () => fakeCloud().cloud, storeFor: (profileId) => createCredentialStore({ lock, profileId }) });

    const err = await refusal(creds.source(second.id).signingCredentials());
    expect(err).toMatchObject({ code: "api.credentials.not_saved", field: "AccessKey", params: { profile: "staging" } });
    expect(err.localized("en")).toBe('No AccessKey is saved for profile "staging": add one under "Alibaba Cloud credentials" in the options.');
    expect(err.localized("zh_CN")).toBe("账号配置「staging」尚未保存 AccessKey：请在选项页的「阿里云访问凭证」中添加。");
    expect(err.localized("en")).not.toContain("ALIBABA_CLOUD_");

    await creds.set({ accessKeyId: "LTAI5tStaging01", accessKeySecret: "StagingSecret" }, second.id);
    expect((await creds.source(second.id).signingCredentials()).accessKeyId).toBe("LTAI5tStaging01");
  });
});
