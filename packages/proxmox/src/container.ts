import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import {
  checkBoolean,
  checkDiskGb,
  checkHostname,
  checkInt,
  checkIpAddress,
  checkSshKeys,
  hearthLabels,
  labelKeys,
  labelsToTags,
  Problems,
  validateVmArgs,
  vmResources,
  type Fail,
  type VmArgs,
  type VmOutputs,
  type VmSizeName,
} from "@hearth/core";
import { checked, isPlain, type Outputs } from "@hearth/kit";
import { checkVzdump } from "./backupJob.js";
import { attachFirewallGroups, checkedGuestStorage, checkedInput, checkedPve, checkFirewallGroups, checkNics, guestVolumeId, ownBackupJob, plainList, throwFirstPerField } from "./guest.js";
import { checkPveValue } from "./pveFormats.js";
import { checkVmIdRange, vmIdRegistry, type VmIdRange } from "./vmIds.js";
import { checkImageVolume } from "./imageFiles.js";
import type { VmBackupPolicy, VmDns } from "./vmFromTemplate.js";

// Facts about LXC below are from proxmox/pve-container (src/PVE/LXC/Config.pm: the options and
// their limits; src/PVE/API2/LXC.pm: create; src/PVE/LXC.pm: check_ct_modify_config_perm) and
// what replaces a container from bpg/terraform-provider-proxmox
// (proxmoxtf/resource/container/container.go: the ForceNew attributes), which the bridged
// `proxmoxve.ContainerLegacy` runs.

/** One network card of a container (`net0`, `net1`, ...; named `eth0`, `eth1`, ... inside). */
export interface ContainerNetwork {
  /** The bridge or SDN VNet: a Hearth Network's `networkId` or the name of an existing one (`"vmbr0"`). */
  readonly networkId: pulumi.Input<string>;
  /** A fixed IPv4 address with its prefix (`"10.20.0.30/24"`). @default an address by DHCP */
  readonly ipv4Address?: string;
  /** The default gateway of that address, inside its subnet; only with `ipv4Address`. @default none */
  readonly gateway?: string;
  /** Tag the card's traffic (the bridge must be VLAN-aware), 1-4094. @default untagged */
  readonly vlanTag?: number;
  /** Apply the container's Proxmox firewall on this card. @default true */
  readonly firewall?: boolean;
  /** @default assigned by Proxmox */
  readonly macAddress?: pulumi.Input<string>;
}

/**
 * A volume mounted into the container (`mp0`, `mp1`, ...): a new one the container owns
 * (`sizeGb`, `storage`), freed with the container, or a `Volume` (`volumeId`), which outlives it.
 */
export interface ContainerMountPoint {
  /** The absolute path inside the container (`"/srv/data"`). */
  readonly path: string;
  /** Size in GB of a new volume the container owns; not with `volumeId`. */
  readonly sizeGb?: number;
  /** Storage of a new volume; not with `volumeId`. @default the container's `storage` */
  readonly storage?: pulumi.Input<string>;
  /**
   * A `Volume`'s `volumeId` (or an existing guest disk's volume id, `local-lvm:vm-900-disk-0`)
   * to mount instead of a new volume. The container does not own it, so replacing or destroying
   * the container leaves it (pve-container src/PVE/LXC.pm `delete_mountpoint_volume`). It must
   * carry a file system: Proxmox formats only the volumes a container allocates itself
   * (docs/proxmox.md, "Volumes"). @default a new volume of `sizeGb`
   */
  readonly volumeId?: pulumi.Input<string>;
  /** Include the volume in the container's backups (vzdump). @default false (Proxmox's default for a mount point) */
  readonly backup?: boolean;
  /** @default false */
  readonly readOnly?: boolean;
}

/**
 * LXC features, each an explicit flag (pve-container Config.pm `$features_desc`). Changing
 * any of them but `nesting` on an existing container, or any on a privileged one, is allowed to
 * root@pam only (LXC.pm `check_ct_modify_config_perm`): an API token gets a permission error.
 */
