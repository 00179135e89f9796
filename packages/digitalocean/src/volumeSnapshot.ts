import * as pulumi from "@pulumi/pulumi";
import * as digitalocean from "@pulumi/digitalocean";
import { checkArgs, checkBoolean, labelsToTags, Problems } from "@hearth/core";
import { checked, childOptions, composedLabels, compositionOf } from "@hearth/kit";
import { checkTags, doLabels, doTags } from "./labels.js";

export interface VolumeSnapshotArgs {
  /** The volume to snapshot: a `Volume`'s `volumeId` (or an existing volume's id). */
  readonly volumeId: pulumi.Input<string>;
  /** The snapshot's name at DigitalOcean. @default the component's name */
  readonly name?: string;
  /** Labels, flattened into tags next to Hearth's. @default {} */
  readonly labels?: Record<string, string>;
  /** Extra tags as they are. @default [] */
  readonly tags?: string[];
  /** Pulumi's `protect` (DigitalOcean has no delete protection for snapshots). @default true */
  readonly deleteProtection?: boolean;
}

/**
 * A snapshot of a DigitalOcean volume (`POST /v2/volumes/{volume_id}/snapshots`,
 * ../shared/specs/digitalocean-openapi.json), taken once when the component is created. Its
 * `snapshotId` can seed a new volume. The snapshot does not follow the volume afterwards: a
 * volume replaced later does not retake it (terraform-provider-digitalocean replaces a snapshot
 * for a new `volume_id`, so Hearth ignores that change).
 *
 * Children: `${name}` (digitalocean VolumeSnapshot).
 */
export class VolumeSnapshot extends pulumi.ComponentResource {
  /** DigitalOcean's id of the snapshot. */
  public readonly snapshotId: pulumi.Output<string>;
  /** The smallest volume, in GB, the snapshot can seed. */
  public readonly minDiskSizeGb: pulumi.Output<number>;
  /** Every tag on the snapshot. */
  public readonly tags: string[];

  constructor(name: string, args: VolumeSnapshotArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = new Problems(`VolumeSnapshot "${name}"`);
    problems.check((fail) => checkArgs(fail, args, "{ volumeId: data.volumeId }"));
    const given = (args ?? {}) as Partial<VolumeSnapshotArgs>;
    const volumeId = problems.check((fail) =>
      checked(given.volumeId as pulumi.Input<string>, (v) => {
        if (typeof v !== "string" || v.trim() === "") fail("volumeId", v, "use a Volume's volumeId or an existing volume's id");
      }),
    );
    const snapshotName = given.name ?? name;
    // `name` is required, "A human-readable name for the volume snapshot" (../shared/specs/digitalocean-openapi.json).
    if (typeof snapshotName !== "string" || snapshotName.trim() === "" || snapshotName.includes("\n")) {
      problems.check((fail) => fail("name", snapshotName, "use a non-empty name on one line"));
    }
    const composition = compositionOf(opts).labels;
    const tags =
      composition === undefined
        ? problems.check((fail) => doTags(fail, "VolumeSnapshot", given.labels, given.tags))
        : problems.check((fail) => [...new Set([...labelsToTags(composedLabels(opts, doLabels(fail, "VolumeSnapshot", given.labels))), ...checkTags(fail, "tags", given.tags)])].sort());
    const deleteProtection = given.deleteProtection === undefined ? true : problems.check((fail) => checkBoolean(fail, "deleteProtection", given.deleteProtection));
    problems.throwIfAny();
    super("hearth:digitalocean:VolumeSnapshot", name, {}, opts);
    this.tags = tags!;
    const snapshot = new digitalocean.VolumeSnapshot(
      name,
      { volumeId: volumeId!, name: snapshotName, tags: this.tags },
      childOptions(opts, name, { parent: this, protect: deleteProtection === true, ignoreChanges: ["volumeId"] }),
    );
    this.snapshotId = snapshot.id;
    this.minDiskSizeGb = snapshot.minDiskSize;
    this.registerOutputs({ snapshotId: this.snapshotId, minDiskSizeGb: this.minDiskSizeGb, tags: this.tags });
  }
}
