import "../src/core/i18n-catalogs"; // first: messages in both languages for every command
import { main } from "./main";

process.exitCode = await main(process.argv.slice(2));