export interface ContainerFeatures {
  /** Allow nesting; exposes the host's procfs and sysfs to the guest; systemd needs it to isolate services. @default false */
  readonly nesting?: boolean;
  /** Unprivileged containers only: allow the keyctl() system call (docker inside needs it). @default false */
  readonly keyctl?: boolean;
  /** Allow FUSE file systems (interactions with the freezer cgroup can deadlock I/O). @default false */
  readonly fuse?: boolean;
}

/**
 * The contract's `VmArgs` (@hearth/core) for an LXC container, without cloud-init (a container
 * gets its root password, SSH keys, addresses and DNS from Proxmox directly), plus what only a
 * container has.
 */
export interface ContainerArgs {
  /** The container's host name. @default the component name */
  readonly hostname?: pulumi.Input<string>;
  /** A named size (core `vmSizes`). Leave it out to give `cores` and `memoryMb`. @default "small" (1 core, 2048 MB) */
  readonly size?: VmSizeName;
  /** CPU cores, with `memoryMb`, instead of a named `size` (LXC: 1-8192). @default from `size` */
  readonly cores?: number;
  /** Memory in MB, with `cores`, instead of a named `size` (LXC: at least 16). @default from `size` */
  readonly memoryMb?: number;
  /** Network cards, in order (`net0`/`eth0`, ...), 1 to 32 (Config.pm `$MAX_LXC_NETWORKS`). @default [{ networkId: "vmbr0" }] */
  readonly networks?: ContainerNetwork[];
  /** Security groups the container joins: FirewallGroup `groupId`s or names of existing groups. Enables the container firewall (input DROP, output ACCEPT). @default none */
  readonly firewallGroups?: pulumi.Input<string>[];
  /** Labels, written as Proxmox tags. @default {} */
  readonly labels?: Record<string, string>;
  /** Back up this container: it creates its own vzdump job, `${name}-backup`. @default no backups */
  readonly backups?: VmBackupPolicy;
  /** Proxmox's `protection` flag: the container and its volumes cannot be removed while it is set. @default false */
  readonly deleteProtection?: boolean;

  /** The node the container runs on. */
  readonly node: pulumi.Input<string>;
  /**
   * The container template volume (`"local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"`): an
   * Image's (content `vztmpl`) or OciImage's `volumeId`, or a file already on the storage. A
   * container is made from it once: a new template does not replace the container unless
   * `replaceOnImageChange` is set.
   */
  readonly template: pulumi.Input<string>;
  /**
   * Replace the container when `template` changes (a new image version): its root disk is made
   * again from the new template and what it held is lost (mount points too). Off, the
   * container keeps running from the template it was made from, and only new containers use
   * the new one.
   * @default false
   */
  readonly replaceOnImageChange?: boolean;
  /** Swap in MB. @default 512 (LXC's default) */
  readonly swapMb?: number;
  /** The root disk's size in GB; it can grow, never shrink (a smaller size replaces the container). @default 8 */
  readonly rootDiskGb?: number;
  /** Storage of the root disk and of mount points without their own. Changing it replaces the container. @default "local-lvm" */
  readonly storage?: pulumi.Input<string>;
  /** Volumes mounted into the container, `mp0` onwards, at most 256. Changing them replaces the container. @default none */
  readonly mountPoints?: ContainerMountPoint[];
  /** OpenSSH public keys for root. Set at creation: changing them replaces the container. @default [] */
  readonly sshKeys?: pulumi.Input<string[]>;
  /** Root's password, at least 5 characters; always stored as a secret. Changing it replaces the container. @default none (key login only) */
  readonly rootPassword?: pulumi.Input<string>;
  /**
   * Run the container as an unprivileged user (its root is not the host's root). Proxmox reads
   * it at creation only: changing it replaces the container.
   * @default true (Proxmox's default on creation)
   */
  readonly unprivileged?: boolean;
  /** LXC features, each off unless set. @default none */
  readonly features?: ContainerFeatures;
  /** DNS the container uses. @default the node's */
  readonly dns?: VmDns;
  /** An explicit id (100-999999999), unique among VMs and containers. @default from `vmIdRange`, else the next free id */
  readonly vmId?: pulumi.Input<number>;
  /** The block of ids this stack draws from when `vmId` is left out (as VmFromTemplate's). @default none */
  readonly vmIdRange?: VmIdRange;
  /** A resource pool to put the container in. Changing it replaces the container. @default none */
  readonly pool?: pulumi.Input<string>;
  /** Start the container after creation. @default true */
  readonly started?: boolean;
  /** Start the container when the node boots. @default true */
  readonly onBoot?: boolean;
}

