// src/core/csr/reflect-metadata.ts: the Reflect metadata API tsyringe (inside @peculiar/x509) needs, without
// eval. Own and inherited lookups, keys, delete, the decorator form, and the library loading on top of it.
import { describe, expect, it } from "vitest";
import { reflectMetadataApi as api } from "../../../src/core/csr/reflect-metadata";
import * as x509 from "../../../src/core/csr/x509";

describe("the eval-free Reflect metadata polyfill", () => {
  it("keeps metadata per object and per property, and finds a parent's through the prototype chain", () => {
    class Base {}
    class Child extends Base {}
    api.defineMetadata("design:paramtypes", [String], Base);
    api.defineMetadata("tokens", { 0: "a" }, Base, "method");
    expect(api.getOwnMetadata("design:paramtypes", Base)).toEqual([String]);
    expect(api.getOwnMetadata("design:paramtypes", Child)).toBeUndefined();
    expect(api.getMetadata("design:paramtypes", Child)).toEqual([String]);
    expect(api.hasMetadata("design:paramtypes", Child)).toBe(true);
    expect(api.hasOwnMetadata("design:paramtypes", Child)).toBe(false);
    expect(api.getMetadata("tokens", Base)).toBeUndefined();
    expect(api.getMetadata("tokens", Child, "method")).toEqual({ 0: "a" });

    api.defineMetadata("design:paramtypes", [Number], Child);
    expect(api.getMetadata("design:paramtypes", Child)).toEqual([Number]);
    expect(api.getMetadataKeys(Child).sort()).toEqual(["design:paramtypes"]);
    expect(api.deleteMetadata("design:paramtypes", Child)).toBe(true);
    expect(api.getMetadata("design:paramtypes", Child)).toEqual([String]);
  });

  it("the decorator form defines on the decorated target, and a primitive target is a TypeError", () => {
    class Decorated {}
    api.metadata("role", "plug-in")(Decorated);
    expect(api.getOwnMetadata("role", Decorated)).toBe("plug-in");
    expect(() => api.getMetadata("role", 42)).toThrow(TypeError);
  });

  it("is the global Reflect API, and @peculiar/x509 (through tsyringe) works on it", async () => {
    const reflect = Reflect as unknown as Record<string, unknown>;
    for (const name of ["getMetadata", "getOwnMetadata", "defineMetadata"]) expect(typeof reflect[name]).toBe("function");
    const keys = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: "CN=reflect.example", keys, signingAlgorithm: { name: "ECDSA", hash: "SHA-256" } });
    expect(await csr.verify()).toBe(true);
  });
});
