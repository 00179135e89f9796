import type { Fail } from "./errors.js";
import { isWholeNumber } from "./numbers.js";

/** Checks a VLAN tag (802.1Q): 1..4094. */
export function checkVlanTag(fail: Fail, field: string, value: unknown): number {
  if (!isWholeNumber(value) || value < 1 || value > 4094) {
    fail(field, value, "a VLAN tag is a whole number from 1 to 4094");
  }
  return value as number;
}
