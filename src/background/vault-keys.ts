// KeyService over the key vault (src/background/vault): the vault's plain-data views become the
// protocol's KeyView, exports become ExportResult. The vault is opened lazily, once per worker life.
import { KeysmithError, fail } from "../core/errors";
import { isSubjectRulesName, subjectFromFields } from "../core/subject";
import { inspectCsr, prepareCsrContent } from "../core/csr";
import type { KeyView } from "../messages";
import { exportBackup, openVault, type Vault, type VaultKey } from "./vault";
import type { CsrService, KeyService } from "./services";

export interface VaultKeysOptions {
  /** Local order ids still open, so deleting a key with an open order is refused first. */
  openOrderIds: () => Promise<Set<string>>;
  /**
   * Local order id → the profile it was placed under, for the orders that ended in a certificate (issued):
   * a key's KeyView.profileId is that of the last such order among its orderIds. Absent: no profileId.
   */
  orderProfiles?: () => Promise<Map<string, string>>;
  csr: CsrService;
  openVault?: () => Promise<Vault>;
  /** The clock for the backup file's date (default: the system's). */
  now?: () => Date;
}

export function toKeyView(key: VaultKey, openOrders: Set<string>, orderProfiles?: Map<string, string>): KeyView {
  const view: KeyView = { ...key, openOrders: key.orderIds.filter((id) => openOrders.has(id)).length };
  // The profile of the order whose certificate the key was paired with: the latest issued one it holds.
  const paired = orderProfiles ? [...key.orderIds].reverse().find((id) => orderProfiles.has(id)) : undefined;
  if (paired !== undefined) view.profileId = orderProfiles!.get(paired)!;
  return view;
}

function base64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function fileBase(key: VaultKey): string {
  return (key.commonName || key.label || key.id).replace(/^\*\./, "wildcard.").replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80);
}

export function createVaultKeys(options: VaultKeysOptions): KeyService & { vault(): Promise<Vault> } {
  let vaultPromise: Promise<Vault> | undefined;
  const vault = () =>
    (vaultPromise ??= (options.openVault ?? (() => openVault({ openOrders: async (k) => { const open = await options.openOrderIds(); return k.orderIds.filter((id) => open.has(id)); } })))().then(
      async (v) => {
        await v.persist().catch(() => false); // ask once that the browser not evict the keys
        return v;
      },
      (err) => {
        vaultPromise = undefined;
        throw err;
      },
    ));
  const orderProfiles = async () => (options.orderProfiles ? options.orderProfiles() : undefined);
  const view = async (key: VaultKey) => toKeyView(key, await options.openOrderIds(), await orderProfiles());

  return {
    vault,
    async create(req) {
      return view(await (await vault()).createKey({ spec: req.spec, exportable: req.exportable, label: req.label }));
    },
    async createCsr(req, locale) {
      const v = await vault();
      const rules = isSubjectRulesName(req.operation) ? req.operation : undefined;
      const subject = subjectFromFields(req.subject);
      let keyId = req.keyId;
      if (keyId) {
        const existing = await v.get(keyId);
        if (existing.spec !== req.spec) fail("csr.key.spec_mismatch", "spec", { spec: req.spec, keySpec: existing.spec });
      } else {
        // Check the request before a key is made, so a refused subject leaves no orphan key behind.
        prepareCsrContent({ subject, sans: req.sans, rules });
        keyId = (await v.createKey({ spec: req.spec, exportable: req.exportable, label: req.label })).id;
      }
      let made;
      try {
        // Absent usages: the TLS-server set (the family's keyUsage, serverAuth); an empty list: none.
        const usages = { keyUsage: req.keyUsage ?? true, extKeyUsage: req.extKeyUsage ?? true } as const;
        made = await v.createCsr(keyId, { subject, sans: req.sans, rules, ...usages }, !req.label && !req.keyId);
      } catch (err) {
        if (!req.keyId) await v.delete(keyId, { confirm: true, force: true }).catch(() => undefined);
        throw err;
      }
      const inspection = await options.csr.inspect(made.csrPem, req.operation, locale);
      return { key: await view(made.key), csrPem: made.csrPem, inspection };
    },
    async list() {
      const [open, profiles] = [await options.openOrderIds(), await orderProfiles()];
      return (await (await vault()).list()).map((k) => toKeyView(k, open, profiles));
    },
    async get(keyId) {
      return view(await (await vault()).get(keyId));
    },
    async delete(keyId, opts) {
      await (await vault()).delete(keyId, opts);
    },
    async export(req) {
      const v = await vault();
      const key = await v.get(req.keyId);
      const base = fileBase(key);
      const pem = (filename: string, data: string) => ({ filename, data, binary: false, mediaType: "application/x-pem-file" });
      const needPassphrase = () => req.passphrase || fail("export.passphrase.required", "passphrase");
      switch (req.format) {
        case "certificate":
          if (!key.certificate) throw new KeysmithError("export.pkcs12.no_certificate", { field: "certificate" });
          return pem(`${base}.crt.pem`, key.certificate.pem);
        case "pkcs8-encrypted":
          return pem(`${base}.key.pem`, await v.exportPkcs8(req.keyId, needPassphrase()));
        case "pkcs12":
        case "pkcs12-legacy": {
          const bytes = await v.exportPkcs12(req.keyId, needPassphrase(), { legacy: req.format === "pkcs12-legacy" });
          return { filename: `${base}.pfx`, data: base64(bytes), binary: true, mediaType: "application/x-pkcs12" };
        }
        case "pkcs8":
        case "pkcs1":
        case "sec1":
        case "pem-bundle": {
          if (req.unencrypted !== true) throw new KeysmithError("export.unencrypted.not_confirmed", { field: "unencrypted" });
          const kind = req.format === "pem-bundle" ? "bundle" : req.format;
          return pem(`${base}.${req.format === "pem-bundle" ? "bundle" : "key"}.pem`, await v.exportPem(req.keyId, kind, { unencrypted: true }));
        }
      }
    },
    async importCertificate(pemText) {
      return view(await (await vault()).importCertificate(pemText));
    },
    async importCloudKey(req) {
      const key = await (await vault()).importIssuedKey({ privateKey: req.privateKeyPem, certificate: req.certificatePem, origin: "cloud", orderId: req.orderId });
      return view(key);
    },
    async backup(passphrase) {
      return exportBackup(await vault(), passphrase, options.now?.() ?? new Date());
    },
    async restore(data, passphrase) {
      const [open, profiles] = [await options.openOrderIds(), await orderProfiles()];
      return (await (await vault()).restore(data, passphrase)).map((k) => toKeyView(k, open, profiles));
    },
    async linkOrder(keyId, orderId) {
      await (await vault()).linkOrder(keyId, orderId);
    },
    async setState(keyId, state) {
      await (await vault()).setState(keyId, state);
    },
    async keyForCsr(csrPem) {
      const info = await inspectCsr(csrPem);
      return (await (await vault()).findBySpki(info.spkiDer))?.id;
    },
  };
}
