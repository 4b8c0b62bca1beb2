// The popup's pure pieces for key usages, renewal and the expiry badge: what each usage choice requests
// (the CLI's `default` keyUsage and serverAuth for a TLS server), which choice an earlier CSR maps back to,
// the openssl command carrying the same -addext lines as the CLI's, and the badge following expiryWarningDays.
import { describe, expect, it } from "vitest";
import { defaultKeyUsage } from "../../../src/core/csr";
import { openSslReqCommand } from "../../../src/core/csr/openssl-command";
import { subjectFromFields } from "../../../src/core/subject";
import { choiceOf, USAGE_CHOICES, usagesFor } from "../../../src/ui/usages";
import { opensslCommand } from "../../../src/ui/openssl-command";
import { EMPTY_SUBJECT, KEY_SPECS, type KeyView } from "../../../src/ui/worker-api";
import { expiryBadgeDays } from "../../../src/popup/KeysView";

describe("usage choices", () => {
  it("a TLS server asks for the CLI's default keyUsage for the spec and serverAuth", () => {
    for (const spec of KEY_SPECS) {
      expect(usagesFor("server", spec)).toEqual({ keyUsage: defaultKeyUsage({ spec }), extKeyUsage: ["serverAuth"] });
      expect(usagesFor("server-client", spec).extKeyUsage).toEqual(["serverAuth", "clientAuth"]);
      expect(usagesFor("none", spec)).toEqual({ keyUsage: [], extKeyUsage: [] });
    }
    expect(usagesFor("server", "RSA_2048").keyUsage).toEqual(["digitalSignature", "keyEncipherment"]);
    expect(usagesFor("server", "EC_SM2").keyUsage).toEqual(["digitalSignature"]);
  });

  it("maps what a CSR asked for back to the choice that makes it again", () => {
    for (const choice of USAGE_CHOICES) {
      const asked = usagesFor(choice, "EC_P256");
      expect(choiceOf(asked)).toBe(choice);
    }
    expect(choiceOf({})).toBe("none");
    expect(choiceOf({ keyUsage: ["digitalSignature"] })).toBe("server");
  });
});

describe("the popup's openssl command", () => {
  const subject = { ...EMPTY_SUBJECT, CN: "a.example.com", O: "O'Brien/Co", C: "CN" };

  it("is the CLI's command for the same spec, subject, SANs and usages", () => {
    const usages = usagesFor("server-client", "RSA_3072");
    const popup = opensslCommand("RSA_3072", subject, ["a.example.com", "10.0.0.1"], usages);
    const cli = openSslReqCommand({
      spec: "RSA_3072",
      subject: subjectFromFields({ CN: subject.CN, O: subject.O, C: subject.C }),
      sans: [{ type: "dns", value: "a.example.com" }, { type: "ip", value: "10.0.0.1" }],
      ...usages,
      keyOut: "key.pem",
      csrOut: "request.csr",
    });
    expect(popup).toBe(cli);
    expect(popup).toContain("-addext keyUsage=critical,digitalSignature,keyEncipherment");
    expect(popup).toContain("-addext extendedKeyUsage=serverAuth,clientAuth");
    expect(popup).toContain("-addext subjectAltName=DNS:a.example.com,IP:10.0.0.1");
  });

  it("leaves out the usage lines when the CSR asks for none", () => {
    const cmd = opensslCommand("EC_P256", subject, ["a.example.com"], usagesFor("none", "EC_P256"));
    expect(cmd).not.toContain("keyUsage");
    expect(cmd).toContain(`-subj '/C=CN/O=O'\\''Brien\\/Co/CN=a.example.com'`);
  });
});

describe("the expiry badge", () => {
  const now = Date.UTC(2026, 10, 1);
  const key = (days: number, state: KeyView["state"] = "issued"): KeyView => ({
    id: "k", label: "k", spec: "EC_P256", exportable: true, createdAt: "", state, subject: "", commonName: "k", sans: [], orderIds: [], openOrders: 0,
    notAfter: new Date(now + days * 86_400_000 + 3_600_000).toISOString(),
  });

  it("shows the whole days left when they are within the warning days, not before", () => {
    expect(expiryBadgeDays(key(45), 30, now)).toBeUndefined();
    expect(expiryBadgeDays(key(45), 60, now)).toBe(45);
    expect(expiryBadgeDays(key(30), 30, now)).toBe(30);
    expect(expiryBadgeDays(key(0), 1, now)).toBe(0);
  });

  it("shows none for a key without a certificate or one already expired", () => {
    expect(expiryBadgeDays({ ...key(5), notAfter: undefined }, 30, now)).toBeUndefined();
    expect(expiryBadgeDays(key(-3), 30, now)).toBeUndefined();
    expect(expiryBadgeDays(key(5, "expired"), 30, now)).toBeUndefined();
  });
});
