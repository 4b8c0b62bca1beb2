// keys.*: the vault, through KeyService. Nothing returned here holds private key material.
import { KeysmithError, fail } from "../../core/errors";
import type { Handler } from "../router";
import { certificatePreview } from "../selection";
import type { Services } from "../services";

export function keyHandlers(services: Services, onKeysChanged: () => Promise<void>) {
  const changed = async <T>(value: T): Promise<T> => {
    await onKeysChanged();
    return value;
  };
  const handlers: {
    "keys.create": Handler<"keys.create">;
    "keys.list": Handler<"keys.list">;
    "keys.get": Handler<"keys.get">;
    "keys.delete": Handler<"keys.delete">;
    "keys.export": Handler<"keys.export">;
    "keys.importCertificate": Handler<"keys.importCertificate">;
    "keys.previewCertificate": Handler<"keys.previewCertificate">;
    "keys.backup": Handler<"keys.backup">;
    "keys.restore": Handler<"keys.restore">;
  } = {
    "keys.create": async (p) => changed(await services.keys.create(p)),
    "keys.list": () => services.keys.list(),
    "keys.get": (p) => services.keys.get(p.keyId),
    "keys.delete": async (p) => {
      if (!p.confirm) fail("keys.delete.unconfirmed", "confirm");
      await services.keys.delete(p.keyId, { confirm: true, force: p.force });
      return changed({ deleted: true as const });
    },
    "keys.export": (p) => services.keys.export(p),
    // A page imports a certificate only after showing its preview (subject, SANs, issuer, validity,
    // fingerprint) and the user confirming; replacing a certificate of another issuer is confirmed as such.
    "keys.previewCertificate": async (p) => certificatePreview(p.pem, await services.keys.list()),
    "keys.importCertificate": async (p) => {
      if (p.confirm !== true) fail("keys.import.unconfirmed", "confirm");
      const preview = certificatePreview(p.pem, await services.keys.list());
      if (preview.issuerChanged && p.acceptIssuerChange !== true) {
        throw new KeysmithError("keys.import.issuer_changed", {
          field: "acceptIssuerChange",
          params: { current: preview.replaces?.issuer ?? "-", issuer: preview.issuer },
        });
      }
      return changed(await services.keys.importCertificate(p.pem));
    },
    "keys.backup": (p) => services.keys.backup(p.passphrase),
    "keys.restore": async (p) => {
      let bytes: Uint8Array;
      try {
        bytes = Uint8Array.from(atob(p.data.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
      } catch {
        fail("keys.restore.not_base64", "data");
      }
      const keys = await services.keys.restore(bytes, p.passphrase);
      return changed({ restored: keys.length, keys });
    },
  };
  return handlers;
}
