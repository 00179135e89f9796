import * as pulumi from "@pulumi/pulumi";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Network, type NetworkArgs } from "./network.js";
import { captureChildren, expectRefused, installMocks, late, outputOf as value, presets, proxmoxTypes as types, recordedOf, resetMocks, settle } from "@hearth/kit/testing";

beforeAll(() => installMocks({ answers: presets.proxmox }));
beforeEach(resetMocks);

describe("Network", () => {
  it("bridge mode creates one Linux bridge and exposes its name", async () => {
    const { transformation, children } = captureChildren();
    const net = new Network(
      "lan",
      { bridge: { node: "pve1", name: "vmbr1", vlanAware: true, ports: ["eno2"], cidr: "192.168.10.2/24", gateway: "192.168.10.1" } },
      { transformations: [transformation] },
    );
    expect(await value(net.networkId)).toBe("vmbr1");
    expect(await value(net.bridgeName)).toBe("vmbr1");
    expect(await value(net.cidr)).toBe("192.168.10.2/24");
    await settle();
    const [bridge] = recordedOf(types.bridge);
    expect(bridge?.name).toBe("lan");
    expect(bridge?.inputs).toMatchObject({ nodeName: "pve1", name: "vmbr1", vlanAware: true, ports: ["eno2"], address: "192.168.10.2/24", gateway: "192.168.10.1" });
    expect(children.map((c) => c.opts.parent)).toEqual([net]);
  });

  it("vlan mode creates the tagged interface and a bridge on top of it", async () => {
    const net = new Network("iot", { vlan: { node: "pve1", interface: "eno1", tag: 30, bridge: "vmbr30" } });
    expect(await value(net.networkId)).toBe("vmbr30");
    await settle();
    expect(recordedOf(types.vlan)[0]).toMatchObject({ name: "iot-vlan", inputs: { nodeName: "pve1", name: "eno1.30" } });
    expect(recordedOf(types.bridge)[0]).toMatchObject({ name: "iot", inputs: { name: "vmbr30", ports: ["eno1.30"] } });
  });

  it("sdn mode creates zone, vnet, subnet and an applier that waits for all three", async () => {
    const { transformation, children } = captureChildren();
    const net = new Network(
      "lab",
      { sdn: { zone: "lab", cidr: "10.20.0.0/24", gateway: "10.20.0.1", snat: true, dhcpRange: { start: "10.20.0.100", end: "10.20.0.200" } } },
      { transformations: [transformation] },
    );
    expect(await value(net.networkId)).toBe("lab");
    await settle();
    expect(recordedOf(types.zoneSimple)[0]).toMatchObject({ name: "lab-zone", inputs: { resourceId: "lab", dhcp: "dnsmasq", ipam: "pve" } });
    expect(recordedOf(types.vnet)[0]).toMatchObject({ name: "lab-vnet", inputs: { resourceId: "lab", zone: "lab" } });
    expect(recordedOf(types.subnet)[0]).toMatchObject({
      name: "lab-subnet",
      inputs: { vnet: "lab", cidr: "10.20.0.0/24", gateway: "10.20.0.1", snat: true, dhcpRange: { startAddress: "10.20.0.100", endAddress: "10.20.0.200" } },
    });
    const byType = (t: string) => children.find((c) => c.type === t)!;
    const applier = byType(types.applier);
    expect(applier.name).toBe("lab-apply");
    expect(applier.opts.dependsOn).toEqual([byType(types.zoneSimple).resource, byType(types.vnet).resource, byType(types.subnet).resource]);
    expect(children.every((c) => c.opts.parent === net)).toBe(true);
  });

  it("sdn vlan zones tag a VNet on an existing bridge", async () => {
    const net = new Network("dmz", { sdn: { zone: "dmz", type: "vlan", bridge: "vmbr0", vnet: "dmz55", tag: 55, cidr: "10.55.0.0/24", gateway: "10.55.0.1" } });
    expect(await value(net.networkId)).toBe("dmz55");
    await settle();
    expect(recordedOf(types.zoneVlan)[0]?.inputs).toMatchObject({ resourceId: "dmz", bridge: "vmbr0" });
    expect(recordedOf(types.vnet)[0]?.inputs).toMatchObject({ resourceId: "dmz55", tag: 55 });
  });

  const sdn = { zone: "lab", cidr: "10.20.0.0/24", gateway: "10.20.0.1" };
  it.each<[string, NetworkArgs, RegExp]>([
    ["no mode", {}, /give exactly one of bridge, vlan or sdn/],
    ["two modes", { bridge: { node: "pve1", name: "vmbr1" }, sdn }, /bridge and sdn/],
    ["a VLAN tag of 0", { vlan: { node: "pve1", interface: "eno1", tag: 0, bridge: "vmbr9" } }, /vlan\.tag 0 .*1 to 4094/],
    ["a VLAN tag of 4095", { sdn: { ...sdn, type: "vlan", bridge: "vmbr0", tag: 4095 } }, /sdn\.tag 4095/],
    ["a malformed CIDR", { sdn: { ...sdn, cidr: "10.20.0.0/40" } }, /sdn\.cidr "10\.20\.0\.0\/40"/],
    ["a CIDR with host bits", { sdn: { ...sdn, cidr: "10.20.0.5/24" } }, /did you mean 10\.20\.0\.0\/24\?/],
    ["a gateway outside the subnet", { sdn: { ...sdn, gateway: "10.21.0.1" } }, /gateway must lie inside 10\.20\.0\.0\/24/],
    ["a DHCP range outside the subnet", { sdn: { ...sdn, dhcpRange: { start: "10.20.0.100", end: "10.20.1.10" } } }, /dhcpRange\.end/],
    ["a reversed DHCP range", { sdn: { ...sdn, dhcpRange: { start: "10.20.0.200", end: "10.20.0.100" } } }, /start must not be above its end/],
    ["a DHCP range over the gateway", { sdn: { ...sdn, dhcpRange: { start: "10.20.0.1", end: "10.20.0.100" } } }, /must not include the gateway/],
    ["DHCP in a vlan zone", { sdn: { ...sdn, type: "vlan", bridge: "vmbr0", tag: 20, dhcpRange: { start: "10.20.0.100", end: "10.20.0.200" } } }, /only in simple zones/],
    ["a tag in a simple zone", { sdn: { ...sdn, tag: 20 } }, /only vlan zones take a tag/],
    ["a long zone id", { sdn: { ...sdn, zone: "laboratory" } }, /sdn\.zone "laboratory"/],
    ["a bad bridge name", { bridge: { node: "pve1", name: "vmbr-one" } }, /bridge\.name "vmbr-one"/],
    ["a bridge gateway without an address", { bridge: { node: "pve1", name: "vmbr1", gateway: "192.168.1.1" } }, /set cidr too/],
  ])("refuses %s and creates nothing", async (_label, args, message) => {
    await expectRefused(() => new Network("bad", args), message);
  });

  it("checks a node given as an Output when it resolves", async () => {
    await expect(late(() => value(new Network("late", { bridge: { node: pulumi.output(" "), name: "vmbr7" } }).networkId))).rejects.toThrow(/bridge\.node " "/);
  });

  it("reports every problem of the chosen mode at once", async () => {
    const error = await expectRefused(
      () => new Network("bad", { sdn: { zone: "laboratory", type: "simple", tag: 20, cidr: "10.20.0.5/24", gateway: "10.21.0.1", nodes: ["a b"] } }),
      /^Network "bad": 4 problems:/,
    );
    // The gateway is checked against the subnet only once the subnet itself is valid.
    expect(error.problems.map((p) => p.field)).toEqual(["sdn.zone", "sdn.tag", "sdn.cidr", "sdn.nodes[0]"]);
  });
});
