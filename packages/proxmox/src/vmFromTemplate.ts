import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import {
  checkCidr,
  checkDiskGb,
  checkHostname,
  checkInt,
  checkList,
  checkIpAddress,
  checkLabels,
  checkOneOf,
  checkSshKeys,
  checkUserName,
  checkVlanTag,
  failFor,
  hearthLabels,
  labelKeys,
  labelsToTags,
  resolveVmSize,
  type Fail,
  type VmSize,
  type VmSizeName,
} from "@hearth/core";
import { checked, isPlain } from "@hearth/kit";
import { CloudImageTemplate, type TemplateRef } from "./cloudImageTemplate.js";
import { CloneQueue, storageQueueKey, type CloneBound } from "./cloneQueue.js";
import { FirewallGroup } from "./firewallGroup.js";
import { Network } from "./network.js";
import { perProgram } from "@hearth/kit";
import { withDiskSpeedIgnored } from "./diskSpeed.js";
import { checkBareUserDataValue, checkDiskInterface, checkDuration, checkGateway, cloudInitInterface, preHashedPassword } from "./validation.js";
import { checkPveValue, type PveFormatKey } from "./pveFormats.js";
import { checkVmIdRange, vmIdRange, vmIdRegistry, type VmIdRange } from "./vmIds.js";

/** A static IPv4 address for one NIC. */
export interface StaticIpv4 {
  /** The address with its prefix (`10.20.0.10/24`). */
  readonly address: string;
  /** The default gateway, inside the address's subnet. @default none */
  readonly gateway?: string;
}

