import type { PermRequirement } from "./permissions.js";

/**
 * The permission checks Proxmox makes inside a handler, beyond the schema's `permissions`
 * entry (which for these endpoints says `user: 'all'` or checks only one privilege and
 * describes the rest): per changed option, per storage a new disk is allocated on, per volume
 * a guest uses. Each is a clause of alternatives, one of which must hold; the router checks
 * them for restricted callers after the schema's check, and reports them with it to observers.
 *
 * Not emulated (Hearth's components do not set them, or they need state the request lacks):
 * serial/USB/PCI/virtiofs devices, hookscripts, CPU models, privileged tags, volume access by
 * owner, and restores.
 */
export type Clause = PermRequirement[];

/** What a check needs to know of the cluster: the SDN zone of a VNet (undefined: a plain bridge). */
export interface CheckLookup {
  zoneOf(vnet: string): string | undefined;
}

/**
 * pve-guest-common src/PVE/GuestHelpers.pm `check_vnet_access` for a NIC (`net[n]` of a VM or
 * container, via qemu-server QemuServer.pm and pve-container LXC.pm `check_bridge_access`):
 * SDN.Use on /sdn/zones/<zone>/<bridge> (zone `localnetwork` for a plain bridge), or with a VLAN
 * tag on /sdn/zones/<zone>/<bridge>/<tag>; each trunk tag alike.
 */
function bridgeClauses(value: string, look: CheckLookup): Clause[] {
  const opts = Object.fromEntries(value.split(",").map((kv) => kv.split("=") as [string, string]));
  const bridge = opts.bridge;
  if (!bridge) return [];
  const base = `/sdn/zones/${look.zoneOf(bridge) ?? "localnetwork"}/${bridge}`;
  const out: Clause[] = [];
  if (opts.tag) out.push([req(`${base}/${opts.tag}`, ["SDN.Use"])]);
  for (const t of (opts.trunks ?? "").split(";").filter(Boolean)) out.push([req(`${base}/${t}`, ["SDN.Use"])]);
  if (!opts.tag && !opts.trunks) out.push([req(base, ["SDN.Use"])]);
  return out;
}

const req = (path: string, privs: string[], any = false): PermRequirement => ({ path, privs, any });

/** RPCEnvironment.pm `check_vm_perm`: the privileges on /vms/<vmid>, or (creating in a pool) on /pool/<pool>. */
const vmPerm = (vmid: unknown, pool: unknown, privs: string[], any = false): Clause => [req(`/vms/${vmid}`, privs, any), ...(pool ? [req(`/pool/${pool}`, privs, any)] : [])];

// qemu-server src/PVE/API2/Qemu.pm: the option tables `check_vm_modify_config_perm` sorts keys by.
const QEMU_CPU = new Set(["cores", "cpu", "runningcpu", "cpulimit", "cpuunits", "numa", "smp", "sockets", "vcpus"]);
const QEMU_MEMORY = new Set(["memory", "balloon", "shares", "allow-ksm"]);
const QEMU_HWTYPE = new Set(["acpi", "hotplug", "kvm", "machine", "runningmachine", "scsihw", "smbios1", "tablet", "vga", "watchdog", "audio0", "rng0"]);
const QEMU_GENERAL = new Set(["agent", "autostart", "bios", "description", "keyboard", "localtime", "migrate_downtime", "migrate_speed", "name", "onboot", "ostype", "protection", "reboot", "startdate", "startup", "tdf", "template"]);
const QEMU_DISK_OPTIONS = new Set(["boot", "bootdisk", "vmstatestorage"]);
const QEMU_CLOUDINIT = new Set(["cicustom", "cipassword", "citype", "ciuser", "ciupgrade", "nameserver", "searchdomain", "sshkeys"]);
const QEMU_DRIVE = /^(ide[0-3]|sata[0-5]|scsi([0-9]|[1-2][0-9]|30)|virtio([0-9]|1[0-5])|efidisk0|tpmstate0)$/;
/** Request parameters of create/update that are not configuration keys. */
const QEMU_NOT_CONFIG = new Set(["node", "vmid", "pool", "storage", "start", "archive", "force", "unique", "bwlimit", "live-restore", "ha-managed", "import-working-storage", "delete", "digest", "revert", "skiplock", "background_delay", "efitype"]);

