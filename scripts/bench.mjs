// `npm run bench`: every bench/*.ts in name order, each printing its own table. Figures, not assertions.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";

const only = process.argv[2];
const files = readdirSync("bench").filter((f) => f.endsWith(".ts") && (!only || f.includes(only))).sort();
if (files.length === 0) console.log("no benchmarks yet");
let failed = 0;
for (const f of files) {
  console.log(`\n## bench/${f}\n`);
  const r = spawnSync("npx", ["tsx", `bench/${f}`], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
