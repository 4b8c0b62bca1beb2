// The key usages a CSR made in the popup asks for, as three choices a person can make without knowing
// RFC 5280: a TLS server (the default, what `keysmith csr --key-usage default --ext-key-usage serverAuth`
// requests), a server that is also a TLS client (mutual TLS), or none (the CA decides). keyUsage is always the
// key family's usual set (core `defaultKeyUsage`: RSA digitalSignature + keyEncipherment, EC/SM2
// digitalSignature), so a key's CSR and its renewal say the same thing.
import { defaultKeyUsage, TLS_SERVER_EXT_KEY_USAGE, type ExtKeyUsageName, type KeyUsageName } from "../core/csr/usages";
import type { KeySpecId } from "./worker-api";

export type UsageChoice = "server" | "server-client" | "none";
export const USAGE_CHOICES: readonly UsageChoice[] = ["server", "server-client", "none"];

export interface Usages {
  keyUsage: KeyUsageName[];
  extKeyUsage: ExtKeyUsageName[];
}

/** What a choice requests for a key of `spec` (sent as csr.create's keyUsage / extKeyUsage). */
export function usagesFor(choice: UsageChoice, spec: KeySpecId): Usages {
  if (choice === "none") return { keyUsage: [], extKeyUsage: [] };
  const ext = choice === "server-client" ? [...TLS_SERVER_EXT_KEY_USAGE, "clientAuth" as const] : [...TLS_SERVER_EXT_KEY_USAGE];
  return { keyUsage: defaultKeyUsage({ spec }), extKeyUsage: ext };
}

/** The choice that matches what an earlier CSR asked for (a renewal starts from it); clientAuth → server-client. */
export function choiceOf(found: { keyUsage?: readonly string[]; extKeyUsage?: readonly string[] }): UsageChoice {
  const ext = found.extKeyUsage ?? [];
  if (ext.length === 0 && (found.keyUsage ?? []).length === 0) return "none";
  return ext.includes("clientAuth") ? "server-client" : "server";
}
