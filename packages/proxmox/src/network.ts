import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import {
  checkCidr,
  checkList,
  checkObject,
  checkIpAddress,
  checkOneOf,
  checkVlanTag,
  cidrContains,
  Problems,
  type Fail,
  type NetworkOutputs,
} from "@hearth/core";
import { checked, type Outputs } from "@hearth/kit";
import { checkBridgeName, checkGateway, checkInterfaceName, checkSdnId, ipv4ToNumber } from "./validation.js";
import { checkPveValue } from "./pveFormats.js";

/** A Linux bridge on one node (`vmbrN`). */
export interface BridgeNetwork {
  readonly node: pulumi.Input<string>;
  /** `vmbr0`..: a letter, then letters, digits or '_', at most 10 characters. */
  readonly name: string;
  /** Let NICs on this bridge carry their own VLAN tag. @default false */
  readonly vlanAware?: boolean;
  /** Physical ports or bonds enslaved to the bridge (`["eno1"]`). @default none: an internal bridge */
  readonly ports?: string[];
  /** The host's own address on the bridge, in CIDR form (`192.168.10.2/24`). @default no address */
  readonly cidr?: string;
  /** The host's default gateway through this bridge; must lie inside `cidr`. @default none */
  readonly gateway?: string;
  readonly comment?: string;
}

/** A tagged VLAN on a host interface, with a bridge VMs attach to. */
export interface VlanNetwork {
  readonly node: pulumi.Input<string>;
  /** The host interface carrying the tagged traffic (`eno1`, `bond0`). */
  readonly interface: string;
  /** 802.1Q tag, 1-4094. The VLAN interface is named `${interface}.${tag}`. */
  readonly tag: number;
  /** The bridge created on top of the VLAN interface, which NICs attach to (`vmbr20`). */
  readonly bridge: string;
  /** The host's own address on the bridge, in CIDR form. @default no address */
  readonly cidr?: string;
  readonly comment?: string;
}

/**
 * The kind of an SDN zone: `simple` (an isolated, routed or SNATed network on every node) or
 * `vlan` (a tag on an existing bridge).
 */
export const SdnZoneType = { simple: "simple", vlan: "vlan" } as const;
export type SdnZoneType = (typeof SdnZoneType)[keyof typeof SdnZoneType];

/** Addresses an SDN subnet hands out by DHCP, both ends included. */
export interface DhcpRange {
  readonly start: string;
  readonly end: string;
}

/** An SDN zone with one VNet and one subnet, applied cluster-wide. */
export interface SdnNetwork {
  /** The zone id: 2-8 lowercase letters or digits, starting with a letter. */
  readonly zone: string;
  /** `simple` (an isolated, routed or SNATed network on every node) or `vlan` (a tag on an existing bridge). @default "simple" */
  readonly type?: SdnZoneType;
  /** The existing host bridge a `vlan` zone tags traffic on (`vmbr0`). Only for `vlan` zones. */
  readonly bridge?: string;
  /** The VNet id NICs attach to. @default the zone id */
  readonly vnet?: string;
  /** The VLAN tag of the VNet; required for `vlan` zones, not allowed for `simple` ones. */
  readonly tag?: number;
  /** The subnet, as its network address (`10.20.0.0/24`). */
  readonly cidr: string;
  /** The subnet's gateway, inside `cidr` (`10.20.0.1`). */
  readonly gateway: string;
  /** Masquerade traffic leaving the subnet through the node. @default false */
  readonly snat?: boolean;
  /** Hand out addresses by DHCP (dnsmasq with the PVE IPAM). Only for `simple` zones. @default no DHCP */
  readonly dhcpRange?: DhcpRange;
  /** Nodes the zone exists on. @default every node */
  readonly nodes?: string[];
}

/** Exactly one of `bridge`, `vlan` or `sdn`. */
export interface NetworkArgs {
  readonly bridge?: BridgeNetwork;
  readonly vlan?: VlanNetwork;
  readonly sdn?: SdnNetwork;
}

/**
 * A network VMs attach to: a Linux bridge on a node, a tagged VLAN with its bridge, or an SDN
 * zone + VNet + subnet applied to the cluster. VMs join it by its `networkId`
 * (`networks: [{ networkId: lan.networkId }]`).
 *
 * Children: bridge mode `${name}` (Bridge); vlan mode `${name}-vlan` (Vlan) and `${name}`
 * (Bridge); sdn mode `${name}-zone` (Simple or Vlan zone), `${name}-vnet`, `${name}-subnet` and
 * `${name}-apply` (Applier, after the others).
 */
