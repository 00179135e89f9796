import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HearthValidationError, Problems } from "../errors.js";
import { validateBackupPolicy, validateFirewallRules, validateVmArgs, vmResources, type VmArgs } from "./index.js";
import { rule } from "../firewall.js";

const who = 'VmFromTemplate "web"';

describe("validateVmArgs returns every problem, not only the first", () => {
  it("accepts a full, valid literal", () => {
    const args: VmArgs = {
      hostname: "web-1",
      size: "medium",
      networks: [{ networkId: "vmbr1", ipv4Address: "10.0.0.5/24" }],
      firewallGroups: ["web"],
      cloudInit: { user: "ops", packages: ["nginx"], runcmd: ["systemctl enable --now nginx"] },
      labels: { app: "web" },
      backups: { schedule: "02:00", retention: { keepDaily: 7 } },
      deleteProtection: true,
    };
    expect(validateVmArgs(who, args)).toEqual([]);
  });

  it("lists each broken field once, in order", () => {
    const problems = validateVmArgs(who, {
      hostname: "not a host",
      size: "huge" as never,
      firewallGroups: [""],
      labels: { "hearth/role": "x" },
      backups: { schedule: "whenever", retention: {} },
    });
    expect(problems.map((p) => p.field)).toEqual(["hostname", "size", "firewallGroups[0]", "labels.hearth/role", "backups.schedule", "backups.retention"]);
  });

  it("checks the volumes a VM attaches with the other args", () => {
    expect(validateVmArgs(who, { volumes: [{ volumeId: "1", mountPath: "/srv/data" }, { volumeId: "2" }] })).toEqual([]);
    const problems = validateVmArgs(who, { hostname: "Web_1", volumes: [{ volumeId: "", mountPath: "srv" }, { volumeId: "3", mountPath: "/" }] });
    expect(problems.map((p) => p.field)).toEqual(["hostname", "volumes[0].volumeId", "volumes[0].mountPath", "volumes[1].mountPath"]);
  });

  it("refuses a size next to cores and memoryMb, and checks explicit resources", () => {
    expect(validateVmArgs(who, { size: "small", cores: 2 }).map((p) => p.field)).toEqual(["size"]);
    expect(validateVmArgs(who, { cores: 0, memoryMb: 8 }).map((p) => p.field)).toEqual(["cores", "memoryMb"]);
    expect(vmResources({ cores: 2, memoryMb: 4096 })).toEqual({ cores: 2, memoryMb: 4096 });
    expect(vmResources({})).toEqual({ cores: 1, memoryMb: 2048 });
  });

  it("skips values not known yet (the provider checks them when they resolve)", () => {
    const output = { __pulumiOutput: true };
    expect(validateVmArgs(who, { hostname: output as never, networks: [{ networkId: output as never }], firewallGroups: [output as never] })).toEqual([]);
  });

  it("finds as many problems as there are broken fields, generated", () => {
    const broken = {
      hostname: "-bad-",
      size: "tiny" as never,
      firewallGroups: [7 as never],
      backups: { schedule: "never" },
      deleteProtection: "yes" as never,
    } satisfies Partial<VmArgs>;
    const keys = Object.keys(broken) as (keyof typeof broken)[];
    fc.assert(
      fc.property(fc.subarray(keys, { minLength: 1 }), (chosen) => {
        const args = Object.fromEntries(chosen.map((k) => [k, broken[k]])) as VmArgs;
        expect(validateVmArgs(who, args)).toHaveLength(chosen.length);
      }),
      { numRuns: 100 },
    );
  });
});

describe("Problems", () => {
  it("throws one HearthValidationError naming every problem", () => {
    const problems = new Problems(who);
    problems.add(validateVmArgs(who, { hostname: "a b", size: "big" as never }));
    let error: unknown;
    try {
      problems.throwIfAny();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HearthValidationError);
    const e = error as HearthValidationError;
    expect(e.problems).toHaveLength(2);
    expect(e.field).toBe("hostname");
    expect(e.message).toMatch(/^VmFromTemplate "web": 2 problems:\n {2}- hostname "a b" is not valid; .*\n {2}- size "big" is not valid; use one of "nano"/);
  });

  it("does nothing without problems, and lets other errors through", () => {
    const problems = new Problems(who);
    expect(() => problems.throwIfAny()).not.toThrow();
    expect(() => problems.check(() => { throw new TypeError("bug"); })).toThrow(TypeError);
  });
});

describe("validateBackupPolicy and validateFirewallRules", () => {
  it("checks a policy value's schedule and retention", () => {
    expect(validateBackupPolicy(who, "backups", { schedule: "sun 03:30", retention: { keepWeekly: 4 } })).toEqual([]);
    expect(validateBackupPolicy(who, "backups", "nightly").map((p) => p.field)).toEqual(["backups"]);
  });

  it("normalizes rules and refuses world-open admin ports", () => {
    expect(validateFirewallRules(who, [rule.allowIn({ protocol: "tcp", ports: [443] })]).rules).toHaveLength(1);
    const open = validateFirewallRules(who, [rule.allowIn({ protocol: "tcp", ports: [22] })]);
    expect(open.rules).toBeUndefined();
    expect(open.problems[0]?.allowed).toMatch(/never opened to the whole internet/);
  });

  it("reports a problem for every broken rule, not only the first", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), (broken) => {
        const rules = broken.map((b) => (b ? { ...rule.allowIn({ protocol: "tcp", ports: [443] }), ports: [70000] } : rule.allowIn({ protocol: "udp", ports: [53] })));
        const { problems, rules: normalized } = validateFirewallRules(who, rules);
        const expected = broken.flatMap((b, i) => (b ? [`rules[${i}].ports[0]`] : []));
        expect(problems.map((p) => p.field)).toEqual(expected);
        expect(normalized === undefined).toBe(expected.length > 0);
      }),
    );
  });
});
