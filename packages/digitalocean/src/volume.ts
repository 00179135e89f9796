import * as pulumi from "@pulumi/pulumi";
import * as digitalocean from "@pulumi/digitalocean";
import { checkArgs, checkInt, Problems, validateVolumeArgs, type VolumeFilesystem, type VolumeOutputs } from "@hearth/core";
import { checked, childOptions, composedLabels, compositionOf, type Outputs } from "@hearth/kit";
import { checkRegion, type DoRegion } from "./catalog.js";
import { checkTags, doLabels, doTags } from "./labels.js";
import { labelsToTags } from "@hearth/core";

/**
 * DigitalOcean's volume limits (../shared/specs/digitalocean-openapi.json, `POST /v2/volumes`
 * and `POST /v2/volumes/{volume_id}/actions` resize: "The maximum size for a volume is 16TiB";
 * terraform-provider-digitalocean, digitalocean/volume/resource_volume.go: `size` at least 1). A
 * name is "lowercase and ... only of numbers, letters and "-", up to a limit of 64 characters ...
 * must begin with a letter" (same spec).
 */
export const doVolumeLimits = { minGb: 1, maxGb: 16384 } as const;
const doVolumeName = /^[a-z][a-z0-9-]{0,62}[a-z0-9]$|^[a-z]$/;

export interface VolumeArgs {
  /** DigitalOcean's name for the volume, which the droplet sees it by (`/dev/disk/by-id/scsi-0DO_Volume_<name>`). @default the component's name */
  readonly name?: string;
  /** The region the volume lives in: a droplet attaches it only in the same region. */
  readonly region: pulumi.Input<DoRegion>;
  /** Size in GB, 1 to 16384. Grows in place; DigitalOcean cannot shrink a volume. */
  readonly sizeGb: number;
  /** The file system DigitalOcean formats the volume with when it creates it: `ext4` or `xfs`. @default "ext4" */
  readonly filesystem?: VolumeFilesystem;
  /** Labels, flattened into tags (`env: lab` -> `env-lab`) next to Hearth's. @default {} */
  readonly labels?: Record<string, string>;
  /** Extra tags as they are. @default [] */
  readonly tags?: string[];
  /**
   * Pulumi's `protect`, so neither `pulumi destroy` nor a replacement deletes the volume
   * (DigitalOcean itself has no delete protection for volumes: `POST /v2/volumes` has no such
   * field, ../shared/specs/digitalocean-openapi.json). `false` lifts it. @default true
   */
  readonly deleteProtection?: boolean;
  /**
   * Allow a change that replaces the volume (another `region`, `name` or `filesystem`): the old
   * volume and its data are deleted. Without it such a change fails in `pulumi preview`. @default false
   */
  readonly allowReplacement?: boolean;
}

/**
 * A DigitalOcean block storage volume that outlives the droplets it is attached to. A droplet
 * attaches it with `VmFromTemplate`'s `volumes: [{ volumeId: data.volumeId, mountPath: "/srv" }]`.
 *
 * Stateful by default:
 * - Pulumi's `protect` unless `deleteProtection: false`: `pulumi destroy` refuses.
 * - A change that would replace it fails in `pulumi preview` unless `allowReplacement: true`:
 *   terraform-provider-digitalocean (digitalocean/volume/resource_volume.go) replaces a volume
 *   for a new `region`, `name` or `initial_filesystem_type` (all `ForceNew`). Until
 *   `allowReplacement` is set, the child ignores them and the component compares them with what
 *   the volume has, failing with what to do.
 * - Grows in place (the resize action); a smaller size fails the plan in the provider itself
 *   ("volumes `size` can only be expanded and not shrunk", same file, `CustomizeDiff`).
 *
 * Children: `${name}` (digitalocean Volume).
 */
export class Volume extends pulumi.ComponentResource implements Outputs<VolumeOutputs> {
  /** DigitalOcean's id of the volume (a uuid): what `VmFromTemplate`'s `volumes[].volumeId` takes. */
  public readonly volumeId: pulumi.Output<string>;
  /** The size in GB. */
  public readonly sizeGb: pulumi.Output<number>;
  /** The region the volume lives in. */
  public readonly region: pulumi.Output<string>;
  /** Where a droplet the volume is attached to sees it: `/dev/disk/by-id/scsi-0DO_Volume_<name>`. */
  public readonly linuxDevice: pulumi.Output<string>;
  /** Every tag on the volume: flattened labels, Hearth's own and `tags`. */
  public readonly tags: string[];

