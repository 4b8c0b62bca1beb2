// `npm run fuzz -- --runs N [--seed S] [vitest args…]`: the property-based fuzzers of test/unit/fuzz, long.
// `npm test` runs them with a small fixed-seed budget; this sets KEYSMITH_FUZZ_RUNS (cases per cheap
// property; expensive ones take a fraction) and KEYSMITH_FUZZ_SEED, and runs `npx vitest run test/unit/fuzz`
// with no per-test time-out (each case still has its own time bound). Extra arguments go to vitest, e.g.
// a file filter: `npm run fuzz -- --runs 50000 subject`.
import { spawnSync } from "node:child_process";

const args = process.argv.slice(2);
const env = { ...process.env };
const rest = [];
for (let i = 0; i < args.length; i++) {
  const flag = args[i];
  if (flag === "--runs" || flag === "--seed") {
    const value = args[++i];
    if (!/^[1-9][0-9]*$/.test(value ?? "")) {
      console.error(`fuzz: ${flag} takes a positive integer`);
      process.exit(2);
    }
    env[flag === "--runs" ? "KEYSMITH_FUZZ_RUNS" : "KEYSMITH_FUZZ_SEED"] = value;
  } else if (flag === "--help" || flag === "-h") {
    console.log("Usage: npm run fuzz -- --runs N [--seed S] [file filter…]");
    process.exit(0);
  } else {
    rest.push(flag);
  }
}
env.KEYSMITH_FUZZ_RUNS ??= "5000";
const filters = rest.filter((a) => !a.startsWith("-"));
const options = rest.filter((a) => a.startsWith("-"));
const paths = filters.length ? filters.map((f) => `test/unit/fuzz/${f}`) : ["test/unit/fuzz"];
console.log(`fuzz: ${env.KEYSMITH_FUZZ_RUNS} runs per property, seed ${env.KEYSMITH_FUZZ_SEED ?? "(default)"}`);
const r = spawnSync("npx", ["vitest", "run", ...paths, "--testTimeout=0", ...options], { stdio: "inherit", env, shell: false });
process.exit(r.status ?? 1);
