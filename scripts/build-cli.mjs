// Bundles the CLI (and the core it calls, and every package it uses) into one Node ESM file,
// dist/cli/keysmith.js, with its source map and THIRD_PARTY_NOTICES.txt (the licences of the bundled
// packages, scripts/notices.mjs). The bundle imports nothing but Node's built-in modules — checked here — so
// the npm package (bin/keysmith.mjs → dist/cli/keysmith.js, see `files` in package.json) needs no
// dependencies at install time. KEYSMITH_DIST=DIR writes DIR/cli instead of dist/cli. The files are built in
// a scratch folder and renamed into place, so a test running the CLI while it is rebuilt never sees half a file.
import { build } from "vite";
import { builtinModules } from "node:module";
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { licenceCollector, noticesText } from "./notices.mjs";

const root = resolve(import.meta.dirname, "..");
const distDir = process.env.KEYSMITH_DIST ? resolve(process.env.KEYSMITH_DIST) : join(root, "dist");
const outDir = join(distDir, "cli");
const scratch = join(distDir, `.cli-build-${process.pid}`);
const licences = licenceCollector();

try {
  const result = await build({
    configFile: false,
    logLevel: "warn",
    root,
    plugins: [licences.plugin],
    build: {
      ssr: join(root, "cli/keysmith.ts"),
      outDir: scratch,
      emptyOutDir: true,
      target: "node20",
      minify: false,
      sourcemap: true,
      rollupOptions: { output: { entryFileNames: "keysmith.js", format: "es", codeSplitting: false } },
    },
    ssr: { noExternal: true, target: "node" },
  });
  writeFileSync(join(scratch, "THIRD_PARTY_NOTICES.txt"), noticesText(licences, "The keysmith command-line tool"));

  // Only Node's built-ins may stay as imports, static or dynamic: anything else would need an install-time
  // dependency. The bundler's output lists what each chunk still imports.
  const builtins = new Set(builtinModules);
  const chunks = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output).filter((o) => o.type === "chunk");
  const specifiers = chunks.flatMap((c) => [...c.imports, ...c.dynamicImports]);
  const foreign = specifiers.filter((s) => !s.startsWith("node:") && !builtins.has(s));
  if (foreign.length > 0) throw new Error(`dist/cli/keysmith.js imports packages that are not bundled: ${[...new Set(foreign)].join(", ")}`);

  mkdirSync(outDir, { recursive: true });
  for (const file of readdirSync(scratch)) renameSync(join(scratch, file), join(outDir, file));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
