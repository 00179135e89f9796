import * as pulumi from "@pulumi/pulumi";
import * as hcloud from "@pulumi/hcloud";
import { checkArgs, checkInt, Problems, validateVolumeArgs, type VolumeFilesystem, type VolumeOutputs } from "@hearth/core";
import { checked, childOptions, claimUniqueName, composedLabels, nameOwner, providerScope, type Outputs } from "@hearth/kit";
import { checkLocation, type HcloudLocation } from "./catalog.js";
import { hcloudLabels } from "./labels.js";

/**
 * Hetzner's volume limits (../shared/specs/hcloud-openapi.json, `POST /volumes`): "The minimum
 * Volume size is 10GB and the maximum size is 10TB (10240GB)"; a name "can consist of
 * alphanumeric characters, dashes, underscores, and dots, but has to start and end with an
 * alphanumeric character. The total length is limited to 64 characters. Volume names must be
 * unique per Project." The contract's name rule (lowercase, digits, '-', at most 63) is narrower.
 */
export const hcloudVolumeLimits = { minGb: 10, maxGb: 10240 } as const;

export interface VolumeArgs {
  /** Hetzner's name for the volume; unique per project. @default the component's name */
  readonly name?: string;
  /** Where the volume lives: fsn1, nbg1, hel1, ash, hil or sin. A server attaches it only in the same location. */
  readonly location: pulumi.Input<HcloudLocation>;
  /** Size in GB, 10 to 10240. Grows in place; Hetzner cannot shrink a volume. */
  readonly sizeGb: number;
  /** The file system Hetzner formats the volume with when it creates it: `ext4` or `xfs`. @default "ext4" */
  readonly filesystem?: VolumeFilesystem;
  /** Extra labels, next to Hearth's own (which always win). @default {} */
  readonly labels?: Record<string, string>;
  /**
   * Hetzner's delete protection (the API refuses to delete the volume) and Pulumi's `protect`
   * (neither `pulumi destroy` nor a replacement deletes it). `false` lifts both. @default true
   */
  readonly deleteProtection?: boolean;
  /**
   * Allow a change that replaces the volume (another `location` or `filesystem`): the old volume
   * and its data are deleted. Without it such a change fails in `pulumi preview`. @default false
   */
  readonly allowReplacement?: boolean;
}

/**
 * A Hetzner Cloud volume: block storage that outlives the servers it is attached to. A server
 * attaches it with `VmFromTemplate`'s `volumes: [{ volumeId: data.volumeId, mountPath: "/srv" }]`.
 *
 * Stateful by default:
 * - Protected twice unless `deleteProtection: false`: Hetzner's delete protection ("must not
 *   have delete protection enabled" to delete, ../shared/specs/hcloud-openapi.json
 *   `DELETE /volumes/{id}`) and Pulumi's `protect`, so `pulumi destroy` refuses.
 * - A change that would replace it fails in `pulumi preview` unless `allowReplacement: true`:
 *   Hetzner cannot move a volume (terraform-provider-hcloud, internal/volume/resource.go:
 *   `location` is `ForceNew`) nor reformat one (the volume actions are attach, detach, resize and
 *   change_protection only, ../shared/specs/hcloud-openapi.json `/volumes/{id}/actions/*`; the
 *   provider's `format` is read at creation only, so Hearth replaces on it explicitly). Until
 *   `allowReplacement` is set, the child ignores a new `location` or `filesystem` and the
 *   component compares them with what the volume has, failing with what to do.
 * - Grows in place (`resize`: the size "must be greater than current size"); a smaller size is
 *   refused by Hetzner when the update runs, and never replaces the volume.
 *
 * Hetzner has no volume snapshots (the volume actions above have none; `create_image` exists
 * for servers only, ../shared/specs/hcloud-openapi.json): snapshot the server with `Snapshot`.
 *
 * Children: `${name}` (hcloud Volume).
 */
