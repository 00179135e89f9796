import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { checkBoolean, checkInt, Problems } from "@hearth/core";
import { checked } from "@hearth/kit";
import { checkedPve } from "./guest.js";
import { checkOciFileName, checkOciReference } from "./imageFiles.js";

// The pull is bpg/terraform-provider-proxmox's `oci_image` (fwprovider/nodes/resource_oci_image.go),
// bridged as `proxmoxve.oci.Image`: Create sends `POST /nodes/{node}/storage/{storage}/oci-registry-pull`
// with `filename` = fileName without `.tar` and waits for the `ociregistrypull` task; Read and
// Delete are those of a downloaded file (`GET .../content?content=vztmpl`, `DELETE .../content/{volume}`).
// Proxmox VE 9.1 and later (pve-storage src/PVE/API2/Storage/Status.pm `oci_registry_pull`, which
// runs `skopeo copy docker://<reference> oci-archive:<file>`).

export interface OciImageArgs {
  /** The node whose storage gets the image. */
  readonly node: pulumi.Input<string>;
  /** The image to pull, with its tag: `docker.io/library/alpine:3.22`. Changing it pulls the new image (see `fileName`). */
  readonly reference: pulumi.Input<string>;
  /** The archive's file name on the storage, ending in `.tar`. @default the reference's last part with ':' as '_' (`alpine_3.22.tar`) */
  readonly fileName?: pulumi.Input<string>;
  /** A file-based storage that allows `vztmpl` (container templates). @default "local" */
  readonly storage?: pulumi.Input<string>;
  /** Pull again when the archive on storage changed size outside Pulumi (checked on preview and refresh). @default false */
  readonly redownloadWhenChanged?: boolean;
  /** When a file of that name is already on the storage and no Pulumi resource manages it, delete it and pull. @default false (the pull fails) */
  readonly replaceUnmanagedFile?: boolean;
  /** How long the pull may take, in seconds (1-86400). @default 600 */
  readonly timeoutSeconds?: number;
}

/**
 * An OCI (Docker) image pulled from a registry to a node's storage as a container template
 * (Proxmox VE 9.1+): launch a `Container` from its `volumeId`. A new reference replaces the
 * archive, not the containers launched from it, unless they set `replaceOnImageChange`.
 *
 * Children: `${name}` (oci.Image).
 */
export class OciImage extends pulumi.ComponentResource {
  /** The archive's volume id (`local:vztmpl/alpine_3.22.tar`): a Container's `template`. */
  readonly volumeId: pulumi.Output<string>;
  /** The archive's file name on the storage. */
  readonly fileName: pulumi.Output<string>;
  /** The archive's size in bytes. */
  readonly sizeBytes: pulumi.Output<number>;
  /** The node holding the archive. */
  readonly node: pulumi.Output<string>;
  /** The storage holding the archive. */
  readonly storage: pulumi.Output<string>;

  constructor(name: string, args: OciImageArgs, opts?: pulumi.ComponentResourceOptions) {
    const owner = `OciImage "${name}"`;
    const problems = new Problems(owner);
    if (args === null || typeof args !== "object") {
      problems.check((fail) => fail("(args)", args, "give node and reference at least"));
      problems.throwIfAny();
    }
    const node = problems.check((fail) => checkedPve(fail, "node", args.node, "node"));
    const storage = problems.check((fail) => checkedPve(fail, "storage", args.storage ?? "local", "storage"));
    const reference = problems.check((fail) => checked(args.reference, (r) => checkOciReference(fail, "reference", r)));
    const fileName = args.fileName === undefined ? undefined : problems.check((fail) => checked(args.fileName!, (f) => checkOciFileName(fail, "fileName", f)));
    for (const flag of ["redownloadWhenChanged", "replaceUnmanagedFile"] as const) {
      if (args[flag] !== undefined) problems.check((fail) => checkBoolean(fail, flag, args[flag]));
    }
    if (args.timeoutSeconds !== undefined) problems.check((fail) => checkInt(fail, "timeoutSeconds", args.timeoutSeconds, 1, 86400));
    problems.throwIfAny();
    super("hearth:proxmox:OciImage", name, {}, opts);

    const image = new proxmoxve.oci.Image(
      name,
      {
        nodeName: node!,
        datastoreId: storage!,
        reference: reference!,
        fileName,
        overwrite: args.redownloadWhenChanged ?? false,
        overwriteUnmanaged: args.replaceUnmanagedFile ?? false,
        uploadTimeout: args.timeoutSeconds ?? 600,
      },
      // A new tag under the same file name: the old archive goes first ("refusing to override existing file").
      { parent: this, ...(args.fileName !== undefined || args.redownloadWhenChanged === true ? { deleteBeforeReplace: true } : {}) },
    );

    this.volumeId = image.id;
    this.fileName = image.fileName;
    this.sizeBytes = image.size;
    this.node = image.nodeName;
    this.storage = image.datastoreId;
    this.registerOutputs({ volumeId: this.volumeId, fileName: this.fileName, sizeBytes: this.sizeBytes, node: this.node, storage: this.storage });
  }
}
