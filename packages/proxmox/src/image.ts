import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { checkBoolean, checkInt, checkOneOf, Problems } from "@hearth/core";
import { checked } from "@hearth/kit";
import { checkedPve } from "./guest.js";
import {
  checkChecksum,
  checkImageFileName,
  checkImageUrl,
  checksumAlgorithms,
  checkUrlFileName,
  imageContents,
  imageDecompressions,
  type ChecksumAlgorithm,
  type ImageContent,
  type ImageDecompression,
} from "./imageFiles.js";

// The download is bpg/terraform-provider-proxmox's `download_file`
// (fwprovider/nodes/resource_download_file.go), bridged as `proxmoxve.download.File`: Create
// asks `GET /nodes/{node}/query-url-metadata` for the URL's file name and size, then
// `POST /nodes/{node}/storage/{storage}/download-url` and waits for its task; Read lists
// `GET .../storage/{storage}/content?content=<type>` and forgets a file that is gone (the next
// `up` downloads it again); Delete is `DELETE .../storage/{storage}/content/{volume}`. Every
// input but the timeout, `verify` and the overwrite flags replaces the file.

export interface ImageArgs {
  /** The node whose storage gets the file. */
  readonly node: pulumi.Input<string>;
  /** What the file is: `iso` (a VM boots or mounts it), `vztmpl` (a container template) or `import` (a disk image a VM imports). */
  readonly content: ImageContent;
  /** An http(s) URL of the file. Changing it downloads the new file (see `fileName`). */
  readonly url: pulumi.Input<string>;
  /**
   * The file's name on the storage, with the ending Proxmox requires for `content` (iso: .iso/.img;
   * vztmpl: .tar, .tar.gz/xz/zst/bz2; import: .qcow2/.raw/.vmdk/.ova).
   * @default the last part of the URL
   */
  readonly fileName?: pulumi.Input<string>;
  /** A file-based storage that allows `content` (`dir`, NFS, CIFS, CephFS...). @default "local" */
  readonly storage?: pulumi.Input<string>;
  /** The file's expected checksum (hex); Proxmox fails the download when it does not match. @default not checked */
  readonly checksum?: pulumi.Input<string>;
  /** The checksum's algorithm; required with `checksum`. */
  readonly checksumAlgorithm?: ChecksumAlgorithm;
  /** Decompress an ISO on the way (`iso` only; give `fileName`, the name of the decompressed file). @default none */
  readonly decompression?: ImageDecompression;
  /** Check the server's TLS certificate. @default true */
  readonly verifyCertificates?: boolean;
  /**
   * Download again when the file changed size: on storage (outside Pulumi) or at the URL (a new
   * upstream build under the same URL). Checked on every preview and refresh, which asks the
   * URL's size through the node. Off, a downloaded file stays as it is until `url`,
   * `fileName`, `checksum` or `storage` change (a deleted file is downloaded again either way).
   * @default false
   */
  readonly redownloadWhenChanged?: boolean;
  /**
   * When a file of that name is already on the storage and no Pulumi resource manages it,
   * delete it and download. Off, the download fails with Proxmox's "refusing to override
   * existing file".
   * @default false
   */
  readonly replaceUnmanagedFile?: boolean;
  /** How long the download may take, in seconds (1-86400). @default 600 */
  readonly timeoutSeconds?: number;
}

/**
 * A file downloaded by URL to a node's storage: an ISO image, a container template or a disk
 * image for import, with its checksum verified by Proxmox and its name checked as Proxmox
 * checks it before anything is registered.
 *
 * Launch from it by `volumeId`: `Container.template` (vztmpl), `CloudImageTemplate.image`
 * (import), `VmFromIso.iso` (iso). A new version of the image (a changed `url`, `fileName` or
 * `checksum`) replaces the file, never what was launched from it, unless that component sets
 * `replaceOnImageChange`. The old file is deleted before the new one is downloaded, so a new
 * version may keep the file name.
 *
 * Children: `${name}` (download.File).
 */
export class Image extends pulumi.ComponentResource {
  /** The file's volume id (`local:iso/debian-13.1.0-amd64-netinst.iso`): what components launch from. */
  readonly volumeId: pulumi.Output<string>;
  /** The file's name on the storage. */
  readonly fileName: pulumi.Output<string>;
  /** The file's size in bytes, as the storage reports it. */
  readonly sizeBytes: pulumi.Output<number>;
  /** The node holding the file. */
  readonly node: pulumi.Output<string>;
  /** The storage holding the file. */
  readonly storage: pulumi.Output<string>;
  /** What the file is. */
  readonly content: pulumi.Output<ImageContent>;

