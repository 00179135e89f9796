// Test support shared by every package's component tests: the proof that refused input
// registers nothing at all, and the capture of errors raised when an Output resolves.
import fc from "fast-check";
import { expect } from "vitest";
import { HearthValidationError, describeValue } from "@hearth/core";

/** Lets pending resource registrations reach the mocks. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

/**
 * Asserts that `make` throws a HearthValidationError (never a TypeError or anything else from
 * inside), matching `message` when given, and that nothing at all was registered: neither the
 * component nor any child reaches `registered` (the list a test's Pulumi mocks fill).
 */
export async function expectRefused(registered: readonly unknown[], make: () => unknown, message?: RegExp | string): Promise<HearthValidationError> {
  await settle();
  const before = registered.length;
  let error: unknown;
  try {
    make();
  } catch (e) {
    error = e;
  }
  expect(error, "expected a HearthValidationError").toBeInstanceOf(HearthValidationError);
  if (message !== undefined) expect((error as Error).message).toMatch(message);
  await settle();
  expect(registered.slice(before)).toEqual([]);
  return error as HearthValidationError;
}

/**
 * Property form of {@link expectRefused}: every generated bad input is refused before anything
 * is registered. Returns the number of generated cases run.
 */
export async function expectAllRefused<T>(
  registered: readonly unknown[],
  inputs: fc.Arbitrary<T>,
  make: (input: T) => unknown,
  numRuns = 100,
): Promise<number> {
  let runs = 0;
  await settle();
  const start = registered.length;
  await fc.assert(
    fc.asyncProperty(inputs, async (input) => {
      runs++;
      const before = registered.length;
      let error: unknown;
      try {
        make(input);
      } catch (e) {
        error = e;
      }
      expect(error, `expected a HearthValidationError for ${String((error as Error | undefined)?.message ?? "an accepted input")}`).toBeInstanceOf(HearthValidationError);
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(registered.slice(before), `registered for ${describeValue(input)}`).toEqual([]);
    }),
    { numRuns },
  );
  await settle();
  expect(registered.slice(start)).toEqual([]);
  return runs;
}

/**
 * Runs `body` and collects the HearthValidationErrors that Outputs raise when they resolve
 * (Pulumi reports them as unhandled rejections of the registrations that awaited them). Every
 * other rejection still reaches vitest.
 */
export async function lateErrors(body: () => unknown | Promise<unknown>): Promise<HearthValidationError[]> {
  const caught: HearthValidationError[] = [];
  const previous = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  const listener = (reason: unknown, promise: Promise<unknown>) => {
    if (reason instanceof HearthValidationError) caught.push(reason);
    else for (const l of previous) l(reason, promise);
  };
  process.on("unhandledRejection", listener);
  try {
    await body();
    await settle();
    await settle();
  } finally {
    process.removeListener("unhandledRejection", listener);
    for (const l of previous) process.on("unhandledRejection", l);
  }
  return caught;
}