/**
 * An LXC container from a container template: CPU, memory and swap, a root disk that grows,
 * mount points, network cards (DHCP or static IPv4), root's SSH keys and password (a secret),
 * unprivileged unless told otherwise, explicit LXC features, firewall groups and backups like a
 * VmFromTemplate.
 *
 * Children: `${name}` (ContainerLegacy); with firewall groups also `${name}-fw` and
 * `${name}-fw-options`; with backups `${name}-backup` (backup.Job).
 */
export class Container extends pulumi.ComponentResource implements Outputs<VmOutputs> {
  /** The container's id, as a string (the contract's `instanceId`). */
  readonly instanceId: pulumi.Output<string>;
  /** The container's host name. */
  readonly hostname: pulumi.Output<string>;
  /** The first IPv4 address Proxmox reports (eth0 first), undefined when there is none. */
  readonly ipv4Address: pulumi.Output<string | undefined>;
  /** Every label the container carries (as Proxmox tags), Hearth's own included. */
  readonly labels: pulumi.Output<Record<string, string>>;
  /** The container's id. */
  readonly vmId: pulumi.Output<number>;
  /** The node the container runs on. */
  readonly node: pulumi.Output<string>;

  constructor(name: string, args: ContainerArgs, opts?: pulumi.ComponentResourceOptions) {
    const owner = `Container "${name}"`;
    const problems = new Problems(owner);
    if (args === null || typeof args !== "object") {
      problems.check((fail) => fail("(args)", args, "give the container's args: node and template at least"));
      problems.throwIfAny();
    }
    const pve = (field: string, value: pulumi.Input<string>, key: Parameters<typeof checkedPve>[3]) => problems.check((fail) => checkedPve(fail, field, value, key));

    // --- the contract's checks, then LXC's: every problem, reported at once before anything is registered ---
    problems.add(validateVmArgs(owner, { ...args, networks: args.networks } as unknown as VmArgs, "proxmox"));
    const resources = problems.list.some((p) => ["size", "cores", "memoryMb"].includes(p.field)) ? undefined : vmResources(args);
    const nics = checkNics(problems, args.networks ?? [{ networkId: "vmbr0" }], "the card's ip");
    const groups = checkFirewallGroups(problems, args.firewallGroups);
    const node = pve("node", args.node, "node");
    const storage = problems.check((fail) => checkedGuestStorage(fail, "storage", args.storage ?? "local-lvm", "rootdir"));
    const pool = args.pool === undefined ? undefined : pve("pool", args.pool, "pool");
    const template = problems.check((fail) =>
      checkedInput(args.template, (t) => checkImageVolume(fail, "template", t, "vztmpl", "local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst")),
    );
    if (args.replaceOnImageChange !== undefined) problems.check((fail) => checkBoolean(fail, "replaceOnImageChange", args.replaceOnImageChange));
    // Config.pm: swap minimum 0, default 512.
    const swapMb = problems.check((fail) => checkInt(fail, "swapMb", args.swapMb ?? 512, 0, 8 * 1024 * 1024));
    const rootDiskGb = problems.check((fail) => checkDiskGb(fail, "rootDiskGb", args.rootDiskGb ?? 8));
    const mountPoints = checkMountPoints(problems, args.mountPoints);
    const unprivileged = args.unprivileged ?? true;
    if (args.unprivileged !== undefined) problems.check((fail) => checkBoolean(fail, "unprivileged", args.unprivileged));
    const features = checkFeatures(problems, args.features, unprivileged);
    for (const flag of ["started", "onBoot"] as const) if (args[flag] !== undefined) problems.check((fail) => checkBoolean(fail, flag, args[flag]));
    const sshKeys =
      args.sshKeys === undefined
        ? undefined
        : problems.check((fail) =>
            checkedInput(plainList(args.sshKeys) ? args.sshKeys! : (pulumi.output(args.sshKeys!) as pulumi.Output<string[]>), (keys) => checkSshKeys(fail, "sshKeys", keys)),
          );
    // A password never appears in an error message, even a wrong one. API2/LXC.pm: `password` minLength 5.
    const rootPassword =
      args.rootPassword === undefined
        ? undefined
        : problems.check((fail) =>
            checked(args.rootPassword!, (p) => {
              if (typeof p !== "string" || p.length < 5) fail("rootPassword", "[secret]", "a root password is a string of at least 5 characters");
            }),
          );
    args.dns?.servers?.forEach((s, i) => problems.check((fail) => checkIpAddress(fail, `dns.servers[${i}]`, s)));
    if (args.dns?.domain !== undefined && !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i.test(args.dns.domain)) {
      problems.check((fail) => fail("dns.domain", args.dns!.domain, "use a DNS domain such as home.arpa or lab.example.com"));
    }
    const hostname = problems.check((fail) =>
      checkedInput(args.hostname ?? name, (h) => {
        const field = args.hostname === undefined ? "name" : "hostname";
        checkHostname(fail, field, h);
        checkPveValue(fail, field, h, "dnsName");
      }),
    );
    const backups = args.backups === undefined || args.backups === null || typeof args.backups !== "object" ? undefined : checkVzdump(problems, "backups", args.backups, `${name}-backup`, opts, false);
    const idRange = args.vmIdRange === undefined ? undefined : problems.check((fail) => checkVmIdRange(fail, "vmIdRange", args.vmIdRange));
    const vmId =
      args.vmId !== undefined
        ? problems.check((fail) => checkedInput(args.vmId!, (id) => vmIdRegistry().claim(fail, "vmId", id, owner)))
        : idRange !== undefined
          ? problems.check((fail) => vmIdRegistry().assign(fail, "vmIdRange", idRange, name, owner))
          : undefined;
    throwFirstPerField(owner, problems.list);
    super("hearth:proxmox:Container", name, {}, opts);

    const assignedId = args.vmId === undefined && idRange !== undefined;
    const labels = hearthLabels("Container", { ...args.labels, [labelKeys.stack]: pulumi.getStack() });

    const ct = new proxmoxve.ContainerLegacy(
      name,
      {
        nodeName: node!,
        vmId,
        // Given with the newline Proxmox appends to a container's description, as the provider's
        // state keeps it (bpg/terraform-provider-proxmox proxmoxtf/resource/container/container.go,
        // the description's StateFunc): without it every preview proposes a description change.
        description: "Managed by Hearth\n",
        tags: labelsToTags(labels),
        poolId: pool,
        unprivileged,
        ...(features === undefined ? {} : { features }),
        started: args.started ?? true,
        startOnBoot: args.onBoot ?? true,
        ...(args.deleteProtection === undefined ? {} : { protection: args.deleteProtection }),
        cpu: { cores: resources!.cores },
        memory: { dedicated: resources!.memoryMb, swap: swapMb! },
        disk: { datastoreId: storage!, size: rootDiskGb! },
        mountPoints: mountPoints!.map((m) => ({
          ...(m.volumeId !== undefined ? { volume: m.volumeId } : { volume: m.storage ?? storage!, size: `${m.sizeGb}G` }),
          path: m.path,
          ...(m.backup === undefined ? {} : { backup: m.backup }),
          ...(m.readOnly === undefined ? {} : { readOnly: m.readOnly }),
        })),
        networkInterfaces: nics!.map((n, i) => ({ name: `eth${i}`, bridge: n.networkId, firewall: n.firewall ?? true, vlanId: n.vlanTag, macAddress: n.macAddress })),
        operatingSystem: { templateFileId: template! },
        initialization: {
          hostname: hostname!,
          ipConfigs: nics!.map((n) => (n.ipv4Address === undefined ? { ipv4: { address: "dhcp" } } : { ipv4: { address: n.ipv4Address, gateway: n.gateway } })),
          ...(args.dns ? { dns: { servers: args.dns.servers ? [...args.dns.servers] : undefined, domain: args.dns.domain } } : {}),
          userAccount: {
            keys: sshKeys === undefined ? undefined : isPlain(sshKeys) ? [...(sshKeys as string[])] : sshKeys,
            password: rootPassword === undefined ? undefined : pulumi.secret(rootPassword),
          },
        },
      },
      {
        parent: this,
        additionalSecretOutputs: ["initialization"],
        // The provider replaces a container whose template changes (container.go: template_file_id
        // ForceNew); a new image version leaves the container as it is unless asked. The whole
        // `operatingSystem` block (the template, and `type`, which Hearth leaves to Proxmox): when
        // an Image is replaced delete-first, the engine marks each top-level input that depends on
        // it unknown before it asks the provider whether dependents must go too (pulumi/pulumi
        // pkg/resource/deploy/step_generator.go `calculateDependentReplacements`), so a nested path
        // would not hold it.
        ignoreChanges: [...(assignedId ? ["vmId"] : []), ...(args.replaceOnImageChange === true ? [] : ["operatingSystem"])],
        // A container with a fixed id is replaced delete-first. Made first, the replacement's
        // create is refused ("CT <id> already exists", pve-cluster check_vmid_unused, HTTP 500);
        // the provider retries a 5xx and takes "already exists" on a retry as done
        // (bpg proxmox/nodes/containers/containers.go CreateContainer with
        // proxmox/retry/retry.go IsTransientAPIError and WithAlreadyDoneCheck), so it adopts the
        // old container, and the engine's delete of "the original" then removes the only one.
        ...(vmId !== undefined ? { deleteBeforeReplace: true } : {}),
        // No two containers on one volume: the old one goes (the volume stays) before the new one mounts it.
        ...(mountPoints!.some((m) => m.volumeId !== undefined) ? { deleteBeforeReplace: true } : {}),
      },
    );

    attachFirewallGroups(name, this, { nodeName: node!, containerId: ct.vmId }, groups as pulumi.Input<string>[]);
    if (backups !== undefined) ownBackupJob(name, this, backups, ct.vmId);

    this.vmId = ct.vmId;
    this.instanceId = ct.vmId.apply(String);
    this.hostname = pulumi.output(hostname!);
    this.node = ct.nodeName;
    this.labels = pulumi.output(labels);
    this.ipv4Address = ct.ipv4.apply((perCard) => firstAddress(perCard));
    this.registerOutputs({ instanceId: this.instanceId, hostname: this.hostname, ipv4Address: this.ipv4Address, labels: this.labels, vmId: this.vmId, node: this.node });
  }
}

