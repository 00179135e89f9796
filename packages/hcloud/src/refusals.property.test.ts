// Property tests: generated bad input to every hcloud component is refused with a
// HearthValidationError before anything is registered (issue 12, class 2), and a secret given
// to any field checked when it resolves never appears in the error (class 9).
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rule } from "@hearth/core";
import { expectRefused, installMocks, presets, recorded as created } from "@hearth/kit/testing";
import { brokenArgs, optional, cidrWithHostBits, nonCanonicalCidr, nonCanonicalIp, notAList, notAString, notAWholeNumber, notAnObject, firewallRuleBreakages, validFirewallArgs } from "../../../test/support/badInputs.js";
import { expectAllRefused, expectSecretsNeverEchoed } from "../../../test/support/refused.js";
import { FirewallGroup } from "./firewallGroup.js";
import { Network, type NetworkArgs } from "./network.js";
import { VmFromTemplate, type VmFromTemplateArgs } from "./vmFromTemplate.js";

installMocks({ answers: presets.hcloud });

const runs = 100;
const publicCidr = fc.constantFrom("8.8.8.0/24", "100.64.0.0/16", "172.32.0.0/16", "192.169.0.0/16", "11.0.0.0/8");

describe("hcloud components refuse generated bad input and register nothing", () => {
  it("Network", async () => {
    const valid: NetworkArgs = { cidr: "10.20.0.0/16", subnetCidr: "10.20.1.0/24", labels: { env: "lab" } };
    const bad = brokenArgs(valid, [
      ["cidr", fc.oneof(nonCanonicalCidr, cidrWithHostBits, publicCidr, fc.constantFrom("10.0.0.0/25", "2001:db8::/48"), notAString)],
      ["subnetCidr", fc.oneof(nonCanonicalCidr, fc.constantFrom("10.21.0.0/24", "10.20.0.0/31", "10.0.0.0/8"), optional(notAString))],
      ["networkZone", fc.oneof(fc.string(), optional(notAString))],
      ["labels", fc.oneof(notAnObject, fc.constant({ "hearth/role": "x" }), fc.constant({ env: "has space" }))],
      ["name", optional(notAString)],
    ]);
    expect(await expectAllRefused(created, bad, ({ args }) => new Network("lab", args), runs)).toBe(runs);
    expect(await expectAllRefused(created, notAnObject, (args) => new Network("lab", args as never), 20)).toBe(20);
  });

  it("FirewallGroup", async () => {
    const bad = brokenArgs(validFirewallArgs, [
      ...firewallRuleBreakages,
      ["rules.0.protocol", fc.oneof(fc.string({ minLength: 1 }).filter((p) => !["tcp", "udp", "icmp", "icmpv6", "any"].includes(p)), notAString)],
      ["labels", fc.oneof(notAnObject, fc.constant({ "hearth/managed-by": "me" }))],
      // Admin ports open to the whole internet, split over CIDRs: refused however it is spelled.
      ["rules.0", fc.constantFrom(22, 3389, 8006, 5900).map((port) => rule.allowIn({ protocol: "udp", ports: [port], from: ["0.0.0.0/1", "128.0.0.0/1"] }))],
    ]);
    expect(await expectAllRefused(created, bad, ({ args }) => new FirewallGroup("web", args as never), runs)).toBe(runs);
  });

  it("VmFromTemplate", async () => {
    const net = new Network("lab", { cidr: "10.20.0.0/16", subnetCidr: "10.20.1.0/24" });
    const fw = new FirewallGroup("web", { rules: [rule.allowIn({ protocol: "tcp", ports: [443] })] });
    const valid: VmFromTemplateArgs = { volumes: [{ volumeId: "4711", mountPath: "/srv/data" }], location: "fsn1", networks: [{ networkId: net.networkId, ipv4Address: "10.20.1.10" }], firewallGroups: [fw.groupId] };
    const bad = brokenArgs(valid, [
      ["location", fc.oneof(fc.string(), notAString)],
      ["size", fc.oneof(fc.string().filter((s) => !["nano", "small", "medium", "large", "xlarge"].includes(s)), notAString.filter((v) => v !== undefined))],
      ["cores", fc.oneof(notAWholeNumber, fc.constantFrom(0, 513))],
      ["serverType", fc.oneof(fc.string().filter((s) => !/^(cx|cpx|cax|ccx)[1-9][0-9]{1,2}$/.test(s)), notAString)],
      ["networks", notAList],
      ["networks.0", notAnObject],
      ["networks.0.networkId", fc.oneof(fc.string().filter((s) => !/^[1-9][0-9]{0,18}$/.test(s)), notAString, fc.constant({ networkId: 1 }))],
      ["networks.0.ipv4Address", fc.oneof(nonCanonicalIp, fc.constant("2001:db8::1"), optional(notAString))],
      ["firewallGroups", notAList],
      ["firewallGroups.0", fc.oneof(fc.string().filter((s) => !/^[1-9][0-9]{0,18}$/.test(s)), notAString, fc.constant({ firewallId: 1 }))],
      ["sshKeys", notAList],
      ["labels", fc.oneof(notAnObject, fc.constant({ "hearth/stack": "prod" }))],
      ["backups", fc.oneof(fc.string(), fc.double(), fc.constant({ retention: { keepLast: 3 } }), fc.constant({ schedule: "sun 03:00" }))],
      ["deleteProtection", fc.oneof(fc.string(), fc.double())],
      ["volumes", notAList],
      ["volumes.0", notAnObject],
      ["volumes.0.volumeId", fc.oneof(fc.string().filter((s) => !/^[1-9][0-9]{0,18}$/.test(s)), notAString)],
      ["volumes.0.mountPath", fc.oneof(fc.constantFrom("relative", "/", "/a/../b", "", "/srv data", "srv/"), notAString)],
      ["image", fc.oneof(notAString.filter((v) => v !== undefined && v !== null), fc.constantFrom("Debian 12", "../x", ""))],
      ["hostname", fc.oneof(fc.constantFrom("Web_1", "-web", ""), optional(notAString))],
    ]);
    expect(await expectAllRefused(created, bad, ({ args }) => new VmFromTemplate("web-1", args), runs)).toBe(runs);
  });

  it("Network and FirewallGroup report one problem per broken field, generated", async () => {
    const brokenNetwork: Record<string, unknown> = { name: "", cidr: "8.8.8.0/24", networkZone: "eu-west", labels: { "hearth/x": "y" } };
    const brokenFirewall: Record<string, unknown> = { name: "x".repeat(129), labels: { "hearth/x": "y" }, rules: [rule.dropIn({ protocol: "tcp", ports: [25] })] };
    await fc.assert(
      fc.asyncProperty(fc.subarray(Object.keys(brokenNetwork), { minLength: 1 }), fc.subarray(Object.keys(brokenFirewall), { minLength: 1 }), fc.nat(), async (netKeys, fwKeys, salt) => {
        const net = { cidr: "10.20.0.0/16", ...Object.fromEntries(netKeys.map((k) => [k, brokenNetwork[k]])) };
        const fw = { ...validFirewallArgs, ...Object.fromEntries(fwKeys.map((k) => [k, brokenFirewall[k]])) };
        expect((await expectRefused(() => new Network(`n${salt}`, net as never))).problems).toHaveLength(netKeys.length);
        expect((await expectRefused(() => new FirewallGroup(`f${salt}`, fw as never))).problems).toHaveLength(fwKeys.length);
      }),
      { numRuns: 40 },
    );
  });

  it("refuses a second server or firewall with the name another component derived", async () => {
    new FirewallGroup("edge", { name: "shared-fw", rules: [rule.allowIn({ protocol: "tcp", ports: [443] })] });
    expect(() => new FirewallGroup("edge-2", { name: "shared-fw", rules: [rule.allowIn({ protocol: "tcp", ports: [80] })] })).toThrow(
      /FirewallGroup "edge" already uses the Hetzner Cloud firewall name "shared-fw"/,
    );
    new VmFromTemplate("app-a", { location: "fsn1", hostname: "app" });
    expect(() => new VmFromTemplate("app-b", { location: "nbg1", hostname: "app" })).toThrow(/already uses the Hetzner Cloud server name "app"/);
  });
});

describe("hcloud components never echo a secret", () => {
  it("in the error of any field checked when it resolves", async () => {
    const net = new Network("sec-net", { cidr: "10.40.0.0/16" });
    const cases = await expectSecretsNeverEchoed({
      components: ["sec-a", "sec-b", "sec-c", "sec-d", "sec-e", "sec-f"],
      create: (secret, hidden) => {
        new Network("sec-a", { cidr: hidden });
        new Network("sec-b", { cidr: "10.41.0.0/16", subnetCidr: hidden });
        new Network("sec-c", { cidr: "10.42.0.0/16", networkZone: hidden as never });
        new VmFromTemplate("sec-d", { location: hidden as never });
        new VmFromTemplate("sec-e", { location: "fsn1", image: pulumi.secret(`${secret} x`) });
        new VmFromTemplate("sec-f", { location: "fsn1", networks: [{ networkId: net.networkId, ipv4Address: hidden }] });
      },
      numRuns: 20,
      placeholder: "[secret]",
    });
    expect(cases).toBe(120);
  }, 120_000);
});
