import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import {
  checkDiskGb,
  checkHostname,
  checkInt,
  checkIpAddress,
  checkSshKeys,
  checkUserName,
  hearthLabels,
  labelKeys,
  labelsToTags,
  Problems,
  validateVmArgs,
  validateVmVolumes,
  vmResources,
  type BackupPolicy,
  type CloudInitFile,
  type Fail,
  type VmArgs,
  type VmOutputs,
  type VmSizeName,
} from "@hearth/core";
import { checked, isPlain, perProgram, type Outputs } from "@hearth/kit";
import { checkVzdump, type BackupCompression, type BackupMode } from "./backupJob.js";
import { attachFirewallGroups, checkedGuestStorage, checkedInput, checkedPve, checkFirewallGroups, checkNics, guestVolumeId, ownBackupJob, plainList, throwFirstPerField } from "./guest.js";
import { CloneQueue, storageQueueKey, type CloneBound } from "./cloneQueue.js";
import { withDiskSpeedIgnored } from "./diskSpeed.js";
import { checkBareUserDataValue, checkDiskInterface, checkDuration, cloudInitInterface, preHashedPassword } from "./validation.js";
import { checkPveValue, type PveFormatKey } from "./pveFormats.js";
import { checkVmIdRange, vmIdRange, vmIdRegistry, type VmIdRange } from "./vmIds.js";

/** The NIC model QEMU emulates. */
export const NicModel = { virtio: "virtio", e1000: "e1000", rtl8139: "rtl8139", vmxnet3: "vmxnet3" } as const;
export type NicModel = (typeof NicModel)[keyof typeof NicModel];

/** One network card: the contract's `VmNetworkAttachment` (@hearth/core) plus what only Proxmox has. */
export interface VmNetwork {
  /**
   * The bridge or SDN VNet the card attaches to: a Hearth Network's `networkId`
   * (`{ networkId: lan.networkId }`) or the name of an existing one (`"vmbr0"`).
   */
  readonly networkId: pulumi.Input<string>;
  /** A fixed IPv4 address with its prefix (`"10.20.0.10/24"`), set through cloud-init. @default an address by DHCP */
  readonly ipv4Address?: string;
  /** The default gateway of that address, inside its subnet; only with `ipv4Address`. @default none */
  readonly gateway?: string;
  /** Tag the card's traffic (the bridge must be VLAN-aware), 1-4094. @default untagged */
  readonly vlanTag?: number;
  /** Apply the VM's Proxmox firewall on this card. @default true */
  readonly firewall?: boolean;
  /** @default "virtio" */
  readonly model?: NicModel;
  /** @default assigned by Proxmox */
  readonly macAddress?: pulumi.Input<string>;
}

/** One disk. The disk on the template's boot interface resizes the cloned boot disk. */
export interface VmDisk {
  /** Size in GB; a cloned disk can grow, never shrink. */
  readonly sizeGb: number;
  /** `scsi0`-`scsi30`, `virtio0`-`virtio15`, `sata0`-`sata5` or `ide0`-`ide3` (`ide2` holds cloud-init).
   * @default the template's boot interface for the first disk, then the next free `scsiN` */
  readonly interface?: string;
  /** @default the VM's `storage` */
  readonly storage?: pulumi.Input<string>;
}

/**
 * One volume the VM attaches: the contract's `VmVolumeAttachment` (@hearth/core), with a volume
 * id that may come from a `Volume`.
 */
export interface VmVolume {
  /**
   * A `Volume`'s `volumeId` output (`data.volumeId`), or the id of an existing guest disk
   * (`local-lvm:vm-900-disk-0`) on a storage the VM's node reaches. The VM attaches it as the
   * next free `scsiN` after its own disks; replacing the VM leaves it (only the owner's
   * destruction frees it).
   */
  readonly volumeId: pulumi.Input<string>;
  /**
   * Refused at home: Proxmox sets cloud-init through its API, which cannot write mounts. Mount
   * the volume from a user-data snippet (`cloudInit.userDataFileId`; docs/proxmox.md, "Volumes").
   * @default not mounted (attached only)
   */
  readonly mountPath?: string;
}

/** The DNS settings cloud-init writes into the guest. */
export interface VmDns {
  /** Name servers (IP addresses). @default the node's */
  readonly servers?: string[];
  /** The search domain. @default the node's */
  readonly domain?: string;
}

/**
 * First-boot setup through Proxmox's cloud-init drive: the contract's `VmCloudInit`
 * (@hearth/core) plus what only Proxmox has. Proxmox sets cloud-init through its API (user, SSH
 * keys, password, DNS, addresses; qemu-server's `ci*` options), which has no way to install
 * packages, write files, run commands or set a time zone: those are refused; put them in a
 * user-data snippet and give `userDataFileId`.
 */
