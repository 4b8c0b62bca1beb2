// `npm run package [-- --out DIR] [--commit REV]`: the store packages of the version in package.json, reproducibly.
//   DIR/keysmith-chrome-<v>.zip   Chrome Web Store and Edge Add-ons: no `key`, no source maps, no test hook
//   DIR/keysmith-firefox-<v>.zip  addons.mozilla.org
//   DIR/keysmith-source-<v>.zip   the git-tracked files of the commit, plus README-SOURCE.md (how to rebuild)
//                                 and SOURCE_DATE_EPOCH, for AMO's source review
// DIR defaults to dist/packages. In a git checkout the packages are made from the committed tree of REV
// (default HEAD; exported with `git archive` into a scratch folder, with this checkout's node_modules linked
// in), never from uncommitted edits, so two runs on one commit give byte-identical zips; uncommitted changes
// are reported and left out. Outside git (the unpacked source zip) the folder itself is built, and no source zip is made.
// The timestamp of every zip entry is SOURCE_DATE_EPOCH (environment), else the commit time of REV, else the
// SOURCE_DATE_EPOCH file the source zip carries. The zips are written by scripts/zip.mjs (sorted entries, fixed
// times and modes), not by `web-ext build`, whose zips carry the build time and the order files were read in.
// The extension is built by scripts/build-extension.mjs with KEYSMITH_RELEASE=1 into the scratch folder, so a
// packaging run never touches dist/chrome or dist/firefox, which the tests use.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { writeZip } from "./zip.mjs";

const root = resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const outFlag = args.indexOf("--out");
const outDir = outFlag >= 0 && args[outFlag + 1] ? resolve(args[outFlag + 1]) : join(root, "dist", "packages");
const commitFlag = args.indexOf("--commit");
const rev = commitFlag >= 0 && args[commitFlag + 1] ? args[commitFlag + 1] : "HEAD";

