// Checks parameters against a catalogue entry before anything is signed or sent (and, in the emulator,
// when a request arrives). Returns the wire form: every value a string, lists as JSON where the API
// wants JSON. Every refusal is a KeysmithError naming the field and the rule.
import { fail } from "../errors";
import type { Operation, ParamSpec } from "./operation-types";
import { applyRule } from "./rules";

export type InputValue = string | number | boolean | bigint | readonly string[] | null | undefined;

export function validateParams(op: Operation, params: Readonly<Record<string, InputValue>>): Record<string, string> {
  const known = new Map(op.params.map((p) => [p.name, p]));
  for (const name of Object.keys(params)) {
    if (!known.has(name) && params[name] !== undefined) fail("api.param.unknown", name, { action: op.action });
  }
  const out: Record<string, string> = {};
  for (const spec of op.params) {
    const raw = params[spec.name];
    if (raw === undefined || raw === null || raw === "") {
      if (spec.required) fail("api.param.required", spec.name, { action: op.action });
      continue;
    }
    out[spec.name] = checkOne(spec, raw);
  }
  op.crossCheck?.(out);
  return out;
}

function checkOne(spec: ParamSpec, raw: Exclude<InputValue, null | undefined>): string {
  const value = wireValue(spec, raw);
  if (spec.allowed && !spec.allowed.includes(value)) fail("api.param.allowed", spec.name, { allowed: spec.allowed.join(", ") });
  if (spec.rule) applyRule(spec.rule, value, spec.name);
  return value;
}

function wireValue(spec: ParamSpec, raw: Exclude<InputValue, null | undefined>): string {
  switch (spec.type) {
    case "string":
      if (typeof raw !== "string") fail("api.param.type", spec.name, { type: "string" });
      return raw;
    case "integer": {
      const text = String(raw).trim();
      if (!/^-?\d{1,15}$/.test(text)) fail("api.param.type", spec.name, { type: "integer" });
      return String(Number(text));
    }
    case "long": {
      // Never through Number: 17-digit IDs would lose their last digits.
      const text = typeof raw === "number" && !Number.isSafeInteger(raw) ? "" : String(raw).trim();
      if (!/^\d{1,20}$/.test(text)) fail("api.param.type", spec.name, { type: "long" });
      return text;
    }
    case "boolean": {
      const text = String(raw).toLowerCase();
      if (text !== "true" && text !== "false") fail("api.param.type", spec.name, { type: "boolean" });
      return text;
    }
    case "json-array": {
      if (Array.isArray(raw)) return JSON.stringify(raw);
      if (typeof raw === "string") {
        const text = raw.trim();
        if (text.startsWith("[")) return text;
        return JSON.stringify(text.split(",").map((s) => s.trim()).filter((s) => s !== ""));
      }
      fail("api.param.type", spec.name, { type: "json-array" });
    }
  }
}