  constructor(name: string, args: ImageArgs, opts?: pulumi.ComponentResourceOptions) {
    const owner = `Image "${name}"`;
    const problems = new Problems(owner);
    if (args === null || typeof args !== "object") {
      problems.check((fail) => fail("(args)", args, "give node, content and url at least"));
      problems.throwIfAny();
    }
    const content = problems.check((fail) => checkOneOf(fail, "content", args.content, imageContents));
    const known = content !== undefined;
    const node = problems.check((fail) => checkedPve(fail, "node", args.node, "node"));
    const storage = problems.check((fail) => checkedPve(fail, "storage", args.storage ?? "local", "storage"));
    const url = problems.check((fail) =>
      checked(args.url, (u) => {
        checkImageUrl(fail, "url", u);
        // Without fileName the provider names the file after the URL (query-url-metadata).
        if (args.fileName === undefined && known) checkUrlFileName(fail, "url", u as string, content);
      }),
    );
    if (args.decompression !== undefined) {
      problems.check((fail) => checkOneOf(fail, "decompression", args.decompression, imageDecompressions));
      if (known && content !== "iso") problems.check((fail) => fail("decompression", args.decompression, `Proxmox decompresses ISO images only ("decompression not supported for ${content}"); leave it out`));
      if (args.fileName === undefined) problems.check((fail) => fail("fileName", undefined, "with decompression, name the decompressed file, such as debian-13.iso (the URL names the compressed one)"));
    }
    const fileName =
      args.fileName === undefined || !known ? args.fileName : problems.check((fail) => checked(args.fileName!, (f) => checkImageFileName(fail, "fileName", f, content)));
    if (args.checksum !== undefined && args.checksumAlgorithm === undefined) {
      problems.check((fail) => fail("checksumAlgorithm", undefined, `give the checksum's algorithm: one of ${checksumAlgorithms.join(", ")}`));
    }
    if (args.checksumAlgorithm !== undefined && args.checksum === undefined) {
      problems.check((fail) => fail("checksum", undefined, "give the checksum that goes with checksumAlgorithm"));
    }
    const algorithm = args.checksumAlgorithm === undefined ? undefined : problems.check((fail) => checkOneOf(fail, "checksumAlgorithm", args.checksumAlgorithm, checksumAlgorithms));
    const checksum =
      args.checksum === undefined || algorithm === undefined ? args.checksum : problems.check((fail) => checked(args.checksum!, (c) => checkChecksum(fail, "checksum", c, algorithm)));
    for (const flag of ["verifyCertificates", "redownloadWhenChanged", "replaceUnmanagedFile"] as const) {
      if (args[flag] !== undefined) problems.check((fail) => checkBoolean(fail, flag, args[flag]));
    }
    if (args.timeoutSeconds !== undefined) problems.check((fail) => checkInt(fail, "timeoutSeconds", args.timeoutSeconds, 1, 86400));
    problems.throwIfAny();
    super("hearth:proxmox:Image", name, {}, opts);

    const file = new proxmoxve.download.File(
      name,
      {
        nodeName: node!,
        datastoreId: storage!,
        contentType: content!,
        url: url!,
        fileName,
        checksum,
        checksumAlgorithm: algorithm,
        decompressionAlgorithm: args.decompression,
        verify: args.verifyCertificates ?? true,
        overwrite: args.redownloadWhenChanged ?? false,
        overwriteUnmanaged: args.replaceUnmanagedFile ?? false,
        uploadTimeout: args.timeoutSeconds ?? 600,
      },
      // Every input the file is made from replaces it (resource_download_file.go: RequiresReplace).
      // A new version under the same name (a fixed fileName, or a re-download of a changed URL)
      // needs the old file gone first: Proxmox refuses to overwrite one ("refusing to override
      // existing file", pve-common Tools.pm download_file_from_url). A name taken from the URL
      // changes with the URL, so the new file comes first and the old one goes after it.
      { parent: this, ...(args.fileName !== undefined || args.redownloadWhenChanged === true ? { deleteBeforeReplace: true } : {}) },
    );

    this.volumeId = file.id;
    this.fileName = file.fileName;
    this.sizeBytes = file.size;
    this.node = file.nodeName;
    this.storage = file.datastoreId;
    this.content = pulumi.output(content!);
    this.registerOutputs({ volumeId: this.volumeId, fileName: this.fileName, sizeBytes: this.sizeBytes, node: this.node, storage: this.storage, content: this.content });
  }
}
