import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { checkBoolean, checkDiskGb, checkHostname, checkLabels, hearthLabels, labelKeys, labelsToTags, Problems, validateVmArgs, vmResources, type VmArgs, type VmSizeName } from "@hearth/core";
import { withDiskSpeedIgnored } from "./diskSpeed.js";
import { checkedInput, checkedPve } from "./guest.js";
import { checkImageVolume } from "./imageFiles.js";
import { checkPveValue } from "./pveFormats.js";
import { checkDiskInterface } from "./validation.js";
import { vmIdRegistry } from "./vmIds.js";

/** Where the ISO goes: the CD drive Proxmox's wizard gives a new VM. */
const cdromInterface = "ide2";

export interface VmFromIsoArgs {
  /** The node the VM runs on. */
  readonly node: pulumi.Input<string>;
  /**
   * The ISO image the VM boots (`local:iso/debian-13.1.0-amd64-netinst.iso`): an Image's
   * `volumeId` (content `iso`) or a file already on the storage. A new ISO is put into the CD drive
   * in place; the VM and its disk stay, unless `replaceOnImageChange` is set.
   */
  readonly iso: pulumi.Input<string>;
  /** The VM's name. @default the component name */
  readonly hostname?: pulumi.Input<string>;
  /** A named size (core `vmSizes`). Leave it out to give `cores` and `memoryMb`. @default "small" (1 core, 2048 MB) */
  readonly size?: VmSizeName;
  /** CPU cores, with `memoryMb`, instead of a named `size`. @default from `size` */
  readonly cores?: number;
  /** Memory in MB, with `cores`, instead of a named `size`. @default from `size` */
  readonly memoryMb?: number;
  /** Size of the empty disk the ISO installs to, in GB. It can grow, never shrink. @default 20 */
  readonly diskSizeGb?: number;
  /** The disk's interface. @default "scsi0" */
  readonly diskInterface?: string;
  /** Storage of the disk. @default "local-lvm" */
  readonly storage?: pulumi.Input<string>;
  /** The bridge or SDN VNet of the VM's one network card: a Hearth Network's `networkId` or an existing bridge. @default "vmbr0" */
  readonly networkId?: pulumi.Input<string>;
  /** An explicit VM id (100-999999999), unique in the cluster. @default the next free id */
  readonly vmId?: pulumi.Input<number>;
  /** The emulated CPU type. @default "x86-64-v2-AES" */
  readonly cpuType?: pulumi.Input<string>;
  /** Start the VM after creation (it boots the installer). @default true */
  readonly started?: boolean;
  /** Start the VM when the node boots. @default false */
  readonly onBoot?: boolean;
  /** Labels, written as Proxmox tags. @default {} */
  readonly labels?: Record<string, string>;
  /** Replace the VM, and so erase its disk, when `iso` changes. @default false (the new ISO goes into the CD drive) */
  readonly replaceOnImageChange?: boolean;
}

/**
 * A VM that boots an installer ISO: an empty disk, the ISO in the CD drive, and Proxmox's own
 * boot order, disk first then CD (qemu-server src/PVE/QemuServer.pm `get_default_bootdevices`):
 * the empty disk has nothing to boot so the installer starts, and once it has installed the
 * system the disk boots. Hearth manages the hardware; what the installer puts on the disk is
 * the guest's (no cloud-init, no guest agent: an installer has neither).
 *
 * For VMs from a prepared image use CloudImageTemplate and VmFromTemplate; this is for what only
 * an installer does (an appliance, Windows, a BSD).
 *
 * Children: `${name}` (VmLegacy).
 */
export class VmFromIso extends pulumi.ComponentResource {
  /** The VM's id. */
  readonly vmId: pulumi.Output<number>;
  /** The VM's id as a string (the contract's `instanceId`). */
  readonly instanceId: pulumi.Output<string>;
  /** The VM's name. */
  readonly hostname: pulumi.Output<string>;
  /** The node the VM runs on. */
  readonly node: pulumi.Output<string>;
  /** The ISO in the CD drive. */
  readonly iso: pulumi.Output<string>;

