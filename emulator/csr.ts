// Reading a CSR the way the services need it, through the core's inspectCsr; failures become the
// cloud's InvalidParameter on the field that carried the CSR.
import { inspectCsr } from "../src/core/csr/inspect";
import type { KeySpecId } from "../src/core/key-spec";
import { CloudErrors } from "./cloud-error";
import { cryptoWithSm2 } from "./keys";

export interface ParsedCsr {
  keySpec?: KeySpecId;
  /** "RSA", "EC" or "SM2". */
  family: string;
  bits: number;
  commonName?: string;
  dnsNames: string[];
  spkiDer: Uint8Array;
}

const SM2_CURVE = "1.2.156.10197.1.301";

export async function parseCsr(pem: string, field: string): Promise<ParsedCsr> {
  let info;
  try {
    info = await inspectCsr(pem, { crypto: cryptoWithSm2 });
  } catch {
    throw CloudErrors.invalidParameter(field, "It is not a PEM certificate signing request.");
  }
  if (!info.signatureValid) throw CloudErrors.invalidParameter(field, "The CSR's signature does not verify.");
  const family = info.key.curveOid === SM2_CURVE ? "SM2" : info.key.algorithm;
  const commonName = info.subject.flat().find((a) => a.type === "CN")?.value;
  const dnsNames = info.sans.filter((s) => s.type === "dns").map((s) => s.value);
  return { keySpec: info.keySpec, family, bits: info.key.bits ?? 0, commonName, dnsNames, spkiDer: info.spkiDer };
}
