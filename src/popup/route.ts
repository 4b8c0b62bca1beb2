// Where the popup starts. `popup.html#new-csr?names=a.example,b.example` fills CN and SANs (the context
// menu opens this, or stores the same as a pending form the worker hands over), `#orders?key=<id>` opens
// a new DV order for a key, `#orders?csr=<pem>` for a pasted CSR, `#keys` the key list, `#keys?open=<id>`
// the key list with that key's details (and exports) open (an issued order links there), `#account` every
// certificate of the cloud account (account.watch).
import type { PendingForm } from "../ui/worker-api";

export type TabId = "new-csr" | "keys" | "orders" | "account";

export interface Route {
  tab: TabId;
  names: string[];
  keyId?: string;
  csrPem?: string;
  /** `#keys?open=<id>`: the key whose details the Keys tab opens. */
  openKeyId?: string;
}

const TABS: readonly TabId[] = ["new-csr", "keys", "orders", "account"];

export function parseRoute(hash: string): Route {
  const [path, query = ""] = hash.replace(/^#/, "").split("?", 2);
  const params = new URLSearchParams(query);
  const tab = (TABS as readonly string[]).includes(path) ? (path as TabId) : "new-csr";
  const names = (params.get("names") ?? "").split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  return {
    tab, names, keyId: params.get("key") ?? undefined, csrPem: params.get("csr") ?? undefined,
    openKeyId: (tab === "keys" ? params.get("open") : null) ?? undefined,
  };
}

export function routeFromPending(p: PendingForm): Route {
  if (p.action === "submit-dv" && p.csrPem) return { tab: "orders", names: [], csrPem: p.csrPem, keyId: p.key?.id };
  if (p.action === "import-certificate") return { tab: "keys", names: [] };
  return { tab: "new-csr", names: p.names };
}