/** The first usable address of Proxmox's per-card map (`eth0` first), without its prefix. */
export function firstAddress(perCard: Record<string, string> | undefined): string | undefined {
  const entries = Object.entries(perCard ?? {}).sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }));
  const found = entries.map(([, a]) => a.split("/")[0]!).find((a) => a !== "" && a !== "dhcp" && !a.startsWith("127.") && !a.startsWith("169.254."));
  return found;
}

function checkMountPoints(problems: Problems, mounts: ContainerMountPoint[] | undefined): ContainerMountPoint[] | undefined {
  if (mounts === undefined) return [];
  // Config.pm: $MAX_MOUNT_POINTS = 256 (mp0-mp255).
  if (!Array.isArray(mounts) || mounts.length > 256) {
    problems.check((fail) => fail("mountPoints", mounts, 'use a list of at most 256 such as [{ path: "/srv/data", sizeGb: 10 }]'));
    return undefined;
  }
  const before = problems.list.length;
  const paths = new Set<string>();
  const checkedMounts = mounts.map((m, i) => {
    const field = `mountPoints[${i}]`;
    if (m === null || typeof m !== "object") {
      problems.check((fail) => fail(field, m, "a mount point is { path, sizeGb, storage?, backup?, readOnly? } or { path, volumeId, backup?, readOnly? }"));
      return m;
    }
    problems.check((fail) => {
      if (typeof m.path !== "string" || !/^\/[^\s,;=]*$/.test(m.path) || m.path === "/" || m.path.split("/").includes("..")) {
        fail(`${field}.path`, m.path, 'use an absolute path inside the container such as "/srv/data" (not "/", no "..", spaces, commas or "=")');
      } else if (paths.has(m.path)) fail(`${field}.path`, m.path, "each mount point needs its own path");
      else paths.add(m.path);
    });
    if (m.volumeId !== undefined) {
      for (const key of ["sizeGb", "storage"] as const) {
        if (m[key] !== undefined) problems.check((fail) => fail(`${field}.${key}`, m[key], "leave it out with volumeId: the Volume has its own size and storage"));
      }
      problems.check((fail) =>
        checkedInput(m.volumeId!, (id) => {
          if (typeof id !== "string" || !guestVolumeId.test(id)) fail(`${field}.volumeId`, id, 'use a Volume\'s volumeId or a guest disk\'s volume id such as "local-lvm:vm-900-disk-0"');
        }),
      );
    } else problems.check((fail) => checkDiskGb(fail, `${field}.sizeGb`, m.sizeGb));
    for (const flag of ["backup", "readOnly"] as const) if (m[flag] !== undefined) problems.check((fail) => checkBoolean(fail, `${field}.${flag}`, m[flag]));
    const storage = m.storage === undefined ? undefined : problems.check((fail) => checkedGuestStorage(fail, `${field}.storage`, m.storage!, "rootdir"));
    return { ...m, ...(storage === undefined ? {} : { storage }) };
  });
  return problems.list.length > before ? undefined : checkedMounts;
}

