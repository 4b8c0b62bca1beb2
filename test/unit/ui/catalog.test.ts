// Every ui_ key the pages use exists in both languages, including keys built from catalogue values.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import en from "../../../_locales/en/ui.json";
import zh from "../../../_locales/zh_CN/ui.json";
import { KEY_SPECS } from "../../../src/ui/worker-api";
import { KMS_REGIONS } from "../../../src/options/endpoint";
import { USAGE_CHOICES } from "../../../src/ui/usages";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

const sources = ["src/ui", "src/popup", "src/options"].flatMap(files).map((f) => readFileSync(f, "utf8"));
const literal = new Set(sources.flatMap((s) => [...s.matchAll(/"(ui_[A-Za-z0-9_]+)"/g)].map((m) => m[1])));
literal.delete("ui_key"); // an example in a comment
const built = [
  ...KEY_SPECS.map((k) => `ui_keyspec_${k}`),
  ...["RSA_4096", "EC_P256", "EC_SM2"].map((k) => `ui_keyspec_hint_${k}`),
  ...["RSA_2048", "EC_P256", "EC_SM2"].map((k) => `ui_kms_spec_${k}`),
  ...["csr", "ordered", "issued", "expired"].map((k) => `ui_key_state_${k}`),
  ...["new-csr", "inspect", "submit-dv", "import-certificate"].map((a) => `ui_pending_${a.replace(/-/g, "_")}`),
  ...["dv", "kms", "generic"].flatMap((p) => [`ui_profile_${p}`, `ui_profile_${p}_rules`]),
  ...["CreateCertificateWithCsrRequest", "CreateCertificateRequest", "CreateCsr", "KmsCreateCertificate"].flatMap((o) => [`ui_op_${o}`, `ui_op_${o}_hint`]),
  ...["CN", "O", "OU", "C", "ST", "L", "emailAddress"].flatMap((f) => [`ui_subject_${f}`, `ui_subject_${f}_hint`]),
  ...["pkcs8", "pkcs8_encrypted", "pkcs1", "sec1", "pkcs12", "pkcs12_legacy", "pem_bundle", "certificate"].flatMap((f) => [`ui_export_${f}`, `ui_export_${f}_hint`]),
  ...["error", "warning", "info"].map((s) => `ui_severity_${s}`),
  ...["submitted", "validation", "review", "issued", "failed", "cancelled", "csr_ready", "pending_csr", "unknown"].map((s) => `ui_state_${s}`),
  ...KMS_REGIONS.map((r) => `ui_region_${r.replace(/-/g, "_")}`),
  ...USAGE_CHOICES.flatMap((u) => [`ui_usage_${u.replace("-", "_")}`, `ui_usage_${u.replace("-", "_")}_hint`]),
];
const errorCodes = new Set(sources.flatMap((s) => [...s.matchAll(/"(ui\.[a-z_.]+)"/g)].map((m) => `error_${m[1].replace(/[^A-Za-z0-9]/g, "_")}`)));

describe("ui catalogues", () => {
  it.each([...literal, ...built, ...errorCodes])("%s is in English and Chinese", (key) => {
    expect((en as Record<string, { message: string }>)[key]?.message, `en ${key}`).toBeTruthy();
    expect((zh as Record<string, { message: string }>)[key]?.message, `zh_CN ${key}`).toBeTruthy();
  });

  it("has the same keys and placeholders in both languages", () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    const holes = (m: string) => [...m.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort();
    for (const [k, v] of Object.entries(en)) expect(holes((zh as Record<string, { message: string }>)[k].message), k).toEqual(holes(v.message));
  });

  it("Chinese strings are Chinese where the English is a sentence", () => {
    const sentences = Object.entries(en).filter(([, v]) => / [a-z]+ [a-z]+ /.test(v.message)).map(([k]) => k);
    for (const k of sentences) expect((zh as Record<string, { message: string }>)[k].message, k).toMatch(/[\u4e00-\u9fff]/);
  });
});
