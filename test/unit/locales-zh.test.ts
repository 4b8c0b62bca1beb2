// The Simplified Chinese catalogues read as Chinese: 「」 quotes (not “” or ASCII quotes around words), full-width
// punctuation beside Chinese text, one word for each thing the extension's pages and worker name (the custom
// endpoint, the vault, an account profile), and no API operation name inside a page's or the worker's sentence.
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const dir = join(import.meta.dirname, "../../_locales/zh_CN");
const catalogues = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .map((file) => ({ file, messages: JSON.parse(readFileSync(join(dir, file), "utf8")) as Record<string, { message: string }> }));
const entries = catalogues.flatMap(({ file, messages }) => Object.entries(messages).map(([key, { message }]) => ({ file, key, message })));
/** What the extension's pages and worker show (the CLI's own catalogues may name commands and operations). */
const extensionEntries = entries.filter((e) => e.file === "ui.json" || e.file === "background.json");
const CJK = "\\u4e00-\\u9fff";

describe("zh_CN catalogues", () => {
  it("quote with 「」, never “”", () => {
    expect(entries.filter((e) => /[“”]/.test(e.message)).map((e) => `${e.file} ${e.key}: ${e.message}`)).toEqual([]);
  });

  it("use full-width punctuation beside Chinese text", () => {
    const halfWidth = new RegExp(`[${CJK}][,:;()!?]|[,;(!?][${CJK}]|\\)[${CJK}]`);
    expect(entries.filter((e) => halfWidth.test(e.message)).map((e) => `${e.file} ${e.key}: ${e.message}`)).toEqual([]);
  });

  it("name the endpoint, the vault and profiles with one word each in the extension", () => {
    const others = /端点|接入地址|保管库|配置档/;
    expect(extensionEntries.filter((e) => others.test(e.message)).map((e) => `${e.file} ${e.key}: ${e.message}`)).toEqual([]);
  });

  it("keep API operation names and browser errors out of the extension's sentences", () => {
    const api = /\b(Create|Upload|Describe|Delete|Add|Get|List)[A-Z][A-Za-z]+|Failed to fetch|\bcas\b/;
    // ui_order_operation_detail is the detail line (a tooltip) that names the operation on purpose.
    const found = extensionEntries.filter((e) => e.key !== "ui_order_operation_detail" && api.test(e.message.replace(/\{\w+\}/g, "")));
    expect(found.map((e) => `${e.file} ${e.key}: ${e.message}`)).toEqual([]);
  });
});
