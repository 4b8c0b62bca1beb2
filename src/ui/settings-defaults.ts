// What the pages assume when the worker has no settings yet (first run) or cannot be reached.
import { EMPTY_SUBJECT, type Settings } from "./worker-api";

export function defaultSettings(): Settings {
  return {
    site: "cn",
    kmsRegion: "cn-hangzhou",
    endpoint: "",
    language: "auto",
    defaultSubject: { ...EMPTY_SUBJECT },
    contact: { username: "", email: "", phone: "", validateType: "DNS", productCode: "symantec-free-1-free" },
  };
}
