import { checkBoolean, checkInt, checkOneOf, isUnresolved } from "../checks.js";
import { Problems, type Problem } from "../errors.js";
import { checkLabels } from "../naming.js";
import { sizeLimits } from "../sizing.js";

/**
 * The file systems a `Volume` can be formatted with, as an `as const` object with a type of the
 * same name (the form a Pulumi package schema can state as an enum).
 */
export const VolumeFilesystem = { ext4: "ext4", xfs: "xfs" } as const;
export type VolumeFilesystem = (typeof VolumeFilesystem)[keyof typeof VolumeFilesystem];

/**
 * What every provider's `Volume` takes: a disk that outlives the instance it is attached to.
 * Each provider package's `Volume` args extend this with where the volume lives (a node and a
 * storage at home, a location in the clouds). A volume is stateful: it is protected from
 * deletion unless `deleteProtection: false`, and a change that would replace it (and lose its
 * data) is refused at plan time unless `allowReplacement: true` says the data may go.
 */
export interface VolumeArgs {
  /** The volume's name at the provider. @default the component name */
  readonly name?: string;
  /** Size in GB. Grows in place; a smaller size is refused (no provider shrinks a volume). */
  readonly sizeGb: number;
  /** The file system the volume is formatted with when it is created. @default "ext4" */
  readonly filesystem?: VolumeFilesystem;
  /** Labels (DigitalOcean stores them as tags). @default {} */
  readonly labels?: Record<string, string>;
  /**
   * Protect the volume from deletion: at the provider where it can (Hetzner), and always with
   * Pulumi's `protect`, so neither a `pulumi destroy` nor a replacement deletes it.
   * @default true
   */
  readonly deleteProtection?: boolean;
  /**
   * Allow a change that replaces the volume (a new location, node or storage, a new file
   * system): the old volume and its data are deleted. Without it such a change fails in
   * `pulumi preview`. @default false
   */
  readonly allowReplacement?: boolean;
}

/** What every provider's `Volume` reports (as Outputs), under the same names. */
export interface VolumeOutputs {
  /** What a VM lists to attach the volume (`volumes: [{ volumeId: data.volumeId, mountPath: "/srv" }]`): the provider's id of the volume. */
  readonly volumeId: string;
  /** Its size in GB. */
  readonly sizeGb: number;
}

/**
 * One volume a VM attaches. The VM attaches it (and detaches it before the VM goes), and mounts
 * it at `mountPath` on first boot through cloud-init where the provider lets Hearth write the
 * user data (see each provider's docs).
 */
export interface VmVolumeAttachment {
  /** A Hearth `Volume`'s `volumeId` output. */
  readonly volumeId: string;
  /** An absolute path in the guest to mount the volume at. @default not mounted (attached only) */
  readonly mountPath?: string;
}

const absolutePath = /^\/(?:[A-Za-z0-9._-]+\/?)*$/;

/** The contract's checks of a volume's common args: every problem, not only the first. */
export function validateVolumeArgs(component: string, args: VolumeArgs, labelTarget?: "hcloud" | "digitalocean" | "proxmox"): Problem[] {
  const problems = new Problems(component);
  if (args === null || typeof args !== "object") {
    problems.check((fail) => fail("args", args, "give the volume's args, at least { sizeGb }"));
    return [...problems.list];
  }
  if (args.name !== undefined && !isUnresolved(args.name)) {
    problems.check((fail) => {
      if (typeof args.name !== "string" || !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(args.name)) {
        fail("name", args.name, "use 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit");
      }
    });
  }
  if (!isUnresolved(args.sizeGb)) problems.check((fail) => checkInt(fail, "sizeGb", args.sizeGb, 1, sizeLimits.diskGb));
  if (args.filesystem !== undefined) problems.check((fail) => checkOneOf(fail, "filesystem", args.filesystem, Object.values(VolumeFilesystem)));
  if (args.labels !== undefined) problems.check((fail) => checkLabels(fail, "labels", args.labels, labelTarget));
  if (args.deleteProtection !== undefined) problems.check((fail) => checkBoolean(fail, "deleteProtection", args.deleteProtection));
  if (args.allowReplacement !== undefined) problems.check((fail) => checkBoolean(fail, "allowReplacement", args.allowReplacement));
  return [...problems.list];
}

/** The contract's checks of a VM's `volumes`: every problem, not only the first. */
export function validateVmVolumes(component: string, volumes: unknown): Problem[] {
  const problems = new Problems(component);
  if (volumes === undefined) return [];
  if (!Array.isArray(volumes)) {
    problems.check((fail) => fail("volumes", volumes, 'use a list such as [{ volumeId: data.volumeId, mountPath: "/srv/data" }]'));
    return [...problems.list];
  }
  const paths = new Set<string>();
  volumes.forEach((v: unknown, i) => {
    if (v === null || typeof v !== "object" || Array.isArray(v) || isUnresolved(v)) {
      problems.check((fail) => fail(`volumes[${i}]`, v, "use { volumeId, mountPath? } with a Volume's volumeId"));
      return;
    }
    const { volumeId, mountPath } = v as Partial<VmVolumeAttachment>;
    if (volumeId === undefined) problems.check((fail) => fail(`volumes[${i}].volumeId`, undefined, "give the volume to attach: { volumeId: data.volumeId }"));
    else if (!isUnresolved(volumeId) && (typeof volumeId !== "string" || volumeId.trim() === "")) {
      problems.check((fail) => fail(`volumes[${i}].volumeId`, volumeId, "use a Volume's volumeId output (a string)"));
    }
    if (mountPath !== undefined && !isUnresolved(mountPath)) {
      if (typeof mountPath !== "string" || !absolutePath.test(mountPath) || mountPath === "/" || mountPath.split("/").includes("..")) {
        problems.check((fail) => fail(`volumes[${i}].mountPath`, mountPath, 'use an absolute path other than "/", such as "/srv/data"'));
      } else if (paths.has(mountPath.replace(/\/$/, ""))) {
        problems.check((fail) => fail(`volumes[${i}].mountPath`, mountPath, "mount each volume at its own path"));
      } else paths.add(mountPath.replace(/\/$/, ""));
    }
  });
  return [...problems.list];
}