export interface VmCloudInit {
  /** The account cloud-init creates. @default "hearth" */
  readonly user?: string;
  /** OpenSSH public keys for that account. @default [] */
  readonly sshKeys?: pulumi.Input<string[]>;
  /** Refused at home (no Proxmox API sets it): use a user-data snippet (`userDataFileId`). */
  readonly packages?: string[];
  /** Refused at home (no Proxmox API sets it): use a user-data snippet (`userDataFileId`). */
  readonly writeFiles?: CloudInitFile[];
  /** Refused at home (no Proxmox API sets it): use a user-data snippet (`userDataFileId`). */
  readonly runcmd?: string[];
  /** Refused at home (no Proxmox API sets it): use a user-data snippet (`userDataFileId`). */
  readonly timezone?: string;
  /** A console password for that account; always stored as a secret. @default none (key login only) */
  readonly password?: pulumi.Input<string>;
  /** @default the node's DNS settings */
  readonly dns?: VmDns;
  /** Storage of the cloud-init drive. @default the VM's `storage` */
  readonly storage?: pulumi.Input<string>;
  /**
   * Opt-in: a user-data snippet file (`local:snippets/web.yaml`) used instead of `user`,
   * `sshKeys` and `password`. Uploading snippets needs the provider's SSH access to the node
   * (`proxmoxve.FileLegacy` with content type `snippets`); the default path never does.
   * @default none: the user account is configured through the API
   */
  readonly userDataFileId?: pulumi.Input<string>;
}

/**
 * The template a VM is cloned from: a CloudImageTemplate's `ref`, or its outputs
 * (`{ vmId: tpl.vmId, node: tpl.node, diskSizeGb: tpl.diskSizeGb }`), or an existing template
 * by id (`{ vmId: 9000, diskSizeGb: 10 }`).
 */
export interface TemplateRef {
  /** The template's VM id; pass a CloudImageTemplate's `vmId` output so clones wait for it. */
  readonly vmId: pulumi.Input<number>;
  /** The node holding the template. @default the clone's node */
  readonly node?: pulumi.Input<string>;
  /** The template's boot disk size in GB, when known: clones refuse to shrink it. */
  readonly diskSizeGb?: pulumi.Input<number>;
  /** The template's boot disk interface, as plain text. @default "scsi0" */
  readonly diskInterface?: string;
}

/**
 * A VM's backups: the contract's `BackupPolicy` value (@hearth/core; `schedule`, `retention`)
 * plus where and how vzdump writes them. The VM creates its own vzdump job for it.
 */
export interface VmBackupPolicy extends BackupPolicy {
  /** The storage the backups are written to (`"backups"`, a PBS storage, ...). @default "local" (vzdump's own default) */
  readonly storage?: pulumi.Input<string>;
  /** @default "snapshot" (no downtime) */
  readonly mode?: BackupMode;
  /** @default "zstd" */
  readonly compress?: BackupCompression;
  /**
   * How long the job waits for another vzdump run on the node before it fails, in minutes:
   * vzdump runs one at a time per node (docs/proxmox.md, "Backups").
   * @default 180 (vzdump's own default)
   */
  readonly lockWaitMinutes?: number;
  /** The job id: a letter, then letters, digits or '_', 2-41 characters. @default `hearth_` + the VM's component name + `_backup`, other characters as '_' */
  readonly jobId?: string;
}

/**
 * The contract's `VmArgs` (@hearth/core) at home, plus what only Proxmox has (a node, a
 * template, storage, VM ids, the guest agent, clones per storage).
 */
export interface VmFromTemplateArgs {
  /** The VM name, also the guest's host name. @default the component name */
  readonly hostname?: pulumi.Input<string>;
  /** A named size: `nano`, `small`, `medium`, `large` or `xlarge` (core `vmSizes`). Leave it out to give `cores` and `memoryMb`. @default "small" (1 core, 2048 MB) */
  readonly size?: VmSizeName;
  /** Virtual CPU cores, with `memoryMb`, instead of a named `size`. @default from `size` */
  readonly cores?: number;
  /** Memory in MB, with `cores`, instead of a named `size`. @default from `size` */
  readonly memoryMb?: number;
  /** Network cards, in order (`net0`, `net1`, ...), 1 to 32. @default [{ networkId: "vmbr0" }] */
  readonly networks?: VmNetwork[];
  /**
   * Security groups the VM joins: FirewallGroup `groupId`s (`[web.groupId]`) or names of
   * existing groups. Enables the VM firewall (input policy DROP, output ACCEPT).
   * @default none: the VM firewall is left alone
   */
  readonly firewallGroups?: pulumi.Input<string>[];
  /** @default user "hearth", DHCP on every card, no keys */
  readonly cloudInit?: VmCloudInit;
  /** Labels, written as Proxmox tags. @default {} */
  readonly labels?: Record<string, string>;
  /** Back up this VM: the VM creates its own vzdump job, `${name}-backup`. @default no backups */
  readonly backups?: VmBackupPolicy;
  /** Proxmox's `protection` flag: the VM and its disks cannot be removed while it is set. @default false */
  readonly deleteProtection?: boolean;
  /**
   * Volumes the VM attaches (`[{ volumeId: data.volumeId }]`), each as the next free `scsiN`.
   * With volumes, a replacement deletes the old VM before it creates the new one, so no two
   * VMs ever run on one disk. @default none
   */
  readonly volumes?: VmVolume[];