function run(cmd, argv, options = {}) {
  const r = spawnSync(cmd, argv, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} failed (${r.status}): ${r.stderr || r.error?.message || ""}`);
  return r.stdout;
}

function isGitCheckout() {
  const r = spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd: root, encoding: "utf8" });
  return r.status === 0 && resolve(r.stdout.trim()) === root;
}

function sourceDateEpoch(commit) {
  const fromEnv = process.env.SOURCE_DATE_EPOCH;
  const text = fromEnv ?? (commit ? run("git", ["log", "-1", "--format=%ct", commit], { cwd: root }) : existsSync(join(root, "SOURCE_DATE_EPOCH")) ? readFileSync(join(root, "SOURCE_DATE_EPOCH"), "utf8") : undefined);
  if (text === undefined) throw new Error("no SOURCE_DATE_EPOCH: set it (seconds since 1970), or package from a git checkout");
  const epoch = Number(text.trim());
  if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`SOURCE_DATE_EPOCH is not a whole number of seconds: ${text.trim()}`);
  return epoch;
}

/** Every file under `dir`, as zip entries named relative to it with "/" separators. */
function filesUnder(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push({ name: relative(dir, path).split(sep).join("/"), data: readFileSync(path) });
    }
  };
  walk(dir);
  return out;
}

const git = isGitCheckout();
if (!git && commitFlag >= 0) throw new Error("package: --commit needs a git checkout");
const commit = git ? run("git", ["rev-parse", "--verify", `${rev}^{commit}`], { cwd: root }).trim() : undefined;
const epoch = sourceDateEpoch(commit);
const scratch = mkdtempSync(join(tmpdir(), "keysmith-package-"));
try {
  // 1. The tree to build: HEAD's files, or this folder.
  let tree = root;
  let tracked = [];
  if (git) {
    const head = run("git", ["rev-parse", "HEAD"], { cwd: root }).trim();
    const dirty = commit === head ? run("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root }).trim() : "";
    if (dirty) console.warn(`package: uncommitted changes are not packaged (the packages are made from HEAD):\n${dirty}`);
    tree = join(scratch, "source");
    mkdirSync(tree);
    const tar = join(scratch, "source.tar");
    run("git", ["archive", "--format=tar", "-o", tar, commit], { cwd: root });
    run("tar", ["-xf", tar, "-C", tree]);
    tracked = run("git", ["ls-tree", "-r", "-z", commit], { cwd: root })
      .split("\0")
      .filter(Boolean)
      .map((line) => {
        const [meta, path] = line.split("\t");
        const [mode, type] = meta.split(" ");
        return { path, mode, type };
      })
      .filter((f) => f.type === "blob");
    symlinkSync(join(root, "node_modules"), join(tree, "node_modules"), "dir");
  }
  const version = JSON.parse(readFileSync(join(tree, "package.json"), "utf8")).version;

  // 2. The store build of the extension.
  const build = join(scratch, "build");
  // KEYSMITH_RELEASE=1 also makes it a production build (scripts/build-extension.mjs sets NODE_ENV).
  const env = { ...process.env, KEYSMITH_DIST: build, KEYSMITH_RELEASE: "1" };
  delete env.KEYSMITH_TEST_HOOKS;
  run(process.execPath, [join(tree, "scripts", "build-extension.mjs")], { cwd: tree, env, stdio: ["ignore", "ignore", "inherit"] });

  // 3. What a store package must be: checked, not assumed.
  const record = JSON.parse(readFileSync(join(build, ".extension-build.json"), "utf8"));
  if (record.testHooks !== false || record.release !== true) throw new Error(`package: not a store build: ${JSON.stringify(record)}`);
  const packages = {};
  for (const browser of ["chrome", "firefox"]) {
    const files = filesUnder(join(build, browser));
    const manifest = JSON.parse(files.find((f) => f.name === "manifest.json").data.toString("utf8"));
    if (manifest.version !== version) throw new Error(`package: ${browser} manifest version ${manifest.version}, package.json ${version}`);
    if ("key" in manifest) throw new Error(`package: the ${browser} manifest carries a key`);
    const maps = files.filter((f) => f.name.endsWith(".map")).map((f) => f.name);
    if (maps.length > 0) throw new Error(`package: source maps in the ${browser} build: ${maps.join(", ")}`);
    for (const f of files) {
      if (/\.(js|html|json|css)$/.test(f.name) && (f.data.includes(root) || f.data.includes(scratch))) throw new Error(`package: ${browser}/${f.name} holds a build path`);
    }
    packages[browser] = writeZip(files, epoch);
  }

  // 4. The source package: the commit's files, how to rebuild, and the timestamp.
  if (git) {
    // Under `npm run package` npm names itself in npm_config_user_agent; else ask it.
    const npmVersion = /\bnpm\/(\S+)/.exec(process.env.npm_config_user_agent ?? "")?.[1] ?? run("npm", ["--version"], { cwd: root }).trim();
    const date = new Date(epoch * 1000).toISOString();
    const readme = `# Keysmith ${version}: rebuilding the store packages from this source

This archive holds the files of commit ${commit} (${date}) of Keysmith, as tracked by git, and this file.
The packages were built with Node.js ${process.version} and npm ${npmVersion}, on ${process.platform}.

The extension's JavaScript is bundled and minified by Vite from the TypeScript in src/ (scripts/build-extension.mjs);
third-party code comes from npm at the versions package-lock.json pins. No code is fetched at run time.

To rebuild (Node.js ${process.version.replace(/^v/, "")} and npm ${npmVersion}; with another Node.js the files in
the zips should be the same, but the zip bytes can differ, as its zlib may compress differently):

\`\`\`sh
npm ci
npm run package
\`\`\`

\`npm run package\` reads the timestamp of the zip entries from the file SOURCE_DATE_EPOCH (${epoch}); to be
explicit, \`SOURCE_DATE_EPOCH=${epoch} npm run package\`. It writes:

- dist/packages/keysmith-firefox-${version}.zip (addons.mozilla.org)
- dist/packages/keysmith-chrome-${version}.zip (Chrome Web Store, Edge Add-ons)

Each is byte-identical to the uploaded package (compare with \`sha256sum\`). The unpacked Firefox package
passes \`npx web-ext lint --source-dir <folder>\` with 0 errors and 0 warnings. docs/release.md says more.
`;
    const files = tracked.map((f) => ({ name: f.path, data: readFileSync(join(tree, f.path)), executable: f.mode === "100755" }));
    files.push({ name: "README-SOURCE.md", data: Buffer.from(readme) }, { name: "SOURCE_DATE_EPOCH", data: Buffer.from(`${epoch}\n`) });
    packages.source = writeZip(files, epoch);
  } else {
    console.warn("package: not a git checkout, so no source package (it holds the files git tracks)");
  }

  mkdirSync(outDir, { recursive: true });
  for (const [kind, zip] of Object.entries(packages)) {
    const file = join(outDir, `keysmith-${kind}-${version}.zip`);
    writeFileSync(file, zip);
    const shown = relative(process.cwd(), file);
    console.log(`${shown.startsWith("..") ? file : shown}  ${zip.length} bytes  sha256 ${createHash("sha256").update(zip).digest("hex")}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
