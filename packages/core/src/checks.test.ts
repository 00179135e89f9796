import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkList, checkObject } from "./checks.js";
import { HearthValidationError, failFor } from "./errors.js";

const fail = failFor("GatewayNode", "ingress-fsn1");

describe("wrong types are HearthValidationErrors", () => {
  it("refuses anything but a list where a list is expected", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer(), fc.object(), fc.boolean(), fc.constant(null)), (value) => {
        expect(() => checkList(fail, "ports", value as never, "[443]")).toThrow(HearthValidationError);
      }),
      { numRuns: 200 },
    );
    expect(checkList(fail, "ports", undefined, "[443]")).toEqual([]);
    expect(() => checkObject(fail, "home", "home" as never, "{ tunnelCidr }")).toThrow(HearthValidationError);
  });
});
