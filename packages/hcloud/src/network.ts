import * as pulumi from "@pulumi/pulumi";
import * as hcloud from "@pulumi/hcloud";
import { checkCidr, checkOneOf, checked, cidrContains, childName, failFor, parseCidr, type Fail } from "@hearth/core";
import { hcloudNetworkZones, type HcloudNetworkZone } from "./catalog.js";
import { hcloudLabels } from "./labels.js";

export interface NetworkArgs {
  /** Hetzner's name for the network. @default the component's name */
  readonly name?: string;
  /** The network's private IPv4 range, for example `10.20.0.0/16`. */
  readonly cidr: pulumi.Input<string>;
  /** The subnet servers join; inside `cidr`. @default the whole `cidr` */
  readonly subnetCidr?: pulumi.Input<string>;
  /** Where the subnet lives: eu-central (fsn1, nbg1, hel1), us-east (ash), us-west (hil), ap-southeast (sin). @default "eu-central" */
  readonly networkZone?: pulumi.Input<HcloudNetworkZone>;
  /** Extra labels, merged over Hearth's. @default {} */
  readonly labels?: Record<string, string>;
}

function checkPrivateV4(fail: Fail, field: string, value: string): void {
  checkCidr(fail, field, value);
  const cidr = parseCidr(value)!;
  if (cidr.family !== "ipv4" || cidr.prefix < 8 || cidr.prefix > 30) {
    fail(field, value, "Hetzner Cloud networks are IPv4 ranges from /8 to /30, for example 10.20.0.0/16");
  }
}

/** A Hetzner Cloud private network with one cloud subnet that servers join. */
export class Network extends pulumi.ComponentResource {
  /** Hetzner's numeric network id. */
  public readonly networkId: pulumi.Output<number>;
  /** The subnet's id (`<network>-<range>`). */
  public readonly subnetId: pulumi.Output<string>;
  public readonly cidr: pulumi.Output<string>;
  /** The subnet resource; servers that join the network wait for it. */
  public readonly subnet: hcloud.NetworkSubnet;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hearth:hcloud:Network", name, {}, opts);
    const fail = failFor("Network", name);
    const labels = hcloudLabels(fail, "Network", args.labels);
    const cidr = checked(args.cidr, (v) => checkPrivateV4(fail, "cidr", v));
    const subnetCidr = checked(args.subnetCidr ?? args.cidr, (v) => checkPrivateV4(fail, "subnetCidr", v));
    const zone = checked(args.networkZone ?? "eu-central", (v) => checkOneOf(fail, "networkZone", v, hcloudNetworkZones));
    const within = pulumi.all([cidr, subnetCidr]).apply(([outer, inner]) => {
      const a = parseCidr(outer)!;
      const b = parseCidr(inner)!;
      if (b.prefix < a.prefix || !cidrContains(outer, b.address)) fail("subnetCidr", inner, `the subnet must lie inside the network's cidr ${outer}`);
      return inner;
    });

    const network = new hcloud.Network(name, { name: args.name ?? name, ipRange: cidr, labels }, { parent: this });
    this.networkId = network.id.apply(Number);
    this.subnet = new hcloud.NetworkSubnet(
      childName(name, "subnet"),
      { networkId: this.networkId, type: "cloud", networkZone: zone, ipRange: within },
      { parent: this },
    );
    this.subnetId = this.subnet.id;
    this.cidr = cidr;
    this.registerOutputs({ networkId: this.networkId, subnetId: this.subnetId, cidr: this.cidr });
  }
}
