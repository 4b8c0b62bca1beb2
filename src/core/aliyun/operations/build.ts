// Small constructors so each catalogue file reads like the API reference tables.
import type { FieldType, ParamSpec, ParamType, ResponseField } from "../operation-types";

export function p(name: string, type: ParamType, description: string, extra: Partial<ParamSpec> = {}): ParamSpec {
  return { name, type, description, ...extra };
}

export function req(name: string, type: ParamType, description: string, extra: Partial<ParamSpec> = {}): ParamSpec {
  return { name, type, description, required: true, ...extra };
}

/** "OrderId:long, Domain, Status" → fields (string when no type is given). */
export function fields(spec: string): ResponseField[] {
  return spec.split(",").map((s) => {
    const [name, type] = s.trim().split(":");
    return { name: name!, type: (type ?? "string") as FieldType };
  });
}
