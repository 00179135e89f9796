// Property tests: generated bad input to every DigitalOcean component is refused with a
// HearthValidationError before anything is registered (issue 12, class 2), and a secret given
// to any field checked when it resolves never appears in the error (class 9).
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rule } from "@hearth/core";
import { installMocks, presets, recorded as created } from "@hearth/kit/testing";
import { brokenArgs, cidrWithHostBits, nonCanonicalCidr, notAList, notAString, notAWholeNumber, notAnObject, optional, firewallRuleBreakages, validFirewallArgs } from "../../../test/support/badInputs.js";
import { expectAllRefused, expectSecretsNeverEchoed } from "../../../test/support/refused.js";
import { FirewallGroup } from "./firewallGroup.js";
import { Network, type NetworkArgs } from "./network.js";
import { VmFromTemplate, type VmFromTemplateArgs } from "./vmFromTemplate.js";

installMocks({ answers: presets.digitalocean });

const runs = 100;

describe("DigitalOcean components refuse generated bad input and register nothing", () => {
  it("Network", async () => {
    const valid: NetworkArgs = { region: "ams3", cidr: "10.30.0.0/20" };
    const bad = brokenArgs(valid, [
      ["region", fc.oneof(fc.string(), notAString)],
      // RFC 1918, /16 to /28 (digitalocean-openapi.json, POST /v2/vpcs ip_range)
      ["cidr", fc.oneof(nonCanonicalCidr, cidrWithHostBits, fc.constantFrom("10.0.0.0/8", "10.30.0.0/29", "100.64.0.0/16", "8.8.8.0/24", "fd00::/64"), optional(notAString))],
      ["name", optional(notAString)],
    ]);
    expect(await expectAllRefused(created, bad, ({ args }) => new Network("lab", args), runs)).toBe(runs);
  });

  it("FirewallGroup", async () => {
    const bad = brokenArgs(validFirewallArgs, [
      ...firewallRuleBreakages,
      ["name", fc.oneof(fc.constantFrom("Web_FW", "-x", ""), optional(notAString))],
      ["rules.0", fc.constantFrom(22, 23, 3128, 3389, 8006, 5999).map((port) => rule.allowIn({ protocol: "any", from: ["::/1", "8000::/1"], ...(port ? {} : {}) }))],
    ]);
    expect(await expectAllRefused(created, bad, ({ args }) => new FirewallGroup("web", args as never), runs)).toBe(runs);
  });

  it("VmFromTemplate", async () => {
    const vpc = new Network("lab", { region: "ams3", cidr: "10.30.0.0/20" });
    const fw = new FirewallGroup("web", { rules: [rule.allowIn({ protocol: "tcp", ports: [443] })] });
    const valid: VmFromTemplateArgs = { volumes: [{ volumeId: "506f78a4-e098-11e5-ad9f-000f53306ae1", mountPath: "/srv/data" }], region: "ams3", networks: [{ networkId: vpc.networkId }], firewallGroups: [fw.groupId], tags: ["team-a"], backups: { schedule: "sun 20:00" } };
    const bad = brokenArgs(valid, [
      ["region", fc.oneof(fc.string(), notAString)],
      ["size", fc.oneof(fc.string().filter((s) => !["nano", "small", "medium", "large", "xlarge"].includes(s)), notAString.filter((v) => v !== undefined))],
      ["dropletSize", fc.oneof(fc.constantFrom("cx22", "S-1VCPU", ""), notAString)],
      ["memoryMb", fc.oneof(notAWholeNumber, fc.constantFrom(8, 4 * 1024 * 1024 + 1))],
      ["networks", notAList],
      ["networks.0", notAnObject],
      ["networks.0.networkId", fc.oneof(notAString, fc.constant(""))],
      ["networks.0.ipv4Address", fc.constantFrom("10.30.0.5", "10.0.0.1")],
      ["firewallGroups", notAList],
      ["firewallGroups.0", fc.oneof(fc.double(), fc.constant({ tag: "x" }), fc.constantFrom("bad tag", "", "hearth-role-x"))],
      ["tags", fc.oneof(notAList, fc.constantFrom(["has space"], ["hearth-role-ingress"], ["x".repeat(256)]))],
      ["labels", fc.oneof(notAnObject, fc.constant({ "hearth/role": "ingress" }), fc.constant({ "a.b": "c", "a-b": "c" }), fc.constant({ hearth: "x" }))],
      ["backups", fc.oneof(fc.string(), fc.double())],
      // Schedules DigitalOcean cannot run exactly, and retentions it does not keep.
      ["backups.schedule", fc.oneof(notAString.filter((v) => v !== undefined), fc.constantFrom("*-*-* 03:00", "mon..fri 04:00", "*-*-* 04:30", "2027-*-* 04:00"))],
      ["backups.retention", fc.oneof(notAnObject.filter((v) => v !== null), fc.record({ keepWeekly: fc.integer({ min: 5, max: 100 }) }), fc.record({ keepDaily: notAWholeNumber }))],
      ["deleteProtection", fc.oneof(fc.string(), fc.double())],
      ["volumes", notAList],
      ["volumes.0", notAnObject],
      ["volumes.0.volumeId", fc.oneof(fc.constantFrom("", " "), notAString)],
      ["volumes.0.mountPath", fc.oneof(fc.constantFrom("relative", "/", "/a/../b", "", "/srv data", "srv/"), notAString)],
      ["sshKeys", notAList],
      ["image", fc.oneof(notAString.filter((v) => v !== undefined && v !== null), fc.constantFrom("Debian 12", ""))],
    ]);
    expect(await expectAllRefused(created, bad, ({ args }) => new VmFromTemplate("web-1", args), runs)).toBe(runs);
  });

  it("refuses a second firewall group whose tag another component derived", () => {
    new FirewallGroup("edge", { rules: [rule.allowIn({ protocol: "tcp", ports: [443] })] });
    expect(() => new FirewallGroup("edge-2", { name: "edge", rules: [rule.allowIn({ protocol: "tcp", ports: [80] })] })).toThrow(
      /FirewallGroup "edge" already uses the DigitalOcean firewall tag "hearth-fw-edge"/,
    );
  });
});

describe("DigitalOcean components never echo a secret", () => {
  it("in the error of any field checked when it resolves", async () => {
    const cases = await expectSecretsNeverEchoed({
      components: ["sec-a", "sec-b", "sec-c", "sec-d"],
      create: (secret, hidden) => {
        new Network("sec-a", { region: hidden as never });
        new Network("sec-b", { region: "ams3", cidr: hidden });
        new VmFromTemplate("sec-c", { region: hidden as never });
        new VmFromTemplate("sec-d", { region: "ams3", image: pulumi.secret(`${secret} x`) });
      },
      numRuns: 20,
      placeholder: "[secret]",
    });
    expect(cases).toBe(80);
  }, 120_000);
});
