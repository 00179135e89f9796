import { describe, expect, it } from "vitest";
import { HearthValidationError, failFor } from "./errors.js";
import fc from "fast-check";
import {
  adminPorts,
  checkNoWorldOpenAdminPorts,
  formatPortRange,
  isWorldOpen,
  mergePortRanges,
  normalizeRules,
  parsePort,
  parsePortRange,
  rule,
  worldOpenAdminPorts,
} from "./firewall.js";

const fail = failFor("FirewallGroup", "web");

describe("parsePort and parsePortRange", () => {
  it.each([
    [443, { from: 443, to: 443 }],
    [65535, { from: 65535, to: 65535 }],
  ])("parses port %j", (port, expected) => {
    expect(parsePort(fail, "ports[0]", port)).toEqual(expected);
  });

  it.each([0, 65536, -1, 1.5, Number.NaN, "22", "8000-8100", null])("refuses port %j", (port) => {
    expect(() => parsePort(fail, "ports[0]", port)).toThrow(HearthValidationError);
  });

  it("points a range written as a string to portRanges", () => {
    expect(() => parsePort(fail, "ports[0]", "8000-8100")).toThrow(/portRanges: \[\{ from: 8000, to: 8100 \}\]/);
  });

  it.each([
    [{ from: 8000, to: 8100 }, { from: 8000, to: 8100 }],
    [{ from: 1, to: 65535 }, { from: 1, to: 65535 }],
  ])("parses range %j", (range, expected) => {
    expect(parsePortRange(fail, "portRanges[0]", range)).toEqual(expected);
  });

  it.each([{ from: 10, to: 5 }, { from: 0, to: 5 }, { from: 1 }, "80-90", 80, null])("refuses range %j", (range) => {
    expect(() => parsePortRange(fail, "portRanges[0]", range)).toThrow(HearthValidationError);
  });
});

describe("mergePortRanges and formatPortRange", () => {
  it("sorts and merges overlapping and adjacent ranges", () => {
    const merged = mergePortRanges([{ from: 443, to: 443 }, { from: 80, to: 80 }, { from: 81, to: 90 }, { from: 85, to: 100 }]);
    expect(merged).toEqual([{ from: 80, to: 100 }, { from: 443, to: 443 }]);
    expect(merged.map((r) => formatPortRange(r, ":")).join(",")).toBe("80:100,443");
    expect(formatPortRange({ from: 22, to: 22 })).toBe("22");
  });
});

describe("normalizeRules", () => {
  it("normalizes shorthand rules with defaults", () => {
    const [r] = normalizeRules(fail, "rules", [rule.allowIn({ protocol: "tcp", ports: [443, 80], from: ["192.168.1.10", "10.0.0.0/8"] })]);
    expect(r).toEqual({
      direction: "in",
      action: "accept",
      protocol: "tcp",
      ports: [{ from: 80, to: 80 }, { from: 443, to: 443 }],
      sources: ["192.168.1.10/32", "10.0.0.0/8"],
      destinations: [],
    });
  });

  it("keeps group references and comments", () => {
    const [r] = normalizeRules(fail, "rules", [rule.allowOut({ protocol: "udp", portRanges: [{ from: 51820, to: 51820 }], to: ["+vpn"], comment: "wg" })]);
    expect(r?.destinations).toEqual(["+vpn"]);
    expect(r?.comment).toBe("wg");
  });

  it("refuses an empty rule set and names the field", () => {
    expect(() => normalizeRules(fail, "rules", [])).toThrow(/FirewallGroup "web": rules \[\] is not valid; give at least one rule/);
  });

  it.each([
    [{ direction: "sideways", action: "accept" }, /rules\[0\]\.direction/],
    [{ direction: "in", action: "allow" }, /rules\[0\]\.action/],
    [{ direction: "in", action: "accept", protocol: "icmp", ports: [80] }, /ports apply only to tcp and udp/],
    [{ direction: "in", action: "accept", sources: ["10.0.0.0/33"] }, /rules\[0\]\.sources\[0\]/],
    [{ direction: "in", action: "accept", sources: ["not-a-cidr"] }, /use a CIDR/],
    [{ direction: "in", action: "accept", sources: ["+x"] }, /IP set reference/],
  ])("refuses %j", (bad, message) => {
    expect(() => normalizeRules(fail, "rules", [bad as never])).toThrow(message);
  });
});

