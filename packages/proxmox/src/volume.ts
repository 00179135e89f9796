import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { checkDiskGb, hearthLabels, labelKeys, labelsToTags, Problems, validateVolumeArgs, type VolumeArgs as ContractVolumeArgs, type VolumeOutputs } from "@hearth/core";
import type { Outputs } from "@hearth/kit";
import { checkedGuestStorage, checkedInput, checkedPve, throwFirstPerField } from "./guest.js";
import { withDiskSpeedIgnored } from "./diskSpeed.js";
import { checkPveValue, type PveFormatKey } from "./pveFormats.js";
import { checkVmIdRange, vmIdRegistry, type VmIdRange } from "./vmIds.js";

/**
 * A volume at home: the contract's `VolumeArgs` (@hearth/core) plus where it lives (a node and a
 * storage) and the id of the VM that owns it.
 */
export interface VolumeArgs extends ContractVolumeArgs {
  /** The node the volume lives on; VMs and containers on this node attach it. */
  readonly node: pulumi.Input<string>;
  /** The storage the volume is allocated on (content type `images`). Changing it replaces the volume. @default "local-lvm" */
  readonly storage?: pulumi.Input<string>;
  /**
   * The id of the stopped "data VM" that owns the volume (Proxmox names the volume after it:
   * `vm-<vmId>-disk-0`), unique in the program and cluster. Changing it replaces the volume.
   * @default an id from `vmIdRange` when given, otherwise the next free id the provider picks
   */
  readonly vmId?: pulumi.Input<number>;
  /** The block of VM ids to draw the owner's id from when `vmId` is left out (see VmFromTemplate). @default none */
  readonly vmIdRange?: VmIdRange;
}

/**
 * A disk that keeps its data when the VM or container using it is replaced.
 *
 * Proxmox has no volume of its own: every guest disk belongs to the guest whose id is in its
 * name (`vm-<vmid>-disk-N`; pve-storage src/PVE/Storage/Plugin.pm and LvmThinPlugin.pm
 * `parse_volname`), and destroying a guest frees the volumes it owns, attached elsewhere or not
 * (qemu-server src/PVE/QemuServer.pm `destroy_vm`, with `destroy-unreferenced-disks` which the
 * provider sets by default), never another guest's (`return if ... $owner != $vmid`). So the
 * volume is the disk of a small VM that is never started, the "data VM" the provider documents
 * (bpg/terraform-provider-proxmox docs/resources/virtual_environment_vm.md, "Example: Attached
 * disks"), and a VM attaches it with `path_in_datastore` (`VmFromTemplate` `volumes`), a
 * container as a mount point (`Container` `mountPoints: [{ volumeId, path }]`). Replacing the VM
 * or container frees only its own disks. See docs/proxmox.md, "Volumes".
 *
 * Stateful by default:
 * - Protected twice unless `deleteProtection: false`: Pulumi's `protect` (a `pulumi destroy` or
 *   a replacement fails) and Proxmox's `protection` flag on the data VM ("can't remove VM <id> -
 *   protection mode enabled", qemu-server API2/Qemu.pm `destroy_vm` `check_protection`).
 * - A new node, storage or owner id replaces the volume and deletes its data: refused in
 *   `pulumi preview` unless `allowReplacement: true` (and `deleteProtection: false`).
 * - Grows in place (the provider resizes the data VM's disk, `PUT /nodes/{node}/qemu/{vmid}/resize`);
 *   a smaller size fails when the update runs, in the provider ("Cannot shrink ... it is not
 *   supported!", proxmoxtf/resource/vm/vm.go) and in Proxmox ("shrinking disks is not supported").
 * - `filesystem` is refused: Proxmox allocates a raw disk and formats nothing for a VM disk.
 *
 * Children: `${name}` (VmLegacy, the stopped data VM holding the disk as `scsi0`).
 */
