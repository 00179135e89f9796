import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HearthValidationError, failFor } from "./errors.js";
import { checkHostname, checkLabels, childName, hearthLabels, labelKeys, labelsToTags, tagRules } from "./naming.js";
import { resolveVmSize, vmSizes } from "./sizing.js";

const fail = failFor("VmFromTemplate", "web");

describe("names and labels", () => {
  it("derives child names from the component name", () => {
    expect(childName("web")).toBe("web");
    expect(childName("web", "disk", 1)).toBe("web-disk-1");
  });

  it.each(["web-1", "a", "x".repeat(63)])("accepts host name %s", (name) => expect(checkHostname(fail, "name", name)).toBe(name));
  it.each(["Web", "-web", "web-", "web_1", "x".repeat(64), ""])("refuses host name %j", (name) => {
    expect(() => checkHostname(fail, "name", name)).toThrow(/lowercase letters/);
  });

  it("lets Hearth's own labels win over anything else", () => {
    expect(hearthLabels("VmFromTemplate", { env: "prod", "hearth/managed-by": "me", "hearth/component": "x" })).toEqual({
      "hearth/component": "VmFromTemplate",
      env: "prod",
      "hearth/managed-by": "hearth",
    });
  });

  it("turns labels into sorted, flat tags", () => {
    expect(labelsToTags({ "hearth/role": "ingress", Env: "Prod", "hearth/stack": "home" })).toEqual([
      "env-prod",
      "hearth-role-ingress",
      "hearth-stack-home",
    ]);
  });

  it("checks label keys and values", () => {
    expect(() => checkLabels(fail, "labels", { "hearth/role": "ingress" })).toThrow(/Hearth's own labels/);
    expect(() => checkLabels(fail, "labels", "env=prod")).toThrow(/map of labels/);
    expect(() => checkLabels(fail, "labels", { env: 7 })).toThrow(/label values/);
    expect(() => checkLabels(fail, "labels", { "bad key": "x" })).toThrow(/labels\.bad key/);
    expect(() => checkLabels(fail, "labels", { env: "has space" })).toThrow(/label values/);
  });
});

describe("VM sizes", () => {
  it("resolves named sizes and checks explicit ones", () => {
    expect(resolveVmSize(fail, "size", "medium")).toEqual(vmSizes.medium);
    expect(resolveVmSize(fail, "size", { cores: 2, memoryMb: 2048 })).toEqual({ cores: 2, memoryMb: 2048 });
  });

  it.each([
    ["huge", /size "huge"/],
    [{ cores: 0, memoryMb: 1024 }, /size\.cores 0/],
    [{ cores: 2, memoryMb: -1 }, /size\.memoryMb -1/],
    [{ cores: 2.5, memoryMb: 1024 }, /size\.cores/],
  ])("refuses %j", (size, message) => {
    expect(() => resolveVmSize(fail, "size", size as never)).toThrow(message);
  });
});

describe("labels and tags per target (properties)", () => {
  const alnum = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
  const middle = fc.constantFrom(..."abcXYZ019-_.");
  const name = (max: number) =>
    fc.tuple(alnum, fc.array(middle, { maxLength: max - 2 }), alnum).map(([a, m, b]) => a + m.join("") + b);
  const userKey = name(20).filter((k) => !k.toLowerCase().startsWith("hearth"));
  const userLabels = fc.dictionary(userKey, fc.oneof(fc.constant(""), name(20)), { maxKeys: 6 });

  it("refuses every user label under hearth/, and Hearth's labels always win", () => {
    fc.assert(
      fc.property(userLabels, fc.constantFrom(...Object.values(labelKeys)), name(10), (labels, hearthKey, value) => {
        expect(() => checkLabels(fail, "labels", { ...labels, [hearthKey]: value })).toThrow(/Hearth's own labels/);
        const merged = hearthLabels("Network", { ...labels, [hearthKey]: value, [labelKeys.role]: "ingress" });
        expect(merged[labelKeys.managedBy]).toBe("hearth");
        expect(merged[labelKeys.component]).toBe("Network");
        expect(merged[labelKeys.role]).toBe("ingress");
      }),
      { numRuns: 300 },
    );
  });

  it("accepts hcloud-valid labels, and for tag targets either valid distinct tags or a refusal", () => {
    fc.assert(
      fc.property(userLabels, fc.constantFrom("digitalocean" as const, "proxmox" as const), (labels, target) => {
        expect(checkLabels(fail, "labels", labels, "hcloud")).toBe(labels);
        let accepted = true;
        try {
          checkLabels(fail, "labels", labels, target);
        } catch (e) {
          accepted = false;
          expect((e as Error).message).toMatch(/become the tag|becomes the tag/);
        }
        const tags = Object.entries(labels).map(([k, v]) => labelsToTags({ [k]: v })[0]!);
        if (accepted) {
          expect(new Set(tags).size).toBe(tags.length);
          for (const tag of tags) expect(tag).toMatch(tagRules[target].pattern);
        } else {
          expect(new Set(tags).size < tags.length || tags.some((t) => !tagRules[target].pattern.test(t))).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("refuses label keys and values outside the syntax, generated", () => {
    const badValue = fc.string({ minLength: 1, maxLength: 70 }).filter((v) => !/^(?:[a-zA-Z0-9](?:[-a-zA-Z0-9_.]{0,61}[a-zA-Z0-9])?)?$/.test(v));
    fc.assert(
      fc.property(userKey, badValue, (key, value) => {
        expect(() => checkLabels(fail, "labels", { [key]: value })).toThrow(HearthValidationError);
      }),
      { numRuns: 300 },
    );
  });

});
