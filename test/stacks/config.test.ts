import { describe, expect, it } from "vitest";
import { environmentSchema, parseStackConfig, z } from "../../stacks/lib/config.js";
import { HearthValidationError } from "@hearth/core";

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

