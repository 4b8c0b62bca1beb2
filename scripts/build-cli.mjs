// Bundles the CLI (and the core it calls) into one Node ESM file: dist/cli/keysmith.js.
import { build } from "vite";

await build({
  configFile: false,
  logLevel: "warn",
  build: {
    ssr: "cli/keysmith.ts",
    outDir: "dist/cli",
    emptyOutDir: true,
    target: "node20",
    minify: false,
    sourcemap: true,
    rollupOptions: { output: { entryFileNames: "keysmith.js", format: "es", codeSplitting: false } },
  },
  ssr: { noExternal: true, target: "node" },
});