  /** The node the VM runs on. */
  readonly node: pulumi.Input<string>;
  /** The template to clone: a CloudImageTemplate's `ref`, or `{ vmId, diskSizeGb? }` of an existing template. */
  readonly template: TemplateRef;
  /** A full clone (independent copy) or a linked clone (shares the template's disk, same node and storage). @default true */
  readonly full?: boolean;
  /** The emulated CPU type. @default "x86-64-v2-AES" */
  readonly cpuType?: pulumi.Input<string>;
  /**
   * Disks to set. Left out, the clone keeps the template's boot disk at the template's size,
   * which must then be known (`template.diskSizeGb`).
   * @default the template's boot disk, unchanged
   */
  readonly disks?: VmDisk[];
  /** Storage for a full clone's disks, new disks and the cloud-init drive. @default "local-lvm" */
  readonly storage?: pulumi.Input<string>;
  /**
   * An explicit VM id (100-999999999), unique in the program and cluster.
   * @default an id from `vmIdRange` when given, otherwise the next free id the provider picks
   */
  readonly vmId?: pulumi.Input<number>;
  /**
   * The block of VM ids this stack draws from when `vmId` is left out (`{ from: 20000, to: 20999 }`).
   * Each VM gets a fixed id from its name (the next free one in the block when another VM of the
   * program holds it), kept for the VM's life. Give every stack, CI job or machine that may apply
   * at the same time its own block: Proxmox's next free id reserves nothing, so two programs on
   * different machines pick the same id and one clone fails (see docs/proxmox.md, "VM ids").
   * @default none: the provider picks the next free id (safe inside one `pulumi up` and between
   * programs on one machine, not between machines)
   */
  readonly vmIdRange?: VmIdRange;
  /** Enable the QEMU guest agent (reports addresses; the image must run it). @default true */
  readonly agent?: boolean;
  /** How long create and refresh wait for the agent. @default "2m" (the provider's own default is 15m) */
  readonly agentTimeout?: string;
  /** A resource pool to put the VM in. @default none */
  readonly pool?: pulumi.Input<string>;
  /** Start the VM after creation. @default true */
  readonly started?: boolean;
  /** Start the VM when the node boots. @default true */
  readonly onBoot?: boolean;
  /**
   * How many VMs of this program may be cloned onto one storage at once (whatever their
   * template), 1-64, or 0 for no bound (the engine's `--parallel` decides). Proxmox allocates
   * every volume under the storage's lock and gives up after 10 s, so many clones onto one
   * storage can fail with `can't lock file '/var/lock/pve-manager/pve-storage-<id>' - got
   * timeout`; clones of one template do not block each other.
   * @default 8
   */
  readonly clonesPerStorage?: number;
}

/** How many clones run on one storage at once when `clonesPerStorage` is left out (measured: docs/performance.md, "Cloning"). */
export const defaultClonesPerStorage = 8;

/** The clone queues of the running program, one per storage. */
export const cloneQueue = perProgram(() => new CloneQueue<proxmoxve.VmLegacy>());

/** Cloud-init words the Proxmox API cannot set (qemu-server has only the `ci*`, `nameserver`, `searchdomain`, `sshkeys` and `ipconfigN` options; pve-api-9.1.3.json /nodes/{node}/qemu/{vmid}/config). */
const notThroughTheApi = ["packages", "writeFiles", "runcmd", "timezone"] as const;

/**
 * A VM cloned from a template, configured through cloud-init over the Proxmox API (user,
 * SSH keys, IP configuration, DNS) with the guest agent on a bounded wait. Clones run in
 * parallel, at most `clonesPerStorage` at once on one storage.
 *
 * Children: `${name}` (VmLegacy); with firewall groups also `${name}-fw` (firewall.RulesLegacy)
 * and `${name}-fw-options` (firewall.OptionsLegacy); with backups `${name}-backup` (backup.Job).
 */
export class VmFromTemplate extends pulumi.ComponentResource implements Outputs<VmOutputs> {
  /** The Proxmox VM id, as a string (the contract's `instanceId`). */
  readonly instanceId: pulumi.Output<string>;
  /** The VM's name and the guest's host name. */
  readonly hostname: pulumi.Output<string>;
  /** The first of `ipv4Addresses`, undefined when there is none. */
  readonly ipv4Address: pulumi.Output<string | undefined>;
  /** Every label the VM carries (written as Proxmox tags), Hearth's own included. */
  readonly labels: pulumi.Output<Record<string, string>>;
  /** The Proxmox VM id. */
  readonly vmId: pulumi.Output<number>;
  /** @deprecated Use `hostname`; the same value. */
  readonly name: pulumi.Output<string>;
  readonly node: pulumi.Output<string>;
  /** Every IPv4 address the guest agent reports, loopback removed. Empty without the agent. */
  readonly ipv4Addresses: pulumi.Output<string[]>;

