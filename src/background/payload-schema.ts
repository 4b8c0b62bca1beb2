// A very small runtime schema language for checking message payloads at the worker's door. A schema
// both checks a value and states its TypeScript type (`Infer<S>`), so payload-schemas.ts can be checked
// against the Protocol in src/messages.ts at compile time. A failure is a KeysmithError naming the field
// path and the rule ("message.payload.invalid" with { rule }), never a crash inside a handler.
import { KeysmithError } from "../core/errors";

export interface Schema<T> {
  /** Returns the value (possibly normalised) or throws a KeysmithError naming `path`. */
  check(value: unknown, path: string): T;
}
export type Infer<S> = S extends Schema<infer T> ? T : never;

function invalid(path: string, rule: string): never {
  throw new KeysmithError("message.payload.invalid", { field: path, params: { rule } });
}

export function str(opts: { max?: number; min?: number; pattern?: RegExp } = {}): Schema<string> {
  const max = opts.max ?? 10_000;
  return {
    check(v, path) {
      if (typeof v !== "string") invalid(path, "string");
      if (v.length > max) invalid(path, `at most ${max} characters`);
      if (opts.min !== undefined && v.length < opts.min) invalid(path, `at least ${opts.min} characters`);
      if (opts.pattern && !opts.pattern.test(v)) invalid(path, `matches ${opts.pattern.source}`);
      return v;
    },
  };
}

export function bool(): Schema<boolean> {
  return {
    check(v, path) {
      if (typeof v !== "boolean") invalid(path, "true or false");
      return v;
    },
  };
}

export function int(opts: { min?: number; max?: number } = {}): Schema<number> {
  return {
    check(v, path) {
      if (typeof v !== "number" || !Number.isInteger(v)) invalid(path, "integer");
      if (opts.min !== undefined && v < opts.min) invalid(path, `>= ${opts.min}`);
      if (opts.max !== undefined && v > opts.max) invalid(path, `<= ${opts.max}`);
      return v;
    },
  };
}

export function oneOf<const T extends readonly string[]>(values: T): Schema<T[number]> {
  return {
    check(v, path) {
      if (typeof v !== "string" || !values.includes(v)) invalid(path, `one of ${values.join(", ")}`);
      return v as T[number];
    },
  };
}

export function list<T>(item: Schema<T>, opts: { max?: number } = {}): Schema<T[]> {
  const max = opts.max ?? 1000;
  return {
    check(v, path) {
      if (!Array.isArray(v)) invalid(path, "list");
      if (v.length > max) invalid(path, `at most ${max} items`);
      return v.map((x, i) => item.check(x, `${path}[${i}]`));
    },
  };
}

export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return { check: (v, path) => (v === null ? null : inner.check(v, path)) };
}

/** Marks an object field as optional (may be absent or undefined). */
export interface Optional<T> {
  optional: true;
  schema: Schema<T>;
}
export function optional<T>(schema: Schema<T>): Optional<T> {
  return { optional: true, schema };
}

type Shape = Record<string, Schema<unknown> | Optional<unknown>>;
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K] extends Optional<unknown> ? never : K }[keyof S];
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends Optional<unknown> ? K : never }[keyof S];
type FieldType<F> = F extends Optional<infer T> ? T : F extends Schema<infer T> ? T : never;
export type ObjectOf<S extends Shape> = { [K in RequiredKeys<S>]: FieldType<S[K]> } & { [K in OptionalKeys<S>]?: FieldType<S[K]> };

/** A plain object with exactly these fields: unknown fields are refused (a typo is an error, not ignored). */
export function obj<S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  return {
    check(v, path) {
      if (!v || typeof v !== "object" || Array.isArray(v)) invalid(path, "object");
      const input = v as Record<string, unknown>;
      for (const key of Object.keys(input)) {
        if (!Object.prototype.hasOwnProperty.call(shape, key)) invalid(path ? `${path}.${key}` : key, "known field");
      }
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(shape)) {
        const p = path ? `${path}.${key}` : key;
        const value = input[key];
        if ("optional" in field) {
          if (value !== undefined) out[key] = field.schema.check(value, p);
        } else {
          out[key] = field.check(value, p);
        }
      }
      return out as ObjectOf<S>;
    },
  };
}

/** Same as obj() but every field optional (partial updates). */
export function partial<S extends Record<string, Schema<unknown>>>(shape: S): Schema<{ [K in keyof S]?: Infer<S[K]> }> {
  const wrapped: Shape = {};
  for (const [k, s] of Object.entries(shape)) wrapped[k] = optional(s);
  return obj(wrapped) as unknown as Schema<{ [K in keyof S]?: Infer<S[K]> }>;
}

export const empty: Schema<Record<string, never>> = {
  check(v, path) {
    if (v === undefined || v === null) return {};
    if (typeof v !== "object" || Array.isArray(v) || Object.keys(v).length > 0) invalid(path, "no fields");
    return {};
  },
};
