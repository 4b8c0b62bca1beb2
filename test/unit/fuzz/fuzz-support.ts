// Shared by the property-based fuzzers in test/unit/fuzz: the seeded budget, the "typed errors only"
// check and the per-case time bound. `npm test` runs a small fixed-seed budget; `npm run fuzz -- --runs N
// [--seed S]` (scripts/fuzz.mjs) runs the same properties long through KEYSMITH_FUZZ_RUNS / _SEED.
import fc from "fast-check";
import { expect } from "vitest";
import { KeysmithError } from "../../../src/core/errors";

/** Cases per cheap property; expensive properties take a fraction of it (see `params`). */
export const FUZZ_RUNS = positiveInteger(process.env.KEYSMITH_FUZZ_RUNS, 150);
export const FUZZ_SEED = positiveInteger(process.env.KEYSMITH_FUZZ_SEED, 20_261_201);
/** Long runs (`npm run fuzz`) get no vitest time-out; the per-case bound below still holds. */
export const LONG_RUN = process.env.KEYSMITH_FUZZ_RUNS !== undefined;
/** A test's own time-out: generous for the seeded budget, off for long runs. */
export const TEST_TIMEOUT = LONG_RUN ? 0 : 60_000;

function positiveInteger(text: string | undefined, fallback: number): number {
  const n = text === undefined ? NaN : Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** fast-check parameters: the fixed seed and `scale` × the budget (at least 5 cases). */
export function params(scale = 1): fc.Parameters<unknown> {
  return { seed: FUZZ_SEED, numRuns: Math.max(5, Math.round(FUZZ_RUNS * scale)) };
}

/** The longest one case may take, in ms. Generous: the machine is shared and 2-core. */
export const CASE_MS = 2_000;

function checkTyped(error: unknown): void {
  if (!(error instanceof KeysmithError)) {
    // The failing case is printed by fast-check; the message says what leaked.
    const what = error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
    throw new Error(`untyped exception escaped the parser: ${what}`, { cause: error });
  }
  expect(error.code).toMatch(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/);
}

function checkTime(started: number, limitMs: number): void {
  const elapsed = performance.now() - started;
  if (elapsed > limitMs) throw new Error(`one case took ${Math.round(elapsed)} ms (bound ${limitMs} ms)`);
}

/** Run `work`: it may return anything or throw a KeysmithError, within `limitMs`. Returns the result or the error. */
export function typedOnly<T>(work: () => T, limitMs = CASE_MS): { value?: T; error?: KeysmithError } {
  const started = performance.now();
  try {
    const value = work();
    checkTime(started, limitMs);
    return { value };
  } catch (error) {
    checkTyped(error);
    checkTime(started, limitMs);
    return { error: error as KeysmithError };
  }
}

export async function typedOnlyAsync<T>(work: () => Promise<T>, limitMs = CASE_MS): Promise<{ value?: T; error?: KeysmithError }> {
  const started = performance.now();
  try {
    const value = await work();
    checkTime(started, limitMs);
    return { value };
  } catch (error) {
    checkTyped(error);
    checkTime(started, limitMs);
    return { error: error as KeysmithError };
  }
}

/** The error code `work` throws (it must throw a KeysmithError). */
export function codeOf(work: () => unknown): string {
  const { error } = typedOnly(work, 30_000);
  expect(error, "expected a KeysmithError").toBeDefined();
  return error!.code;
}

export async function codeOfAsync(work: () => Promise<unknown>): Promise<string> {
  const { error } = await typedOnlyAsync(work, 30_000);
  expect(error, "expected a KeysmithError").toBeDefined();
  return error!.code;
}

/**
 * Mutations of a valid encoding, the way corrupted files look: flipped bits, overwritten, inserted and
 * deleted bytes, truncation, and a length byte set to something else.
 */
export function mutatedBytes(seed: Uint8Array): fc.Arbitrary<Uint8Array> {
  const at = fc.nat({ max: Math.max(0, seed.length - 1) });
  const edit = fc.oneof(
    fc.record({ kind: fc.constant("flip" as const), at, bit: fc.nat({ max: 7 }) }),
    fc.record({ kind: fc.constant("set" as const), at, byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant("insert" as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant("delete" as const), at, count: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ kind: fc.constant("truncate" as const), at }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let bytes: Uint8Array = seed.slice();
    for (const e of edits) {
      const i = Math.min(e.at, Math.max(0, bytes.length - 1));
      switch (e.kind) {
        case "flip":
          if (bytes.length) bytes[i]! ^= 1 << e.bit;
          break;
        case "set":
          if (bytes.length) bytes[i] = e.byte;
          break;
        case "insert":
          bytes = concat(bytes.subarray(0, i), e.bytes, bytes.subarray(i));
          break;
        case "delete":
          bytes = concat(bytes.subarray(0, i), bytes.subarray(i + e.count));
          break;
        case "truncate":
          bytes = bytes.slice(0, i);
          break;
      }
    }
    return bytes;
  });
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Text made of the given fragments (syntax pieces of the format under test) and arbitrary characters. */
export function textOf(fragments: readonly string[], maxLength = 40): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...fragments) }, { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 3 }) }), { maxLength })
    .map((parts) => parts.join(""));
}
