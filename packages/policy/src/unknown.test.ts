import { describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { configSchemaFor, engineNames } from "./definition.js";
import { hearthPolicies } from "./policies/index.js";
import { UNKNOWN } from "./types.js";
import { bool, toPlain, unknownSentinels } from "./unknown.js";

// The sentinels and the proxy are @internal in @pulumi/policy's typings, so load the module untyped.
const proxy = createRequire(import.meta.url)("@pulumi/policy/proxy.js") as Record<string, string> & {
  unknownCheckingProxy: (o: object) => object;
  UnknownValueError: new (...args: unknown[]) => Error;
};

describe("unknown values", () => {
  it("knows every sentinel @pulumi/policy uses", () => {
    const theirs = [proxy.unknownBooleanValue, proxy.unknownNumberValue, proxy.unknownStringValue, proxy.unknownArrayValue, proxy.unknownAssetValue, proxy.unknownArchiveValue, proxy.unknownObjectValue];
    expect([...unknownSentinels].sort()).toEqual([...theirs].sort());
  });
  it("turns sentinels into UNKNOWN through the unknown-checking proxy without throwing", () => {
    const props = proxy.unknownCheckingProxy({ a: proxy.unknownStringValue, b: [{ c: proxy.unknownNumberValue }], d: "x" });
    expect(proxy.getSpecialProxyTarget).toBe("__getSpecialProxyTarget");
    expect(() => (props as Record<string, unknown>).a).toThrow(proxy.UnknownValueError);
    expect(toPlain(props)).toEqual({ a: UNKNOWN, b: [{ c: UNKNOWN }], d: "x" });
  });
  it("reads provider booleans given as strings", () => {
    expect([bool("true"), bool(true), bool("false"), bool(undefined), bool(UNKNOWN)]).toEqual([true, true, false, undefined, UNKNOWN]);
  });
});

describe("policy definitions", () => {
  it("have unique engine names, descriptions and schemas without enforcementLevel", () => {
    const names = hearthPolicies.flatMap((p) => Object.values(engineNames(p)));
    expect(new Set(names).size).toBe(names.length);
    expect(names).not.toContain("all");
    for (const p of hearthPolicies) {
      expect(p.description.length).toBeGreaterThan(40);
      expect(configSchemaFor(p).properties).not.toHaveProperty("enforcementLevel");
      expect(p.validateResource ?? p.validateStack).toBeTypeOf("function");
    }
  });
});
