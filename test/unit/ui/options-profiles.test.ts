// The options page's profile rules (src/options/profiles.ts) agree with the worker's door
// (src/background/payload-schemas.ts "profile.save"): what the page accepts the worker accepts, and what the
// page refuses the worker refuses too. Also: the source profiles a role may use (none leading back to it), the
// default applicant's checks, and a network failure said in words (src/options/CredentialsSection.tsx reachError).
import { describe, expect, it } from "vitest";
import { PAYLOAD_SCHEMAS } from "../../../src/background/payload-schemas";
import { KeysmithError } from "../../../src/core/errors";
import type { ProfileView } from "../../../src/messages";
import {
  ROLE_DURATION_SECONDS, checkProfileName, checkRoleArn, checkSessionName, implicitProfile, parseDuration, sourceCandidates,
} from "../../../src/options/profiles";
import { contactProblems } from "../../../src/options/ContactSection";
import { reachError } from "../../../src/options/CredentialsSection";
import { DEFAULT_SETTINGS } from "../../../src/messages";

function workerAccepts(role: { roleArn: string; roleSessionName: string; durationSeconds: number }): boolean {
  try {
    PAYLOAD_SCHEMAS["profile.save"].check({ id: "p1", name: "x", role: { ...role, sourceProfileId: "default" } }, "payload");
    return true;
  } catch (err) {
    if (err instanceof KeysmithError) return false;
    throw err;
  }
}

const GOOD = { roleArn: "acs:ram::1234567890123456:role/keysmith-certs", roleSessionName: "keysmith", durationSeconds: 3600 };

function profile(id: string, extra: Partial<ProfileView> = {}): ProfileView {
  return { ...implicitProfile({ ...DEFAULT_SETTINGS }, null), id, name: id, ...extra };
}

describe("role fields: the page and the worker draw the same line", () => {
  it.each([
    "acs:ram::1234567890123456:role/keysmith-certs",
    "acs:ram::1:role/a",
    " acs:ram::1234567890123456:role/x ",
    "not-an-arn",
    "acs:ram::abc:role/x",
    "acs:ram::123:user/x",
    "acs:ram::123:role/",
    "acs:ram::123:role/has space",
  ])("role ARN %j", (arn) => {
    expect(checkRoleArn(arn) === null, arn).toBe(workerAccepts({ ...GOOD, roleArn: arn.trim() }));
  });

  it.each(["keysmith", "k", "ab", "a".repeat(64), "a".repeat(65), "ops@example.com", "has space", "名字", "a.b_c-d"])("session name %j", (name) => {
    expect(checkSessionName(name) === null, name).toBe(workerAccepts({ ...GOOD, roleSessionName: name.trim() }));
  });

  it("duration: whole seconds from 900 to 43200 (full-width digits too), as the worker's range", () => {
    for (const [text, value] of [["900", 900], ["43200", 43200], ["3600", 3600], [" 1800 ", 1800], ["３６００", 3600]] as const) {
      expect(parseDuration(text), text).toEqual({ ok: true, value });
      expect(workerAccepts({ ...GOOD, durationSeconds: value })).toBe(true);
    }
    for (const text of ["", "899", "43201", "1e3", "3600.5", "-900", "an hour"]) {
      const parsed = parseDuration(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.problem.key).toBe(text === "" ? "ui_opt_required" : "ui_opt_duration_invalid");
    }
    expect(workerAccepts({ ...GOOD, durationSeconds: ROLE_DURATION_SECONDS.min - 1 })).toBe(false);
    expect(workerAccepts({ ...GOOD, durationSeconds: ROLE_DURATION_SECONDS.max + 1 })).toBe(false);
  });
});

describe("profile names", () => {
  const profiles = [profile("default", { name: "default" }), profile("p2", { name: "Customer B" })];

  it("required, at most 64 characters, unique ignoring case (a profile may keep its own name)", () => {
    expect(checkProfileName("", profiles)?.key).toBe("ui_opt_required");
    expect(checkProfileName("   ", profiles)?.key).toBe("ui_opt_required");
    expect(checkProfileName("x".repeat(65), profiles)?.key).toBe("ui_opt_profile_name_long");
    expect(checkProfileName("名".repeat(64), profiles)).toBeNull();
    expect(checkProfileName("customer b", profiles)).toEqual({ key: "ui_opt_profile_name_taken", params: { name: "Customer B" } });
    expect(checkProfileName("CUSTOMER B", profiles, "p2")).toBeNull();
    expect(checkProfileName("work", profiles)).toBeNull();
  });
});

describe("source profiles of a role", () => {
  it("every other profile except those whose role leads back to it", () => {
    const a = profile("a");
    const b = profile("b", { kind: "role", roleArn: GOOD.roleArn, sourceProfileId: "a" });
    const c = profile("c", { kind: "role", roleArn: GOOD.roleArn, sourceProfileId: "b" });
    const d = profile("d");
    const all = [a, b, c, d];
    expect(sourceCandidates(all, "a").map((p) => p.id)).toEqual(["d"]); // b and c lead back to a
    expect(sourceCandidates(all, "b").map((p) => p.id)).toEqual(["a", "d"]); // c signs with b
    expect(sourceCandidates(all, "d").map((p) => p.id)).toEqual(["a", "b", "c"]);
    expect(sourceCandidates([a], "a")).toEqual([]);
  });
});

describe("default applicant", () => {
  it("every field optional; what is typed must be an address or a phone number", () => {
    const empty = { username: "", email: "", phone: "", validateType: "DNS" as const, productCode: "symantec-free-1-free" };
    expect(contactProblems(empty)).toEqual({});
    expect(contactProblems({ ...empty, email: "ops@example.com", phone: "+86 138-0000-0000" })).toEqual({});
    expect(contactProblems({ ...empty, email: "ops", phone: "call me" })).toEqual({ email: "ui_contact_email_invalid", phone: "ui_contact_phone_invalid" });
  });
});

describe("an endpoint that cannot be reached, in words", () => {
  const network = { code: "api.network", field: "DescribePackageState", params: { reason: "Failed to fetch" }, message: "DescribePackageState could not reach Alibaba Cloud: Failed to fetch." };

  it("names the endpoint (or Alibaba Cloud) in both languages, never the browser's text or the API", () => {
    const custom = KeysmithError.fromData(reachError(network, "http://127.0.0.1:9/"));
    const cloud = KeysmithError.fromData(reachError({ ...network, code: "api.timeout", params: { seconds: 30 } }, ""));
    expect(custom.localized("en")).toBe("Could not reach http://127.0.0.1:9: check the address, and that the service there (for example the local emulator) is running.");
    expect(custom.localized("zh_CN")).toContain("无法连接 http://127.0.0.1:9");
    expect(cloud.localized("en")).toContain("Could not reach Alibaba Cloud");
    expect(cloud.localized("zh_CN")).toContain("无法连接阿里云");
    for (const text of [custom.localized("en"), custom.localized("zh_CN"), cloud.localized("en"), cloud.localized("zh_CN")]) {
      expect(text).not.toMatch(/fetch|DescribePackageState/i);
    }
  });

  it("leaves other errors as the worker sent them", () => {
    const refused = { code: "api.auth", params: {}, message: "x" };
    expect(reachError(refused, "http://127.0.0.1:9")).toBe(refused);
  });
});
