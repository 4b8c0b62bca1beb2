// The notices of the third-party code a bundle holds: a Vite (Rolldown) plug-in that records, from each
// output chunk's module ids, which packages under node_modules went into the bundle, and noticesText(), the
// text of THIRD_PARTY_NOTICES.txt from them — name, version, licence and the package's licence file, sorted by
// name, no paths — so the CLI bundle (scripts/build-cli.mjs) and the extension packages
// (scripts/build-extension.mjs) carry the licences of what they ship. One collector can serve several builds.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** The package folder of a module id inside node_modules (the innermost one), or undefined. */
function packageDirOf(id) {
  const path = id.replace(/^\0/, "").split("?")[0].replaceAll("\\", "/");
  const at = path.lastIndexOf("/node_modules/");
  if (at < 0) return undefined;
  const rest = path.slice(at + "/node_modules/".length).split("/");
  const depth = rest[0].startsWith("@") ? 2 : 1;
  if (rest.length <= depth) return undefined;
  return path.slice(0, at + "/node_modules/".length) + rest.slice(0, depth).join("/");
}

export function licenceCollector() {
  /** the package folders seen */
  const dirs = new Set();
  return {
    dirs,
    plugin: {
      name: "keysmith-third-party-notices",
      generateBundle(_options, bundle) {
        for (const item of Object.values(bundle)) {
          if (item.type !== "chunk") continue;
          for (const id of item.moduleIds ?? Object.keys(item.modules ?? {})) {
            const dir = packageDirOf(id);
            if (dir !== undefined) dirs.add(dir);
          }
        }
      },
    },
  };
}

function licenceText(dir) {
  const file = readdirSync(dir)
    .filter((f) => /^(licen[cs]e|copying)/i.test(f))
    .sort()[0];
  return file === undefined ? undefined : readFileSync(join(dir, file), "utf8").replace(/\r\n/g, "\n").trim();
}

/** The text of THIRD_PARTY_NOTICES.txt for the collected packages; `what` names the bundle. */
export function noticesText(collector, what) {
  const packages = new Map();
  for (const dir of collector.dirs) {
    const manifestPath = join(dir, "package.json");
    if (!existsSync(manifestPath)) continue;
    const pkg = JSON.parse(readFileSync(manifestPath, "utf8"));
    const licence = typeof pkg.license === "string" ? pkg.license : (pkg.license?.type ?? "see the package");
    packages.set(`${pkg.name}@${pkg.version}`, { name: pkg.name, version: pkg.version, licence, text: licenceText(dir) });
  }
  const sorted = [...packages.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : 1));
  const parts = [
    `${what} includes the following third-party packages, each under its own licence.`,
    "",
    ...sorted.map((p) => `- ${p.name} ${p.version} (${p.licence})`),
  ];
  for (const p of sorted) {
    parts.push("", "=".repeat(78), `${p.name} ${p.version}`, `Licence: ${p.licence}`, "-".repeat(78));
    parts.push(p.text ?? `The package ships no licence file; it is published under ${p.licence}.`);
  }
  return parts.join("\n") + "\n";
}