export class Network extends pulumi.ComponentResource implements Outputs<NetworkOutputs> {
  /** What a VM's network lists as `networkId`: the bridge name, or the VNet id (resolved once SDN is applied). */
  readonly networkId: pulumi.Output<string>;
  /** @deprecated Use `networkId`; the same value. */
  readonly bridgeName: pulumi.Output<string>;
  /** The subnet (SDN) or the host's address on the bridge in CIDR form; undefined when none was given. */
  readonly cidr: pulumi.Output<string | undefined>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = new Problems(`Network "${name}"`);
    if (args === null || typeof args !== "object") problems.fail("(args)", args, "give exactly one of bridge, vlan or sdn");
    const modes = (["bridge", "vlan", "sdn"] as const).filter((m) => args?.[m] !== undefined);
    if (modes.length !== 1) {
      problems.fail(modes.length === 0 ? "(args)" : modes.join(" and "), modes, "give exactly one of bridge, vlan or sdn");
    }
    const mode = modes[0]!;
    checkObject(problems.fail, mode, args[mode], `{ node, ... } (see NetworkArgs.${mode})`);
    // Every problem of the chosen mode's fields is reported at once.
    if (args.bridge) checkBridge(problems, args.bridge);
    if (args.vlan) checkVlan(problems, args.vlan);
    if (args.sdn) checkSdn(problems, args.sdn);
    const hostMode = args.bridge ? "bridge" : "vlan";
    const node = args.sdn ? undefined : problems.check((fail) => checked(args[hostMode]!.node, (n) => checkPveValue(fail, `${hostMode}.node`, n, "node")));
    problems.throwIfAny();
    super("hearth:proxmox:Network", name, {}, opts);

    if (args.bridge) {
      const b = args.bridge;
      const bridge = new proxmoxve.network.linux.Bridge(
        name,
        {
          nodeName: node!,
          name: b.name,
          vlanAware: b.vlanAware ?? false,
          ports: b.ports ? [...b.ports] : undefined,
          address: b.cidr,
          gateway: b.gateway,
          comment: b.comment ?? "Managed by Hearth",
          autostart: true,
        },
        { parent: this },
      );
      this.networkId = bridge.name;
      this.cidr = pulumi.output(b.cidr);
    } else if (args.vlan) {
      const v = args.vlan;
      const vlan = new proxmoxve.network.linux.Vlan(
        `${name}-vlan`,
        { nodeName: node!, name: `${v.interface}.${v.tag}`, comment: v.comment ?? "Managed by Hearth", autostart: true },
        { parent: this },
      );
      const bridge = new proxmoxve.network.linux.Bridge(
        name,
        { nodeName: node!, name: v.bridge, ports: [vlan.name], address: v.cidr, comment: v.comment ?? "Managed by Hearth", autostart: true },
        { parent: this },
      );
      this.networkId = bridge.name;
      this.cidr = pulumi.output(v.cidr);
    } else {
      const s = args.sdn!;
      const type = s.type ?? "simple";
      const vnetId = s.vnet ?? s.zone;
      const dhcp = s.dhcpRange !== undefined;
      const nodes = s.nodes ? [...s.nodes] : undefined;
      const zone =
        type === "simple"
          ? new proxmoxve.sdn.zone.Simple(
              `${name}-zone`,
              { resourceId: s.zone, nodes, ...(dhcp ? { dhcp: "dnsmasq", ipam: "pve" } : {}) },
              { parent: this },
            )
          : new proxmoxve.sdn.zone.Vlan(`${name}-zone`, { resourceId: s.zone, bridge: s.bridge!, nodes }, { parent: this });
      const vnet = new proxmoxve.sdn.Vnet(
        `${name}-vnet`,
        { resourceId: vnetId, zone: zone.resourceId, tag: s.tag },
        { parent: this },
      );
      const subnet = new proxmoxve.sdn.Subnet(
        `${name}-subnet`,
        {
          vnet: vnet.resourceId,
          cidr: s.cidr,
          gateway: s.gateway,
          snat: s.snat ?? false,
          dhcpRange: s.dhcpRange ? { startAddress: s.dhcpRange.start, endAddress: s.dhcpRange.end } : undefined,
        },
        { parent: this },
      );
      // Zone, VNet and subnet are pending until applied; NICs must wait for the applier.
      const applier = new proxmoxve.sdn.Applier(`${name}-apply`, {}, { parent: this, dependsOn: [zone, vnet, subnet] });
      this.networkId = pulumi.all([vnet.resourceId, applier.id]).apply(([id]) => id);
      this.cidr = pulumi.output(s.cidr);
    }
    this.bridgeName = this.networkId;
    this.registerOutputs({ networkId: this.networkId, bridgeName: this.bridgeName, cidr: this.cidr });
  }
}

