// Save what the worker exported (`keys.export`, `keys.backup`): text as it is, binary from its base64.
import { downloadText } from "./actions";
import type { ExportResult } from "./worker-api";

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function downloadExport(out: ExportResult): void {
  downloadText(out.filename, out.binary ? base64ToBytes(out.data) : out.data, out.mediaType);
}