  constructor(name: string, args: VmFromIsoArgs, opts?: pulumi.ComponentResourceOptions) {
    const owner = `VmFromIso "${name}"`;
    const problems = new Problems(owner);
    if (args === null || typeof args !== "object") {
      problems.check((fail) => fail("(args)", args, "give node and iso at least"));
      problems.throwIfAny();
    }
    // The contract's size checks (size, or cores with memoryMb), the labels' Proxmox rules.
    problems.add(validateVmArgs(owner, { size: args.size, cores: args.cores, memoryMb: args.memoryMb } as VmArgs, "proxmox"));
    const resources = problems.list.length > 0 ? undefined : vmResources(args);
    if (args.labels !== undefined) problems.check((fail) => checkLabels(fail, "labels", args.labels, "proxmox"));
    const node = problems.check((fail) => checkedPve(fail, "node", args.node, "node"));
    const storage = problems.check((fail) => checkedPve(fail, "storage", args.storage ?? "local-lvm", "storage"));
    const networkId = problems.check((fail) => checkedPve(fail, "networkId", args.networkId ?? "vmbr0", "bridge"));
    const cpuType = problems.check((fail) => checkedPve(fail, "cpuType", args.cpuType ?? "x86-64-v2-AES", "cpuType"));
    const iso = problems.check((fail) => checkedInput(args.iso, (v) => checkImageVolume(fail, "iso", v, "iso", "local:iso/debian-13.1.0-amd64-netinst.iso")));
    const diskSizeGb = problems.check((fail) => checkDiskGb(fail, "diskSizeGb", args.diskSizeGb ?? 20));
    const diskInterface = problems.check((fail) => checkDiskInterface(fail, "diskInterface", args.diskInterface ?? "scsi0"));
    if (diskInterface === cdromInterface) problems.check((fail) => fail("diskInterface", diskInterface, `${cdromInterface} holds the CD drive; use another interface such as scsi0`));
    for (const flag of ["started", "onBoot", "replaceOnImageChange"] as const) if (args[flag] !== undefined) problems.check((fail) => checkBoolean(fail, flag, args[flag]));
    const hostname = problems.check((fail) =>
      checkedInput(args.hostname ?? name, (h) => {
        const field = args.hostname === undefined ? "name" : "hostname";
        checkHostname(fail, field, h);
        checkPveValue(fail, field, h, "dnsName");
      }),
    );
    const vmId = args.vmId === undefined ? undefined : problems.check((fail) => checkedInput(args.vmId!, (id) => vmIdRegistry().claim(fail, "vmId", id, owner)));
    problems.throwIfAny();
    super("hearth:proxmox:VmFromIso", name, {}, opts);

    const vm = new proxmoxve.VmLegacy(
      name,
      {
        nodeName: node!,
        vmId,
        name: hostname!,
        description: "Installed from an ISO, managed by Hearth",
        tags: labelsToTags(hearthLabels("VmFromIso", { ...args.labels, [labelKeys.stack]: pulumi.getStack() })),
        started: args.started ?? true,
        onBoot: args.onBoot ?? false,
        operatingSystem: { type: "l26" },
        cpu: { cores: resources!.cores, type: cpuType! },
        memory: { dedicated: resources!.memoryMb },
        scsiHardware: "virtio-scsi-single",
        // Proxmox's default order: the first disk, then the CD (get_default_bootdevices).
        bootOrders: [diskInterface!, cdromInterface],
        cdrom: { fileId: iso!, interface: cdromInterface },
        disks: [{ interface: diskInterface!, datastoreId: storage!, size: diskSizeGb!, fileFormat: "raw", discard: "on", iothread: true, ...(diskInterface!.startsWith("virtio") ? {} : { ssd: true }) }],
        networkDevices: [{ bridge: networkId!, model: "virtio" }],
        // An installer has no guest agent; the provider would wait for one to report addresses.
        agent: { enabled: false },
      },
      {
        parent: this,
        // The provider's perpetual disks[n].speed diff (muhlba91/pulumi-proxmoxve#664), see diskSpeed.ts.
        ignoreChanges: withDiskSpeedIgnored(opts?.ignoreChanges, 1),
        // A new ISO changes the CD drive in place (bpg proxmoxtf/resource/vm/vm.go: cdrom `file_id`
        // is not ForceNew); only an explicit opt-in makes it a new VM.
        ...(args.replaceOnImageChange === true ? { replaceOnChanges: ["cdrom"] } : {}),
        // A fixed id cannot be created twice: a replacement goes delete-first.
        ...(vmId !== undefined ? { deleteBeforeReplace: true } : {}),
      },
    );

    this.vmId = vm.vmId;
    this.instanceId = vm.vmId.apply(String);
    this.hostname = pulumi.output(hostname!);
    this.node = vm.nodeName;
    this.iso = pulumi.output(iso!);
    this.registerOutputs({ vmId: this.vmId, instanceId: this.instanceId, hostname: this.hostname, node: this.node, iso: this.iso });
  }
}
