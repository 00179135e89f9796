import * as pulumi from "@pulumi/pulumi";
import * as digitalocean from "@pulumi/digitalocean";
import { checkArgs, isWholeNumber, Problems } from "@hearth/core";
import { childName } from "@hearth/core/internal";
import { checked, childOptions } from "@hearth/kit";
import { checkRegion, type DoRegion } from "./catalog.js";

export interface PublicIpArgs {
  /** The region the address is reserved to (a droplet there can hold it): nyc1, nyc3, sfo2, sfo3, ams3, sgp1, lon1, fra1, tor1, blr1, syd1 or atl1. */
  readonly region: pulumi.Input<DoRegion>;
  /**
   * The droplet that holds the address: a `VmFromTemplate`'s `dropletId` (or the id of an
   * existing droplet), as a string. Changing it moves the address. @default unassigned
   */
  readonly vmId?: pulumi.Input<string>;
}

/**
 * A stable public IPv4 address on DigitalOcean (a reserved IP) that outlives the droplets
 * holding it: replacing the droplet keeps the address that clients and DNS know.
 *
 * Stateful: the address is the value, so a change that replaces the reserved IP (another
 * `region`) gives a new address. Pulumi shows it as a replacement in the plan; give the
 * component `{ protect: true }` (inherited by its children) so such a plan fails instead of
 * running. DigitalOcean has no delete protection of its own for reserved IPs.
 *
 * - Reserved to the region, never to a droplet at creation: "On creation, a reserved IP must be
 *   either assigned to a Droplet or reserved to a region" (../shared/specs/digitalocean-openapi.json,
 *   `POST /v2/reserved_ips`), and one assigned at creation would be replaced with its droplet.
 * - Assigned by a separate assignment (the `assign` action, `POST /v2/reserved_ips/{ip}/actions`,
 *   same document), which digitalocean/terraform-provider-digitalocean models as
 *   `digitalocean_reserved_ip_assignment` with `ip_address` and `droplet_id` both ForceNew
 *   (digitalocean/reservedip/resource_reserved_ip_assignment.go): a new droplet replaces only the
 *   assignment, and the reserved IP (`region` ForceNew, resource_reserved_ip.go) stays. Deleting
 *   the assignment unassigns the address first.
 *
 * Children: `${name}` (digitalocean ReservedIp), `${name}-assignment` (digitalocean
 * ReservedIpAssignment, when `vmId` is given).
 */
export class PublicIp extends pulumi.ComponentResource {
  /** DigitalOcean's id of the reserved IP: the address itself. */
  public readonly ipId: pulumi.Output<string>;
  /** The IPv4 address. */
  public readonly address: pulumi.Output<string>;

  constructor(name: string, args: PublicIpArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every plain value is checked before anything is registered (every problem at once); Outputs when they resolve.
    const problems = new Problems(`PublicIp "${name}"`);
    problems.check((fail) => checkArgs(fail, args, '{ region: "fra1" }'));
    const given = (args ?? {}) as Partial<PublicIpArgs>;
    const region = problems.check((fail) => checked(given.region as pulumi.Input<DoRegion>, (v) => checkRegion(fail, "region", v)));
    const dropletId =
      given.vmId === undefined
        ? undefined
        : problems.check((fail) =>
            checked(given.vmId!, (v) => {
              // A droplet id is a positive whole number (`droplet_id` is an integer:
              // ../shared/specs/digitalocean-openapi.json, reserved_ip_action_assign).
              if (typeof v !== "string" || !/^[1-9][0-9]*$/.test(v) || !isWholeNumber(Number(v))) {
                fail("vmId", v, "use a droplet id as a string, such as a VmFromTemplate's instanceId");
              }
            }).apply(Number),
          );
    problems.throwIfAny();
    super("hearth:digitalocean:PublicIp", name, {}, opts);

    const ip = new digitalocean.ReservedIp(name, { region: region! }, childOptions(opts, name, { parent: this }));
    if (dropletId !== undefined) {
      const assignment = childName(name, "assignment");
      new digitalocean.ReservedIpAssignment(assignment, { ipAddress: ip.ipAddress, dropletId }, childOptions(opts, assignment, { parent: this }));
    }
    this.ipId = ip.id;
    this.address = ip.ipAddress;
    this.registerOutputs({ ipId: this.ipId, address: this.address });
  }
}
