// Side effect: registers every catalogue area in both languages with the core's i18n (src/core/i18n.ts).
// Imported first by the CLI, the background worker and the emulator, and by vitest's setup file; never by
// the popup or options page (they fetch their one language's messages.json: src/ui/catalog-loader.ts).
import enCore from "../../_locales/en/core.json";
import enVault from "../../_locales/en/vault.json";
import enApi from "../../_locales/en/api.json";
import enEmulator from "../../_locales/en/emulator.json";
import enUi from "../../_locales/en/ui.json";
import enBackground from "../../_locales/en/background.json";
import enLifecycle from "../../_locales/en/lifecycle.json";
import enNotify from "../../_locales/en/notify.json";
import zhCore from "../../_locales/zh_CN/core.json";
import zhVault from "../../_locales/zh_CN/vault.json";
import zhApi from "../../_locales/zh_CN/api.json";
import zhEmulator from "../../_locales/zh_CN/emulator.json";
import zhUi from "../../_locales/zh_CN/ui.json";
import zhBackground from "../../_locales/zh_CN/background.json";
import zhLifecycle from "../../_locales/zh_CN/lifecycle.json";
import zhNotify from "../../_locales/zh_CN/notify.json";
import { registerCatalog } from "./i18n";

for (const area of [enCore, enVault, enApi, enEmulator, enUi, enBackground, enLifecycle, enNotify]) registerCatalog("en", area);
for (const area of [zhCore, zhVault, zhApi, zhEmulator, zhUi, zhBackground, zhLifecycle, zhNotify]) registerCatalog("zh_CN", area);
