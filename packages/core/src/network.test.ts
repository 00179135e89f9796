import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HearthValidationError, failFor } from "./errors.js";
import { checkVlanTag } from "./network.js";

const fail = failFor("Network", "lab");

describe("checkVlanTag", () => {
  it.each([1, 100, 4094])("accepts %d", (tag) => expect(checkVlanTag(fail, "vlan.tag", tag)).toBe(tag));
  it("refuses every number that is not a whole number from 1 to 4094, showing it as given", () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer({ min: 4095 }), fc.integer({ max: 0 }), fc.constant(-0)), (tag) => {
        fc.pre(!(Number.isInteger(tag) && tag >= 1 && tag <= 4094 && !Object.is(tag, -0)));
        expect(() => checkVlanTag(fail, "vlan.tag", tag)).toThrow(HearthValidationError);
        expect(() => checkVlanTag(fail, "vlan.tag", tag)).toThrow(`vlan.tag ${Object.is(tag, -0) ? "-0" : String(tag)} is not valid`);
      }),
      { numRuns: 300 },
    );
  });
});