  constructor(name: string, args: VmFromTemplateArgs, opts?: pulumi.ComponentResourceOptions) {
    const owner = `VmFromTemplate "${name}"`;
    const problems = new Problems(owner);
    if (args === null || typeof args !== "object") problems.fail("(args)", args, "give the VM's args: node and template at least");
    // Proxmox's checks of a plain value, collected with every other problem (unknown values are checked when they resolve).
    const pve = (field: string, value: pulumi.Input<string>, key: PveFormatKey) => problems.check((fail) => checkedPve(fail, field, value, key));

    // --- the contract's checks, then Proxmox's: every problem, reported at once before anything is registered ---
    problems.add(validateVmArgs(owner, contractView(args), "proxmox"));
    const resources = problems.list.some((p) => ["size", "cores", "memoryMb"].includes(p.field)) ? undefined : vmResources(args);
    const template = checkTemplate(problems, args.template);
    const full = args.full ?? true;
    if (template && !full && isPlain(template.node) && isPlain(args.node) && template.node !== undefined && template.node !== args.node) {
      problems.check((fail) => fail("full", false, `a linked clone must run on the template's node "${template.node}"; use a full clone or node "${template.node}"`));
    }
    const templateInterface = template?.diskInterface ?? "scsi0";
    const disks = template && checkDisks(problems, args.disks, template, templateInterface);
    const volumes = checkVolumes(problems, args.volumes, disks);
    const nics = checkNics(problems, args.networks ?? [{ networkId: "vmbr0" }], "ipconfig's ip", Object.values(NicModel));
    const groups = checkFirewallGroups(problems, args.firewallGroups);
    const cloudInit = checkCloudInit(problems, args.cloudInit ?? {});
    const agentTimeout = problems.check((fail) => checkDuration(fail, "agentTimeout", args.agentTimeout ?? "2m", 15 * 60));
    const clonesPerStorage = problems.check((fail) => checkClonesPerStorage(fail, args.clonesPerStorage));
    const idRange = args.vmIdRange === undefined ? undefined : problems.check((fail) => checkVmIdRange(fail, "vmIdRange", args.vmIdRange));
    const node = pve("node", args.node, "node");
    const storage = problems.check((fail) => checkedGuestStorage(fail, "storage", args.storage ?? "local-lvm", "images"));
    const pool = args.pool === undefined ? undefined : pve("pool", args.pool, "pool");
    const cpuType = pve("cpuType", args.cpuType ?? "x86-64-v2-AES", "cpuType");
    const hostname = problems.check((fail) =>
      checkedInput(args.hostname ?? name, (h) => {
        const field = args.hostname === undefined ? "name" : "hostname";
        checkHostname(fail, field, h);
        checkPveValue(fail, field, h, "dnsName");
        checkBareUserDataValue(fail, field, h);
        const domain = args.cloudInit?.dns?.domain;
        if (typeof domain === "string") checkBareUserDataValue(fail, "cloudInit.dns.domain", `${h}.${domain}`);
      }),
    );
    const backups = args.backups === undefined || args.backups === null || typeof args.backups !== "object" ? undefined : checkVzdump(problems, "backups", args.backups, `${name}-backup`, opts, false);
    const vmId =
      args.vmId !== undefined
        ? problems.check((fail) => checkedInput(args.vmId!, (id) => vmIdRegistry().claim(fail, "vmId", id, owner)))
        : idRange !== undefined
          ? problems.check((fail) => vmIdRegistry().assign(fail, "vmIdRange", idRange, name, owner))
          : undefined;
    throwFirstPerField(owner, problems.list);
    super("hearth:proxmox:VmFromTemplate", name, {}, opts);

    // A VM's id assigned from the range depends on which VMs the program holds; once created, it keeps the id it got.
    const assignedId = args.vmId === undefined && idRange !== undefined;
    const labels = hearthLabels("VmFromTemplate", { ...args.labels, [labelKeys.stack]: pulumi.getStack() });

    const vm = cloneQueue().enqueue(storageQueueKey(storage), clonesPerStorage!, (waitFor) =>
      new proxmoxve.VmLegacy(
        name,
        {
          nodeName: node!,
          vmId,
          name: hostname!,
          description: "Managed by Hearth",
          tags: labelsToTags(labels),
          poolId: pool,
          started: args.started ?? true,
          onBoot: args.onBoot ?? true,
          ...(args.deleteProtection === undefined ? {} : { protection: args.deleteProtection }),
          clone: {
            vmId: template!.vmId,
            nodeName: template!.node,
            full,
            // Only a full clone can move to another storage; a linked clone stays on the template's.
            ...(full ? { datastoreId: storage } : {}),
          },
          operatingSystem: { type: "l26" },
          cpu: { cores: resources!.cores, type: cpuType! },
          memory: { dedicated: resources!.memoryMb },
          scsiHardware: "virtio-scsi-single",
          disks: [
            ...disks!.map((d) => ({
              interface: d.interface,
              datastoreId: d.storage ?? storage!,
              size: d.size,
              // Setting any disk attribute on a clone resets the others, so all are spelled out.
              discard: "on",
              iothread: true,
              ...(d.interface.startsWith("virtio") ? {} : { ssd: true }),
            })),
            // Another guest's disk, attached by its path (the provider's `path_in_datastore`).
            ...volumes!.map((v) => ({
              interface: v.interface,
              datastoreId: v.storage,
              pathInDatastore: v.path,
              size: volumeSizeGb(node!, v.storage, v.volumeId, this),
              discard: "on",
              iothread: true,
              ssd: true,
            })),
          ],
          networkDevices: nics!.map((n) => ({
            bridge: n.networkId,
            model: n.model ?? "virtio",
            firewall: n.firewall ?? true,
            vlanId: n.vlanTag,
            macAddress: n.macAddress,
          })),
          initialization: {
            datastoreId: cloudInit!.storage ?? storage!,
            interface: cloudInitInterface,
            ...(cloudInit!.userDataFileId !== undefined
              ? { userDataFileId: cloudInit!.userDataFileId }
              : {
                  userAccount: {
                    username: cloudInit!.user ?? "hearth",
                    keys: cloudInit!.sshKeys === undefined ? undefined : isPlain(cloudInit!.sshKeys) ? [...cloudInit!.sshKeys] : cloudInit!.sshKeys,
                    password: cloudInit!.password === undefined ? undefined : pulumi.secret(cloudInit!.password),
                  },
                }),
            ipConfigs: nics!.map((n) => (n.ipv4Address === undefined ? { ipv4: { address: "dhcp" } } : { ipv4: { address: n.ipv4Address, gateway: n.gateway } })),
            dns: cloudInit!.dns ? { servers: cloudInit!.dns.servers ? [...cloudInit!.dns.servers] : undefined, domain: cloudInit!.dns.domain } : undefined,
          },
          agent: { enabled: args.agent ?? true, timeout: agentTimeout, trim: true },
          serialDevices: [{ device: "socket" }],
          vga: { type: "serial0" },
        },
        {
          parent: this,
          ...(waitFor ? { dependsOn: [waitFor] } : {}),
          // The provider's perpetual disks[n].speed diff (muhlba91/pulumi-proxmoxve#664), see diskSpeed.ts.
          ignoreChanges: [
            ...withDiskSpeedIgnored(opts?.ignoreChanges, disks!.length + volumes!.length),
            ...(assignedId ? ["vmId"] : []),
            // An attached volume grows through its owner; Proxmox leaves this VM's copy of the
            // size as it was (`qm rescan` rereads owned volumes only: qemu-server QemuServer.pm
            // `rescan`), and the provider refuses to resize a disk the VM does not own
            // ("Cannot resize ... it is not owned by this VM!", bpg proxmoxtf/resource/vm/vm.go).
            ...volumes!.map((_, i) => `disks[${disks!.length + i}].size`),
          ],
          // No two VMs on one disk: the old VM goes (its own disks with it, the volumes stay) before the new one attaches them.
          ...(volumes!.length > 0 ? { deleteBeforeReplace: true } : {}),
          // A VM with a fixed id (given, or from vmIdRange) is replaced delete-first, as a Container
          // is: made first, the replacement's clone into the same id is always refused ("unable to
          // create VM <id>: config file already exists", qemu-server src/PVE/API2/Qemu.pm clone_vm),
          // so the replacement could never succeed. (Hearth leaves the provider's clone retries at 1;
          // with more, bpg proxmox/nodes/vms/vms.go CloneVM would take "already exists" on a retry as
          // done and adopt the old VM, which the engine would then delete.)
          ...(vmId !== undefined ? { deleteBeforeReplace: true } : {}),
        },
      ),
    );

    attachFirewallGroups(name, this, { nodeName: node!, vmId: vm.vmId }, groups as pulumi.Input<string>[]);
    // Backups point from the VM to its policy: the VM's own vzdump job, selecting its id.
    if (backups !== undefined) ownBackupJob(name, this, backups, vm.vmId);

    this.vmId = vm.vmId;
    this.instanceId = vm.vmId.apply(String);
    this.hostname = vm.name;
    this.name = vm.name;
    this.node = vm.nodeName;
    this.labels = pulumi.output(labels);
    this.ipv4Addresses = vm.ipv4Addresses.apply(flattenAddresses);
    this.ipv4Address = this.ipv4Addresses.apply((a) => a[0]);
    this.registerOutputs({
      instanceId: this.instanceId,
      hostname: this.hostname,
      ipv4Address: this.ipv4Address,
      labels: this.labels,
      vmId: this.vmId,
      name: this.name,
      node: this.node,
      ipv4Addresses: this.ipv4Addresses,
    });
  }
}

