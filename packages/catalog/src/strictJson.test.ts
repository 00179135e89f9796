import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseStrictJson, StrictJsonError } from "./strictJson.js";

const runs = { numRuns: 300 };

/** JSON text of an object whose members are given as [key spelling, value text] pairs. */
const objectText = (members: ReadonlyArray<readonly [string, string]>) => `{${members.map(([k, v]) => `${k}:${v}`).join(",")}}`;

/** The key as JSON text, with some characters written as \uXXXX escapes. */
const spelled = (key: string, escapes: readonly boolean[]) =>
  `"${[...key].map((ch, i) => (escapes[i % Math.max(escapes.length, 1)] ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}` : JSON.stringify(ch).slice(1, -1))).join("")}"`;

describe("parseStrictJson", () => {
  it("reads every duplicate-free JSON text exactly as JSON.parse does", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        expect(JSON.stringify(parseStrictJson(text))).toBe(JSON.stringify(JSON.parse(text)));
      }),
      runs,
    );
  });

  it("refuses an object with a key twice, however the second spelling escapes it and wherever the object sits", () => {
    const keyArb = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !/[\ud800-\udfff]/.test(k));
    fc.assert(
      fc.property(
        keyArb,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        fc.uniqueArray(fc.string({ maxLength: 6 }), { maxLength: 4 }),
        fc.nat(),
        fc.integer({ min: 0, max: 3 }),
        (key, escapes, others, position, depth) => {
          const rest: Array<readonly [string, string]> = others.filter((o) => o !== key).map((o) => [JSON.stringify(o), "1"] as const);
          const members = [...rest];
          members.splice(position % (members.length + 1), 0, [JSON.stringify(key), '"first"']);
          members.push([spelled(key, escapes), '"second"']);
          let text = objectText(members);
          for (let i = 0; i < depth; i++) text = i % 2 ? `[${text}]` : `{"outer":${text}}`;
          expect(() => JSON.parse(text)).not.toThrow();
          expect(() => parseStrictJson(text)).toThrow(StrictJsonError);
        },
      ),
      runs,
    );
  });

  it("refuses text JSON.parse refuses", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        let jsonOk = true;
        try {
          JSON.parse(text);
        } catch {
          jsonOk = false;
        }
        if (!jsonOk) expect(() => parseStrictJson(text)).toThrow(StrictJsonError);
      }),
      runs,
    );
    for (const text of ['{"a":1,}', "[1,]", "{'a':1}", '{"a":1}//', "NaN", "01", '"\t"', ""]) {
      expect(() => parseStrictJson(text), text).toThrow(StrictJsonError);
    }
  });

  it("returns JSON.parse's value, __proto__ an ordinary key", () => {
    const value = parseStrictJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
