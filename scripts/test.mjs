// `npm test`: build (the CLI and extension tests use the built outputs), type-check, then every test.
// The build is a test build (KEYSMITH_TEST_HOOKS=1: the extension's worker is reachable from the
// end-to-end tests, see scripts/build-extension.mjs); `npm run build` and `npm start` make plain ones.
import { spawnSync } from "node:child_process";

const env = { ...process.env, KEYSMITH_TEST_HOOKS: "1" };

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit", shell: false, env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
run(process.execPath, ["scripts/build.mjs"]);
run("npx", ["tsc", "--noEmit", "-p", "."]);
run("npx", ["vitest", "run", ...process.argv.slice(2)]);