/**
 * The args as the contract's validator reads them: values that only resolve later (Outputs in
 * `sshKeys`) are left out there and checked by Proxmox's own checks when they resolve.
 */
function contractView(args: VmFromTemplateArgs): VmArgs {
  const init = args.cloudInit;
  const view = { ...args } as unknown as { cloudInit?: Record<string, unknown> };
  if (init !== null && typeof init === "object" && init.sshKeys !== undefined && !plainList(init.sshKeys)) {
    const { sshKeys: _later, ...rest } = init;
    view.cloudInit = rest;
  }
  return view as unknown as VmArgs;
}

/** A volume as the VM attaches it: its id split into storage and path, and the interface it gets. */
interface AttachedVolume {
  readonly interface: string;
  readonly volumeId: pulumi.Input<string>;
  readonly storage: pulumi.Input<string>;
  readonly path: pulumi.Input<string>;
}

function checkVolumes(problems: Problems, volumes: VmVolume[] | undefined, disks: readonly ClonedDisk[] | undefined): AttachedVolume[] | undefined {
  if (volumes === undefined) return [];
  const before = problems.list.length;
  problems.add(validateVmVolumes(problems.component, volumes));
  if (!Array.isArray(volumes)) return undefined;
  const used = new Set((disks ?? []).map((d) => d.interface));
  const seen = new Set<string>();
  let next = 0;
  const attached = volumes.map((v, i): AttachedVolume | undefined => {
    if (v === null || typeof v !== "object") return undefined;
    if (v.mountPath !== undefined) {
      problems.check((fail) =>
        fail(`volumes[${i}].mountPath`, v.mountPath, 'leave it out at home: Proxmox sets cloud-init through its API, which cannot write mounts; mount the volume from a user-data snippet (cloudInit.userDataFileId; docs/proxmox.md, "Volumes")'),
      );
    }
    const parse = (id: string): RegExpExecArray | null => guestVolumeId.exec(id);
    if (v.volumeId === undefined || v.volumeId === null) return undefined;
    const id = problems.check((fail) =>
      checkedInput(v.volumeId, (value) => {
        if (typeof value !== "string" || !parse(value)) fail(`volumes[${i}].volumeId`, value, 'use a Volume\'s volumeId or a guest disk\'s volume id such as "local-lvm:vm-900-disk-0"');
        else if (seen.has(value)) fail(`volumes[${i}].volumeId`, value, "attach each volume once");
        else seen.add(value);
      }),
    );
    while (used.has(`scsi${next}`)) next++;
    const iface = `scsi${next}`;
    used.add(iface);
    if (next > 30) problems.check((fail) => fail(`volumes[${i}]`, v.volumeId, "a VM has scsi0-scsi30: at most 31 disks and volumes together"));
    if (id === undefined) return undefined;
    const part = (n: number) => pulumi.output(id).apply((value) => parse(value)?.[n] ?? "");
    return { interface: iface, volumeId: id, storage: part(1), path: part(2) };
  });
  return problems.list.length > before ? undefined : (attached as AttachedVolume[]);
}

