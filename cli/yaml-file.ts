// A YAML (or JSON) file the CLI is given (the renew file, the webhook file): read, parsed with duplicate keys
// refused and at most 100 aliases expanded, then checked by `parse`. Each refusal is a typed error: the file
// unreadable (naming the flag), a syntax error (naming the file, line and column), or `parse`'s own error
// with the file's path put before its field.
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { KeysmithError, fail, isKeysmithError } from "../src/core/errors";

export interface YamlFileErrors {
  /** The flag that named the file. */
  flag: string;
  /** Error code when the file cannot be read (params: path). */
  unreadable: string;
  /** Error code for a syntax error (params: line, column, reason). */
  syntax: string;
}

export function readYamlFile<T>(path: string, errors: YamlFileErrors, parse: (value: unknown) => T): T {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return fail(errors.unreadable, errors.flag, { path });
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    const pos = problem.linePos?.[0];
    fail(errors.syntax, path, { line: pos?.line ?? 0, column: pos?.col ?? 0, reason: problem.code });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch {
    return fail(errors.syntax, path, { line: 0, column: 0, reason: "ALIAS" });
  }
  try {
    return parse(value);
  } catch (err) {
    if (isKeysmithError(err)) throw new KeysmithError(err.code, { field: `${path}: ${err.field ?? ""}`, params: err.params });
    throw err;
  }
}
