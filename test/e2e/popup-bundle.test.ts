// The built popup stays within its budget: at most 40 KB of JavaScript gzip, and no heavy crypto
// (@peculiar/*, sm-crypto) in the pages: key making, signing and exports run in the worker only.
import { describe, expect, it } from "vitest";
import { CHROME_DIST, ensureExtensionBuilt } from "./harness";
import { measurePage } from "../unit/ui/bundle-size";

describe("page bundles", () => {
  ensureExtensionBuilt();
  it.each(["popup.html", "options.html"])("%s loads no heavy crypto", (page) => {
    expect(measurePage(CHROME_DIST, page).heavy).toEqual([]);
  });
  it("popup JS is at most 40 KB gzip", () => {
    const b = measurePage(CHROME_DIST, "popup.html");
    expect(b.jsGzip, `${b.files.join(", ")}: ${b.jsGzip} bytes gzip`).toBeLessThanOrEqual(40 * 1024);
  });
});
