// `npm run build`: every output, in order. Each part is its own script so it can run alone.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const parts = ["scripts/build-cli.mjs", "scripts/build-extension.mjs"];
for (const part of parts) {
  if (!existsSync(part)) continue;
  const r = spawnSync(process.execPath, [part, ...process.argv.slice(2)], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
