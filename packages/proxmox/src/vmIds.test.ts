import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { failFor, HearthValidationError } from "@hearth/core";
import { checkVmIdRange, fnv1a, homeSlot, VmIdRegistry, type VmIdRange } from "./vmIds.js";

const fail = failFor("VmFromTemplate", "test");
const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
const range = fc
  .tuple(fc.integer({ min: 100, max: 999_999_000 }), fc.integer({ min: 0, max: 999 }))
  .map(([from, extra]): VmIdRange => ({ from, to: from + extra }));

describe("homeSlot", () => {
  it("is a fixed function of the name: pinned values", () => {
    // FNV-1a 32-bit of "" and "a" (the published test vectors).
    expect(fnv1a("")).toBe(0x811c9dc5);
    expect(fnv1a("a")).toBe(0xe40c292c);
    expect(homeSlot("web-1", { from: 20000, to: 20999 })).toBe(20000 + (fnv1a("web-1") % 1000));
  });

  it("always lies inside the range", () => {
    fc.assert(fc.property(name, range, (n, r) => {
      const id = homeSlot(n, r);
      expect(id).toBeGreaterThanOrEqual(r.from);
      expect(id).toBeLessThanOrEqual(r.to);
    }));
  });
});

describe("VmIdRegistry.assign", () => {
  it("gives distinct ids inside the range to every VM, until the range is full", () => {
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 60 }), fc.integer({ min: 100, max: 100_000 }), fc.integer({ min: 0, max: 80 }), (names, from, extra) => {
        const r = { from, to: from + extra };
        const registry = new VmIdRegistry();
        const size = extra + 1;
        const ids: number[] = [];
        names.forEach((n, i) => {
          if (i < size) ids.push(registry.assign(fail, "vmIdRange", r, n, n));
          else expect(() => registry.assign(fail, "vmIdRange", r, n, n)).toThrow(/every id from .* is already used/);
        });
        expect(new Set(ids).size).toBe(ids.length);
        for (const id of ids) expect(id >= r.from && id <= r.to).toBe(true);
      }),
    );
  });

  it("gives a VM whose home slot is free that slot, whatever else the program registers first", () => {
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 2, maxLength: 30 }), (names) => {
        const r = { from: 20000, to: 20999 };
        const [last, ...others] = [names.at(-1)!, ...names.slice(0, -1)];
        const registry = new VmIdRegistry();
        for (const n of others) registry.assign(fail, "vmIdRange", r, n, n);
        const taken = new Set(others.map((n) => registry.assign(fail, "vmIdRange", r, n, n)));
        const id = registry.assign(fail, "vmIdRange", r, last, last);
        if (!taken.has(homeSlot(last, r))) expect(id).toBe(homeSlot(last, r));
      }),
    );
  });

  it("skips ids claimed explicitly, and an explicit claim of an assigned id is refused", () => {
    const r = { from: 500, to: 502 };
    const registry = new VmIdRegistry();
    registry.claim(fail, "vmId", 500, "VmFromTemplate \"a\"");
    registry.claim(fail, "vmId", 501, "VmFromTemplate \"b\"");
    registry.claim(fail, "vmId", 502, "VmFromTemplate \"c\"");
    expect(() => registry.assign(fail, "vmIdRange", r, "d", "VmFromTemplate \"d\"")).toThrow(HearthValidationError);

    const fresh = new VmIdRegistry();
    const id = fresh.assign(fail, "vmIdRange", r, "d", "VmFromTemplate \"d\"");
    expect(() => fresh.claim(fail, "vmId", id, "VmFromTemplate \"e\"")).toThrow(/already used by VmFromTemplate "d"/);
  });
});

describe("checkVmIdRange", () => {
  it.each([
    [{ from: 20000, to: 20999 }, undefined],
    [{ from: 100, to: 100 }, undefined],
    [{ from: 99, to: 200 }, /vmIdRange\.from 99/],
    [{ from: 300, to: 200 }, /from 300 is above to 200/],
    [{ from: 300, to: 1_000_000_000 }, /vmIdRange\.to/],
    [{ from: 1.5, to: 200 }, /vmIdRange\.from 1\.5/],
    ["20000-20999", /vmIdRange "20000-20999"/],
    [null, /vmIdRange null/],
  ])("%j", (value, error) => {
    if (error === undefined) expect(checkVmIdRange(fail, "vmIdRange", value)).toEqual(value);
    else expect(() => checkVmIdRange(fail, "vmIdRange", value)).toThrow(error);
  });
});
