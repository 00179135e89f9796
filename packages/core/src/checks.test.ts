import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkList, checkObject, checked } from "./checks.js";
import { HearthValidationError, failFor } from "./errors.js";
import { lateErrors } from "../../../test/support/refused.js";

const fail = failFor("GatewayNode", "ingress-fsn1");
const settle = <T>(output: pulumi.Output<T>) => (output as unknown as { promise(): Promise<T> }).promise();

/** Secrets worth the name: long enough that finding one in a message is no coincidence. */
export const secretText = fc.string({ minLength: 8, maxLength: 40, unit: "grapheme-ascii" }).filter((s) => s.trim().length >= 8);

describe("checked: secrets never reach a message", () => {
  it("shows [secret] for a secret Output whatever the check echoes (value, field or advice)", async () => {
    await lateErrors(() => fc.assert(
      fc.asyncProperty(secretText, async (secret) => {
        const output = checked(pulumi.secret(secret), (v) => fail(`labels.${v}`, v, `it was ${JSON.stringify(v)}, ${v} and ${v.toUpperCase() === v ? v : v}`));
        const error = await settle(output).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(HearthValidationError);
        const message = (error as Error).message;
        expect(message).toContain("[secret]");
        expect(message).not.toContain(secret);
        expect(message).not.toContain(JSON.stringify(secret).slice(1, -1));
      }),
      { numRuns: 200 },
    ));
  });

  it("keeps showing plain and non-secret Output values (they help)", async () => {
    expect(() => checked("10.0.0.0/33", (v) => fail("cidr", v, "use a CIDR"))).toThrow('cidr "10.0.0.0/33"');
    await lateErrors(() => expect(settle(checked(pulumi.output("10.0.0.0/33"), (v) => fail("cidr", v, "use a CIDR")))).rejects.toThrow('cidr "10.0.0.0/33"'));
  });

  it("keeps a secret nested in a structure out of the message", async () => {
    const output = checked(pulumi.all([pulumi.output("fine"), pulumi.secret("s3cr3t-value-1")]), ([a, b]) => fail("pair", [a, b], `got ${b}`));
    await lateErrors(() => expect(settle(output)).rejects.toThrow(/^(?!.*s3cr3t-value-1).*\[secret\]/s));
  });
});

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
