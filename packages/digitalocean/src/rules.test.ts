import { describe, expect, it } from "vitest";
import { HearthValidationError, failFor, normalizeRules, rule, type FirewallRule } from "@hearth/core";
import { openOutbound, toDigitalOceanRules } from "./rules.js";

const fail = failFor("FirewallGroup", "web");
const translate = (rules: FirewallRule[]) => toDigitalOceanRules(fail, "rules", normalizeRules(fail, "rules", rules));
const world = ["0.0.0.0/0", "::/0"];

describe("toDigitalOceanRules", () => {
  it.each<[string, FirewallRule, object[]]>([
    ["one port from anywhere", rule.allowIn({ protocol: "tcp", ports: [443] }), [{ protocol: "tcp", portRange: "443", sourceAddresses: world }]],
    [
      "each range as its own rule",
      rule.allowIn({ protocol: "udp", ports: [53], portRanges: [{ from: 8000, to: 8100 }], from: ["192.168.1.0/24", "10.0.0.7"] }),
      [
        { protocol: "udp", portRange: "53", sourceAddresses: ["192.168.1.0/24", "10.0.0.7/32"] },
        { protocol: "udp", portRange: "8000-8100", sourceAddresses: ["192.168.1.0/24", "10.0.0.7/32"] },
      ],
    ],
    ["every port as 1-65535", rule.allowIn({ protocol: "tcp" }), [{ protocol: "tcp", portRange: "1-65535", sourceAddresses: world }]],
    ["icmp without a port range", rule.allowIn({ protocol: "icmp" }), [{ protocol: "icmp", sourceAddresses: world }]],
    [
      "any as tcp, udp and icmp",
      rule.allowIn({ from: ["10.0.0.0/8"] }),
      [
        { protocol: "tcp", portRange: "1-65535", sourceAddresses: ["10.0.0.0/8"] },
        { protocol: "udp", portRange: "1-65535", sourceAddresses: ["10.0.0.0/8"] },
        { protocol: "icmp", sourceAddresses: ["10.0.0.0/8"] },
      ],
    ],
  ])("translates %s (inbound) and leaves outbound open", (_, input, expected) => {
    const out = translate([input]);
    expect(out.inboundRules).toEqual(expected);
    expect(out.outboundRules).toEqual(openOutbound);
  });

  it("uses the given outbound rules instead of the open default", () => {
    const out = translate([rule.allowOut({ protocol: "udp", ports: [53], to: ["9.9.9.9"] })]);
    expect(out.inboundRules).toEqual([]);
    expect(out.outboundRules).toEqual([{ protocol: "udp", portRange: "53", destinationAddresses: ["9.9.9.9/32"] }]);
  });

  it.each<[string, FirewallRule, RegExp]>([
    ["a drop rule", rule.dropIn({ protocol: "tcp", ports: [22] }), /action "drop".*allow-lists/],
    ["a reject rule", rule.rejectIn({ protocol: "tcp", ports: [22] }), /allow-lists/],
    ["icmpv6", rule.allowIn({ protocol: "icmpv6" }), /use "icmp"/],
    ["a group reference", rule.allowIn({ protocol: "tcp", ports: [22], from: ["+admins"] }), /not Proxmox IP set references/],
    ["destinations on an inbound rule", { direction: "in", action: "accept", protocol: "tcp", ports: [22], destinations: ["10.0.0.1"] }, /source only/],
    ["sources on an outbound rule", { direction: "out", action: "accept", protocol: "tcp", ports: [22], sources: ["10.0.0.1"] }, /destination only/],
  ])("refuses %s", (_, input, message) => {
    expect(() => translate([input])).toThrow(HearthValidationError);
    expect(() => translate([input])).toThrow(message);
  });
});
