// The worker's floor for a passphrase that protects a key in a file (keys.export's encrypted PKCS#8 and PFX,
// keys.backup): the pages' rule, EXPORT_PASSPHRASE_MIN characters counted as code points, not only spaces,
// whatever a page let through; the vault's own passphrase keeps its floor.
import { describe, expect, it } from "vitest";
import { PAYLOAD_SCHEMAS } from "../../../src/background/payload-schemas";
import { PASSPHRASE_MIN_LENGTH } from "../../../src/messages";
import { EXPORT_PASSPHRASE_MIN } from "../../../src/ui/passphrase-rules";
import { KeysmithError } from "../../../src/core/errors";

function outcome(f: () => unknown): string {
  try {
    f();
    return "accepted";
  } catch (err) {
    return err instanceof KeysmithError ? `${err.code} ${err.field} min=${err.params.min}` : String(err);
  }
}

const exportOf = (passphrase: string, format = "pkcs12") => () => PAYLOAD_SCHEMAS["keys.export"].check({ keyId: "k", format, passphrase }, "payload");
const backupOf = (passphrase: string) => () => PAYLOAD_SCHEMAS["keys.backup"].check({ passphrase }, "payload");

describe("export and backup passphrase floor", () => {
  const short = "a".repeat(EXPORT_PASSPHRASE_MIN - 1);
  const enough = "a".repeat(EXPORT_PASSPHRASE_MIN);

  it("is the pages' rule, above the vault's", () => {
    expect(EXPORT_PASSPHRASE_MIN).toBe(12);
    expect(EXPORT_PASSPHRASE_MIN).toBeGreaterThan(PASSPHRASE_MIN_LENGTH);
  });

  it("refuses one character short for PFX, legacy PFX, encrypted PKCS#8 and the backup, naming the field and the minimum", () => {
    const refusal = `passphrase.too_short payload.passphrase min=${EXPORT_PASSPHRASE_MIN}`;
    for (const format of ["pkcs12", "pkcs12-legacy", "pkcs8-encrypted"]) expect(outcome(exportOf(short, format)), format).toBe(refusal);
    expect(outcome(backupOf(short))).toBe(refusal);
    expect(outcome(backupOf(" ".repeat(20)))).toBe(refusal);
    // A passphrase the vault would take (its floor) is still too short for a file.
    expect(outcome(exportOf("a".repeat(PASSPHRASE_MIN_LENGTH)))).toBe(refusal);
    const err = (() => { try { exportOf(short)(); } catch (e) { return e as KeysmithError; } })()!;
    expect(err.localized("en")).toContain(`at least ${EXPORT_PASSPHRASE_MIN} characters`);
    expect(err.localized("zh_CN")).toContain(`至少需要 ${EXPORT_PASSPHRASE_MIN} 个字符`);
  });

  it("accepts the minimum, counted in code points", () => {
    expect(outcome(exportOf(enough))).toBe("accepted");
    expect(outcome(backupOf(enough))).toBe("accepted");
    expect(outcome(exportOf("密钥导出口令不要告诉别人", "pkcs8-encrypted"))).toBe("accepted");
    // Six emoji are twelve UTF-16 units but six characters.
    expect(outcome(exportOf("🔑".repeat(6)))).toBe(`passphrase.too_short payload.passphrase min=${EXPORT_PASSPHRASE_MIN}`);
  });

  it("leaves formats without a passphrase alone", () => {
    expect(outcome(() => PAYLOAD_SCHEMAS["keys.export"].check({ keyId: "k", format: "pkcs8", unencrypted: true }, "payload"))).toBe("accepted");
  });
});
