import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkInt } from "./checks.js";
import { HearthValidationError, describeValue, failFor } from "./errors.js";
import { isWholeNumber } from "./numbers.js";

const fail = failFor("VmFromTemplate", "web");

describe("numbers: one rule, shown as given", () => {
  it("describes every number as written, never as JSON's null or 0", () => {
    fc.assert(
      fc.property(fc.double(), (n) => {
        const expected = Object.is(n, -0) ? "-0" : String(n);
        expect(describeValue(n)).toBe(expected);
        expect(describeValue([n])).toBe(`[${expected}]`);
        expect(describeValue({ cores: n })).toBe(`{"cores":${expected}}`);
      }),
      { numRuns: 1000 },
    );
    expect(describeValue(Number.NaN)).toBe("NaN");
    expect(describeValue(-Infinity)).toBe("-Infinity");
  });

  it("refuses NaN, ±Infinity, -0 and fractions wherever a whole number is required", () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0.5, 2 ** 53)), fc.integer({ min: -5, max: 5 }), (n, min) => {
        const whole = Number.isSafeInteger(n) && !Object.is(n, -0);
        expect(isWholeNumber(n)).toBe(whole);
        if (!whole) {
          expect(() => checkInt(fail, "size.cores", n, min)).toThrow(HearthValidationError);
          expect(() => checkInt(fail, "size.cores", n, min)).toThrow(`size.cores ${Object.is(n, -0) ? "-0" : String(n)} is not valid`);
        } else if (n >= min) {
          expect(checkInt(fail, "size.cores", n, min)).toBe(n);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("never looks inside an Output or a Promise", () => {
    expect(describeValue({ __pulumiOutput: true, secret: "hunter2" })).toBe("[Output]");
    expect(describeValue(Promise.resolve("hunter2"))).toBe("[Promise]");
  });
});
