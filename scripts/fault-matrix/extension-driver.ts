// Placeholder until the extension rows exist: the matrix runs its CLI rows only.
import type { RunningEmulator } from "../../emulator/index";
import type { CreateOp, FaultSpec, RowResult } from "./matrix";

export async function extensionRows(_emu: RunningEmulator, _ops: readonly CreateOp[], _faults: readonly FaultSpec[], _report: (r: RowResult) => void): Promise<RowResult[]> {
  return [];
}