/**
 * The size of an attached volume as its storage reports it (`GET /nodes/{node}/storage/{storage}/content`,
 * read once the volume exists): the VM's disk entry must carry the volume's real size, which
 * Proxmox writes into the VM's config on attach (API2/Qemu.pm `$create_disks`: `volume_size_info`).
 */
function volumeSizeGb(node: pulumi.Input<string>, storage: pulumi.Input<string>, volumeId: pulumi.Input<string>, parent: pulumi.Resource): pulumi.Output<number> {
  const files = proxmoxve.getFilesOutput({ nodeName: node, datastoreId: storage, contentType: "images" }, { parent });
  return pulumi.all([files.files, volumeId]).apply(([list, id]) => {
    const file = list.find((f) => f.id === id);
    if (!file) throw new Error(`volume '${id}' does not exist on storage of node ${String(node)}: attach a volume on the VM's node`);
    return Math.ceil(file.fileSize / 1024 ** 3);
  });
}

/** `clonesPerStorage`: 1-64, or 0 for no bound; the default when left out. */
function checkClonesPerStorage(fail: Fail, value: unknown): CloneBound {
  if (value === undefined) return defaultClonesPerStorage;
  if (value === 0) return "unbounded";
  if (value === "unbounded") fail("clonesPerStorage", value, 'use 0 for no bound ("unbounded" was the word before 1.0; docs/MIGRATING.md), or a whole number from 1 to 64');
  return checkInt(fail, "clonesPerStorage", value, 1, 64);
}

/** The agent's per-interface address lists, flattened, without loopback or link-local addresses. */
export function flattenAddresses(perInterface: readonly (readonly string[] | undefined)[] | undefined): string[] {
  return (perInterface ?? []).flatMap((list) => list ?? []).filter((a) => a !== "" && !a.startsWith("127.") && !a.startsWith("169.254."));
}

