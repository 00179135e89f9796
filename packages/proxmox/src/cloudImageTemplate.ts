import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { checkBoolean, checkDiskGb, checkHostname, checkLabels, checkOneOf, hearthLabels, labelKeys, labelsToTags, Problems } from "@hearth/core";
import { checked, isPlain } from "@hearth/kit";
import { withDiskSpeedIgnored } from "./diskSpeed.js";
import { vmIdRegistry } from "./vmIds.js";
import { checkDiskInterface, cloudInitInterface } from "./validation.js";
import { checkPveValue, type PveFormatKey } from "./pveFormats.js";
import type { TemplateRef } from "./vmFromTemplate.js";
import { checkImageUrl, checkImageVolume, checksumAlgorithms, IMPORT_DISK_FILE, urlFileName, type ChecksumAlgorithm } from "./imageFiles.js";

/** A value bound for a Proxmox id or property string, checked against its PVE format now or when it resolves. */
const checkedPve = (fail: Parameters<typeof checkPveValue>[0], field: string, value: pulumi.Input<string>, key: PveFormatKey) =>
  checked(value, (v) => checkPveValue(fail, field, v, key));

export { ChecksumAlgorithm, checksumAlgorithms } from "./imageFiles.js";

export interface CloudImageTemplateArgs {
  /** The node that downloads the image and holds the template. */
  readonly node: pulumi.Input<string>;
  /**
   * An http(s) URL of an uncompressed cloud image (qcow2, raw or vmdk), downloaded by the
   * template itself (child `${name}-image`). Give this or `image`.
   */
  readonly imageUrl?: pulumi.Input<string>;
  /**
   * A disk image already on a storage, as a volume id of content `import`
   * (`local:import/debian-13-generic-amd64.qcow2`): an Image's `volumeId`. Give this or
   * `imageUrl`; `checksum`, `checksumAlgorithm`, `fileName` and `imageStorage` belong to the Image then.
   */
  readonly image?: pulumi.Input<string>;
  /**
   * Replace the template when its image changes (a new `image` volume id, or a new
   * `imageUrl`/`fileName`/`checksum`): the template VM is made again from the new image, and
   * clones made from the old template keep their disks. Off, the template keeps the disk it
   * imported at creation (the provider imports only then) and only its file is replaced.
   * @default false
   */
  readonly replaceOnImageChange?: boolean;
  /** The expected checksum of the image, checked by Proxmox after the download. @default not checked */
  readonly checksum?: pulumi.Input<string>;
  /** Required with `checksum`. */
  readonly checksumAlgorithm?: ChecksumAlgorithm;
  /** The file name on the image storage. @default the last part of the URL */
  readonly fileName?: pulumi.Input<string>;
  /** The VM id of the template (clones refer to it; ids are unique in the cluster). */
  readonly vmId: pulumi.Input<number>;
  /** The template's VM name. @default the component name */
  readonly templateName?: pulumi.Input<string>;
  /** Storage for the template's disk and cloud-init drive. @default "local-lvm" */
  readonly storage?: pulumi.Input<string>;
  /** Storage the image is downloaded to; it must allow the `import` content type. @default "local" */
  readonly imageStorage?: pulumi.Input<string>;
  /** Size of the template's boot disk in GB; clones may grow it, never shrink it. @default 10 */
  readonly diskSizeGb?: number;
  /** The boot disk's interface. @default "scsi0" */
  readonly diskInterface?: string;
  /** The bridge of the template's single NIC (clones set their own). @default "vmbr0" */
  readonly bridge?: pulumi.Input<string>;
  /** The emulated CPU type. @default "x86-64-v2-AES" */
  readonly cpuType?: pulumi.Input<string>;
  /** Labels, written as Proxmox tags (`hearth-component-cloudimagetemplate`, ...). @default {} */
  readonly labels?: Record<string, string>;
  /** A resource pool to put the template in (a `Pool`'s poolId), so a token scoped to the pool may clone it. @default none */
  readonly pool?: pulumi.Input<string>;
}

/** What a CloudImageTemplate's `ref` holds: a clone's `template`, with the template's own id output and disk facts. */
export interface CloudImageTemplateRef extends TemplateRef {
  /** The template's VM id, an Output: clones that take it wait for the template. */
  readonly vmId: pulumi.Output<number>;
  readonly diskSizeGb: number;
  readonly diskInterface: string;
}

