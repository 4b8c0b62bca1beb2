// What the pages assume when the worker has no settings yet (first run) or cannot be reached.
import type { Settings } from "./worker-api";

export function defaultSettings(): Settings {
  return {
    site: "cn",
    kmsRegion: "cn-hangzhou",
    endpoint: "",
    signatureVersion: "v3",
    language: "auto",
    defaultSubject: {},
    contact: { validateType: "DNS", productCode: "symantec-free-1-free" },
    followOrders: true,
    expiryWarningDays: 30,
  };
}
