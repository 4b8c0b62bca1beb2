// Buttons that do one small thing: copy a value, download a file. Both confirm what happened in text
// (role=status) because a clipboard write has no visible effect of its own.
import { useState } from "preact/hooks";
import { useT } from "./locale";

export function CopyButton(props: { text: string; label?: string; id?: string }) {
  const tr = useT();
  const [done, setDone] = useState<"" | "copied" | "failed">("");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
      setDone("copied");
    } catch {
      setDone("failed");
    }
  };
  return (
    <span class="inline-action">
      <button type="button" class="secondary small" id={props.id} onClick={copy}>{props.label ?? tr("ui_copy")}</button>
      <span class="status-text" role="status">{done === "copied" ? tr("ui_copied") : done === "failed" ? tr("ui_copy_failed") : ""}</span>
    </span>
  );
}

export function downloadText(filename: string, text: string | Uint8Array, mime = "application/x-pem-file"): void {
  const part: BlobPart = typeof text === "string" ? text : new Uint8Array(text);
  const url = URL.createObjectURL(new Blob([part], { type: mime }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function DownloadButton(props: { filename: string; text: string | Uint8Array; mime?: string; label?: string; id?: string }) {
  const tr = useT();
  return (
    <button type="button" class="secondary small" id={props.id} onClick={() => downloadText(props.filename, props.text, props.mime)}>
      {props.label ?? tr("ui_download")}
    </button>
  );
}