/** The template reference, checked: a plain object with a VM id and a plain boot disk interface. */
function checkTemplate(problems: Problems, template: TemplateRef): (TemplateRef & { readonly diskInterface: string }) | undefined {
  // A Pulumi YAML program hands a CloudImageTemplate's `ref` over as one Output of the whole
  // object (`template: ${debian.ref}`): its parts are checked when it resolves. The boot disk
  // interface plans the disks before anything exists, so it is taken as "scsi0" (what every
  // CloudImageTemplate has unless told otherwise) and a template on another interface is refused
  // then, pointing at the plain form.
  if (pulumi.Output.isInstance(template)) {
    const whole = problems.check((fail) =>
      checked(template as pulumi.Output<TemplateRef>, (t) => {
        if (t === null || typeof t !== "object" || Array.isArray(t)) {
          fail("template", t, "give the template as { vmId, diskSizeGb? }: a CloudImageTemplate's ref, or an existing template's id");
        }
        checkInt(fail, "template.vmId", t.vmId, vmIdRange.min, vmIdRange.max);
        if (t.diskInterface !== undefined && t.diskInterface !== "scsi0") {
          fail("template.diskInterface", t.diskInterface, "a template given as one value must boot from scsi0; for another interface give { vmId, diskSizeGb, diskInterface } with the interface as plain text");
        }
        if (t.diskSizeGb !== undefined) checkDiskGb(fail, "template.diskSizeGb", t.diskSizeGb);
      }),
    );
    if (whole === undefined) return undefined;
    const part = <K extends keyof TemplateRef>(key: K) => pulumi.output(whole).apply((t) => t[key]);
    return { vmId: part("vmId") as pulumi.Output<number>, node: part("node") as pulumi.Output<string>, diskSizeGb: part("diskSizeGb") as pulumi.Output<number>, diskInterface: "scsi0" };
  }
  if (template === null || typeof template !== "object" || Array.isArray(template) || !isPlain(template) || template.vmId === undefined || template.vmId === null) {
    problems.check((fail) => fail("template", template, "give the template as { vmId, diskSizeGb? }: a CloudImageTemplate's ref, or an existing template's id"));
    return undefined;
  }
  if (template instanceof pulumi.ComponentResource) {
    problems.check((fail) => fail("template", `${(template as { constructor: { name: string } }).constructor.name} object`, "give the template's ref (template: tpl.ref) or its outputs ({ vmId: tpl.vmId, node: tpl.node, diskSizeGb: tpl.diskSizeGb }), not the component"));
    return undefined;
  }
  const vmId = problems.check((fail) => checkedInput(template.vmId, (id) => checkInt(fail, "template.vmId", id, vmIdRange.min, vmIdRange.max)));
  const diskInterface = problems.check((fail) => {
    if (template.diskInterface !== undefined && !isPlain(template.diskInterface as pulumi.Input<string>)) {
      fail("template.diskInterface", template.diskInterface, 'give the boot disk interface as plain text such as "scsi0" (disks are planned before anything exists)');
    }
    return checkDiskInterface(fail, "template.diskInterface", template.diskInterface ?? "scsi0");
  });
  if (vmId === undefined || diskInterface === undefined) return undefined;
  return { ...template, vmId, diskInterface };
}

/** A disk as the VM is given it: interface, size (checked against the template's), storage. */
interface ClonedDisk {
  readonly interface: string;
  readonly size: pulumi.Input<number>;
  readonly storage?: pulumi.Input<string>;
}

function checkDisks(problems: Problems, disks: VmDisk[] | undefined, template: TemplateRef, templateInterface: string): ClonedDisk[] | undefined {
  if (disks === undefined) return problems.check((fail) => [templateBootDisk(fail, template.diskSizeGb, templateInterface)]);
  if (!Array.isArray(disks)) {
    problems.check((fail) => fail("disks", disks, "use a list such as [{ sizeGb: 20 }]"));
    return undefined;
  }
  const given = new Set(disks.map((d) => d?.interface).filter((i) => i !== undefined));
  const used = new Set<string>();
  let next = 0;
  const nextFree = () => {
    while (used.has(`scsi${next}`) || given.has(`scsi${next}`)) next++;
    return `scsi${next}`;
  };
  const before = problems.list.length;
  const planned = disks.map((disk, i): ClonedDisk | undefined => {
    if (disk === null || typeof disk !== "object") {
      problems.check((fail) => fail(`disks[${i}]`, disk, "a disk is { sizeGb, interface?, storage? }"));
      return undefined;
    }
    const sizeGb = problems.check((fail) => checkDiskGb(fail, `disks[${i}].sizeGb`, disk.sizeGb));
    const storage = disk.storage === undefined ? undefined : problems.check((fail) => checkedGuestStorage(fail, `disks[${i}].storage`, disk.storage!, "images"));
    const iface = problems.check((fail) => {
      const chosen = checkDiskInterface(fail, `disks[${i}].interface`, disk.interface ?? (i === 0 && !given.has(templateInterface) ? templateInterface : nextFree()));
      if (used.has(chosen)) fail(`disks[${i}].interface`, chosen, "each disk needs its own interface");
      used.add(chosen);
      return chosen;
    });
    if (sizeGb === undefined || iface === undefined) return undefined;
    const size = iface === templateInterface ? problems.check((fail) => noShrink(fail, i, sizeGb, template.diskSizeGb)) : sizeGb;
    return size === undefined ? undefined : { interface: iface, size, ...(storage === undefined ? {} : { storage }) };
  });
  return problems.list.length > before ? undefined : (planned as ClonedDisk[]);
}

