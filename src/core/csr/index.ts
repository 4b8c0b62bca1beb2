// The CSR engine's public face: make key pairs, make CSRs, read and lint them, and the SM2 plug-in.
export { generateKeyPair, signWithKeyPair, type KeyPair, type GenerateOptions } from "./key-pair";
export { createCsr, prepareCsrContent, prepareCsrRequest, defaultKeyUsage, PEM_LABEL_CSR, type CreateCsrOptions, type CsrRequest, type CsrResult } from "./create";
export * from "./openssl-command";
export { inspectCsr, describeSpki, type CsrInfo, type CsrKeyInfo } from "./inspect";
export { lintCsr, lintMessageKey, renderFinding, lintMessage, hasErrors, parseOperation, subjectRulesFor, type LintFinding, type LintOptions } from "./lint";
export {
  Sm2Algorithm,
  Sm2CapableCrypto,
  Sm2Key,
  registerSm2Algorithm,
  sm2Crypto,
  sm2CryptoKeys,
  signSm2,
  verifySm2,
  sm2Spki,
  sm2PublicKeyFromSpki,
  sm2PublicKeyFromPrivate,
  generateSm2KeyPair,
  SM2_ALGORITHM_NAME,
} from "./sm2";
export * from "./oids";
export * from "./usages";