/** `check_vm_modify_config_perm` for one key (drives, serial/usb/pci devices and tags are checked elsewhere). */
function qemuKeyClause(opt: string, vmid: unknown, pool: unknown): Clause | undefined {
  if (QEMU_DRIVE.test(opt) || opt === "cdrom" || /^(unused|serial|usb|hostpci|virtiofs)\d+$/.test(opt)) return undefined;
  // GuestHelpers.pm `assert_tag_permissions` (pve-guest-common): VM.Config.Options on the guest.
  if (opt === "tags") return vmPerm(vmid, undefined, ["VM.Config.Options"]);
  if (QEMU_CPU.has(opt) || /^numa\d+$/.test(opt)) return vmPerm(vmid, pool, ["VM.Config.CPU"]);
  if (QEMU_MEMORY.has(opt)) return vmPerm(vmid, pool, ["VM.Config.Memory"]);
  if (QEMU_HWTYPE.has(opt)) return vmPerm(vmid, pool, ["VM.Config.HWType"]);
  if (QEMU_GENERAL.has(opt)) return vmPerm(vmid, pool, ["VM.Config.Options"]);
  if (opt === "freeze") return vmPerm(vmid, pool, ["VM.PowerMgmt"]);
  if (QEMU_DISK_OPTIONS.has(opt)) return vmPerm(vmid, pool, ["VM.Config.Disk"]);
  if (/^net\d+$/.test(opt)) return vmPerm(vmid, pool, ["VM.Config.Network"]);
  if (QEMU_CLOUDINIT.has(opt) || /^ipconfig\d+$/.test(opt)) return vmPerm(vmid, pool, ["VM.Config.Cloudinit", "VM.Config.Network"], true);
  if (opt === "vmstate") return vmPerm(vmid, pool, ["VM.Config.Disk", "VM.PowerMgmt"]);
  // "only root can set '$opt' config": no privilege allows it.
  return [];
}

/** pve-storage src/PVE/Storage.pm `check_volume_access` for an iso, vztmpl or import volume: Datastore.Allocate, or AllocateSpace or Audit. */
const templateVolume = (volid: string): Clause => {
  const sid = volid.split(":")[0]!;
  return [req(`/storage/${sid}`, ["Datastore.Allocate"]), req(`/storage/${sid}`, ["Datastore.AllocateSpace", "Datastore.Audit"], true)];
};

/**
 * Qemu.pm `$check_storage_access` for a drive value: a new disk (`<storage>:<size>`) needs
 * Datastore.AllocateSpace on its storage, an `import-from` of an import volume the volume's access.
 */
