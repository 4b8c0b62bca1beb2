// `npm test`: build (the CLI and extension tests use the built outputs), type-check, then every test.
import { spawnSync } from "node:child_process";

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit", shell: false });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
run(process.execPath, ["scripts/build.mjs"]);
run("npx", ["tsc", "--noEmit", "-p", "."]);
run("npx", ["vitest", "run", ...process.argv.slice(2)]);
