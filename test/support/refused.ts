// Test support shared by every package's component tests: the proof that refused input
// registers nothing at all, the capture of errors raised when an Output resolves, and the proof
// that such an error never echoes a secret.
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { expect } from "vitest";
import { HearthValidationError, describeValue } from "@hearth/core";
import { secretText } from "./badInputs.js";

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

/** One package's part of {@link expectSecretsNeverEchoed}. */
export interface SecretEchoCase {
  /** The names of the components `create` makes, one per field checked when it resolves. */
  readonly components: readonly string[];
  /**
   * Makes each component of `components` with a bad secret value (`hidden` is `secret` as a Pulumi
   * secret) in one field. Returns other texts made from the secret that must not appear either.
   */
  create(secret: string, hidden: pulumi.Output<string>): readonly string[] | void;
  /** How many secrets to generate. */
  readonly numRuns: number;
  /** A text every message must contain where the secret was left out (e.g. "[secret]"). */
  readonly placeholder?: string;
}

/**
 * Property: for every generated secret, each component in `components` raises its own late
 * HearthValidationError (the message names it), and no message contains the secret or any text
 * `create` made from it. Returns the number of component cases run (components × numRuns).
 */
export async function expectSecretsNeverEchoed({ components, create, numRuns, placeholder }: SecretEchoCase): Promise<number> {
  let cases = 0;
  await fc.assert(
    fc.asyncProperty(secretText, async (secret) => {
      let leaks: readonly string[] = [];
      const errors = await lateErrors(() => {
        leaks = create(secret, pulumi.secret(secret)) ?? [];
      });
      cases += components.length;
      const messages = errors.map((e) => e.message);
      for (const component of components) expect(messages.some((m) => m.includes(`"${component}"`)), `an error for "${component}"`).toBe(true);
      for (const message of messages) {
        expect(message).not.toContain(secret);
        for (const leak of leaks) expect(message).not.toContain(leak);
        if (placeholder !== undefined) expect(message).toContain(placeholder);
      }
    }),
    { numRuns },
  );
  return cases;
}
