import { HearthValidationError } from "@hearth/core";
import { settle } from "./mocks.js";

const isValidationError = (reason: unknown): reason is HearthValidationError =>
  reason instanceof HearthValidationError || (reason instanceof Error && reason.name === "HearthValidationError");

/**
 * Runs `body` (and awaits what it returns) and collects the HearthValidationErrors raised by
 * checks on values that resolve later (`checked()` on an Output): Pulumi reports them as
 * rejections of the registrations that waited on the value, which nothing else awaits. Only
 * for the duration of the call; every other unhandled rejection still reaches the test runner.
 * A rejection of `body` itself is collected when it is a HearthValidationError, rethrown otherwise.
 */
export async function lateErrors(body: () => unknown): Promise<HearthValidationError[]> {
  const caught: HearthValidationError[] = [];
  const note = (error: HearthValidationError) => {
    if (!caught.some((c) => c === error || c.message === error.message)) caught.push(error);
  };
  const previous = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  const listener = (reason: unknown, promise: Promise<unknown>) => {
    if (isValidationError(reason)) note(reason);
    else for (const l of previous) l(reason, promise);
  };
  process.on("unhandledRejection", listener);
  try {
    try {
      await body();
    } catch (error) {
      if (!isValidationError(error)) throw error;
      note(error);
    }
    await settle();
  } finally {
    process.removeListener("unhandledRejection", listener);
    for (const l of previous) process.on("unhandledRejection", l);
  }
  return caught;
}

/**
 * {@link lateErrors} as one promise a test awaits: resolves with what `body` returned when no
 * check failed later, rejects with the HearthValidationError otherwise (an AggregateError
 * listing every message when there were several).
 *
 * ```ts
 * await expect(late(() => outputOf(new BackupPolicy("b", { schedule: pulumi.output("whenever") }).schedule)))
 *   .rejects.toThrow(/schedule "whenever"/);
 * ```
 */
export async function late<T>(body: () => T | Promise<T>): Promise<Awaited<T>> {
  let result: Awaited<T> | undefined;
  const errors = await lateErrors(async () => {
    result = await body();
  });
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, errors.map((e) => e.message).join("\n"));
  return result as Awaited<T>;
}