function checkHostAddress(p: Problems, prefix: string, cidr: string | undefined, gateway: string | undefined): void {
  // The host's own address on the bridge or VLAN, with its prefix: an interface address.
  const address = cidr === undefined ? undefined : p.check((fail) => checkCidr(fail, `${prefix}.cidr`, cidr, { kind: "interface" }));
  if (gateway !== undefined) {
    p.check((fail) => {
      if (cidr === undefined) fail(`${prefix}.gateway`, gateway, "a gateway needs the host address: set cidr too");
      if (address !== undefined) checkGateway(fail, `${prefix}.gateway`, gateway, cidr!);
      else checkIpAddress(fail, `${prefix}.gateway`, gateway);
    });
  }
}

function checkBridge(p: Problems, b: BridgeNetwork): void {
  p.check((fail) => checkBridgeName(fail, "bridge.name", b.name));
  (p.check((fail) => checkList(fail, "bridge.ports", b.ports, '["eno1"]')) ?? []).forEach((port, i) => p.check((fail) => checkInterfaceName(fail, `bridge.ports[${i}]`, port)));
  checkHostAddress(p, "bridge", b.cidr, b.gateway);
}

function checkVlan(p: Problems, v: VlanNetwork): void {
  const iface = p.check((fail) => checkInterfaceName(fail, "vlan.interface", v.interface));
  const tag = p.check((fail) => checkVlanTag(fail, "vlan.tag", v.tag));
  if (iface !== undefined && tag !== undefined) p.check((fail) => checkInterfaceName(fail, "vlan.interface", `${v.interface}.${v.tag}`));
  p.check((fail) => checkBridgeName(fail, "vlan.bridge", v.bridge));
  checkHostAddress(p, "vlan", v.cidr, undefined);
}

function checkSdn(p: Problems, s: SdnNetwork): void {
  p.check((fail) => checkSdnId(fail, "sdn.zone", s.zone));
  const type = p.check((fail) => checkOneOf(fail, "sdn.type", s.type ?? "simple", Object.values(SdnZoneType)));
  if (s.vnet !== undefined) p.check((fail) => checkSdnId(fail, "sdn.vnet", s.vnet));
  if (type === "vlan") {
    p.check((fail) => {
      if (s.bridge === undefined) fail("sdn.bridge", s.bridge, "a vlan zone needs the host bridge its VLANs ride on, such as vmbr0");
      checkBridgeName(fail, "sdn.bridge", s.bridge);
    });
    p.check((fail) => checkVlanTag(fail, "sdn.tag", s.tag));
    if (s.dhcpRange !== undefined) p.check((fail) => fail("sdn.dhcpRange", s.dhcpRange, "Proxmox SDN runs DHCP only in simple zones; remove dhcpRange or use type \"simple\""));
  } else if (type === "simple") {
    if (s.bridge !== undefined) p.check((fail) => fail("sdn.bridge", s.bridge, "only vlan zones take a bridge; remove it or set type: \"vlan\""));
    if (s.tag !== undefined) p.check((fail) => fail("sdn.tag", s.tag, "only vlan zones take a tag; remove it or set type: \"vlan\""));
  }
  // A subnet is a network: host bits are refused (with the network meant), never cleared.
  const cidr = p.check((fail) => checkCidr(fail, "sdn.cidr", s.cidr));
  if (cidr === undefined) {
    p.check((fail) => checkIpAddress(fail, "sdn.gateway", s.gateway));
  } else {
    p.check((fail) => checkGateway(fail, "sdn.gateway", s.gateway, s.cidr));
    if (s.dhcpRange !== undefined) p.check((fail) => checkDhcpRange(fail, s));
  }
  s.nodes?.forEach((n, i) => p.check((fail) => checkPveValue(fail, `sdn.nodes[${i}]`, n, "node")));
}

function checkDhcpRange(fail: Fail, s: SdnNetwork): void {
  const { start, end } = s.dhcpRange!;
  for (const [field, address] of [["start", start], ["end", end]] as const) {
    checkIpAddress(fail, `sdn.dhcpRange.${field}`, address);
    if (!cidrContains(s.cidr, address)) fail(`sdn.dhcpRange.${field}`, address, `the DHCP range must lie inside ${s.cidr}`);
  }
  const from = ipv4ToNumber(start);
  const to = ipv4ToNumber(end);
  if (from !== undefined && to !== undefined && from > to) fail("sdn.dhcpRange", s.dhcpRange, "the range's start must not be above its end");
  const gw = ipv4ToNumber(s.gateway);
  if (from !== undefined && to !== undefined && gw !== undefined && from <= gw && gw <= to) {
    fail("sdn.dhcpRange", s.dhcpRange, `the DHCP range must not include the gateway ${s.gateway}`);
  }
}