export class Volume extends pulumi.ComponentResource implements Outputs<VolumeOutputs> {
  /** Hetzner's id of the volume, as a string: what `VmFromTemplate`'s `volumes[].volumeId` takes. */
  public readonly volumeId: pulumi.Output<string>;
  /** The size in GB. */
  public readonly sizeGb: pulumi.Output<number>;
  /** The location the volume lives in. */
  public readonly location: pulumi.Output<string>;
  /** Where a server the volume is attached to sees it: `/dev/disk/by-id/scsi-0HC_Volume_<id>`. */
  public readonly linuxDevice: pulumi.Output<string>;
  /** Every label the volume carries, Hearth's own included. */
  public readonly labels: Record<string, string>;

  constructor(name: string, args: VolumeArgs, opts?: pulumi.ComponentResourceOptions) {
    const who = `Volume "${name}"`;
    const problems = new Problems(who);
    problems.check((fail) => checkArgs(fail, args, '{ location: "fsn1", sizeGb: 10 }'));
    const given = (args ?? {}) as Partial<VolumeArgs>;
    problems.add(validateVolumeArgs(who, given as never, "hcloud"));
    const reported = (field: string) => problems.list.some((p) => p.field === field || p.field.startsWith(`${field}.`));
    if (!reported("sizeGb")) problems.check((fail) => checkInt(fail, "sizeGb", given.sizeGb, hcloudVolumeLimits.minGb, hcloudVolumeLimits.maxGb));
    const location = problems.check((fail) => checked(given.location as pulumi.Input<HcloudLocation>, (v) => checkLocation(fail, "location", v)));
    const labels = reported("labels") ? undefined : problems.check((fail) => hcloudLabels(fail, "Volume", given.labels));
    const volumeName = given.name ?? name;
    if (given.name === undefined && !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) {
      problems.check((fail) => fail("name", name, "name the component (or give `name`) with 1-63 lowercase letters, digits and '-'"));
    } else if (!reported("name")) {
      problems.check((fail) => claimUniqueName(fail, "name", "Hetzner Cloud volume name", providerScope(opts, "hcloud"), volumeName, nameOwner(opts, who)));
    }
    problems.throwIfAny();
    super("hearth:hcloud:Volume", name, {}, opts);
    this.labels = composedLabels(opts, labels!);

    const filesystem = given.filesystem ?? "ext4";
    const deleteProtection = given.deleteProtection ?? true;
    const allowReplacement = given.allowReplacement ?? false;
    const volume = new hcloud.Volume(
      name,
      { name: volumeName, location: location!, size: given.sizeGb!, format: filesystem, labels: this.labels, deleteProtection },
      childOptions(opts, name, {
        parent: this,
        protect: deleteProtection,
        // A new format is a new volume (see above); without allowReplacement the child keeps
        // what it has and the guard below fails the preview instead.
        replaceOnChanges: ["format"],
        ...(allowReplacement ? {} : { ignoreChanges: ["location", "format"] }),
      }),
    );
    const guard = allowReplacement
      ? pulumi.output(true)
      : pulumi.all([volume.location, volume.format, location!]).apply(([has, hasFormat, wanted]) => {
          const drift = new Problems(who);
          if (has !== undefined && has !== wanted) {
            drift.check((fail) => fail("location", wanted, `the volume lives in "${has}" and Hetzner cannot move a volume: moving it replaces it and deletes its data. Set location back to "${has}", or, to delete the data on purpose, set allowReplacement: true and deleteProtection: false`));
          }
          if (hasFormat !== undefined && hasFormat !== filesystem) {
            drift.check((fail) => fail("filesystem", filesystem, `the volume is formatted ${hasFormat} and Hetzner cannot reformat a volume: a new file system replaces it and deletes its data. Set filesystem back to "${hasFormat}", or, to delete the data on purpose, set allowReplacement: true and deleteProtection: false`));
          }
          drift.throwIfAny();
          return true;
        });
    this.volumeId = pulumi.all([volume.id, guard]).apply(([id]) => id);
    this.sizeGb = volume.size;
    this.location = volume.location;
    this.linuxDevice = volume.linuxDevice;
    this.registerOutputs({ volumeId: this.volumeId, sizeGb: this.sizeGb, location: this.location, linuxDevice: this.linuxDevice, labels: this.labels });
  }
}
