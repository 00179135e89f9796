import * as pulumi from "@pulumi/pulumi";
import type { Fail } from "./errors.js";

/**
 * Runs `check` on a value now if it is plain, or when it resolves if it is an Output or a
 * Promise. Plain values fail in the constructor, before any child exists; unknown values
 * fail inside `apply`, which fails the deployment before the provider sees them.
 * Returns an Output of the (checked) value.
 */
export function checked<T>(value: pulumi.Input<T>, check: (v: T) => void): pulumi.Output<T> {
  if (isPlain(value)) {
    check(value as T);
    return pulumi.output(value as T) as pulumi.Output<T>;
  }
  return pulumi.output(value).apply((resolved) => {
    check(resolved as T);
    return resolved;
  }) as pulumi.Output<T>;
}

/** True when a value is known now: neither an Output nor a Promise. */
export function isPlain<T>(value: pulumi.Input<T> | undefined): value is T {
  return !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/** Checks a whole number in [min, max]. */
export function checkInt(fail: Fail, field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
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
