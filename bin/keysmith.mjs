#!/usr/bin/env node
// The package's `bin`: runs the CLI bundle, dist/cli/keysmith.js (scripts/build-cli.mjs; one file holding the
// core and every package it uses, so an installed package needs only Node.js). In a clone it exists after
// `npm run build`; the npm package carries it (`prepack` builds it, `files` in package.json ships it).
import { existsSync } from "node:fs";
const entry = new URL("../dist/cli/keysmith.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("keysmith: not built yet; run `npm run build` first\n");
  process.exit(2);
}
await import(entry.href);
