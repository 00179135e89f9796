// Property tests shared by every package's component tests (fast-check): every generated bad
// input is refused before anything registers, and no late error echoes a secret. The mocks,
// expectRefused, settle and lateErrors they build on are @hearth/kit/testing's.
import * as pulumi from "@pulumi/pulumi";
import { lateErrors, settle } from "@hearth/kit/testing";
import fc from "fast-check";
import { expect } from "vitest";
import { HearthValidationError, describeValue } from "@hearth/core";
import { secretText } from "./badInputs.js";

/**
 * Property form of `expectRefused` (@hearth/kit/testing): every generated bad input is refused before anything
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
