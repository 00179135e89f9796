import * as pulumi from "@pulumi/pulumi";
import * as digitalocean from "@pulumi/digitalocean";
import { checkArgs, checkCidr, checkNonEmpty, failFor, Problems, rfc1918Ranges, type CidrRules, type NetworkOutputs } from "@hearth/core";
import { checked, type Outputs } from "@hearth/kit";
import { checkRegion, type DoRegion } from "./catalog.js";

export interface NetworkArgs {
  /** The VPC's name. @default the component's name */
  readonly name?: string;
  /** The VPC's region; droplets in other regions cannot join it. */
  readonly region: pulumi.Input<DoRegion>;
  /** A private IPv4 range from /16 to /28, for example `10.30.0.0/20`. @default a range DigitalOcean picks */
  readonly cidr?: pulumi.Input<string>;
  /** @default "Managed by Hearth" */
  readonly description?: pulumi.Input<string>;
}

/**
 * A VPC's `ip_range`: "must be in range of private addresses as defined in RFC1918. It may not
 * be smaller than `/28` nor larger than `/16`." (../shared/specs/digitalocean-openapi.json,
 * `paths./v2/vpcs.post` request body, `ip_range`).
 */
export const doVpcRange: CidrRules = { family: "ipv4", minPrefix: 16, maxPrefix: 28, within: rfc1918Ranges, target: "DigitalOcean VPCs" };

/**
 * A DigitalOcean VPC: the private network droplets join (`networks: [{ networkId: vpc.networkId }]`).
 *
 * Children: `${name}` (digitalocean Vpc).
 */
export class Network extends pulumi.ComponentResource implements Outputs<NetworkOutputs> {
  /** What a droplet lists to join the VPC: the VPC's id. */
  public readonly networkId: pulumi.Output<string>;
  /** The VPC's id, what droplets take as `vpcUuid` (the same as `networkId`). */
  public readonly vpcUuid: pulumi.Output<string>;
  /** The VPC's range (the one given, or the one DigitalOcean picked). */
  public readonly cidr: pulumi.Output<string>;
  public readonly region: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every plain value is checked before anything is registered (every problem at once);
    // Outputs when they resolve.
    const fail = failFor("Network", name);
    checkArgs(fail, args, '{ region: "fra1" }');
    const problems = new Problems(`Network "${name}"`);
    const vpcName = args.name === undefined ? name : problems.check((f) => checkNonEmpty(f, "name", args.name));
    const region = problems.check((f) => checked(args.region, (v) => checkRegion(f, "region", v)));
    const cidr = args.cidr === undefined ? undefined : problems.check((f) => checked(args.cidr!, (v) => checkCidr(f, "cidr", v, doVpcRange)));
    problems.throwIfAny();
    super("hearth:digitalocean:Network", name, {}, opts);
    const vpc = new digitalocean.Vpc(
      name,
      { name: vpcName!, region: region!, description: args.description ?? "Managed by Hearth", ...(cidr === undefined ? {} : { ipRange: cidr }) },
      { parent: this },
    );
    this.networkId = vpc.id;
    this.vpcUuid = vpc.id;
    this.cidr = vpc.ipRange;
    this.region = vpc.region;
    this.registerOutputs({ networkId: this.networkId, vpcUuid: this.vpcUuid, cidr: this.cidr });
  }
}
