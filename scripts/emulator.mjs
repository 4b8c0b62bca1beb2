// `npm run emulator -- [flags]`: runs emulator/main.ts through tsx's loader (a dev dependency, so this
// works after a plain `npm ci`). Flags are documented in docs/emulator.md.
import { register } from "tsx/esm/api";

register();
await import("../emulator/main.ts");
