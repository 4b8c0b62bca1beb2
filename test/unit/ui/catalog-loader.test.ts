// The pages' message loading: one language fetched from _locales/<lang>/messages.json, registered with the
// core's i18n once; a failed fetch leaves message keys showing and may be retried. Fresh module instances,
// because vitest's setup file has already registered every bundled catalogue in the shared ones.
import { afterEach, describe, expect, it, vi } from "vitest";

async function freshModules() {
  vi.resetModules();
  const i18n = await import("../../../src/core/i18n");
  const loader = await import("../../../src/ui/catalog-loader");
  return { i18n, loader };
}

const ZH = { ui_app_name: { message: "密钥匠" }, error_x: { message: "字段 {field} 无效" } };

afterEach(() => vi.unstubAllGlobals());

describe("catalog-loader", () => {
  it("fetches the language's messages.json once and registers it", async () => {
    const { i18n, loader } = await freshModules();
    const fetch = vi.fn(async (url: string) => new Response(JSON.stringify(url.includes("zh_CN") ? ZH : {}), { status: 200 }));
    vi.stubGlobal("fetch", fetch);
    expect(i18n.t("zh_CN", "ui_app_name")).toBe("ui_app_name");
    await Promise.all([loader.ensureCatalog("zh_CN"), loader.ensureCatalog("zh_CN")]);
    await loader.ensureCatalog("zh_CN");
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith("_locales/zh_CN/messages.json");
    expect(i18n.hasCatalog("zh_CN")).toBe(true);
    expect(i18n.hasCatalog("en")).toBe(false);
    expect(i18n.t("zh_CN", "error_x", { field: "CN" })).toBe("字段 CN 无效");
  });

  it("a failed fetch registers nothing, and the next call tries again", async () => {
    const { i18n, loader } = await freshModules();
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const fetch = vi.fn()
      .mockResolvedValueOnce(new Response("", { status: 404 }))
      .mockResolvedValueOnce(new Response(JSON.stringify(ZH), { status: 200 }));
    vi.stubGlobal("fetch", fetch);
    await loader.ensureCatalog("zh_CN");
    expect(i18n.hasCatalog("zh_CN")).toBe(false);
    expect(i18n.t("zh_CN", "ui_app_name")).toBe("ui_app_name");
    await loader.ensureCatalog("zh_CN");
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(i18n.t("zh_CN", "ui_app_name")).toBe("密钥匠");
  });
});

describe("i18n registry", () => {
  it("areas merge per language and a missing key falls back to English", async () => {
    const { i18n } = await freshModules();
    i18n.registerCatalog("en", { a: { message: "A" } });
    i18n.registerCatalog("en", { b: { message: "B {n}" } });
    i18n.registerCatalog("zh_CN", { a: { message: "甲" } });
    expect(i18n.t("en", "b", { n: 2 })).toBe("B 2");
    expect(i18n.t("zh_CN", "a")).toBe("甲");
    expect(i18n.t("zh_CN", "b", { n: 3 })).toBe("B 3");
    expect(i18n.translate("zh_CN", "nope")).toBeUndefined();
  });
});
