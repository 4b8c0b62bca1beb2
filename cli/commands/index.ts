// The CLI's table of contents: one entry per command module. Add a command by adding its line.
import type { Command } from "../context";
import { csrCommand } from "./csr";
import { inspectCommand } from "./inspect";

export const COMMANDS: Command[] = [
  csrCommand,
  inspectCommand,
];
