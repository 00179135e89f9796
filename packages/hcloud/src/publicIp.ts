import * as pulumi from "@pulumi/pulumi";
import * as hcloud from "@pulumi/hcloud";
import { checkArgs, checkBoolean, checkNonEmpty, Problems } from "@hearth/core";
import { checked, childOptions, claimUniqueName, composedLabels, nameOwner, providerScope } from "@hearth/kit";
import { checkLocation, type HcloudLocation } from "./catalog.js";
import { hcloudLabels } from "./labels.js";

export interface PublicIpArgs {
  /** Hetzner's name for the primary IP; unique per project. @default the component's name */
  readonly name?: string;
  /** The location the address belongs to (a server there can take it): fsn1, nbg1, hel1, ash, hil or sin. */
  readonly location: pulumi.Input<HcloudLocation>;
  /** Extra labels, next to Hearth's own (which always win). @default {} */
  readonly labels?: Record<string, string>;
  /** Hetzner's delete protection: the API refuses to delete the address until it is lifted. @default false */
  readonly deleteProtection?: boolean;
}

/**
 * A stable public IPv4 address on Hetzner Cloud (a primary IP) that outlives the servers
 * holding it: a server takes it with `VmFromTemplate`'s `publicIpv4: ip.ipId`, and replacing
 * that server keeps the address that clients and DNS know.
 *
 * Stateful: the address is the value, so a change that replaces the primary IP (another
 * `location` or `name`) gives a new address. Pulumi shows it as a replacement in the plan; give
 * the component `{ protect: true }` (inherited by its child) so such a plan fails instead of
 * running, and `deleteProtection: true` to have Hetzner itself refuse the delete.
 *
 * - Never deleted with its server (`auto_delete` false): "If enabled the Primary IP will be
 *   deleted once the assigned resource gets deleted" (../shared/specs/hcloud-openapi.json,
 *   `create_primary_ip_request.auto_delete`).
 * - Created unassigned in `location` (`datacenter` was removed from primary IPs on 2026-07-01,
 *   same schema). A server takes it through `public_net` at creation, the only assignment that
 *   needs no stopped server: since 2026 the assign and unassign actions refuse a running server
 *   (`server_not_stopped`) and an assigned IP cannot be deleted (`must_be_unassigned`;
 *   ../shared/specs/hcloud-openapi.json, `/primary_ips`). Deleting the server detaches the IP
 *   (`DELETE /servers/{id}`), which is why destroy deletes the server first (it depends on the
 *   IP) and why terraform-provider-hcloud's primary IP delete
 *   (hetznercloud/terraform-provider-hcloud, internal/primaryip/resource.go) only has to power
 *   off and unassign when the server is still there.
 * - Replaced delete-first (`deleteBeforeReplace`): the name is unique per project
 *   (`create_primary_ip_request.name`), so a replacement cannot be created beside the old IP
 *   (`uniqueness_error`), and the old IP can only go once the server holding it is gone, which
 *   Pulumi arranges by replacing the dependent server first when the IP is deleted before it is
 *   replaced.
 *
 * Children: `${name}` (hcloud PrimaryIp).
 */
export class PublicIp extends pulumi.ComponentResource {
  /** Hetzner's id of the primary IP, as a string: what `VmFromTemplate`'s `publicIpv4` takes. */
  public readonly ipId: pulumi.Output<string>;
  /** The IPv4 address. */
  public readonly address: pulumi.Output<string>;
  /** Every label the primary IP carries, Hearth's own included. */
  public readonly labels: Record<string, string>;

  constructor(name: string, args: PublicIpArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every plain value is checked before anything is registered (every problem at once); an Output location when it resolves.
    const problems = new Problems(`PublicIp "${name}"`);
    problems.check((fail) => checkArgs(fail, args, '{ location: "fsn1" }'));
    const given = (args ?? {}) as Partial<PublicIpArgs>;
    const ipName = given.name === undefined ? name : problems.check((fail) => checkNonEmpty(fail, "name", given.name));
    const location = problems.check((fail) => checked(given.location as pulumi.Input<HcloudLocation>, (v) => checkLocation(fail, "location", v)));
    const labels = problems.check((fail) => hcloudLabels(fail, "PublicIp", given.labels));
    const deleteProtection = given.deleteProtection === undefined ? false : problems.check((fail) => checkBoolean(fail, "deleteProtection", given.deleteProtection));
    if (ipName !== undefined) {
      // "Name of the Resource. Must be unique per Project." (../shared/specs/hcloud-openapi.json,
      // components/schemas/create_primary_ip_request/properties/name)
      problems.check((fail) => claimUniqueName(fail, "name", "Hetzner Cloud primary IP name", providerScope(opts, "hcloud"), ipName, nameOwner(opts, `PublicIp "${name}"`)));
    }
    problems.throwIfAny();
    super("hearth:hcloud:PublicIp", name, {}, opts);
    this.labels = composedLabels(opts, labels!);

    const ip = new hcloud.PrimaryIp(
      name,
      // Neither assignee field: the server assigns itself through `publicNets` (and
      // `assigneeType` alone draws a provider warning).
      { name: ipName!, type: "ipv4", location: location!, autoDelete: false, labels: this.labels, ...(deleteProtection ? { deleteProtection } : {}) },
      childOptions(opts, name, { parent: this, deleteBeforeReplace: true }),
    );
    this.ipId = ip.id;
    this.address = ip.ipAddress;
    this.registerOutputs({ ipId: this.ipId, address: this.address, labels: this.labels });
  }
}
