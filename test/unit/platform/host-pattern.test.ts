// The host-permission patterns for an endpoint override (src/platform/host-pattern.ts).
import { describe, expect, it } from "vitest";
import { hostPermissionPattern, hostPermissionPatterns } from "../../../src/platform/host-pattern";

describe("host-permission patterns", () => {
  it("ask Chrome/Edge for the origin with its port, so no other port of the host is granted", () => {
    expect(hostPermissionPattern("http://127.0.0.1:8787")).toBe("http://127.0.0.1:8787/*");
    expect(hostPermissionPattern("https://cas.example.net")).toBe("https://cas.example.net/*");
    expect(hostPermissionPattern("http://[::1]:8787")).toBe("http://[::1]:8787/*");
  });
  it("ask Firefox (patterns without ports) for the host", () => {
    expect(hostPermissionPattern("http://127.0.0.1:8787", true)).toBe("http://127.0.0.1/*");
    expect(hostPermissionPattern("https://cas.example.net", true)).toBe("https://cas.example.net/*");
    expect(hostPermissionPattern("http://[::1]:8787", true)).toBe("http://[::1]/*");
  });
  it("accept the host's pattern or the origin's own", () => {
    expect(hostPermissionPatterns("http://127.0.0.1:8787")).toEqual(["http://127.0.0.1/*", "http://127.0.0.1:8787/*"]);
    expect(hostPermissionPatterns("https://cas.example.net")).toEqual(["https://cas.example.net/*"]);
  });
});