export class Volume extends pulumi.ComponentResource implements Outputs<VolumeOutputs> {
  /** The Proxmox volume id, `<storage>:<name>` (`local-lvm:vm-900-disk-0`): what `volumes[].volumeId` and a mount point's `volumeId` take. */
  readonly volumeId: pulumi.Output<string>;
  /** The size in GB. */
  readonly sizeGb: pulumi.Output<number>;
  /** The id of the data VM that owns the volume. */
  readonly vmId: pulumi.Output<number>;
  readonly node: pulumi.Output<string>;
  readonly storage: pulumi.Output<string>;
  /** Every label the volume carries (written as tags on its data VM), Hearth's own included. */
  readonly labels: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: VolumeArgs, opts?: pulumi.ComponentResourceOptions) {
    const owner = `Volume "${name}"`;
    const problems = new Problems(owner);
    if (args === null || typeof args !== "object" || Array.isArray(args)) {
      problems.fail("(args)", args, 'give the volume\'s args, at least { node: "pve1", sizeGb: 10 }');
    }
    const given = (args ?? {}) as Partial<VolumeArgs>;
    const pve = (field: string, value: pulumi.Input<string>, key: PveFormatKey) => problems.check((fail) => checkedPve(fail, field, value, key));
    problems.add(validateVolumeArgs(owner, given as ContractVolumeArgs, "proxmox"));
    const reported = (field: string) => problems.list.some((p) => p.field === field);
    if (!reported("sizeGb")) problems.check((fail) => checkDiskGb(fail, "sizeGb", given.sizeGb));
    if (given.filesystem !== undefined && !reported("filesystem")) {
      problems.check((fail) =>
        fail("filesystem", given.filesystem, 'leave it out at home: Proxmox allocates a raw disk and formats nothing for a VM disk; format it from the guest on first boot (docs/proxmox.md, "Volumes")'),
      );
    }
    const node = given.node === undefined ? problems.check((fail) => fail("node", undefined, 'give the node the volume lives on, such as "pve1"')) : pve("node", given.node, "node");
    // The data VM's disk: a storage this program defines must hold `images` (a VM disk).
    const storage = problems.check((fail) => checkedGuestStorage(fail, "storage", given.storage === undefined ? "local-lvm" : given.storage!, "images"));
    const volumeName = given.name ?? name;
    if (given.name === undefined && !reported("name")) {
      problems.check((fail) => checkPveValue(fail, "name", name, "dnsName"));
    }
    const idRange = given.vmIdRange === undefined ? undefined : problems.check((fail) => checkVmIdRange(fail, "vmIdRange", given.vmIdRange));
    const vmId =
      given.vmId !== undefined
        ? problems.check((fail) => checkedInput(given.vmId!, (id) => vmIdRegistry().claim(fail, "vmId", id, owner)))
        : idRange !== undefined
          ? problems.check((fail) => vmIdRegistry().assign(fail, "vmIdRange", idRange, name, owner))
          : undefined;
    throwFirstPerField(owner, problems.list);
    super("hearth:proxmox:Volume", name, {}, opts);

    const deleteProtection = given.deleteProtection ?? true;
    const allowReplacement = given.allowReplacement ?? false;
    const assignedId = given.vmId === undefined && idRange !== undefined;
    const labels = hearthLabels("Volume", { ...given.labels, [labelKeys.stack]: pulumi.getStack() });
    const replacing = ["nodeName", "vmId", "disks[0].datastoreId"];

    const dataVm = new proxmoxve.VmLegacy(
      name,
      {
        nodeName: node!,
        vmId,
        name: volumeName,
        description: "Hearth volume: this VM only holds the volume's disk and is never started. Deleting it deletes the volume.",
        tags: labelsToTags(labels),
        started: false,
        onBoot: false,
        protection: deleteProtection,
        operatingSystem: { type: "l26" },
        cpu: { cores: 1 },
        memory: { dedicated: 64 },
        scsiHardware: "virtio-scsi-single",
        disks: [{ interface: "scsi0", datastoreId: storage!, size: given.sizeGb!, discard: "on", iothread: true, ssd: true, backup: true }],
        networkDevices: [],
        // The provider's defaults: frees the VM's own disks when it goes (its volume).
        purgeOnDestroy: true,
        deleteUnreferencedDisksOnDestroy: true,
      },
      {
        parent: this,
        protect: deleteProtection,
        // A new node, owner id or storage is a new volume: a replacement with the data lost. The
        // provider would move the disk to a new storage (a new volume id the VMs attaching it do
        // not follow), so Hearth replaces it, and only when allowed; until then the child keeps
        // what it has and the guard below fails the preview.
        replaceOnChanges: replacing,
        ignoreChanges: [
          ...withDiskSpeedIgnored(opts?.ignoreChanges, 1),
          ...(assignedId ? ["vmId"] : []),
          ...(allowReplacement ? [] : replacing),
        ],
      },
    );

    const disk = dataVm.disks.apply((d) => d?.[0]);
    const guard = allowReplacement
      ? pulumi.output(true)
      : pulumi.all([dataVm.nodeName, dataVm.vmId, disk, node!, storage!, vmId ?? dataVm.vmId]).apply(([hasNode, hasId, hasDisk, wantNode, wantStorage, wantId]) => {
          const drift = new Problems(owner);
          const how = "or, to delete the volume and its data on purpose, set allowReplacement: true and deleteProtection: false";
          if (hasNode !== undefined && hasNode !== wantNode) drift.check((fail) => fail("node", wantNode, `the volume lives on node "${hasNode}"; a new node replaces it and deletes its data. Set node back to "${hasNode}", ${how}`));
          if (hasDisk?.datastoreId !== undefined && hasDisk.datastoreId !== wantStorage) {
            drift.check((fail) => fail("storage", wantStorage, `the volume lives on storage "${hasDisk.datastoreId}"; a new storage replaces it and deletes its data. Set storage back to "${hasDisk.datastoreId}", ${how}`));
          }
          if (hasId !== undefined && wantId !== undefined && hasId !== wantId) drift.check((fail) => fail("vmId", wantId, `the volume belongs to VM ${hasId}; a new owner id replaces it and deletes its data. Set vmId back to ${hasId}, ${how}`));
          drift.throwIfAny();
          return true;
        });
    this.volumeId = pulumi.all([disk, guard]).apply(([d]) => `${d?.datastoreId}:${d?.pathInDatastore}`);
    this.sizeGb = disk.apply((d) => d?.size ?? given.sizeGb!);
    this.vmId = dataVm.vmId;
    this.node = dataVm.nodeName;
    this.storage = disk.apply((d) => d?.datastoreId ?? "");
    this.labels = pulumi.output(labels);
    this.registerOutputs({ volumeId: this.volumeId, sizeGb: this.sizeGb, vmId: this.vmId, node: this.node, storage: this.storage, labels: this.labels });
  }
}
