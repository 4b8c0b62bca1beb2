#!/usr/bin/env node
// The CLI is bundled by `npm run build` into dist/cli; this shim keeps the package's bin stable.
import { existsSync } from "node:fs";
const entry = new URL("../dist/cli/keysmith.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("keysmith: not built yet; run `npm run build` first\n");
  process.exit(2);
}
await import(entry.href);
