// The popup's Renewal form state (src/ui/renewal-form.ts): read from renewal.get, written as renewal.set,
// deploy bindings and the old upload's deletion only with the upload, the days field checked as the worker will.
import { describe, expect, it } from "vitest";
import { beforeDaysError, domainsOf, renewalInput, renewalRequest } from "../../../src/ui/renewal-form";

describe("renewal form", () => {
  it("round-trips a stored renewal", () => {
    const stored = {
      keyId: "k1",
      policy: { mode: "auto" as const, beforeDays: 20, fractionLeft: 1 / 3, key: "reuse" as const },
      uploadToCas: true,
      deploy: [{ target: "cdn" as const, domain: "www.example.com" }, { target: "cdn" as const, auto: true as const }],
      deleteOldUpload: true,
    };
    const input = renewalInput(stored);
    expect(input).toEqual({ mode: "auto", beforeDays: "20", key: "reuse", uploadToCas: true, cdnDomains: "www.example.com", cdnAuto: true, deleteOldUpload: true });
    expect(renewalRequest("k1", input, 1 / 3)).toEqual({ keyId: "k1", policy: stored.policy, uploadToCas: true, deploy: stored.deploy, deleteOldUpload: true });
    expect(renewalInput({ ...stored, deleteOldUpload: false }).deleteOldUpload).toBe(false); // the default
  });

  it("sends no deploy bindings and no old-upload deletion without the upload; splits and dedupes domains", () => {
    const input = { mode: "auto" as const, beforeDays: " 30 ", key: "new" as const, uploadToCas: false, cdnDomains: "a.example.com", cdnAuto: true, deleteOldUpload: true };
    expect(renewalRequest("k1", input)).toEqual({ keyId: "k1", policy: { mode: "auto", beforeDays: 30, key: "new" }, uploadToCas: false, deploy: [], deleteOldUpload: false });
    expect(domainsOf("A.example.com, b.example.com\n a.example.com;")).toEqual(["a.example.com", "b.example.com"]);
  });

  it.each([["0"], ["398"], ["1.5"], ["x"], [""]])("refuses %j days", (text) => expect(beforeDaysError(text)).toBe("ui_renewal_days_invalid"));
  it.each([["1"], ["30"], ["397"]])("takes %j days", (text) => expect(beforeDaysError(text)).toBeUndefined());
});
