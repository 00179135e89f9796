import { describe, expect, it } from "vitest";
import { canonicalize } from "./canonical.js";

describe("canonicalize", () => {
  it.each<[string, unknown, string]>([
    ["sorts keys at every depth", { b: 1, a: { d: [1, { z: true, y: null }], c: "x" } }, '{"a":{"c":"x","d":[1,{"y":null,"z":true}]},"b":1}'],
    ["sorts keys by UTF-16 code units", { b: 1, B: 2, "é": 3, aa: 4, a: 5 }, '{"B":2,"a":5,"aa":4,"b":1,"é":3}'],
    ["escapes strings like JSON.stringify", { s: 'quote " slash \\ line\n tab\t \u0001' }, '{"s":"quote \\" slash \\\\ line\\n tab\\t \\u0001"}'],
    ["prints -0 as 0", [-0, 0, -12], "[0,0,-12]"],
    ["keeps empty containers", { a: [], o: {} }, '{"a":[],"o":{}}'],
  ])("%s", (_what, value, expected) => {
    expect(canonicalize(value)).toBe(expected);
    expect(JSON.parse(canonicalize(value))).toEqual(JSON.parse(expected));
  });

  it("gives the same text whatever the key insertion order", () => {
    expect(canonicalize({ a: 1, b: { c: 2, d: 3 } })).toBe(canonicalize({ b: { d: 3, c: 2 }, a: 1 }));
  });

  it.each<[string, unknown, RegExp]>([
    ["undefined fields", { a: undefined }, /\$\.a is undefined/],
    ["fractions", { n: 1.5 }, /\$\.n is 1\.5; only safe integers/],
    ["unsafe integers", [2 ** 53], /\$\[0\] is 9007199254740992/],
    ["NaN", { n: Number.NaN }, /NaN/],
    ["bigints", { n: 1n }, /bigint/],
    ["class instances", { d: new Date(0) }, /\$\.d is not a plain object/],
    ["functions", [() => 1], /function/],
  ])("refuses %s instead of dropping them", (_what, value, message) => {
    expect(() => canonicalize(value)).toThrow(TypeError);
    expect(() => canonicalize(value)).toThrow(message);
  });
});
