// Writing result files from the CLI: never half a file (write beside, then rename), never over an existing
// file unless asked, and private keys with mode 0600 from the first byte.
import { constants as fsConstants } from "node:fs";
import { access, mkdir, rename, stat, unlink, writeFile } from "node:fs/promises";
import { fail } from "../src/core/errors";

export interface OutputFile {
  path: string;
  data: string;
  /** 0o600 for private keys, 0o644 for certificates. */
  mode: number;
}

/** A file name from a CN or domain: "*.example.com" -> "_wildcard.example.com"; "keysmith" when there is none. */
export function baseNameFor(name: string | undefined): string {
  const base = (name ?? "keysmith").replace(/^\*\./, "_wildcard.").replace(/[^A-Za-z0-9_.-]/g, "_");
  return base.replace(/^\.+/, "") || "keysmith";
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/** `--out DIR`: an existing directory, or a path mkdir can make. */
export async function ensureDirectory(dir: string, flag: string): Promise<void> {
  if ((await fileExists(dir)) && !(await stat(dir)).isDirectory()) fail("cli.out_not_directory", flag);
  try {
    await mkdir(dir, { recursive: true });
  } catch {
    fail("cli.out_not_directory", flag);
  }
}

/** Refuses (typed error naming the path) when any of `paths` exists and overwriting was not asked for. */
export async function refuseExisting(paths: readonly string[], force: boolean): Promise<void> {
  if (force) return;
  for (const path of paths) if (await fileExists(path)) fail("cli.file_exists", path);
}

/**
 * Writes every file or none that was not there before: all are checked first, then each is written to a
 * temporary file and renamed; a failure removes the ones this call already put in place.
 */
export async function writeOutputFiles(files: readonly OutputFile[], force: boolean): Promise<void> {
  await refuseExisting(files.map((f) => f.path), force);
  const done: string[] = [];
  try {
    for (const file of files) {
      const tmp = `${file.path}.${process.pid}.tmp`;
      await writeFile(tmp, file.data, { mode: file.mode, flag: "wx" });
      if (!force && (await fileExists(file.path))) {
        await unlink(tmp);
        fail("cli.file_exists", file.path);
      }
      await rename(tmp, file.path);
      done.push(file.path);
    }
  } catch (err) {
    if (!force) for (const path of done) await unlink(path).catch(() => undefined);
    throw err;
  }
}
