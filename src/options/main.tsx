import { render } from "preact";
import "../ui/styles.css";
import "./options.css";
import { createWorkerClient } from "../ui/worker-client";
import { ensureCatalog } from "../ui/catalog-loader";
import { resolveLocale } from "../ui/locale";
import { pageApi } from "../ui/page-api";
import { cachedSettings } from "../ui/settings-cache";
import { OptionsApp } from "./OptionsApp";

// The page waits for the worker's settings before it shows text; pageApi holds that reply until its
// language's messages are loaded. Fetching the likely language now overlaps the two.
void ensureCatalog(resolveLocale(cachedSettings().language));
render(<OptionsApp api={pageApi(createWorkerClient())} />, document.getElementById("app")!);
