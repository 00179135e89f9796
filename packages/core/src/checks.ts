import type { Fail } from "./errors.js";
import { isWholeNumber } from "./numbers.js";

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
  if (value === null || typeof value !== "object" || Array.isArray(value) || isUnresolved(value)) {
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

/**
 * True for a value that is not known yet: a Pulumi Output (recognised by the marker every
 * Output carries, so this module needs no Pulumi SDK) or a Promise.
 */
export function isUnresolved(value: unknown): boolean {
  return value instanceof Promise || (value !== null && typeof value === "object" && (value as { __pulumiOutput?: unknown }).__pulumiOutput === true);
}
