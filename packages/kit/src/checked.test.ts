import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HearthValidationError, checkInt, failFor } from "@hearth/core";
import { checked } from "./checked.js";
import { lateErrors } from "./testing.js";

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

describe("checked: plain and late values", () => {
  const fail2 = failFor("VmFromTemplate", "web");
  const check = (v: number) => checkInt(fail2, "memoryMb", v, 16);

  it("checks plain values at once", () => {
    expect(() => checked(8, check)).toThrow(/memoryMb 8/);
  });

  it("checks Output values when they resolve", async () => {
    pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs });
    const good = checked(pulumi.output(2048), check);
    await expect(new Promise((resolve) => good.apply(resolve))).resolves.toBe(2048);
    const bad = checked(Promise.resolve(8), check);
    // The Output's other views of the same failure (known-ness, secrecy) reject too; observe them.
    const internals = bad as unknown as { isKnown: Promise<boolean>; isSecret: Promise<boolean> };
    internals.isKnown.catch(() => undefined);
    internals.isSecret.catch(() => undefined);
    // An apply that throws rejects the Output's underlying promise, which fails the deployment.
    await expect((bad as unknown as { promise(): Promise<number> }).promise()).rejects.toThrow(HearthValidationError);
  });
});
