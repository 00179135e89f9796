import * as pulumi from "@pulumi/pulumi";
import * as digitalocean from "@pulumi/digitalocean";
import { checkCidr, checked, failFor, parseCidr } from "@hearth/core";
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

/** A DigitalOcean VPC: the private network droplets join (`networks: [{ network }]`). */
export class Network extends pulumi.ComponentResource {
  /** The VPC's id, what droplets take as `vpcUuid`. */
  public readonly vpcUuid: pulumi.Output<string>;
  public readonly cidr: pulumi.Output<string>;
  public readonly region: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hearth:digitalocean:Network", name, {}, opts);
    const fail = failFor("Network", name);
    const region = checked(args.region, (v) => checkRegion(fail, "region", v));
    const cidr =
      args.cidr === undefined
        ? undefined
        : checked(args.cidr, (v) => {
            checkCidr(fail, "cidr", v);
            const parsed = parseCidr(v)!;
            if (parsed.family !== "ipv4" || parsed.prefix < 16 || parsed.prefix > 28) {
              fail("cidr", v, "DigitalOcean VPCs are private IPv4 ranges from /16 to /28, for example 10.30.0.0/20");
            }
          });
    const vpc = new digitalocean.Vpc(
      name,
      { name: args.name ?? name, region, description: args.description ?? "Managed by Hearth", ...(cidr === undefined ? {} : { ipRange: cidr }) },
      { parent: this },
    );
    this.vpcUuid = vpc.id;
    this.cidr = vpc.ipRange;
    this.region = vpc.region;
    this.registerOutputs({ vpcUuid: this.vpcUuid, cidr: this.cidr });
  }
}
