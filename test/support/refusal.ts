// The typed refusal a promise ends in: its KeysmithError, or a failed test when it resolves or throws
// anything else.
import { KeysmithError } from "../../src/core/errors";

export async function refusal(p: Promise<unknown>): Promise<KeysmithError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof KeysmithError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}
