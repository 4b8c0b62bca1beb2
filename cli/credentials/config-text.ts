// Reading a credentials configuration file (~/.aliyun/config.json, the SDKs' credentials file) for
// cli/credentials/aliyun-config.ts and cli/credentials/credentials-file.ts.
import { readFileSync } from "node:fs";
import { fail } from "../../src/core/errors";

/**
 * The file's text; undefined when it does not exist (and `mustExist` is false). Any other failure to read
 * it is api.credentials.config_unreadable naming the path, with the error's code as the reason.
 */
export function readConfigText(path: string, mustExist = false): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "EIO";
    if (code === "ENOENT" && !mustExist) return undefined;
    return fail("api.credentials.config_unreadable", path, { reason: code });
  }
}