describe("world-open admin ports: one definition", () => {
  const one = (r: Parameters<typeof rule.allowIn>[0]) => normalizeRules(fail, "rules", [rule.allowIn(r)])[0]!;
  const names = (rules: Parameters<typeof worldOpenAdminPorts>[0]) => worldOpenAdminPorts(rules).map((p) => p.from);

  it("finds admin ports open to the world by port, range, all ports, and on every protocol", () => {
    expect(names(one({ protocol: "tcp", ports: [22] }))).toEqual([22]);
    expect(names(one({ protocol: "udp", ports: [22] }))).toEqual([22]);
    expect(names(one({ protocol: "tcp", portRanges: [{ from: 8000, to: 9000 }], from: ["0.0.0.0/0"] }))).toEqual([8006]);
    expect(names(one({ protocol: "any", from: ["::/0"] }))).toEqual(adminPorts.map((p) => p.from));
    expect(names(one({ protocol: "tcp", ports: [5901] }))).toEqual([5900]);
  });

  it("accepts admin ports from a private range, web ports from anywhere, and drops", () => {
    expect(names(one({ protocol: "tcp", ports: [22], from: ["192.168.1.0/24"] }))).toEqual([]);
    expect(names(one({ protocol: "tcp", ports: [80, 443] }))).toEqual([]);
    expect(names(one({ protocol: "icmp" }))).toEqual([]);
    expect(isWorldOpen(normalizeRules(fail, "r", [rule.dropIn({ protocol: "tcp", ports: [22] })])[0]!)).toBe(false);
  });

  /** A split of 0.0.0.0/0 into /n blocks (n in 1..8), spread over several rules and protocols. */
  const worldSplit = fc.integer({ min: 1, max: 8 }).chain((bits) =>
    fc.tuple(
      fc.constant(Array.from({ length: 2 ** bits }, (_, i) => `${(i << (8 - bits)) & 255}.0.0.0/${bits}`)),
      fc.integer({ min: 1, max: 4 }),
      fc.constantFrom(...adminPorts),
      fc.constantFrom("tcp" as const, "udp" as const, "any" as const),
      fc.boolean(),
    ),
  );

  it("finds an admin port open to the world however the sources are split over CIDRs and rules", () => {
    fc.assert(
      fc.property(worldSplit, ([pieces, ruleCount, admin, protocol, asRange]) => {
        const ports = protocol === "any" || asRange ? undefined : [admin.from];
        const portRanges = protocol !== "any" && asRange ? [{ from: Math.max(1, admin.from - 3), to: admin.to + 3 }] : undefined;
        const rules = Array.from({ length: ruleCount }, (_, k) =>
          rule.allowIn({ protocol, ports, portRanges, from: pieces.filter((_, i) => i % ruleCount === k).length ? pieces.filter((_, i) => i % ruleCount === k) : [pieces[0]!] }),
        );
        const normalized = normalizeRules(fail, "rules", rules);
        expect(worldOpenAdminPorts(normalized)).toContainEqual(admin);
        expect(() => checkNoWorldOpenAdminPorts(fail, "rules", normalized)).toThrow(/never opened to the whole internet/);
        // Leave one piece out and the port is no longer open to the whole world.
        const partial = normalizeRules(fail, "rules", [rule.allowIn({ protocol, ports, portRanges, from: pieces.slice(1) })].filter((r) => r.sources!.length > 0));
        if (partial.length) expect(worldOpenAdminPorts(partial)).not.toContainEqual(admin);
      }),
      { numRuns: 300 },
    );
  });
});
