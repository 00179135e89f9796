import * as pulumi from "@pulumi/pulumi";
import * as hcloud from "@pulumi/hcloud";
import {
  checkArgs,
  checkCidr,
  checkNonEmpty,
  checkOneOf,
  cidrContains,
  failFor,
  Problems,
  rfc1918Ranges,
  type CidrRules,
  type Fail,
  type NetworkOutputs,
} from "@hearth/core";
import { childName } from "@hearth/core/internal";
import { checked, isPlain, type Outputs } from "@hearth/kit";
import { hcloudNetworkZones, type HcloudNetworkZone } from "./catalog.js";
import { hcloudLabels } from "./labels.js";

export interface NetworkArgs {
  /** Hetzner's name for the network. @default the component's name */
  readonly name?: string;
  /** The network's private IPv4 range (RFC 1918, /8 to /24), for example `10.20.0.0/16`. */
  readonly cidr: pulumi.Input<string>;
  /** The subnet servers join; inside `cidr`, /30 or larger. @default the whole `cidr` */
  readonly subnetCidr?: pulumi.Input<string>;
  /** Where the subnet lives: eu-central (fsn1, nbg1, hel1), us-east (ash), us-west (hil), ap-southeast (sin). @default "eu-central" */
  readonly networkZone?: pulumi.Input<HcloudNetworkZone>;
  /** Extra labels, next to Hearth's own (which always win). @default {} */
  readonly labels?: Record<string, string>;
}

/**
 * A network's `ip_range`: "Must be one of the private IPv4 ranges of RFC1918. Minimum network
 * size is /24." (../shared/specs/hcloud-openapi.json,
 * `components/schemas/create_network_request/properties/ip_range`).
 */
export const hcloudNetworkRange: CidrRules = { family: "ipv4", maxPrefix: 24, within: rfc1918Ranges, target: "Hetzner Cloud networks" };

/**
 * A subnet's `ip_range`: "Must be a subnet of the parent Networks `ip_range`. ... Minimum
 * network size is /30." (../shared/specs/hcloud-openapi.json,
 * `components/schemas/subnet/properties/ip_range`).
 */
export const hcloudSubnetRange: CidrRules = { family: "ipv4", maxPrefix: 30, within: rfc1918Ranges, target: "Hetzner Cloud subnets" };

function checkSubnetWithin(fail: Fail, network: string, subnet: string): void {
  if (!cidrContains(network, subnet)) fail("subnetCidr", subnet, `the subnet must lie inside the network's cidr ${network}`);
}

/**
 * The subnet range behind each Network's `networkId` output (the Output object itself), so a
 * VmFromTemplate given `{ networkId: lab.networkId, ipv4Address }` can check that the address
 * lies inside the subnet. A value from elsewhere (an id typed in, a YAML program's resolved
 * output) has no entry, and Hetzner checks the address itself.
 */
const subnetRanges = new WeakMap<object, pulumi.Output<string>>();

/** The subnet range of the Hearth Network whose `networkId` output this is, if it is one. */
export function subnetRangeOf(networkId: unknown): pulumi.Output<string> | undefined {
  return networkId !== null && typeof networkId === "object" ? subnetRanges.get(networkId) : undefined;
}

/**
 * A Hetzner Cloud private network with one cloud subnet that servers join
 * (`networks: [{ networkId: lab.networkId }]`).
 *
 * Children: `${name}` (hcloud Network), `${name}-subnet` (hcloud NetworkSubnet).
 */
export class Network extends pulumi.ComponentResource implements Outputs<NetworkOutputs> {
  /**
   * Hetzner's network id, as a string, resolving only once the subnet exists: a server that
   * joins through it waits for the subnet (Hetzner attaches servers to a subnet, not to a bare
   * network) without naming the subnet resource.
   */
  public readonly networkId: pulumi.Output<string>;
  /** The subnet's id (`<network>-<range>`). */
  public readonly subnetId: pulumi.Output<string>;
  public readonly cidr: pulumi.Output<string>;
  /** The subnet's range, where servers' addresses come from. */
  public readonly subnetCidr: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every plain value is checked before anything is registered (every problem at once);
    // Outputs when they resolve.
    const fail = failFor("Network", name);
    checkArgs(fail, args, '{ cidr: "10.20.0.0/16" }');
    const problems = new Problems(`Network "${name}"`);
    const labels = problems.check((f) => hcloudLabels(f, "Network", args.labels));
    const networkName = args.name === undefined ? name : problems.check((f) => checkNonEmpty(f, "name", args.name));
    const cidr = problems.check((f) => checked(args.cidr, (v) => checkCidr(f, "cidr", v, hcloudNetworkRange)));
    const subnetInput = args.subnetCidr ?? args.cidr;
    // Without a subnetCidr the subnet is the whole cidr, checked (more strictly) as the cidr.
    const subnetChecked = args.subnetCidr === undefined ? cidr : problems.check((f) => checked(args.subnetCidr!, (v) => checkCidr(f, "subnetCidr", v, hcloudSubnetRange)));
    const zone = problems.check((f) => checked(args.networkZone ?? "eu-central", (v) => checkOneOf(f, "networkZone", v, hcloudNetworkZones)));
    if (cidr && subnetChecked && isPlain(args.cidr) && isPlain(subnetInput)) problems.check((f) => checkSubnetWithin(f, args.cidr as string, subnetInput));
    problems.throwIfAny();
    const within = checked(pulumi.all([cidr!, subnetChecked!]), ([outer, inner]) => checkSubnetWithin(fail, outer, inner)).apply(([, inner]) => inner);
    super("hearth:hcloud:Network", name, {}, opts);

    const network = new hcloud.Network(name, { name: networkName!, ipRange: cidr!, labels: labels! }, { parent: this });
    const subnet = new hcloud.NetworkSubnet(
      childName(name, "subnet"),
      { networkId: network.id.apply(Number), type: "cloud", networkZone: zone!, ipRange: within },
      { parent: this },
    );
    this.networkId = pulumi.all([network.id, subnet.id]).apply(([id]) => id);
    this.subnetId = subnet.id;
    this.cidr = cidr!;
    this.subnetCidr = within;
    subnetRanges.set(this.networkId, within);
    this.registerOutputs({ networkId: this.networkId, subnetId: this.subnetId, cidr: this.cidr, subnetCidr: this.subnetCidr });
  }
}