/** One network card. Give exactly one of `bridge` or `network`. */
export interface VmNic {
  /** A bridge or SDN VNet by name (`vmbr0`). */
  readonly bridge?: pulumi.Input<string>;
  /** A Hearth Network; the NIC attaches to its bridge or VNet. */
  readonly network?: Network;
  /** Tag the NIC's traffic (the bridge must be VLAN-aware), 1-4094. @default untagged */
  readonly vlanTag?: number;
  /** Apply the VM's Proxmox firewall rules on this NIC. @default true */
  readonly firewall?: boolean;
  /** @default "virtio" */
  readonly model?: "virtio" | "e1000" | "rtl8139" | "vmxnet3";
  /** @default assigned by Proxmox */
  readonly macAddress?: pulumi.Input<string>;
  /** The NIC's IPv4 configuration through cloud-init. @default "dhcp" */
  readonly ipv4?: "dhcp" | StaticIpv4;
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

/** First-boot configuration through Proxmox's cloud-init drive (API only; no SSH to the node). */
export interface VmCloudInit {
  /** The account cloud-init creates. @default "hearth" */
  readonly user?: string;
  /** OpenSSH public keys for that account. @default [] */
  readonly sshKeys?: pulumi.Input<readonly string[]>;
  /** A console password for that account; always stored as a secret. @default none (key login only) */
  readonly password?: pulumi.Input<string>;
  readonly dns?: { readonly servers?: readonly string[]; readonly domain?: string };
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

export interface VmFromTemplateArgs {
  /** The node the VM runs on. */
  readonly node: pulumi.Input<string>;
  /** A CloudImageTemplate, or an existing template by id (`{ vmId: 9000 }`). */
  readonly template: CloudImageTemplate | TemplateRef;
  /** A full clone (independent copy) or a linked clone (shares the template's disk, same node and storage). @default true */
  readonly full?: boolean;
  /** A named size (`nano`, `small`, `medium`, `large`, `xlarge`) or `{ cores, memoryMb }`. @default "small" (1 core, 2048 MB) */
  readonly size?: pulumi.Input<VmSizeName | VmSize>;
  /** The emulated CPU type. @default "x86-64-v2-AES" */
  readonly cpuType?: pulumi.Input<string>;
  /**
   * Disks to set. Left out, the clone keeps the template's boot disk at the template's size,
   * which must then be known (a CloudImageTemplate, or `template.diskSizeGb`).
   * @default the template's boot disk, unchanged
   */
  readonly disks?: readonly VmDisk[];
  /** Storage for a full clone's disks, new disks and the cloud-init drive. @default "local-lvm" */
  readonly storage?: pulumi.Input<string>;
  /** Network cards, in order (`net0`, `net1`, ...). @default [{ bridge: "vmbr0" }] */
  readonly networks?: readonly VmNic[];
  /** @default user "hearth", DHCP on every NIC, no keys */
  readonly cloudInit?: VmCloudInit;
  /** The VM name, also the guest's host name. @default the component name */
  readonly hostname?: pulumi.Input<string>;
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
  /** Labels, written as Proxmox tags. @default {} */
  readonly labels?: Record<string, string>;
  /** A resource pool to put the VM in. @default none */
  readonly pool?: pulumi.Input<string>;
  /** Start the VM after creation. @default true */
  readonly started?: boolean;
  /** Start the VM when the node boots. @default true */
  readonly onBoot?: boolean;
  /** Security groups applied to the VM; enables its firewall (input policy DROP, output ACCEPT). @default none: the VM firewall is left alone */
  readonly firewallGroups?: readonly FirewallGroup[];
  /**
   * How many VMs of this program may be cloned onto one storage at once (whatever their
   * template), 1-64 or `"unbounded"`. Proxmox allocates every volume under the storage's lock
   * and gives up after 10 s, so many clones onto one storage can fail with `can't lock file
   * '/var/lock/pve-manager/pve-storage-<id>' - got timeout`; clones of one template do not block
   * each other. `"unbounded"` leaves the limit to the engine (`pulumi up --parallel`).
   * @default 8
   */
  readonly clonesPerStorage?: CloneBound;
  /**
   * @deprecated Use `clonesPerStorage`. Clones were queued per template; they are queued per
   * storage now, and this value is read as `clonesPerStorage` (see docs/MIGRATING.md).
   */
  readonly cloneConcurrency?: number;
}

/** How many clones run on one storage at once when `clonesPerStorage` is left out (measured: docs/performance.md, "Cloning"). */
export const defaultClonesPerStorage = 8;

/** The clone queues of the running program, one per storage. */
export const cloneQueue = perProgram(() => new CloneQueue<proxmoxve.VmLegacy>());

const nicModels = ["virtio", "e1000", "rtl8139", "vmxnet3"] as const;

/**
 * A VM cloned from a template, configured through cloud-init over the Proxmox API (user,
 * SSH keys, IP configuration, DNS) with the guest agent on a bounded wait. Clones run in
 * parallel, at most `clonesPerStorage` at once on one storage.
 *
 * Children: `${name}` (VmLegacy); with firewall groups also `${name}-fw` (firewall.RulesLegacy)
 * and `${name}-fw-options` (firewall.OptionsLegacy).
 */
export class VmFromTemplate extends pulumi.ComponentResource {
  readonly vmId: pulumi.Output<number>;
  readonly name: pulumi.Output<string>;
  readonly node: pulumi.Output<string>;
  /** Every IPv4 address the guest agent reports, loopback removed. Empty without the agent. */
  readonly ipv4Addresses: pulumi.Output<string[]>;
  /** The first of `ipv4Addresses`, undefined when there is none. */
  readonly ipv4Address: pulumi.Output<string | undefined>;

