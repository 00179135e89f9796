import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { checkInt, checked } from "./checks.js";
import { environmentSchema, parseStackConfig, z } from "./config.js";
import { HearthValidationError, failFor } from "./errors.js";

describe("parseStackConfig", () => {
  const schema = z.object({ environment: environmentSchema, vms: z.array(z.object({ name: z.string(), cores: z.number().int().positive() })) });

  it("returns typed config", () => {
    expect(parseStackConfig("home", schema, { environment: "lab", vms: [{ name: "a", cores: 2 }] }).vms[0]?.cores).toBe(2);
  });

  it("names the config key that is wrong", () => {
    let error: HearthValidationError | undefined;
    try {
      parseStackConfig("home", schema, { environment: "lab", vms: [{ name: "a", cores: -2 }] });
    } catch (e) {
      error = e as HearthValidationError;
    }
    expect(error).toBeInstanceOf(HearthValidationError);
    expect(error?.component).toBe("stack config home");
    expect(error?.field).toBe("vms.0.cores");
    expect(error?.value).toBe(-2);
  });

  it("refuses an undeclared environment", () => {
    expect(() => parseStackConfig("home", schema, { environment: "prod", vms: [] })).toThrow(/environment "prod"/);
  });
});

describe("checked", () => {
  const fail = failFor("VmFromTemplate", "web");
  const check = (v: number) => checkInt(fail, "memoryMb", v, 16);

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
