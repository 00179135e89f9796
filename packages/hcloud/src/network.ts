import * as pulumi from "@pulumi/pulumi";
import * as hcloud from "@pulumi/hcloud";
import { checkArgs, checkCidr, checkNonEmpty, checkOneOf, cidrContains, failFor, rfc1918Ranges, type CidrRules, type Fail } from "@hearth/core";
import { childName } from "@hearth/core/internal";
import { checked, isPlain } from "@hearth/kit";
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
 * A Hetzner Cloud private network with one cloud subnet that servers join.
 *
 * Children: `${name}` (hcloud Network), `${name}-subnet` (hcloud NetworkSubnet).
 */
export class Network extends pulumi.ComponentResource {
  /** Hetzner's numeric network id. */
  public readonly networkId: pulumi.Output<number>;
  /** The subnet's id (`<network>-<range>`). */
  public readonly subnetId: pulumi.Output<string>;
  public readonly cidr: pulumi.Output<string>;
  /** The subnet's range, where servers' addresses come from. */
  public readonly subnetCidr: pulumi.Output<string>;
  /** The subnet resource; servers that join the network wait for it. */
  public readonly subnet: hcloud.NetworkSubnet;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every plain value is checked before anything is registered; Outputs when they resolve.
    const fail = failFor("Network", name);
    checkArgs(fail, args, '{ cidr: "10.20.0.0/16" }');
    const labels = hcloudLabels(fail, "Network", args.labels);
    const networkName = args.name === undefined ? name : checkNonEmpty(fail, "name", args.name);
    const cidr = checked(args.cidr, (v) => checkCidr(fail, "cidr", v, hcloudNetworkRange));
    const subnetInput = args.subnetCidr ?? args.cidr;
    const subnetChecked = checked(subnetInput, (v) => checkCidr(fail, "subnetCidr", v, hcloudSubnetRange));
    const zone = checked(args.networkZone ?? "eu-central", (v) => checkOneOf(fail, "networkZone", v, hcloudNetworkZones));
    if (isPlain(args.cidr) && isPlain(subnetInput)) checkSubnetWithin(fail, args.cidr, subnetInput);
    const within = checked(pulumi.all([cidr, subnetChecked]), ([outer, inner]) => checkSubnetWithin(fail, outer, inner)).apply(([, inner]) => inner);
    super("hearth:hcloud:Network", name, {}, opts);

    const network = new hcloud.Network(name, { name: networkName, ipRange: cidr, labels }, { parent: this });
    this.networkId = network.id.apply(Number);
    this.subnet = new hcloud.NetworkSubnet(
      childName(name, "subnet"),
      { networkId: this.networkId, type: "cloud", networkZone: zone, ipRange: within },
      { parent: this },
    );
    this.subnetId = this.subnet.id;
    this.cidr = cidr;
    this.subnetCidr = within;
    this.registerOutputs({ networkId: this.networkId, subnetId: this.subnetId, cidr: this.cidr });
  }
}
