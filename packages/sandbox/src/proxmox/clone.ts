import { DISK_KEY, deterministicMac, joinProp, parseSize, splitProp, uuidFor } from "./props.js";

/**
 * What `POST /nodes/{node}/qemu/{vmid}/clone` does with the source config, as pure functions.
 * Source: qemu-server src/PVE/API2/Qemu.pm `clone_vm` (`$load_and_check` builds `$newconf` and
 * `$drives`; `$clonefn` sets smbios1/vmgenid/name and clones each drive with
 * src/PVE/QemuServer.pm `clone_disk`).
 */

/** One drive to clone, in the order Proxmox clones them (`sort keys %$drives`). */
export interface CloneDrive {
  /** Config key: `scsi0`, `ide2`... */
  key: string;
  /** Source volume id, e.g. `local-lvm:base-9000-disk-0`. */
  volid: string;
  /** Source storage id. */
  storage: string;
  /** Bytes to copy (`size=` of the drive), 0 for a cloud-init drive (nothing to copy). */
  bytes: number;
  /** `copy`: vdisk_alloc + copy; `linked`: vdisk_clone (no copy); `cloudinit`: vdisk_alloc only. */
  mode: "copy" | "linked" | "cloudinit";
  /** The drive's other options (`discard=on`...), without `size`. */
  opts: [string, string][];
}

export interface ClonePlan {
  /** The new config without the drives; `lock: clone` is written separately (the temporary config). */
  config: Record<string, string | number>;
  drives: CloneDrive[];
}

/** Keys `clone_vm` never copies ("do not copy snapshot related info", and unused disks). */
const SKIPPED = new Set(["snapshots", "parent", "snaptime", "vmstate", "snapstate", "runningcpu", "runningmachine", "running-nets-host-mtu", "lock", "digest"]);

const isCloudinit = (volid: string): boolean => /(^|[:/])vm-\d+-cloudinit(\.\w+)?$/.test(volid);
/** QemuServer.pm `drive_is_cdrom($drive, 1)`: a cdrom that is not a cloud-init drive. */
const isPlainCdrom = (head: string, opts: [string, string][]): boolean =>
  !isCloudinit(head) && (head === "none" || head === "cdrom" || opts.some(([k, v]) => k === "media" && v === "cdrom"));

/**
 * Build the clone's config and drive list from the source config.
 * - `net<N>`: a new MAC (real Proxmox: `random_ether_addr`; the sandbox: deterministic per id).
 * - cdroms are copied; other drives are cloned: full copy when `full`, for cloud-init drives and
 *   tpmstate0; otherwise linked, which storage only supports for base volumes of a template
 *   ("Linked clone feature is not supported for '<volid>' (<key>)").
 * - everything else is copied, then `template` is dropped, `smbios1` gets a new uuid, `vmgenid`
 *   a new one if the source had one, `name` is the given one or `Copy-of-VM-<name or vmid>`,
 *   `description` the given one.
 */
export function planClone(
  source: { vmid: number; config: Record<string, string | number> },
  newid: number,
  options: { full: boolean; name?: string; description?: string },
): ClonePlan {
  const config: Record<string, string | number> = {};
  const drives: CloneDrive[] = [];
  for (const key of Object.keys(source.config).sort()) {
    const value = source.config[key]!;
    if (SKIPPED.has(key) || /^unused\d+$/.test(key)) continue;
    if (/^net\d+$/.test(key)) {
      const { head, opts } = splitProp(String(value));
      config[key] = joinProp(`${head.split("=")[0]}=${deterministicMac(newid, Number(key.slice(3)))}`, opts);
    } else if (DISK_KEY.test(key)) {
      const { head, opts } = splitProp(String(value));
      if (isPlainCdrom(head, opts)) {
        config[key] = value;
        continue;
      }
      const storage = head.split(":")[0] ?? "";
      const cloudinit = isCloudinit(head);
      const mode = cloudinit ? "cloudinit" : options.full || key === "tpmstate0" ? "copy" : "linked";
      if (mode === "linked" && !/^[^:]+:base-\d+-[^/]+$/.test(head)) throw new Error(`Linked clone feature is not supported for '${head}' (${key})`);
      const size = opts.find(([k]) => k === "size")?.[1];
      drives.push({ key, volid: head, storage, bytes: mode === "cloudinit" || !size ? 0 : parseSize(size), mode, opts: opts.filter(([k]) => k !== "size") });
    } else {
      config[key] = value;
    }
  }
  config.smbios1 = joinProp(`uuid=${uuidFor(newid)}`, splitProp(String(source.config.smbios1 ?? "")).opts.filter(([k]) => k !== "uuid"));
  if (config.vmgenid !== undefined) config.vmgenid = uuidFor(newid + 0.5);
  delete config.template;
  config.name = options.name || `Copy-of-VM-${String(source.config.name ?? source.vmid)}`;
  if (options.description) config.description = options.description;
  return { config, drives };
}

/**
 * The volume a cloned drive gets. Full copies and cloud-init drives are new volumes on the target
 * storage (`vdisk_alloc` picks the next free `vm-<newid>-disk-<n>`; a cloud-init drive is named
 * `vm-<newid>-cloudinit`, QemuServer.pm `clone_disk`); a linked clone refers to the template's base
 * volume (`base-<tpl>-disk-<n>/vm-<newid>-disk-<n>`).
 */
export function clonedVolume(drive: CloneDrive, newid: number, targetStorage: string, taken: Set<string>): string {
  if (drive.mode === "cloudinit") return `${targetStorage}:vm-${newid}-cloudinit`;
  const kind = drive.key === "efidisk0" ? "efidisk" : drive.key === "tpmstate0" ? "tpmstate" : "disk";
  if (drive.mode === "linked") {
    const base = drive.volid.slice(drive.volid.indexOf(":") + 1);
    const n = /-(\d+)$/.exec(base)?.[1] ?? "0";
    return `${drive.storage}:${base}/vm-${newid}-${kind}-${n}`;
  }
  let n = 0;
  while (taken.has(`${targetStorage}:vm-${newid}-${kind}-${n}`)) n++;
  return `${targetStorage}:vm-${newid}-${kind}-${n}`;
}
