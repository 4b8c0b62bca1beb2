import { render } from "preact";
import "../ui/styles.css";
import { createWorkerClient, setRequestLocale } from "../ui/worker-client";
import { ensureCatalog } from "../ui/catalog-loader";
import { resolveLocale } from "../ui/locale";
import { pageApi } from "../ui/page-api";
import { cachedSettings } from "../ui/settings-cache";
import { PopupApp, startFirstSync } from "./PopupApp";

// When the bundle has been fetched and evaluated (bench/popup.ts reports it beside "keysmith-ready").
performance.mark("keysmith-script");

// The first render is in the language of the last settings seen; its messages are fetched while the worker
// is asked for its settings and the pending form, and the page renders as soon as the messages are in.
const locale = resolveLocale(cachedSettings().language);
setRequestLocale(locale);
const api = pageApi(createWorkerClient());
const firstSync = startFirstSync(api);
void ensureCatalog(locale).then(() => {
  performance.mark("keysmith-catalog");
  render(<PopupApp api={api} firstSync={firstSync} />, document.getElementById("app")!);
});
