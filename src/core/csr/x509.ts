// @peculiar/x509 resolves its algorithm plug-ins through tsyringe, which refuses to load without the
// Reflect metadata API. Import the library through this module so the eval-free polyfill
// (./reflect-metadata.ts) always comes first, and so the SM2 plug-in is registered before anyone builds or
// parses a CSR.
import "./reflect-metadata";
export * from "@peculiar/x509";
