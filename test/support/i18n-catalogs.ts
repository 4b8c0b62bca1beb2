// vitest setupFiles: the core's catalogues, registered as the CLI, worker and emulator entries register them.
import "../../src/core/i18n-catalogs";
