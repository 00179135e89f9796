import { beforeEach, describe, expect, it } from "vitest";
import { HearthValidationError, rule } from "@hearth/core";
import { captureChildren as parentRecorder, installMocks, outputOf as value, presets, recordedOf as byType, resetMocks as reset, settle } from "@hearth/kit/testing";
import { BackupPolicy } from "./backupPolicy.js";
import { FirewallGroup } from "./firewallGroup.js";
import { Network } from "./network.js";

installMocks({ answers: presets.hcloud });

beforeEach(reset);

describe("hcloud Network", () => {
  it("creates a network and a cloud subnet in its zone, parented to the component", async () => {
    const { transformations, parents } = parentRecorder();
    const net = new Network("lab", { cidr: "10.20.0.0/16", subnetCidr: "10.20.1.0/24", networkZone: "us-east", labels: { env: "lab" } }, { transformations });
    await value(net.subnetId);
    await settle();
    const [network] = byType("hcloud:index/network:Network");
    const [subnet] = byType("hcloud:index/networkSubnet:NetworkSubnet");
    expect(network).toMatchObject({ name: "lab", inputs: { name: "lab", ipRange: "10.20.0.0/16" } });
    expect(network!.inputs.labels).toMatchObject({ "hearth/component": "Network", env: "lab" });
    expect(subnet).toMatchObject({ name: "lab-subnet", inputs: { type: "cloud", networkZone: "us-east", ipRange: "10.20.1.0/24", networkId: Number(await value(net.networkId)) } });
    expect(parents.get("hcloud:index/networkSubnet:NetworkSubnet::lab-subnet")).toBe(net);
  });

  it("defaults the subnet to the whole range in eu-central", async () => {
    const net = new Network("flat", { cidr: "10.30.0.0/24" });
    await value(net.subnetId);
    await settle();
    expect(byType("hcloud:index/networkSubnet:NetworkSubnet")[0]!.inputs).toMatchObject({ ipRange: "10.30.0.0/24", networkZone: "eu-central" });
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
    const fw = new FirewallGroup("web", {
      rules: [rule.allowIn({ protocol: "tcp", ports: [80, 443] }), rule.allowIn({ protocol: "tcp", ports: [22], from: ["192.168.1.0/24"] })],
    });
    await value(fw.firewallId);
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
    expect(byType("hcloud:index/firewall:Firewall")).toHaveLength(0);
  });
});

describe("hcloud BackupPolicy", () => {
  it("accepts what Hetzner does and creates no cloud resource", async () => {
    const policy = new BackupPolicy("daily", { retention: { keepDaily: 7 } });
    expect(policy.retention).toEqual({ keepDaily: 7 });
    await settle();
    expect(byType("hcloud:index/server:Server")).toHaveLength(0);
  });

  it("refuses a schedule or a retention Hetzner cannot honour", () => {
    expect(() => new BackupPolicy("nightly", { schedule: "*-*-* 02:00" })).toThrow(/BackupPolicy "nightly": schedule/);
    expect(() => new BackupPolicy("long", { retention: { keepDaily: 7, keepMonthly: 6 } })).toThrow(/one backup a day in a window Hetzner picks, the last 7 kept/);
  });
});
