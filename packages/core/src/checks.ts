import * as pulumi from "@pulumi/pulumi";
import { HearthValidationError, type Fail } from "./errors.js";
import { isWholeNumber } from "./numbers.js";

/**
 * Runs `check` on a value now if it is plain, or when it resolves if it is an Output or a
 * Promise. Plain values fail in the constructor, before any child exists; unknown values
 * fail inside `apply`, which fails the deployment before the provider sees them.
 * Returns an Output of the (checked) value.
 *
 * A value the user marked secret (`pulumi.secret(...)`, or an Output built from one) is never
 * echoed: when its check fails, the error shows `[secret]` instead of the value, and every
 * piece of the value is blanked out of the rest of the message too. This is the one place
 * that decides it, so every field checked through `checked` keeps secrets out of errors.
 */
export function checked<T>(value: pulumi.Input<T>, check: (v: T) => void): pulumi.Output<T> {
  if (isPlain(value)) {
    check(value as T);
    return pulumi.output(value as T) as pulumi.Output<T>;
  }
  const output = pulumi.output(value) as pulumi.Output<T>;
  return output.apply(async (resolved) => {
    try {
      check(resolved as T);
    } catch (error) {
      if (error instanceof HearthValidationError && (await pulumi.isSecret(output))) throw redactSecret(error, resolved);
      throw error;
    }
    return resolved;
  }) as pulumi.Output<T>;
}

/** The same error with `secret` (and every string or number inside it) replaced by `[secret]`. */
export function redactSecret(error: HearthValidationError, secret: unknown): HearthValidationError {
  const pieces = [...secretPieces(secret, 0)].filter((p) => p.length > 0).sort((a, b) => b.length - a.length);
  const scrub = (text: string) => pieces.reduce((t, piece) => t.split(piece).join("[secret]"), text);
  return new HearthValidationError(error.component, scrub(error.field), "[secret]", scrub(error.allowed));
}

function* secretPieces(value: unknown, depth: number): Generator<string> {
  if (typeof value === "string") {
    yield value;
    yield JSON.stringify(value).slice(1, -1);
    for (const line of value.split(/\s+/)) if (line.length >= 3) yield line;
  } else if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    yield String(value);
  } else if (value !== null && typeof value === "object" && depth < 5) {
    for (const [key, inner] of Object.entries(value)) {
      yield key;
      yield* secretPieces(inner, depth + 1);
    }
  }
}

/** True when a value is known now: neither an Output nor a Promise. */
export function isPlain<T>(value: pulumi.Input<T> | undefined): value is T {
  return !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/** Checks a whole number in [min, max] ({@link isWholeNumber}: no NaN, ±Infinity, -0 or fractions). */
export function checkInt(fail: Fail, field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!isWholeNumber(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`;
    fail(field, value, `use ${range}`);
  }
  return value as number;
}

/** Checks that a value is one of a fixed set of words. */
export function checkOneOf<T extends string>(fail: Fail, field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    fail(field, value, `use one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
  }
  return value as T;
}

/** Checks a non-empty string without leading/trailing spaces. */
export function checkNonEmpty(fail: Fail, field: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "" || value.trim() !== value) {
    fail(field, value, "use a non-empty string without surrounding spaces");
  }
  return value as string;
}

/** Checks `true` or `false` (not "true", not 1). */
export function checkBoolean(fail: Fail, field: string, value: unknown): boolean {
  if (typeof value !== "boolean") fail(field, value, "use true or false");
  return value as boolean;
}

/**
 * Checks that an optional list argument is a list (an array, not a string or an object) and
 * returns it, `[]` when it is missing. `example` completes the message: `use a list such as ...`.
 */
export function checkList<T>(fail: Fail, field: string, value: readonly T[] | undefined, example: string): readonly T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(field, value, `use a list such as ${example}`);
  return value;
}

/** Checks that an argument is a plain object (not null, a list, a string or an Output). */
export function checkObject<T extends object>(fail: Fail, field: string, value: T | undefined, example: string): T {
  if (value === null || typeof value !== "object" || Array.isArray(value) || pulumi.Output.isInstance(value) || value instanceof Promise) {
    fail(field, value, `use an object such as ${example}`);
  }
  return value as T;
}

/** Checks a component's args object: given, and an object. */
export function checkArgs<T extends object>(fail: Fail, value: T | undefined, example: string): T {
  return checkObject(fail, "args", value, example);
}

/** Checks an optional map of strings (labels, tags): an object whose values are strings. */
export function checkStringMap(fail: Fail, field: string, value: Record<string, string> | undefined): Record<string, string> {
  if (value === undefined) return {};
  checkObject(fail, field, value, '{ env: "lab" }');
  for (const [key, inner] of Object.entries(value)) if (typeof inner !== "string") fail(`${field}.${key}`, inner, "use a string value");
  return value;
}