function qemuDriveStorage(value: string): Clause[] {
  const out: Clause[] = [];
  const file = value.split(",")[0]!.replace(/^file=/, "");
  const m = /^([A-Za-z][A-Za-z0-9._-]*[A-Za-z0-9]):(\d+(\.\d+)?)$/.exec(file);
  if (m) out.push([req(`/storage/${m[1]}`, ["Datastore.AllocateSpace"])]);
  const from = /(^|,)import-from=([^,]+)/.exec(value)?.[2];
  if (from && /^[^:/]+:import\//.test(from)) out.push(templateVolume(from));
  return out;
}

const isCloudinit = (value: string): boolean => /(^|[:,=])[^,]*cloudinit/.test(value.split(",")[0]!);
const isCdrom = (value: string): boolean => /(^|,)media=cdrom(,|$)/.test(value) || value.split(",")[0] === "cdrom";

/** Qemu.pm `create_vm`: VM.Allocate, the options, new disks' storages, VM.PowerMgmt to start it. */
function qemuCreate(p: Record<string, unknown>, look: CheckLookup): Clause[] {
  const { vmid, pool } = p;
  const out: Clause[] = [vmPerm(vmid, pool, ["VM.Allocate"])];
  if (p.storage !== undefined) out.push([req(`/storage/${p.storage}`, ["Datastore.AllocateSpace"])]);
  if (p.start !== undefined && String(p.start) !== "0") out.push(vmPerm(vmid, pool, ["VM.PowerMgmt"]));
  for (const [k, v] of Object.entries(p)) {
    if (QEMU_NOT_CONFIG.has(k)) continue;
    if (QEMU_DRIVE.test(k)) out.push(...qemuDriveStorage(String(v)));
    if (/^net\d+$/.test(k)) out.push(...bridgeClauses(String(v), look));
    const c = qemuKeyClause(k, vmid, pool);
    if (c) out.push(c);
  }
  return out;
}

/** Qemu.pm `update_vm_api`: the options set and deleted, each drive by kind (`$check_drive_perms`), new disks' storages. */
function qemuUpdate(p: Record<string, unknown>, look: CheckLookup): Clause[] {
  const { vmid } = p;
  const out: Clause[] = [];
  const deleted = String(p.delete ?? "").split(/[,;\s]+/).filter(Boolean);
  for (const k of deleted) {
    const c = QEMU_DRIVE.test(k) ? vmPerm(vmid, undefined, ["VM.Config.Disk"]) : qemuKeyClause(k, vmid, undefined);
    if (c) out.push(c);
  }
  for (const [k, v] of Object.entries(p)) {
    if (QEMU_NOT_CONFIG.has(k)) continue;
    if (QEMU_DRIVE.test(k)) {
      const value = String(v);
      if (isCloudinit(value)) out.push(vmPerm(vmid, undefined, ["VM.Config.Cloudinit"]), vmPerm(vmid, undefined, ["VM.Config.CDROM"]));
      else if (isCdrom(value)) out.push(vmPerm(vmid, undefined, ["VM.Config.CDROM"]));
      else out.push(vmPerm(vmid, undefined, ["VM.Config.Disk"]));
      out.push(...qemuDriveStorage(value));
      continue;
    }
    if (/^net\d+$/.test(k)) out.push(...bridgeClauses(String(v), look));
    const c = qemuKeyClause(k, vmid, undefined);
    if (c) out.push(c);
  }
  return out;
}

/** Qemu.pm `clone_vm` (`$check_storage_access_clone`): Datastore.AllocateSpace on the target storage. */
function qemuClone(p: Record<string, unknown>): Clause[] {
  return p.storage === undefined ? [] : [[req(`/storage/${p.storage}`, ["Datastore.AllocateSpace"])]];
}

/** Request parameters of a container create that are not configuration keys (API2/LXC.pm `create_vm` extracts them first). */
const LXC_NOT_CONFIG = new Set(["node", "vmid", "ostemplate", "password", "storage", "force", "restore", "unique", "pool", "ignore-unpack-errors", "ssh-public-keys", "bwlimit", "start", "ha-managed", "unprivileged", "delete", "digest", "revert"]);

/** pve-container src/PVE/LXC.pm `check_ct_modify_config_perm` for one key of a new container. */
function lxcKeyClauses(opt: string, value: string, vmid: unknown, pool: unknown, look: CheckLookup): Clause[] {
  if (["cores", "cpuunits", "cpulimit"].includes(opt)) return [vmPerm(vmid, pool, ["VM.Config.CPU"])];
  if (opt === "rootfs" || /^mp\d+$/.test(opt)) {
    const m = /^([A-Za-z][A-Za-z0-9._-]*[A-Za-z0-9]):(\d+(\.\d+)?)(,|$)/.exec(value.replace(/^volume=/, ""));
    return [vmPerm(vmid, pool, ["VM.Config.Disk"]), ...(m ? [[req(`/storage/${m[1]}`, ["Datastore.AllocateSpace"])]] : [])];
  }
  if (opt === "memory" || opt === "swap") return [vmPerm(vmid, pool, ["VM.Config.Memory"])];
  if (/^net\d+$/.test(opt)) return [vmPerm(vmid, pool, ["VM.Config.Network"]), ...bridgeClauses(value, look)];
  if (["nameserver", "searchdomain", "hostname"].includes(opt)) return [vmPerm(vmid, pool, ["VM.Config.Network"])];
  if (/^dev\d+$/.test(opt) || opt === "hookscript") return [[]];
  // Nesting alone needs VM.Allocate; any other feature flag only root@pam.
  if (opt === "features") return /^nesting=[01]$/.test(value) ? [vmPerm(vmid, pool, ["VM.Allocate"])] : value === "" ? [] : [[]];
  if (opt === "tags") return [vmPerm(vmid, undefined, ["VM.Config.Options"])];
  return [vmPerm(vmid, pool, ["VM.Config.Options"])];
}

/** API2/LXC.pm `create_vm`: a privileged container needs Sys.Modify on /, then VM.Allocate, the options, the template, the storages. */
function lxcCreate(p: Record<string, unknown>, look: CheckLookup): Clause[] {
  const { vmid, pool } = p;
  const out: Clause[] = [];
  if (p.unprivileged === undefined || String(p.unprivileged) === "0") out.push([req("/", ["Sys.Modify"])]);
  out.push(vmPerm(vmid, pool, ["VM.Allocate"]));
  for (const [k, v] of Object.entries(p)) if (!LXC_NOT_CONFIG.has(k)) out.push(...lxcKeyClauses(k, String(v), vmid, pool, look));
  if (typeof p.ostemplate === "string" && p.ostemplate.includes(":")) out.push(templateVolume(p.ostemplate));
  return out;
}

/** The in-handler checks, by `METHOD /schema/path`. */
export const HANDLER_CHECKS: Record<string, (params: Record<string, unknown>, look: CheckLookup) => Clause[]> = {
  "POST /nodes/{node}/qemu": qemuCreate,
  "PUT /nodes/{node}/qemu/{vmid}/config": qemuUpdate,
  "POST /nodes/{node}/qemu/{vmid}/config": qemuUpdate,
  "POST /nodes/{node}/qemu/{vmid}/clone": qemuClone,
  "POST /nodes/{node}/lxc": lxcCreate,
};
