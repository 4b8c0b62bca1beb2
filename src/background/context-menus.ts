// The context menu on Alibaba Cloud console pages. Each item is one declarative entry: where it shows
// (contexts + the console URL patterns) and what a click does. Chrome cannot show an item depending on
// WHAT is selected, so items that need a CSR or certificate check the selection in their handler and
// say so when it holds none. "Insert CSR" has one child per recent CSR (rebuilt when keys change).
import { KeysmithError } from "../core/errors";
import { t, type Locale } from "../core/i18n";
import type { KeyView, PendingForm } from "../messages";
import { insertIntoFocusedField } from "../content/insert-csr";
import type { MenuProperties, Platform } from "../platform/platform";
import { toErrorData } from "./router";
import { certificatePreview, extractDomains, requirePem } from "./selection";
import type { Services } from "./services";

export const CONSOLE_URL_PATTERNS = ["https://*.console.aliyun.com/*", "https://*.console.alibabacloud.com/*"];
export const PENDING_FORM_KEY = "pendingForm";
const INSERT_PREFIX = "insert-csr:";
const INSERT_LIMIT = 8;

export interface MenuClick {
  menuItemId: string | number;
  selectionText?: string;
  frameId?: number;
  pageUrl?: string;
  editable?: boolean;
}
export interface MenuTab {
  id?: number;
  url?: string;
}

export interface MenuDeps {
  platform: Pick<Platform, "menus" | "storage" | "notify" | "injectFunction" | "openPopup">;
  services: Services;
  locale: () => Promise<Locale>;
  now: () => Date;
}

export interface MenuEntry {
  id: string;
  titleKey: string;
  contexts: MenuProperties["contexts"];
  run(click: MenuClick, tab: MenuTab | undefined, deps: MenuDeps): Promise<void>;
}

async function handOff(deps: MenuDeps, form: Omit<PendingForm, "createdAt">): Promise<void> {
  await deps.platform.storage.set(PENDING_FORM_KEY, { ...form, createdAt: deps.now().toISOString() });
  await deps.platform.openPopup();
}

export const MENU_ENTRIES: readonly MenuEntry[] = [
  {
    id: "create-csr",
    titleKey: "menu_create_csr",
    contexts: ["selection"],
    async run(click, _tab, deps) {
      const names = extractDomains(click.selectionText ?? "");
      if (names.length === 0) throw new KeysmithError("selection.domain.missing", { field: "selection" });
      await handOff(deps, { action: "new-csr", names });
    },
  },
  {
    id: "inspect-csr",
    titleKey: "menu_inspect_csr",
    contexts: ["selection"],
    async run(click, _tab, deps) {
      const csrPem = requirePem(click.selectionText ?? "", "CERTIFICATE REQUEST", "selection");
      const inspection = await deps.services.csr.inspect(csrPem, undefined, await deps.locale());
      await handOff(deps, { action: "inspect", names: inspection.sans, csrPem, inspection });
    },
  },
  {
    id: "submit-dv",
    titleKey: "menu_submit_dv",
    contexts: ["selection"],
    async run(click, _tab, deps) {
      const csrPem = requirePem(click.selectionText ?? "", "CERTIFICATE REQUEST", "selection");
      const inspection = await deps.services.csr.inspect(csrPem, "CreateCertificateWithCsrRequest", await deps.locale());
      await handOff(deps, { action: "submit-dv", names: inspection.sans, csrPem, inspection });
    },
  },
  {
    id: "import-certificate",
    titleKey: "menu_import_certificate",
    contexts: ["selection"],
    async run(click, _tab, deps) {
      // Parsed and shown, not stored: the popup's confirmation card imports it (keys.importCertificate with
      // confirm), after the user has seen subject, SANs, issuer, validity, fingerprint and what it replaces.
      const certificatePem = requirePem(click.selectionText ?? "", "CERTIFICATE", "selection");
      const certificate = certificatePreview(certificatePem, await deps.services.keys.list());
      await handOff(deps, { action: "import-certificate", names: certificate.sans, certificatePem, certificate });
    },
  },
  {
    id: "insert-csr",
    titleKey: "menu_insert_csr",
    contexts: ["editable"],
    async run(click, tab, deps) {
      const keyId = String(click.menuItemId).startsWith(INSERT_PREFIX) ? String(click.menuItemId).slice(INSERT_PREFIX.length) : undefined;
      const keys = await deps.services.keys.list();
      const key = keyId ? keys.find((k) => k.id === keyId) : recentCsrs(keys)[0];
      if (!key?.csrPem) throw new KeysmithError("selection.csr.none", { field: "csr" });
      if (tab?.id === undefined) throw new KeysmithError("menu.tab.missing");
      const result = (await deps.platform.injectFunction(tab.id, click.frameId, insertIntoFocusedField, [key.csrPem])) as
        | { inserted: boolean; reason?: string }
        | undefined;
      if (!result?.inserted) throw new KeysmithError("menu.insert.failed", { field: "editable", params: { reason: result?.reason ?? "-" } });
    },
  },
];

export function recentCsrs(keys: KeyView[]): KeyView[] {
  return keys
    .filter((k) => k.csrPem)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, INSERT_LIMIT);
}

/** (Re)create every item; "Insert CSR" gets one child per recent CSR. */
export async function installMenus(deps: MenuDeps): Promise<void> {
  const locale = await deps.locale();
  await deps.platform.menus.removeAll();
  for (const entry of MENU_ENTRIES) {
    await deps.platform.menus.create({
      id: entry.id,
      title: t(locale, entry.titleKey),
      contexts: entry.contexts,
      documentUrlPatterns: CONSOLE_URL_PATTERNS,
    });
  }
  let keys: KeyView[] = [];
  try {
    keys = await deps.services.keys.list();
  } catch {
    keys = []; // the vault not ready yet: the parent item still inserts the latest CSR
  }
  for (const key of recentCsrs(keys)) {
    await deps.platform.menus.create({
      id: `${INSERT_PREFIX}${key.id}`,
      parentId: "insert-csr",
      title: `${key.commonName || key.label} (${key.spec})`,
      contexts: ["editable"],
      documentUrlPatterns: CONSOLE_URL_PATTERNS,
    });
  }
}

/** Route a click to its entry. Failures become a notification in the user's language (there is no page to show them). */
export async function onMenuClick(click: MenuClick, tab: MenuTab | undefined, deps: MenuDeps): Promise<{ ok: boolean; error?: ReturnType<typeof toErrorData> }> {
  const id = String(click.menuItemId);
  const entry = MENU_ENTRIES.find((e) => e.id === id || (e.id === "insert-csr" && id.startsWith(INSERT_PREFIX)));
  if (!entry) return { ok: false };
  try {
    await entry.run(click, tab, deps);
    return { ok: true };
  } catch (err) {
    const error = toErrorData(err);
    const locale = await deps.locale();
    const text = err instanceof KeysmithError ? err.localized(locale) : error.message;
    await deps.platform.notify(`menu:${id}`, t(locale, "extension_name"), text);
    return { ok: false, error };
  }
}
