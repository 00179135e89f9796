/**
 * Numbers, the one rule (Pulumi-free, also published as `@hearth/core/numbers` for the catalog
 * client). A count, an id, a port or a size is a whole number: a finite safe integer, and not
 * `-0` (which prints as `0` but is not what anyone means). NaN, ±Infinity and fractions are not.
 */
export function isWholeNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && !Object.is(value, -0);
}
