// What an issued order card hands over: its certificates as one PEM (leaf first, no blank lines, whatever
// line endings cas sent), a file name like the Keys tab's, and the route its "exports" link opens.
import { describe, expect, it } from "vitest";
import { certificateBundle, certificateFileName } from "../../../src/popup/OrderCard";
import { parseRoute } from "../../../src/popup/route";

const LEAF = "-----BEGIN CERTIFICATE-----\r\nTEVBRg==\r\n-----END CERTIFICATE-----";
const CHAIN = "-----BEGIN CERTIFICATE-----\nQ0hBSU4=\n\n-----END CERTIFICATE-----";

describe("issued order card", () => {
  it("bundles leaf then chain as one PEM without blank lines or CRs", () => {
    expect(certificateBundle(`${LEAF}\r\n\r\n${CHAIN}\n`)).toBe(
      "-----BEGIN CERTIFICATE-----\nTEVBRg==\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nQ0hBSU4=\n-----END CERTIFICATE-----\n",
    );
    expect(certificateBundle("no certificate here")).toBe("");
  });

  it("names the file after the domain, wildcards spelled out", () => {
    expect(certificateFileName({ domain: "*.example.com", orderId: "1", id: "o1" })).toBe("wildcard.example.com.crt.pem");
    expect(certificateFileName({ domain: "", orderId: "98987582437920969", id: "o1" })).toBe("98987582437920969.crt.pem");
    expect(certificateFileName({ domain: "../evil name", id: "o2" })).toBe("evil_name.crt.pem");
  });

  it("#keys?open=<id> opens that key in the Keys tab and preselects no order key", () => {
    expect(parseRoute("#keys?open=abc123")).toMatchObject({ tab: "keys", openKeyId: "abc123", keyId: undefined });
    expect(parseRoute("#orders?open=abc123").openKeyId).toBeUndefined();
  });
});
