import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { captureChildren, expectRefused, installMocks, late, outputOf as value, presets, recordedOf, resetMocks, settle } from "@hearth/kit/testing";
import { HaState, HighAvailability, type HighAvailabilityArgs } from "./highAvailability.js";

beforeAll(() => installMocks({ answers: presets.proxmox }));
beforeEach(() => resetMocks());

const types = { resource: "proxmoxve:index/haresource:Haresource", rule: "proxmoxve:index/harule:Harule" } as const;
let n = 0;
const unique = (prefix: string) => `${prefix}${++n}`;

describe("HighAvailability", () => {
  it("makes a VM highly available: an HA resource vm:<id> started, with Proxmox's defaults left to Proxmox", async () => {
    const { transformation, children } = captureChildren();
    const ha = new HighAvailability("db", { guestId: 100 }, { transformations: [transformation] });
    expect(await value(ha.resourceId)).toBe("vm:100");
    expect(await value(ha.ruleIds)).toEqual([]);
    expect(children.map((c) => [c.type, c.name, c.opts.parent])).toEqual([[types.resource, "db", ha]]);
    await settle();
    const inputs = recordedOf(types.resource)[0]!.inputs;
    expect(inputs).toMatchObject({ resourceId: "vm:100", type: "vm", state: "started", comment: "Managed by Hearth" });
    for (const k of ["maxRestart", "maxRelocate", "failback", "group"]) expect(inputs[k], k).toBeUndefined();
  });

  it("makes a container highly available as ct:<id> with limits, a node affinity rule and resource affinity rules", async () => {
    const { transformation, children } = captureChildren();
    const ha = new HighAvailability(
      "cache",
      {
        guestId: pulumi.output(320),
        guestType: "container",
        state: "stopped",
        maxRestarts: 2,
        maxRelocations: 0,
        failback: false,
        preferredNodes: [{ node: "pve1", priority: 2 }, { node: "pve2" }],
        strictNodes: true,
        keepTogetherWith: ["vm:100"],
        keepApartFrom: [pulumi.output("ct:321")],
      },
      { transformations: [transformation] },
    );
    expect(await value(ha.resourceId)).toBe("ct:320");
    expect(children.map((c) => c.name)).toEqual(["cache", "cache-nodes", "cache-together", "cache-apart"]);
    expect(children.every((c) => c.opts.parent === ha)).toBe(true);
    await settle();
    expect(recordedOf(types.resource)[0]!.inputs).toMatchObject({ resourceId: "ct:320", type: "ct", state: "stopped", maxRestart: 2, maxRelocate: 0, failback: false });
    const rules = recordedOf(types.rule).map((r) => r.inputs).sort((a, b) => String(a.rule).localeCompare(String(b.rule)));
    expect(rules).toEqual([
      expect.objectContaining({ rule: "hearth-cache-apart", type: "resource-affinity", affinity: "negative", resources: ["ct:320", "ct:321"] }),
      expect.objectContaining({ rule: "hearth-cache-nodes", type: "node-affinity", resources: ["ct:320"], nodes: { pve1: 2, pve2: 0 }, strict: true }),
      expect.objectContaining({ rule: "hearth-cache-together", type: "resource-affinity", affinity: "positive", resources: ["ct:320", "vm:100"] }),
    ]);
    expect(await value(ha.ruleIds)).toEqual(["hearth-cache-nodes", "hearth-cache-together", "hearth-cache-apart"]);
  });

  it.each<[string, Partial<HighAvailabilityArgs> & Record<string, unknown>, RegExp]>([
    ["a guest id below 100", { guestId: 99 }, /guestId 99/],
    ["an unknown state", { state: "enabled" as never }, /state "enabled"/],
    ["an unknown guest type", { guestType: "lxc" as never }, /guestType "lxc"/],
    ["negative restarts", { maxRestarts: -1 }, /maxRestarts -1/],
    ["fractional relocations", { maxRelocations: 1.5 }, /maxRelocations 1.5/],
    ["strict without preferred nodes", { strictNodes: true }, /strictNodes goes with preferredNodes/],
    ["an empty node list", { preferredNodes: [] }, /preferredNodes/],
    ["a node twice", { preferredNodes: [{ node: "pve1" }, { node: "pve1" }] }, /preferredNodes\[1\]\.node "pve1".*once/],
    ["a negative priority", { preferredNodes: [{ node: "pve1", priority: -1 }] }, /priority -1/],
    ["a malformed resource id", { keepTogetherWith: ["100"] }, /keepTogetherWith\[0\] "100"/],
    ["together and apart from the same guest", { keepTogetherWith: ["vm:101"], keepApartFrom: ["vm:101"] }, /together with and apart from/],
    ["a rule id prefix with a dot", { ruleIdPrefix: "web.db", preferredNodes: [{ node: "pve1" }] }, /ruleIdPrefix "web.db"/],
    ["a multi-line comment", { comment: "a\nb" }, /comment/],
  ])("refuses %s and creates nothing", async (_label, extra, message) => {
    await expectRefused(() => new HighAvailability(unique("bad"), { guestId: 100, ...extra }), message);
  });

  it("refuses a rule id another HighAvailability already uses", async () => {
    new HighAvailability("web", { guestId: 101, preferredNodes: [{ node: "pve1" }], ruleIdPrefix: "shared" });
    await expectRefused(() => new HighAvailability("web2", { guestId: 102, preferredNodes: [{ node: "pve2" }], ruleIdPrefix: "shared" }), /already uses the Proxmox HA rule id "shared-nodes"/);
  });

  it("checks a guest id given as an Output when it resolves", async () => {
    await expect(late(() => value(new HighAvailability(unique("late"), { guestId: pulumi.output(7) }).resourceId))).rejects.toThrow(/guestId 7/);
  });

  it("takes any state, limits 0-10 and node priorities; refuses limits outside (generated)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.values(HaState)), fc.integer({ min: -3, max: 13 }), fc.integer({ min: 0, max: 1000 }), async (state, limit, priority) => {
        const make = () => new HighAvailability(unique("g"), { guestId: 100, state, maxRestarts: limit, maxRelocations: limit, preferredNodes: [{ node: "pve1", priority }] });
        if (limit >= 0 && limit <= 10) expect(make).not.toThrow();
        else await expectRefused(make, /maxRestarts/);
      }),
      { numRuns: 40 },
    );
  });
});