function checkFeatures(problems: Problems, features: ContainerFeatures | undefined, unprivileged: boolean): ContainerFeatures | undefined {
  if (features === undefined) return undefined;
  if (features === null || typeof features !== "object" || Array.isArray(features)) {
    problems.check((fail) => fail("features", features, "use flags such as { nesting: true }"));
    return undefined;
  }
  const known = ["nesting", "keyctl", "fuse"];
  for (const key of Object.keys(features)) if (!known.includes(key)) problems.check((fail) => fail(`features.${key}`, features[key as keyof ContainerFeatures], `the features Hearth sets are ${known.join(", ")}`));
  for (const key of known) {
    const v = features[key as keyof ContainerFeatures];
    if (v !== undefined) problems.check((fail) => checkBoolean(fail, `features.${key}`, v));
  }
  // Config.pm: keyctl is "For unprivileged containers only".
  if (features.keyctl === true && !unprivileged) problems.check((fail) => fail("features.keyctl", true, "keyctl is for unprivileged containers only; leave unprivileged at true or drop keyctl"));
  return { ...(features.nesting === undefined ? {} : { nesting: features.nesting }), ...(features.keyctl === undefined ? {} : { keyctl: features.keyctl }), ...(features.fuse === undefined ? {} : { fuse: features.fuse }) };
}
