import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HearthValidationError, failFor } from "@hearth/core";
import { checkPveComment, checkPveValue, firewallGroupPattern, isPveValue, pveFields, pveFormats, type PveFormatKey } from "./pveFormats.js";

// The PVE API schema (pve-docs 9.1.3 api-viewer/apidata.js as JSON), from the steering repo.
const specUrl = new URL("../../../../shared/specs/pve-api-9.1.3.json", import.meta.url);

interface SchemaNode {
  readonly path: string;
  readonly info?: Record<string, { readonly parameters?: { readonly properties?: Record<string, Record<string, unknown>> } }>;
  readonly children?: readonly SchemaNode[];
}

const byPath = new Map<string, SchemaNode>();
const visit = (node: SchemaNode) => {
  byPath.set(node.path, node);
  node.children?.forEach(visit);
};
(JSON.parse(readFileSync(specUrl, "utf8")) as SchemaNode[]).forEach(visit);

function parameter(path: string, method: string, param: string): Record<string, unknown> {
  const p = byPath.get(path)?.info?.[method]?.parameters?.properties?.[param];
  if (p === undefined) throw new Error(`pve-api-9.1.3.json has no ${method} ${path} parameter ${param}`);
  return p;
}

const runs = { numRuns: 300 };
const fail = failFor("VmFromTemplate", "web");
const formatKeys = Object.keys(pveFormats) as PveFormatKey[];

/** Generates values a format accepts, from its own pattern, within its length limits. */
const validArb = (key: PveFormatKey) => {
  const f = pveFormats[key];
  return fc.stringMatching(f.pattern).filter((v) => isPveValue(key, v));
};

describe("the PVE formats table matches the PVE API schema", () => {
  it.each(pveFields.map((f) => [`${f.hearth} -> ${f.method} ${f.path} ${f.param}${f.key ? `.${f.key}` : ""}`, f] as const))("%s", (_, field) => {
    const param = parameter(field.path, field.method, field.param);
    const schema = field.key === undefined ? param : (param.format as Record<string, Record<string, unknown>>)[field.key]!;
    expect(schema, `${field.param}.${field.key} in the schema`).toBeDefined();
    if (field.schema === undefined) {
      // No rule in the schema: Hearth applies the rule of the id the value names. If PVE adds
      // one, this fails and the table must take it.
      expect(schema.format).toBeUndefined();
      expect(schema.pattern).toBeUndefined();
    } else {
      expect(schema.format).toBe(field.schema.format);
      expect(schema.pattern).toBe(field.schema.pattern);
      expect(schema.minLength).toBe(field.schema.minLength);
      expect(schema.maxLength).toBe(field.schema.maxLength);
    }
    if (field.check !== "comment" && field.schema?.minLength !== undefined) {
      expect(pveFormats[field.check].minLength).toBeGreaterThanOrEqual(field.schema.minLength);
      expect(pveFormats[field.check].maxLength).toBeLessThanOrEqual(field.schema.maxLength!);
    }
  });

  it("builds the firewall group rule from the schema's own pattern, as PVE anchors it", () => {
    expect(parameter("/cluster/firewall/groups", "POST", "group").pattern).toBe(firewallGroupPattern);
    expect(pveFormats.firewallGroup.pattern.source).toBe(`^(?:${firewallGroupPattern})$`);
    // A VM's rule references the group in `action`, which takes the same pattern (and up to 20).
    expect(parameter("/nodes/{node}/qemu/{vmid}/firewall/rules", "POST", "action").pattern).toBe(firewallGroupPattern);
  });

  it("covers every SDN id with the pattern pve-network gives (the same for zones and VNets)", () => {
    expect(parameter("/cluster/sdn/zones", "POST", "zone").format).toBe("pve-sdn-zone-id");
    expect(parameter("/cluster/sdn/vnets", "POST", "vnet").format).toBe("pve-sdn-vnet-id");
  });
});

/** A format and a value it accepts. */
const keyedValidArb = fc.constantFrom(...formatKeys).chain((key) => fc.tuple(fc.constant(key), validArb(key)));

describe("PVE formats, over generated values", () => {
  const separators = [",", "=", ";", "\n", "\r", "\t", " ", "\u0000", "\u2028", "\u0085", "#", "\"", "'"];

  it("accepts generated valid values of every format", () => {
    for (const key of formatKeys) {
      fc.assert(
        fc.property(validArb(key), (value) => {
          expect(checkPveValue(fail, "field", value, key)).toBe(value);
        }),
        { numRuns: 100 },
      );
    }
  });

  it("refuses a value with a separator, a line break or a control character anywhere, in every format", () => {
    fc.assert(
      fc.property(keyedValidArb, fc.constantFrom(...separators), fc.nat(), fc.string({ maxLength: 8 }), ([key, base], separator, at, tail) => {
        const i = at % (base.length + 1);
        const smuggled = `${base.slice(0, i)}${separator}${tail}${base.slice(i)}`;
        expect(isPveValue(key, smuggled)).toBe(false);
        expect(() => checkPveValue(fail, "networks[0].bridge", smuggled, key)).toThrow(HearthValidationError);
      }),
      runs,
    );
  });

  it("refuses a valid value followed by a newline, which Perl's `$` in PVE's own check lets through", () => {
    fc.assert(
      fc.property(keyedValidArb, fc.constantFrom("\n", "\r\n", ",tag=1", "\nbridge_ports eth0"), ([key, base], suffix) => {
        expect(isPveValue(key, base + suffix)).toBe(false);
      }),
      runs,
    );
  });

  it("accepts nothing but the printable ASCII of its pattern, whatever string is tried", () => {
    fc.assert(
      fc.property(fc.constantFrom(...formatKeys), fc.string({ unit: "binary", maxLength: 24 }), (key, value) => {
        if (isPveValue(key, value)) expect(value).toMatch(/^[A-Za-z0-9._+:/-]+$/);
      }),
      runs,
    );
  });

  it("refuses non-strings with a HearthValidationError, never a TypeError", () => {
    fc.assert(
      fc.property(fc.constantFrom(...formatKeys), fc.anything().filter((v) => typeof v !== "string"), (key, value) => {
        expect(() => checkPveValue(fail, "node", value, key)).toThrow(HearthValidationError);
      }),
      runs,
    );
  });
});

describe("comments PVE writes into its firewall files", () => {
  it("accept one line of printable text and refuse any line break or control character", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.constantFrom("\n", "\r", "\u0000", "\u001b", "\u007f", "\u0085", "\u2028", "\u2029"), fc.nat(), (text, bad, at) => {
        const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, "");
        expect(checkPveComment(fail, "comment", clean)).toBe(clean);
        const i = at % (clean.length + 1);
        expect(() => checkPveComment(fail, "comment", `${clean.slice(0, i)}${bad}IN ACCEPT -p tcp${clean.slice(i)}`)).toThrow(/one line/);
      }),
      runs,
    );
  });
});
