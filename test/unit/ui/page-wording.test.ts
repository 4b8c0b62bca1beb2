// What the pages say in words rather than API names, in both languages: a pending create's candidates
// (src/popup/PendingCreateCard.tsx candidateFields, over every create's describe() in src/core/aliyun/operations),
// the worker's "no AccessKey saved" error for the extension beside the command line's own text, and the
// options' reconcile-minutes error with Chinese quotes.
import { describe, expect, it } from "vitest";
import { candidateFields } from "../../../src/popup/PendingCreateCard";
import { OPERATIONS } from "../../../src/core/aliyun/operations";
import { KeysmithError } from "../../../src/core/errors";
import { t, type Locale } from "../../../src/core/i18n";
import { localDate, localDateTime } from "../../../src/ui/dates";
import { productDetail, productName } from "../../../src/ui/product-names";
import { parseReconcileMinutes } from "../../../src/ui/settings-rules";

const tr = (locale: Locale) => (key: string) => t(locale, key);

describe("pending-create candidates", () => {
  it("name every field any create's candidate lists in words, in both languages", () => {
    const creates = OPERATIONS.filter((o) => o.reconcile);
    expect(creates.length).toBeGreaterThan(3);
    for (const op of creates) {
      const summary = op.reconcile!.describe({});
      // In English a word may equal the API's name ("Domain"), never a joined one ("DomainName", "CsrId", "RR").
      for (const f of candidateFields(summary, tr("en"), "en")) expect(f.label, `${op.action} ${f.name}`).not.toMatch(/^ui_|[a-z][A-Z]|^[A-Z]{2}$/);
      for (const f of candidateFields(summary, tr("zh_CN"), "zh_CN")) expect(f.label, `${op.action} ${f.name} (zh_CN)`).not.toBe(f.name);
    }
  });

  it("shows a cas order's fields in words: product and dates as the pages show them, the API name as the tooltip", () => {
    const summary = { OrderId: "1234", Domain: "www.example.com", ProductCode: "digicert-free-1-free", Status: "CHECKING", BuyDate: "2026-12-01T08:27:23.098Z" };
    const en = candidateFields(summary, tr("en"), "en");
    expect(en.map((f) => f.label)).toEqual(["Order ID", "Domain", "Product", "Status", "Placed"]);
    expect(en.map((f) => f.name)).toEqual(Object.keys(summary));
    expect(en[2]).toMatchObject({ value: productName("digicert-free-1-free", "en"), valueTitle: productDetail("digicert-free-1-free", "en") });
    expect(en[2]!.value).not.toContain("digicert-free");
    expect(en[4]!.value).toBe(localDateTime(summary.BuyDate, "en"));
    const zh = candidateFields(summary, tr("zh_CN"), "zh_CN");
    expect(zh.map((f) => f.label)).toEqual(["订单 ID", "域名", "产品", "状态", "下单时间"]);
    expect(zh[4]!.value).toBe(localDateTime(summary.BuyDate, "zh_CN"));
    const upload = candidateFields({ CertificateId: "77", EndDate: "2027-03-01" }, tr("en"), "en");
    expect(upload).toEqual([{ name: "CertificateId", label: "Certificate ID", value: "77" }, { name: "EndDate", label: "Valid until", value: localDate("2027-03-01", "en") }]);
    // A field this page does not know keeps its own name rather than vanishing.
    expect(candidateFields({ Mystery: "x" }, tr("en"), "en")).toEqual([{ name: "Mystery", label: "Mystery", value: "x" }]);
  });
});

describe("no AccessKey saved", () => {
  it("the extension's error says where to save one, for which profile; the command line keeps its environment variables", () => {
    const page = new KeysmithError("api.credentials.not_saved", { field: "AccessKey", params: { profile: "prod" } });
    expect(page.localized("en")).toBe('No AccessKey is saved for profile "prod": add one under "Alibaba Cloud credentials" in the options.');
    expect(page.localized("zh_CN")).toBe("账号配置「prod」尚未保存 AccessKey：请在选项页的「阿里云访问凭证」中添加。");
    for (const locale of ["en", "zh_CN"] as const) expect(page.localized(locale)).not.toMatch(/ALIBABA_CLOUD_/);
    expect(page.localized("en")).toContain(t("en", "ui_credentials"));
    expect(page.localized("zh_CN")).toContain(t("zh_CN", "ui_credentials"));
    const cli = new KeysmithError("api.credentials.missing", { field: "ALIBABA_CLOUD_ACCESS_KEY_ID" });
    expect(cli.localized("en")).toContain("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
    expect(cli.localized("zh_CN")).toContain("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
  });
});

describe("reconcile minutes", () => {
  it("quotes the typed value with 「」 in Chinese and \"\" in English", () => {
    const r = parseReconcileMinutes("99999");
    if (r.ok) throw new Error("99999 accepted");
    const err = KeysmithError.fromData(r.error);
    expect(err.localized("zh_CN")).toMatch(/「99999」/);
    expect(err.localized("zh_CN")).not.toMatch(/[“”]/);
    expect(err.localized("en")).toContain('"99999"');
  });
});
