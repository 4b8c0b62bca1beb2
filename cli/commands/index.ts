// The CLI's table of contents: one entry per command module. Add a command by adding its line.
import type { Command } from "../context";
import { orderCommands } from "./order";
import { kmsCommands } from "./kms";
import { casCommands } from "./cas";
import { dnsCommands } from "./dns";
import { csrCommand } from "./csr";
import { inspectCommand } from "./inspect";
import { bundleCommand } from "./bundle";
import { ramPolicyCommand } from "./ram-policy";
import { renewCommand } from "./renew";
import { deployCommand } from "./deploy";
import { watchCommand } from "./watch";
import { whoamiCommand } from "./whoami";

export const COMMANDS: Command[] = [
  ...orderCommands,
  ...kmsCommands,
  ...casCommands,
  ...dnsCommands,
  csrCommand,
  inspectCommand,
  bundleCommand,
  ramPolicyCommand,
  renewCommand,
  deployCommand,
  watchCommand,
  whoamiCommand,
];