/**
 * A VM template made from a cloud image: the image is downloaded to a node (`import` content
 * type) and imported as the boot disk of a template VM with a cloud-init drive, the QEMU guest
 * agent enabled and a serial console (cloud images expect one).
 *
 * Clones take its `ref` (`template: tpl.ref`), or its outputs one by one
 * (`template: { vmId: tpl.vmId, node: tpl.node, diskSizeGb: tpl.diskSizeGb }`, as a YAML program writes it).
 *
 * Give it an `imageUrl` and it downloads the image itself, or an Image's `volumeId` (content
 * `import`) as `image` to share one download between templates. A new image replaces the
 * template only with `replaceOnImageChange`.
 *
 * Children: `${name}-image` (download.File, with `imageUrl` only) and `${name}` (VmLegacy, template).
 */
export class CloudImageTemplate extends pulumi.ComponentResource {
  /** The template's VM id; clones that take this Output wait for the template. */
  readonly vmId: pulumi.Output<number>;
  /** The node holding the template. */
  readonly node: pulumi.Output<string>;
  /** The template's boot disk size in GB (clones refuse to shrink it). */
  readonly diskSizeGb: pulumi.Output<number>;
  /** The template's boot disk interface (`scsi0`). */
  readonly diskInterface: pulumi.Output<string>;
  /** The template's VM name. */
  readonly templateName: pulumi.Output<string>;
  /** The volume id of the image the template was made from (`local:import/debian-12.qcow2`): its own download's or the given `image`. */
  readonly imageFileId: pulumi.Output<string>;
  /** What a clone takes as `template`: the vmId Output (so clones wait for the template) and the disk facts, known now. */
  readonly ref: CloudImageTemplateRef;

