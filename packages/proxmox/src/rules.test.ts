import { describe, expect, it } from "vitest";
import { failFor, HearthValidationError, normalizeRule, rule, type FirewallRule } from "@hearth/core";
import { checkSecurityGroupName, toProxmoxRule, toProxmoxRules } from "./rules.js";

const fail = failFor("FirewallGroup", "t");
const map = (r: FirewallRule) => toProxmoxRule(fail, "rules[0]", normalizeRule(fail, "rules[0]", r));

describe("toProxmoxRule", () => {
  it.each<[string, FirewallRule, object]>([
    ["any protocol, anywhere", rule.allowIn({}), { type: "in", action: "ACCEPT", enabled: true }],
    ["merged ports and ranges", rule.allowIn({ protocol: "tcp", ports: [443, 80, 81], portRanges: [{ from: 8000, to: 8100 }] }), { proto: "tcp", dport: "80:81,443,8000:8100" }],
    ["udp with a source list", rule.allowIn({ protocol: "udp", ports: [51820], from: ["203.0.113.7", "198.51.100.0/24"] }), { proto: "udp", dport: "51820", source: "203.0.113.7/32,198.51.100.0/24" }],
    ["drop out to a destination", rule.dropOut({ protocol: "tcp", ports: [25], to: ["0.0.0.0/0"] }), { type: "out", action: "DROP", dest: "0.0.0.0/0" }],
    ["reject", rule.rejectIn({ protocol: "icmp" }), { action: "REJECT", proto: "icmp" }],
    ["icmpv6 by its /etc/protocols name", rule.allowIn({ protocol: "icmpv6" }), { proto: "ipv6-icmp" }],
    ["a group as an IPSet reference", rule.allowIn({ protocol: "tcp", ports: [5432], from: ["+app_servers"] }), { source: "+app_servers" }],
    ["a comment", rule.allowIn({ comment: "from the LAN" }), { comment: "from the LAN" }],
  ])("maps %s", (_label, input, expected) => {
    expect(map(input)).toMatchObject(expected);
  });

  it("leaves out fields that mean 'any'", () => {
    expect(Object.keys(map(rule.allowIn({})))).toEqual(["type", "action", "enabled"]);
  });

  it.each<[string, FirewallRule, RegExp]>([
    ["two groups in one field", rule.allowIn({ from: ["+a1", "+b1"] }), /one group \(IPSet\) reference alone/],
    ["a group with an address", rule.allowIn({ from: ["+a1", "10.0.0.1"] }), /rules\[0\]\.sources/],
    ["mixed families in one field", rule.allowIn({ from: ["10.0.0.0/8", "fd00::/8"] }), /cannot mix IPv4 and IPv6/],
    ["different families on each side", { direction: "in", action: "accept", sources: ["10.0.0.0/8"], destinations: ["fd00::/8"] }, /same address family/],
  ])("refuses %s", (_label, input, message) => {
    expect(() => map(input)).toThrow(HearthValidationError);
    expect(() => map(input)).toThrow(message);
  });

  it("keeps the rule order and names each rule's index in errors", () => {
    const rules = [rule.allowIn({ protocol: "tcp", ports: [22] }), rule.allowIn({ from: ["10.0.0.0/8", "fd00::/8"] })].map((r, i) =>
      normalizeRule(fail, `rules[${i}]`, r),
    );
    expect(() => toProxmoxRules(fail, "rules", rules)).toThrow(/rules\[1\]\.sources/);
    expect(toProxmoxRules(fail, "rules", rules.slice(0, 1))).toEqual([{ type: "in", action: "ACCEPT", proto: "tcp", dport: "22", enabled: true }]);
  });
});

describe("checkSecurityGroupName", () => {
  it.each(["web", "ab", "app_servers-01", "A23456789012345678"])("accepts %s", (name) => {
    expect(checkSecurityGroupName(fail, "groupName", name)).toBe(name);
  });
  it.each(["w", "1web", "web servers", "a234567890123456789", "web.lan", ""])("refuses %j", (name) => {
    expect(() => checkSecurityGroupName(fail, "groupName", name)).toThrow(HearthValidationError);
  });
});