  constructor(name: string, args: VolumeArgs, opts?: pulumi.ComponentResourceOptions) {
    const who = `Volume "${name}"`;
    const problems = new Problems(who);
    problems.check((fail) => checkArgs(fail, args, '{ region: "fra1", sizeGb: 10 }'));
    const given = (args ?? {}) as Partial<VolumeArgs>;
    problems.add(validateVolumeArgs(who, given as never, "digitalocean"));
    const reported = (field: string) => problems.list.some((p) => p.field === field || p.field.startsWith(`${field}.`));
    if (!reported("sizeGb")) problems.check((fail) => checkInt(fail, "sizeGb", given.sizeGb, doVolumeLimits.minGb, doVolumeLimits.maxGb));
    const region = problems.check((fail) => checked(given.region as pulumi.Input<DoRegion>, (v) => checkRegion(fail, "region", v)));
    const volumeName = given.name ?? name;
    if (!reported("name") && !doVolumeName.test(volumeName)) {
      problems.check((fail) => fail("name", volumeName, "DigitalOcean volume names begin with a letter: lowercase letters, digits and '-', at most 63"));
    }
    const composition = compositionOf(opts).labels;
    const tags = reported("labels")
      ? problems.check((fail) => checkTags(fail, "tags", given.tags))
      : composition === undefined
        ? problems.check((fail) => doTags(fail, "Volume", given.labels, given.tags))
        : problems.check((fail) => [...new Set([...labelsToTags(composedLabels(opts, doLabels(fail, "Volume", given.labels))), ...checkTags(fail, "tags", given.tags)])].sort());
    problems.throwIfAny();
    super("hearth:digitalocean:Volume", name, {}, opts);
    this.tags = tags!;

    const filesystem = given.filesystem ?? "ext4";
    const deleteProtection = given.deleteProtection ?? true;
    const allowReplacement = given.allowReplacement ?? false;
    const volume = new digitalocean.Volume(
      name,
      { name: volumeName, region: region!, size: given.sizeGb!, initialFilesystemType: filesystem, tags: this.tags },
      childOptions(opts, name, { parent: this, protect: deleteProtection, ...(allowReplacement ? {} : { ignoreChanges: ["region", "name", "initialFilesystemType"] }) }),
    );
    const guard = allowReplacement
      ? pulumi.output(true)
      : pulumi.all([volume.region, volume.name, volume.initialFilesystemType, region!]).apply(([hasRegion, hasName, hasFilesystem, wanted]) => {
          const drift = new Problems(who);
          const replaces = (field: string, value: string, has: string, what: string) =>
            drift.check((fail) =>
              fail(field, value, `the volume has ${what} "${has}" and DigitalOcean replaces a volume for a new one, deleting its data. Set ${field} back to "${has}", or, to delete the data on purpose, set allowReplacement: true and deleteProtection: false`),
            );
          if (hasRegion !== undefined && hasRegion !== wanted) replaces("region", wanted, hasRegion, "region");
          if (hasName !== undefined && hasName !== volumeName) replaces("name", volumeName, hasName, "name");
          if (hasFilesystem !== undefined && hasFilesystem !== filesystem) replaces("filesystem", filesystem, hasFilesystem, "file system");
          drift.throwIfAny();
          return true;
        });
    this.volumeId = pulumi.all([volume.id, guard]).apply(([id]) => id);
    this.sizeGb = volume.size;
    this.region = volume.region;
    this.linuxDevice = volume.name.apply(doVolumeDevice);
    this.registerOutputs({ volumeId: this.volumeId, sizeGb: this.sizeGb, region: this.region, linuxDevice: this.linuxDevice, tags: this.tags });
  }
}

/**
 * Where a droplet sees an attached volume: DigitalOcean's own CSI driver mounts
 * `/dev/disk/by-id/scsi-0DO_Volume_<volume name>` (digitalocean/csi-digitalocean, driver/node.go:
 * `diskIDPath`, `diskDOPrefix`, `getDiskSource`).
 */
export function doVolumeDevice(volumeName: string): string {
  return `/dev/disk/by-id/scsi-0DO_Volume_${volumeName}`;
}