  constructor(name: string, args: CloudImageTemplateArgs, opts?: pulumi.ComponentResourceOptions) {
    const owner = `CloudImageTemplate "${name}"`;
    const problems = new Problems(owner);
    if (args === null || typeof args !== "object") problems.fail("(args)", args, "give node, imageUrl and vmId at least");
    const p = <T>(run: (fail: Parameters<typeof checkPveValue>[0]) => T) => problems.check(run);
    const pve = (field: string, value: pulumi.Input<string>, key: PveFormatKey) => p((fail) => checkedPve(fail, field, value, key));
    const diskSizeGb = p((fail) => checkDiskGb(fail, "diskSizeGb", args.diskSizeGb ?? 10));
    const diskInterface = p((fail) => checkDiskInterface(fail, "diskInterface", args.diskInterface ?? "scsi0"));
    const own = args.image === undefined;
    if (own === (args.imageUrl === undefined)) {
      p((fail) => fail(own ? "imageUrl" : "image", own ? undefined : args.image, "give either imageUrl (the template downloads the image) or image (an Image's volumeId of content import), not both"));
    }
    if (!own) {
      for (const field of ["checksum", "checksumAlgorithm", "fileName", "imageStorage"] as const) {
        if (args[field] !== undefined) p((fail) => fail(field, args[field], "belongs to the Image that downloads the file; leave it out when you give image"));
      }
    }
    if (args.replaceOnImageChange !== undefined) p((fail) => checkBoolean(fail, "replaceOnImageChange", args.replaceOnImageChange));
    const imageVolume = own ? undefined : p((fail) => checked(args.image!, (v) => {
      checkImageVolume(fail, "image", v, "import", "local:import/debian-13-generic-amd64.qcow2");
      if (!IMPORT_DISK_FILE.test(v)) fail("image", v, "a template imports a disk image (.qcow2, .raw or .vmdk), not an .ova appliance");
    }));
    if (args.checksum !== undefined && args.checksumAlgorithm === undefined) {
      p((fail) => fail("checksumAlgorithm", undefined, `give the checksum's algorithm: one of ${checksumAlgorithms.join(", ")}`));
    }
    if (args.checksumAlgorithm !== undefined) p((fail) => checkOneOf(fail, "checksumAlgorithm", args.checksumAlgorithm, checksumAlgorithms));
    if (args.labels !== undefined) p((fail) => checkLabels(fail, "labels", args.labels, "proxmox"));
    const node = pve("node", args.node, "node");
    const storage = pve("storage", args.storage ?? "local-lvm", "storage");
    const imageStorage = pve("imageStorage", args.imageStorage ?? "local", "storage");
    const bridge = pve("bridge", args.bridge ?? "vmbr0", "bridge");
    const cpuType = pve("cpuType", args.cpuType ?? "x86-64-v2-AES", "cpuType");
    const pool = args.pool === undefined ? undefined : pve("pool", args.pool, "pool");
    const imageUrl = !own || args.imageUrl === undefined ? undefined : p((fail) => checked(args.imageUrl!, (url) => {
      checkImageUrl(fail, "imageUrl", url);
      // Without fileName the provider names the file after the URL; Proxmox refuses other extensions.
      if (args.fileName === undefined) {
        const fromUrl = urlFileName(url);
        if (!IMPORT_DISK_FILE.test(fromUrl)) fail("fileName", undefined, `the image URL's file "${fromUrl}" is not a .qcow2, .raw or .vmdk name, which Proxmox refuses to import; set fileName (an Ubuntu .img is a qcow2 image: "noble.qcow2")`);
      }
    }));
    const fileName = args.fileName === undefined || !own ? undefined : p((fail) => checked(args.fileName!, (f) => {
      if (typeof f !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(f)) fail("fileName", f, "use a plain file name such as debian-12.qcow2");
      if (!IMPORT_DISK_FILE.test(f)) fail("fileName", f, "Proxmox imports disk images named .qcow2, .raw or .vmdk; name the file after its format (an Ubuntu .img is a qcow2 image: noble.qcow2)");
    }));
    const vmId = p((fail) => checked(args.vmId, (id) => vmIdRegistry().claim(fail, "vmId", id, owner)));
    const templateName = p((fail) => checked(args.templateName ?? name, (n) => {
      checkHostname(fail, args.templateName === undefined ? "name" : "templateName", n);
      checkPveValue(fail, args.templateName === undefined ? "name" : "templateName", n, "dnsName");
    }));
    problems.throwIfAny();
    super("hearth:proxmox:CloudImageTemplate", name, {}, opts);

    const image = own
      ? new proxmoxve.download.File(
          `${name}-image`,
          {
            nodeName: node!,
            datastoreId: imageStorage!,
            contentType: "import",
            url: imageUrl!,
            fileName,
            checksum: args.checksum,
            checksumAlgorithm: args.checksumAlgorithm,
            // A new upstream image must not silently replace the file every template was built from.
            overwrite: false,
          },
          { parent: this },
        )
      : undefined;
    const importFrom = image ? image.id : imageVolume!;
    // The provider imports a disk at creation only and ignores a later import_from
    // (bpg proxmoxtf/resource/vm/disk/schema.go: "changes after creation are ignored"): without
    // replaceOnImageChange the path is ignored so a new image shows no pointless update; with it,
    // a new image replaces the template.
    const replaceOnImage = args.replaceOnImageChange === true;
    const ignoreChanges = withDiskSpeedIgnored(opts?.ignoreChanges, 1);
    if (!replaceOnImage && !ignoreChanges.includes("disks[0].importFrom")) ignoreChanges.push("disks[0].importFrom");

    const template = new proxmoxve.VmLegacy(
      name,
      {
        nodeName: node!,
        vmId: vmId!,
        ...(pool === undefined ? {} : { poolId: pool }),
        name: templateName!,
        description: "Cloud-image template managed by Hearth",
        tags: labelsToTags(hearthLabels("CloudImageTemplate", { ...args.labels, [labelKeys.stack]: pulumi.getStack() })),
        template: true,
        started: false,
        onBoot: false,
        operatingSystem: { type: "l26" },
        cpu: { cores: 1, type: cpuType! },
        memory: { dedicated: 1024 },
        scsiHardware: "virtio-scsi-single",
        bootOrders: [diskInterface!],
        disks: [
          {
            interface: diskInterface!,
            datastoreId: storage!,
            importFrom,
            size: diskSizeGb,
            discard: "on",
            iothread: true,
            ...(diskInterface!.startsWith("virtio") ? {} : { ssd: true }),
          },
        ],
        initialization: { datastoreId: storage!, interface: cloudInitInterface, ipConfigs: [{ ipv4: { address: "dhcp" } }] },
        agent: { enabled: true },
        serialDevices: [{ device: "socket" }],
        vga: { type: "serial0" },
        networkDevices: [{ bridge: bridge!, model: "virtio" }],
      },
      // The provider's perpetual disks[n].speed diff (muhlba91/pulumi-proxmoxve#664), see diskSpeed.ts.
      { parent: this, ignoreChanges, ...(replaceOnImage ? { replaceOnChanges: ["disks[0].importFrom"] } : {}) },
    );

    this.vmId = template.vmId;
    this.node = template.nodeName;
    this.diskSizeGb = pulumi.output(diskSizeGb!);
    this.diskInterface = pulumi.output(diskInterface!);
    this.templateName = template.name;
    this.imageFileId = pulumi.output(importFrom);
    this.ref = { vmId: template.vmId, node: isPlain(args.node) ? args.node : template.nodeName, diskSizeGb: diskSizeGb!, diskInterface: diskInterface! };
    this.registerOutputs({
      vmId: this.vmId,
      node: this.node,
      diskSizeGb: this.diskSizeGb,
      diskInterface: this.diskInterface,
      templateName: this.templateName,
      imageFileId: this.imageFileId,
      ref: this.ref,
    });
  }
}
