import * as pulumi from "@pulumi/pulumi";
import * as hcloud from "@pulumi/hcloud";
import { checkArgs, checkBoolean, Problems } from "@hearth/core";
import { checked, childOptions, composedLabels } from "@hearth/kit";
import { hcloudLabels } from "./labels.js";

export interface SnapshotArgs {
  /** The server to snapshot: a `VmFromTemplate`'s `instanceId` (or an existing server's id, its digits as a string). */
  readonly instanceId: pulumi.Input<string>;
  /** The snapshot's description at Hetzner. @default "<component name>" */
  readonly description?: string;
  /** Extra labels, next to Hearth's own (which always win). @default {} */
  readonly labels?: Record<string, string>;
  /** Pulumi's `protect`: `pulumi destroy` keeps refusing until it is `false` (Hetzner's own image protection is not offered by the provider's snapshot resource). @default true */
  readonly deleteProtection?: boolean;
}

/**
 * A snapshot of a Hetzner Cloud server's disk: an image "completely independent of the Server
 * it was created from" that "will survive Server deletion" (../shared/specs/hcloud-openapi.json,
 * `POST /servers/{id}/actions/create_image`, type `snapshot`). Its `snapshotId` is an image a new
 * `VmFromTemplate` boots from (`image: snap.snapshotId`). Taken once, when the component is
 * created; it does not follow the server afterwards.
 *
 * Volumes are not in it: Hetzner has no volume snapshots (the volume actions are attach, detach,
 * resize and change_protection, same spec, `/volumes/{id}/actions/*`).
 *
 * Ordering: attaching a volume locks the server (`attach_volume` names the server among its
 * resources, same spec) and terraform-provider-hcloud's snapshot create
 * (internal/snapshot/resource.go) calls `Server.CreateImage` without retrying `locked`. Pass
 * the VM's `instanceId`: on a `VmFromTemplate` with `volumes` it resolves only once every volume
 * is attached, so the snapshot depends on the attachments as well as the server.
 *
 * Children: `${name}` (hcloud Snapshot).
 */
export class Snapshot extends pulumi.ComponentResource {
  /** Hetzner's id of the snapshot image, as a string: what `VmFromTemplate`'s `image` takes. */
  public readonly snapshotId: pulumi.Output<string>;
  /** Every label the snapshot carries, Hearth's own included. */
  public readonly labels: Record<string, string>;

  constructor(name: string, args: SnapshotArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = new Problems(`Snapshot "${name}"`);
    problems.check((fail) => checkArgs(fail, args, "{ instanceId: vm.instanceId }"));
    const given = (args ?? {}) as Partial<SnapshotArgs>;
    const serverId = problems.check((fail) =>
      checked(given.instanceId as pulumi.Input<string>, (v) => {
        if (typeof v !== "string" || !/^[1-9][0-9]{0,18}$/.test(v)) fail("instanceId", v, "use a VmFromTemplate's instanceId or an existing server's id (its digits, as a string)");
      }).apply(Number),
    );
    if (given.description !== undefined && (typeof given.description !== "string" || given.description.trim() === "")) {
      problems.check((fail) => fail("description", given.description, "use a non-empty string"));
    }
    const labels = problems.check((fail) => hcloudLabels(fail, "Snapshot", given.labels));
    const deleteProtection = given.deleteProtection === undefined ? true : problems.check((fail) => checkBoolean(fail, "deleteProtection", given.deleteProtection));
    problems.throwIfAny();
    super("hearth:hcloud:Snapshot", name, {}, opts);
    this.labels = composedLabels(opts, labels!);
    const snapshot = new hcloud.Snapshot(
      name,
      { serverId: serverId!, description: given.description ?? name, labels: this.labels },
      // Taken once: a server replaced later (a new id) does not retake or delete the snapshot.
      childOptions(opts, name, { parent: this, protect: deleteProtection === true, ignoreChanges: ["serverId"] }),
    );
    this.snapshotId = snapshot.id;
    this.registerOutputs({ snapshotId: this.snapshotId, labels: this.labels });
  }
}