/** The boot disk's size, refused when it is smaller than the template's (checked when both are known). */
function noShrink(fail: Fail, index: number, sizeGb: number, templateSize: pulumi.Input<number> | undefined): pulumi.Input<number> {
  if (templateSize === undefined) return sizeGb;
  const check = (known: number) => {
    if (sizeGb < known) fail(`disks[${index}].sizeGb`, sizeGb, `disk size ${sizeGb} GB is smaller than the template's ${known} GB; disks can grow, not shrink`);
  };
  if (isPlain(templateSize)) {
    check(templateSize);
    return sizeGb;
  }
  return pulumi.output(templateSize).apply((known) => (check(known), sizeGb));
}

/**
 * The disk a clone gets when `disks` is left out: the template's boot disk, unchanged. Without
 * a disk the provider applies its own default (an 8 GB `scsi0`), which fails on a larger
 * template ("requested size (8G) is lower than current size") and silently grows a smaller
 * one, so the template's size must be known: `{ vmId, diskSizeGb }` (a CloudImageTemplate's ref has it).
 */
function templateBootDisk(fail: Fail, templateSize: pulumi.Input<number> | undefined, templateInterface: string): ClonedDisk {
  if (templateSize === undefined) {
    fail(
      "disks",
      undefined,
      "give disks (such as [{ sizeGb: 20 }]) or the template's boot disk size ({ vmId, diskSizeGb }): without them the provider sets an 8 GB boot disk, which fails on a larger template and grows a smaller one",
    );
  }
  const size = checkedInput(templateSize!, (gb) => checkDiskGb(fail, "template.diskSizeGb", gb));
  return { interface: templateInterface, size };
}

function checkCloudInit(problems: Problems, init: VmCloudInit): VmCloudInit | undefined {
  // The contract's checks refuse a cloudInit that is not an object.
  if (init === null || typeof init !== "object" || Array.isArray(init)) return undefined;
  const before = problems.list.length;
  for (const key of notThroughTheApi) {
    if (init[key] !== undefined) {
      problems.check((fail) =>
        fail(
          `cloudInit.${key}`,
          init[key],
          "Proxmox sets cloud-init through its API (user, SSH keys, password, DNS, addresses), which cannot set this; put it in a user-data snippet and give cloudInit.userDataFileId (docs/proxmox.md, \"Cloud-init\")",
        ),
      );
    }
  }
  const sshKeys =
    init.sshKeys === undefined
      ? undefined
      : problems.check((fail) =>
          checkedInput(plainList(init.sshKeys) ? init.sshKeys! : (pulumi.output(init.sshKeys!) as pulumi.Output<string[]>), (keys) => {
            checkSshKeys(fail, "cloudInit.sshKeys", keys);
            keys.forEach((key, i) => checkBareUserDataValue(fail, `cloudInit.sshKeys[${i}]`, key));
          }),
        );
  if (init.user !== undefined) {
    problems.check((fail) => {
      checkUserName(fail, "cloudInit.user", init.user);
      checkBareUserDataValue(fail, "cloudInit.user", init.user!);
    });
  }
  let userDataFileId: pulumi.Input<string> | undefined;
  if (init.userDataFileId !== undefined) {
    const clash = (["user", "sshKeys", "password"] as const).filter((k) => init[k] !== undefined);
    if (clash.length > 0) problems.check((fail) => fail("cloudInit.userDataFileId", clash, "a user-data snippet replaces user, sshKeys and password; put them in the snippet instead"));
    userDataFileId = problems.check((fail) => checkedPve(fail, "cloudInit.userDataFileId", init.userDataFileId!, "snippetVolume"));
  }
  // A password never appears in an error message, even a wrong one.
  const password =
    init.password === undefined
      ? undefined
      : problems.check((fail) =>
          checked(init.password!, (p) => {
            if (typeof p !== "string" || p.length < 8) fail("cloudInit.password", "[secret]", "a password is a string of at least 8 characters");
            if (preHashedPassword.test(p)) checkBareUserDataValue(fail, "cloudInit.password", p, true);
          }),
        );
  const storage = init.storage === undefined ? undefined : problems.check((fail) => checkedPve(fail, "cloudInit.storage", init.storage!, "storage"));
  init.dns?.servers?.forEach((s, i) => problems.check((fail) => checkIpAddress(fail, `cloudInit.dns.servers[${i}]`, s)));
  if (init.dns?.domain !== undefined && !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i.test(init.dns.domain)) {
    problems.check((fail) => fail("cloudInit.dns.domain", init.dns!.domain, "use a DNS domain such as home.arpa or lab.example.com"));
  }
  if (problems.list.length > before) return undefined;
  return { ...init, sshKeys: sshKeys as pulumi.Input<string[]> | undefined, password, storage, userDataFileId };
}
