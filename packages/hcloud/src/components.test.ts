import { beforeEach, describe, expect, it } from "vitest";
import type * as pulumi from "@pulumi/pulumi";
import * as hcloud from "@pulumi/hcloud";
import { HearthValidationError, rule, type ArgsConform, type FirewallGroupArgs as ContractFirewallGroupArgs } from "@hearth/core";
import { installMocks, presets, recordedOf as byType, captureChildren as parentRecorder, resetMocks as reset, settle, outputOf as value } from "@hearth/kit/testing";
import { FirewallGroup, type FirewallGroupArgs } from "./firewallGroup.js";
import { Network } from "./network.js";

installMocks({ answers: presets.hcloud });

// Compile-time: the provider's args take the contract's firewall group args.
const firewallConforms: ArgsConform<ContractFirewallGroupArgs, FirewallGroupArgs> = true;

beforeEach(reset);

describe("hcloud Network", () => {
  it("creates a network and a cloud subnet in its zone, parented to the component", async () => {
    const { transformations, parents } = parentRecorder();
    const net = new Network("lab", { cidr: "10.20.0.0/16", subnetCidr: "10.20.1.0/24", networkZone: "us-east", labels: { env: "lab" } }, { transformations });
    const networkId = await value(net.networkId);
    await settle();
    const [network] = byType("hcloud:index/network:Network");
    const [subnet] = byType("hcloud:index/networkSubnet:NetworkSubnet");
    expect(network).toMatchObject({ name: "lab", inputs: { name: "lab", ipRange: "10.20.0.0/16" } });
    expect(network!.inputs.labels).toMatchObject({ "hearth/component": "Network", env: "lab" });
    expect(subnet).toMatchObject({ name: "lab-subnet", inputs: { type: "cloud", networkZone: "us-east", ipRange: "10.20.1.0/24", networkId: Number(networkId) } });
    expect(typeof networkId).toBe("string");
    expect(parents.get("hcloud:index/networkSubnet:NetworkSubnet::lab-subnet")).toBe(net);
  });

  it("defaults the subnet to the whole range in eu-central", async () => {
    const net = new Network("flat", { cidr: "10.30.0.0/24" });
    await value(net.subnetId);
    await settle();
    expect(byType("hcloud:index/networkSubnet:NetworkSubnet")[0]!.inputs).toMatchObject({ ipRange: "10.30.0.0/24", networkZone: "eu-central" });
  });

  it("reports every problem of its args at once", () => {
    expect(() => new Network("bad", { name: "", cidr: "8.8.8.0/24", networkZone: "eu-west" as never, labels: { "hearth/x": "y" } })).toThrow(
      /^Network "bad": 4 problems:\n.*labels.*\n.*name.*\n.*cidr.*\n.*networkZone/,
    );
  });

  it("resolves networkId only once the subnet exists, so servers wait for the subnet", async () => {
    const net = new Network("order", { cidr: "10.60.0.0/16" });
    // What the engine makes a server depend on: the resources behind the Output it is given.
    const behind = [...(net.networkId as unknown as { resources(): Set<pulumi.Resource> }).resources()];
    expect(behind.some((r) => r instanceof hcloud.NetworkSubnet)).toBe(true);
    expect(behind.some((r) => r instanceof hcloud.Network)).toBe(true);
  });

  it.each<[string, object, RegExp]>([
    ["an IPv6 range", { cidr: "2001:db8::/48" }, /IPv4 only/],
    ["not a CIDR", { cidr: "10.0.0.0" }, /CIDR block/],
    ["an unknown zone", { cidr: "10.0.0.0/16", networkZone: "eu-west" }, /networkZone "eu-west"/],
  ])("refuses %s", (_, args, message) => {
    expect(() => new Network("bad", args as never)).toThrow(HearthValidationError);
    expect(() => new Network("bad", args as never)).toThrow(message);
  });
});

describe("hcloud FirewallGroup", () => {
  it("creates one firewall with translated rules and labels", async () => {
    expect(firewallConforms).toBe(true);
    const fw = new FirewallGroup("web", {
      rules: [rule.allowIn({ protocol: "tcp", ports: [80, 443] }), rule.allowIn({ protocol: "tcp", ports: [22], from: ["192.168.1.0/24"] })],
    });
    const groupId = await value(fw.groupId);
    expect(groupId).toBe(String(await value(fw.firewallId)));
    const [firewall] = byType("hcloud:index/firewall:Firewall");
    expect(firewall!.name).toBe("web");
    expect(firewall!.inputs.rules).toEqual([
      { direction: "in", protocol: "tcp", port: "80", sourceIps: ["0.0.0.0/0", "::/0"] },
      { direction: "in", protocol: "tcp", port: "443", sourceIps: ["0.0.0.0/0", "::/0"] },
      { direction: "in", protocol: "tcp", port: "22", sourceIps: ["192.168.1.0/24"] },
    ]);
    expect(firewall!.inputs.labels["hearth/component"]).toBe("FirewallGroup");
  });

  it("refuses a rule Hetzner cannot express instead of dropping it", () => {
    expect(() => new FirewallGroup("deny", { rules: [rule.dropIn({ protocol: "tcp", ports: [25] })] })).toThrow(/allow-lists/);
    expect(() => new FirewallGroup("empty", { rules: [] })).toThrow(/at least one rule/);
    expect(() => new FirewallGroup("both", { name: "x".repeat(129), rules: [rule.dropIn({ protocol: "tcp", ports: [25] })], labels: { "hearth/x": "y" } })).toThrow(
      /^FirewallGroup "both": 3 problems:\n.*name.*128.*\n.*rules\[0\].action.*allow-lists.*\n.*labels/,
    );
    expect(byType("hcloud:index/firewall:Firewall")).toHaveLength(0);
  });
});
