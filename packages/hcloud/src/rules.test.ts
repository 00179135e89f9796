import { describe, expect, it } from "vitest";
import { HearthValidationError, failFor, normalizeRules, rule, type FirewallRule } from "@hearth/core";
import { hcloudMaxRules, toHcloudRules } from "./rules.js";

const fail = failFor("FirewallGroup", "web");
const translate = (rules: FirewallRule[]) => toHcloudRules(fail, "rules", normalizeRules(fail, "rules", rules));
const world = ["0.0.0.0/0", "::/0"];

describe("toHcloudRules", () => {
  it.each<[string, FirewallRule, object[]]>([
    ["one port from anywhere", rule.allowIn({ protocol: "tcp", ports: [443] }), [{ direction: "in", protocol: "tcp", port: "443", sourceIps: world }]],
    [
      "each range as its own rule",
      rule.allowIn({ protocol: "tcp", ports: [80, 443], portRanges: [{ from: 8000, to: 8100 }], from: ["192.168.1.0/24"] }),
      [
        { direction: "in", protocol: "tcp", port: "80", sourceIps: ["192.168.1.0/24"] },
        { direction: "in", protocol: "tcp", port: "443", sourceIps: ["192.168.1.0/24"] },
        { direction: "in", protocol: "tcp", port: "8000-8100", sourceIps: ["192.168.1.0/24"] },
      ],
    ],
    ["adjacent ports merged first", rule.allowIn({ protocol: "udp", ports: [51820, 51821] }), [{ direction: "in", protocol: "udp", port: "51820-51821", sourceIps: world }]],
    ["every port as any", rule.allowIn({ protocol: "udp" }), [{ direction: "in", protocol: "udp", port: "any", sourceIps: world }]],
    ["icmp without a port", rule.allowIn({ protocol: "icmp", from: ["10.0.0.1"] }), [{ direction: "in", protocol: "icmp", sourceIps: ["10.0.0.1/32"] }]],
    [
      "outbound with destinations and a comment",
      rule.allowOut({ protocol: "tcp", ports: [53], to: ["9.9.9.9", "2620:fe::fe"], comment: "dns" }),
      [{ direction: "out", protocol: "tcp", port: "53", destinationIps: ["9.9.9.9/32", "2620:fe::fe/128"], description: "dns" }],
    ],
    ["a bare address as its /32", rule.allowIn({ protocol: "tcp", ports: [22], from: ["10.1.2.3"] }), [{ direction: "in", protocol: "tcp", port: "22", sourceIps: ["10.1.2.3/32"] }]],
    [
      "any as every protocol Hetzner filters",
      rule.allowIn({ from: ["10.0.0.0/8"] }),
      ["tcp", "udp", "icmp", "esp", "gre"].map((protocol) => ({
        direction: "in",
        protocol,
        ...(protocol === "tcp" || protocol === "udp" ? { port: "any" } : {}),
        sourceIps: ["10.0.0.0/8"],
      })),
    ],
  ])("translates %s", (_, input, expected) => {
    expect(translate([input])).toEqual(expected);
  });

  it.each<[string, FirewallRule, RegExp]>([
    ["a drop rule", rule.dropIn({ protocol: "tcp", ports: [22] }), /rules\[0\]\.action "drop".*allow-lists/],
    ["a reject rule", rule.rejectIn({ protocol: "tcp", ports: [22] }), /allow-lists/],
    ["icmpv6", rule.allowIn({ protocol: "icmpv6" }), /protocol "icmpv6".*use "icmp"/],
    ["a group reference", rule.allowIn({ protocol: "tcp", ports: [22], from: ["+admins"] }), /sources\[0\].*not Proxmox IP set references/],
    ["destinations on an inbound rule", { direction: "in", action: "accept", protocol: "tcp", ports: [22], destinations: ["10.0.0.1"] }, /source only/],
    ["sources on an outbound rule", { direction: "out", action: "accept", protocol: "tcp", ports: [22], sources: ["10.0.0.1"] }, /destination only/],
    ["ports on any", { direction: "in", action: "accept", protocol: "any", ports: [22] }, /ports apply only to tcp and udp/],
  ])("refuses %s", (_, input, message) => {
    expect(() => translate([input])).toThrow(HearthValidationError);
    expect(() => translate([input])).toThrow(message);
  });

  it("refuses more rules than a Hetzner firewall holds", () => {
    const ports = Array.from({ length: hcloudMaxRules + 1 }, (_, i) => 1000 + i * 2);
    expect(() => translate([rule.allowIn({ protocol: "tcp", ports })])).toThrow(/at most 50 rules/);
  });
});