  constructor(name: string, args: VmFromTemplateArgs, opts?: pulumi.ComponentResourceOptions) {
    const fail = failFor("VmFromTemplate", name);
    const owner = `VmFromTemplate "${name}"`;
    if (args === null || typeof args !== "object") fail("(args)", args, "give the VM's args: node and template at least");

    // --- plain input, checked before anything is registered ---
    const template = args.template instanceof CloudImageTemplate ? args.template.ref : args.template;
    if (template === null || typeof template !== "object" || template.vmId === undefined || template.vmId === null) {
      fail("template", template, "give a CloudImageTemplate or { vmId } of an existing template");
    }
    if (!(args.template instanceof CloudImageTemplate)) checkedInput(template.vmId, (id) => checkInt(fail, "template.vmId", id, vmIdRange.min, vmIdRange.max));
    const full = args.full ?? true;
    const templateInterface = checkDiskInterface(fail, "template.diskInterface", template.diskInterface ?? "scsi0");
    if (!full && isPlain(template.node) && isPlain(args.node) && template.node !== undefined && template.node !== args.node) {
      fail("full", false, `a linked clone must run on the template's node "${template.node}"; use a full clone or node "${template.node}"`);
    }
    const disks: ClonedDisk[] =
      planDisks(fail, args.disks, templateInterface)?.map((d) => ({
        ...d,
        size: d.interface === templateInterface ? noShrink(fail, d, template.diskSizeGb) : d.sizeGb,
      })) ?? [templateBootDisk(fail, template.diskSizeGb, templateInterface)];
    const nics = checkNics(fail, args.networks ?? [{ bridge: "vmbr0" }]);
    const cloudInit = checkCloudInit(fail, args.cloudInit ?? {});
    const agentTimeout = checkDuration(fail, "agentTimeout", args.agentTimeout ?? "2m", 15 * 60);
    const clonesPerStorage = checkClonesPerStorage(fail, args);
    const idRange = args.vmIdRange === undefined ? undefined : checkVmIdRange(fail, "vmIdRange", args.vmIdRange);
    if (args.labels !== undefined) checkLabels(fail, "labels", args.labels, "proxmox");
    checkList(fail, "firewallGroups", args.firewallGroups, "[aFirewallGroup]").forEach((g, i) => {
      if (!(g instanceof FirewallGroup)) fail(`firewallGroups[${i}]`, g, "use a Hearth proxmox FirewallGroup");
    });
    // --- Inputs: checked now when plain, when they resolve otherwise ---
    // Plain values stay plain: an Output per field costs the SDK promises and memory per VM.
    const node = checkedPve(fail, "node", args.node, "node");
    const storage = checkedPve(fail, "storage", args.storage ?? "local-lvm", "storage");
    const pool = args.pool === undefined ? undefined : checkedPve(fail, "pool", args.pool, "pool");
    const cpuType = checkedPve(fail, "cpuType", args.cpuType ?? "x86-64-v2-AES", "cpuType");
    const sizeInput = args.size ?? "small";
    const size = isPlain(sizeInput) ? resolveVmSize(fail, "size", sizeInput) : pulumi.output(sizeInput).apply((s) => resolveVmSize(fail, "size", s));
    const hostname = checkedInput(args.hostname ?? name, (h) => {
      const field = args.hostname === undefined ? "name" : "hostname";
      checkHostname(fail, field, h);
      checkPveValue(fail, field, h, "dnsName");
      checkBareUserDataValue(fail, field, h);
      const domain = args.cloudInit?.dns?.domain;
      if (typeof domain === "string") checkBareUserDataValue(fail, "cloudInit.dns.domain", `${h}.${domain}`);
    });
    const vmId =
      args.vmId !== undefined
        ? checkedInput(args.vmId, (id) => vmIdRegistry().claim(fail, "vmId", id, owner))
        : idRange !== undefined
          ? vmIdRegistry().assign(fail, "vmIdRange", idRange, name, owner)
          : undefined;
    if (args.cloneConcurrency !== undefined) {
      pulumi.log.warn(`VmFromTemplate "${name}": cloneConcurrency is deprecated and now bounds clones per storage; use clonesPerStorage (docs/MIGRATING.md)`);
    }
    super("hearth:proxmox:VmFromTemplate", name, {}, opts);

    // A VM's id assigned from the range depends on which VMs the program holds; once created, it keeps the id it got.
    const assignedId = args.vmId === undefined && idRange !== undefined;

    const vm = cloneQueue().enqueue(storageQueueKey(storage), clonesPerStorage, (waitFor) =>
      new proxmoxve.VmLegacy(
        name,
        {
          nodeName: node,
          vmId,
          name: hostname,
          description: "Managed by Hearth",
          tags: labelsToTags(hearthLabels("VmFromTemplate", { ...args.labels, [labelKeys.stack]: pulumi.getStack() })),
          poolId: pool,
          started: args.started ?? true,
          onBoot: args.onBoot ?? true,
          clone: {
            vmId: template.vmId,
            nodeName: template.node,
            full,
            // Only a full clone can move to another storage; a linked clone stays on the template's.
            ...(full ? { datastoreId: storage } : {}),
          },
          operatingSystem: { type: "l26" },
          cpu: { cores: size.cores, type: cpuType },
          memory: { dedicated: size.memoryMb },
          scsiHardware: "virtio-scsi-single",
          disks: disks.map((d) => ({
            interface: d.interface,
            datastoreId: d.storage ?? storage,
            size: d.size,
            // Setting any disk attribute on a clone resets the others, so all are spelled out.
            discard: "on",
            iothread: true,
            ...(d.interface.startsWith("virtio") ? {} : { ssd: true }),
          })),
          networkDevices: nics.map((n) => ({
            bridge: n.network ? n.network.bridgeName : n.bridge!,
            model: n.model ?? "virtio",
            firewall: n.firewall ?? true,
            vlanId: n.vlanTag,
            macAddress: n.macAddress,
          })),
          initialization: {
            datastoreId: cloudInit.storage ?? storage,
            interface: cloudInitInterface,
            ...(cloudInit.userDataFileId !== undefined
              ? { userDataFileId: cloudInit.userDataFileId }
              : {
                  userAccount: {
                    username: cloudInit.user ?? "hearth",
                    keys:
                      cloudInit.sshKeys === undefined
                        ? undefined
                        : isPlain(cloudInit.sshKeys)
                          ? [...cloudInit.sshKeys]
                          : pulumi.output(cloudInit.sshKeys).apply((keys) => [...keys]),
                    password: cloudInit.password === undefined ? undefined : pulumi.secret(cloudInit.password),
                  },
                }),
            ipConfigs: nics.map((n) =>
              n.ipv4 === undefined || n.ipv4 === "dhcp"
                ? { ipv4: { address: "dhcp" } }
                : { ipv4: { address: n.ipv4.address, gateway: n.ipv4.gateway } },
            ),
            dns: cloudInit.dns ? { servers: cloudInit.dns.servers ? [...cloudInit.dns.servers] : undefined, domain: cloudInit.dns.domain } : undefined,
          },
          agent: { enabled: args.agent ?? true, timeout: agentTimeout, trim: true },
          serialDevices: [{ device: "socket" }],
          vga: { type: "serial0" },
        },
        {
          parent: this,
          ...(waitFor ? { dependsOn: [waitFor] } : {}),
          // The provider's perpetual disks[n].speed diff (muhlba91/pulumi-proxmoxve#664), see diskSpeed.ts.
          ignoreChanges: [...withDiskSpeedIgnored(opts?.ignoreChanges, disks.length), ...(assignedId ? ["vmId"] : [])],
        },
      ),
    );

    if (args.firewallGroups?.length) {
      const scope = { nodeName: node, vmId: vm.vmId };
      new proxmoxve.firewall.RulesLegacy(
        `${name}-fw`,
        { ...scope, rules: args.firewallGroups.map((g) => ({ securityGroup: g.groupName, enabled: true, comment: "Managed by Hearth" })) },
        { parent: this },
      );
      new proxmoxve.firewall.OptionsLegacy(
        `${name}-fw-options`,
        { ...scope, enabled: true, inputPolicy: "DROP", outputPolicy: "ACCEPT" },
        { parent: this },
      );
    }

    this.vmId = vm.vmId;
    this.name = vm.name;
    this.node = vm.nodeName;
    this.ipv4Addresses = vm.ipv4Addresses.apply(flattenAddresses);
    this.ipv4Address = this.ipv4Addresses.apply((a) => a[0]);
    this.registerOutputs({ vmId: this.vmId, name: this.name, node: this.node, ipv4Addresses: this.ipv4Addresses, ipv4Address: this.ipv4Address });
  }
}

/** `clonesPerStorage`, or the deprecated `cloneConcurrency` read as it; the default when neither is given. */
function checkClonesPerStorage(fail: Fail, args: VmFromTemplateArgs): CloneBound {
  if (args.clonesPerStorage !== undefined && args.cloneConcurrency !== undefined) {
    fail("cloneConcurrency", args.cloneConcurrency, "cloneConcurrency is the deprecated name of clonesPerStorage; give only clonesPerStorage");
  }
  if (args.clonesPerStorage === "unbounded") return "unbounded";
  const field = args.cloneConcurrency !== undefined ? "cloneConcurrency" : "clonesPerStorage";
  const bound = args.clonesPerStorage ?? args.cloneConcurrency ?? defaultClonesPerStorage;
  if (typeof bound !== "number") fail(field, bound, 'use a whole number from 1 to 64, or "unbounded"');
  return checkInt(fail, field, bound, 1, 64);
}

/** Like core's `checked`, but a plain value is checked now and returned as it is, not wrapped in an Output. */
function checkedInput<T>(value: pulumi.Input<T>, check: (v: T) => void): pulumi.Input<T> {
  if (!isPlain(value)) return checked(value, check);
  check(value as T);
  return value;
}

/**
 * A value bound for a Proxmox id or property string, checked against its PVE format (see
 * pveFormats.ts): now when plain, when it resolves otherwise. Use the returned Input.
 */
function checkedPve(fail: Fail, field: string, value: pulumi.Input<string>, key: PveFormatKey): pulumi.Input<string> {
  return checkedInput(value, (v) => checkPveValue(fail, field, v, key));
}

/** The agent's per-interface address lists, flattened, without loopback or link-local addresses. */
export function flattenAddresses(perInterface: readonly (readonly string[] | undefined)[] | undefined): string[] {
  return (perInterface ?? []).flatMap((list) => list ?? []).filter((a) => a !== "" && !a.startsWith("127.") && !a.startsWith("169.254."));
}

interface PlannedDisk extends VmDisk {
  readonly interface: string;
  readonly index: number;
}

/** A disk as the VM is given it: interface, size (checked against the template's), storage. */
interface ClonedDisk {
  readonly interface: string;
  readonly size: pulumi.Input<number>;
  readonly storage?: pulumi.Input<string>;
}

function planDisks(fail: Fail, disks: readonly VmDisk[] | undefined, templateInterface: string): PlannedDisk[] | undefined {
  if (disks === undefined) return undefined;
  if (!Array.isArray(disks)) fail("disks", disks, "use a list such as [{ sizeGb: 20 }]");
  const given = new Set(disks.map((d) => d?.interface).filter((i) => i !== undefined));
  const used = new Set<string>();
  let next = 0;
  const nextFree = () => {
    while (used.has(`scsi${next}`) || given.has(`scsi${next}`)) next++;
    return `scsi${next}`;
  };
  return disks.map((disk, i) => {
    if (disk === null || typeof disk !== "object") fail(`disks[${i}]`, disk, "a disk is { sizeGb, interface?, storage? }");
    checkDiskGb(fail, `disks[${i}].sizeGb`, disk.sizeGb);
    const storage = disk.storage === undefined ? undefined : checkedPve(fail, `disks[${i}].storage`, disk.storage, "storage");
    const iface = checkDiskInterface(fail, `disks[${i}].interface`, disk.interface ?? (i === 0 && !given.has(templateInterface) ? templateInterface : nextFree()));
    if (used.has(iface)) fail(`disks[${i}].interface`, iface, "each disk needs its own interface");
    used.add(iface);
    return { ...disk, interface: iface, index: i, ...(storage === undefined ? {} : { storage }) };
  });
}

/** The boot disk's size, refused when it is smaller than the template's (checked when both are known). */
function noShrink(fail: Fail, disk: PlannedDisk, templateSize: pulumi.Input<number> | undefined): pulumi.Input<number> {
  if (templateSize === undefined) return disk.sizeGb;
  const check = (known: number) => {
    if (disk.sizeGb < known) {
      fail(`disks[${disk.index}].sizeGb`, disk.sizeGb, `disk size ${disk.sizeGb} GB is smaller than the template's ${known} GB; disks can grow, not shrink`);
    }
  };
  if (isPlain(templateSize)) {
    check(templateSize);
    return disk.sizeGb;
  }
  return pulumi.output(templateSize).apply((known) => (check(known), disk.sizeGb));
}

/**
 * The disk a clone gets when `disks` is left out: the template's boot disk, unchanged. Without
 * a disk the provider applies its own default (an 8 GB `scsi0`), which fails on a larger
 * template ("requested size (8G) is lower than current size") and silently grows a smaller
 * one, so the template's size must be known: from a CloudImageTemplate or `{ vmId, diskSizeGb }`.
 */
function templateBootDisk(fail: Fail, templateSize: pulumi.Input<number> | undefined, templateInterface: string): ClonedDisk {
  if (templateSize === undefined) {
    fail(
      "disks",
      undefined,
      "give disks (such as [{ sizeGb: 20 }]) or the template's boot disk size ({ vmId, diskSizeGb }): without them the provider sets an 8 GB boot disk, which fails on a larger template and grows a smaller one",
    );
  }
  const size = checkedInput(templateSize, (gb) => checkDiskGb(fail, "template.diskSizeGb", gb));
  return { interface: templateInterface, size };
}

function checkNics(fail: Fail, nics: readonly VmNic[]): readonly VmNic[] {
  if (!Array.isArray(nics) || nics.length === 0 || nics.length > 32) fail("networks", nics, "give 1 to 32 network cards such as [{ bridge: \"vmbr0\" }]");
  return nics.map((nic, i) => {
    const field = `networks[${i}]`;
    if (nic === null || typeof nic !== "object") fail(field, nic, "a NIC is { bridge } or { network }");
    if ((nic.bridge === undefined) === (nic.network === undefined)) fail(field, Object.keys(nic), "give exactly one of bridge or network");
    const bridge = nic.bridge === undefined ? undefined : checkedPve(fail, `${field}.bridge`, nic.bridge, "bridge");
    const macAddress = nic.macAddress === undefined ? undefined : checkedPve(fail, `${field}.macAddress`, nic.macAddress, "mac");
    if (nic.network !== undefined && !(nic.network instanceof Network)) fail(`${field}.network`, nic.network, "use a Hearth proxmox Network (or give bridge: its name)");
    if (nic.vlanTag !== undefined) checkVlanTag(fail, `${field}.vlanTag`, nic.vlanTag);
    if (nic.model !== undefined) checkOneOf(fail, `${field}.model`, nic.model, nicModels);
    if (nic.ipv4 !== undefined && nic.ipv4 !== "dhcp") {
      if (nic.ipv4 === null || typeof nic.ipv4 !== "object") fail(`${field}.ipv4`, nic.ipv4, 'use "dhcp" or { address: "10.0.0.10/24", gateway: "10.0.0.1" }');
      const address = checkCidr(fail, `${field}.ipv4.address`, nic.ipv4.address, { family: "ipv4", kind: "interface", target: "ipconfig's ip" });
      if (nic.ipv4.gateway !== undefined) checkGateway(fail, `${field}.ipv4.gateway`, nic.ipv4.gateway, address);
    }
    return { ...nic, ...(bridge === undefined ? {} : { bridge }), ...(macAddress === undefined ? {} : { macAddress }) };
  });
}

function checkCloudInit(fail: Fail, init: VmCloudInit): VmCloudInit {
  if (init === null || typeof init !== "object") fail("cloudInit", init, "use an object such as { user: \"ops\", sshKeys: [...] }");
  const sshKeys =
    init.sshKeys === undefined
      ? undefined
      : checkedInput(init.sshKeys, (keys) => {
          checkSshKeys(fail, "cloudInit.sshKeys", keys);
          keys.forEach((key, i) => checkBareUserDataValue(fail, `cloudInit.sshKeys[${i}]`, key));
        });
  if (init.user !== undefined) {
    checkUserName(fail, "cloudInit.user", init.user);
    checkBareUserDataValue(fail, "cloudInit.user", init.user);
  }
  let userDataFileId: pulumi.Input<string> | undefined;
  if (init.userDataFileId !== undefined) {
    const clash = (["user", "sshKeys", "password"] as const).filter((k) => init[k] !== undefined);
    if (clash.length > 0) fail("cloudInit.userDataFileId", clash, "a user-data snippet replaces user, sshKeys and password; put them in the snippet instead");
    userDataFileId = checkedPve(fail, "cloudInit.userDataFileId", init.userDataFileId, "snippetVolume");
  }
  // A password never appears in an error message, even a wrong one.
  const password =
    init.password === undefined
      ? undefined
      : checked(init.password, (p) => {
          if (typeof p !== "string" || p.length < 8) fail("cloudInit.password", "[secret]", "a password is a string of at least 8 characters");
          if (preHashedPassword.test(p)) checkBareUserDataValue(fail, "cloudInit.password", p, true);
        });
  const storage = init.storage === undefined ? undefined : checkedPve(fail, "cloudInit.storage", init.storage, "storage");
  init.dns?.servers?.forEach((s, i) => checkIpAddress(fail, `cloudInit.dns.servers[${i}]`, s));
  if (init.dns?.domain !== undefined && !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i.test(init.dns.domain)) {
    fail("cloudInit.dns.domain", init.dns.domain, "use a DNS domain such as home.arpa or lab.example.com");
  }
  return { ...init, sshKeys: sshKeys as pulumi.Input<readonly string[]> | undefined, password, storage, userDataFileId };
}
