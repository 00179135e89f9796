import type { PveState } from "../state.js";
import { DISK_KEY, parseSize, splitProp } from "./props.js";

/**
 * Who owns a volume and what freeing one takes with it, as pve-storage and the guest servers
 * decide it. A volume's owner is the guest id in its name: pve-storage src/PVE/Storage/Plugin.pm
 * `parse_volname` reads `<vmid>/vm-<vmid>-disk-N.<fmt>` (directory storages: the directory's id)
 * and src/PVE/Storage/LvmThinPlugin.pm `parse_volname` `vm-<vmid>-...` / `base-<vmid>-...`; a
 * linked clone `base-9000-disk-0/vm-100-disk-0` belongs to 100. Referencing a volume from another
 * guest's config does not change its owner, and only the owner's destruction frees it
 * (qemu-server src/PVE/QemuServer.pm `destroy_vm`: "only remove disks owned by this VM";
 * pve-container src/PVE/LXC.pm `delete_mountpoint_volume`: "ignore deletion of '$volume', CT
 * $vmid isn't the owner!"). A freed volume is gone even while another guest's config still
 * names it: that guest then references a volume that does not exist, and its data is lost.
 */

/** The owner's id of a volume id (`local-lvm:vm-900-disk-0` is 900), undefined for iso/vztmpl/import/snippets or paths. */
export function volumeOwner(volid: string): number | undefined {
  const colon = volid.indexOf(":");
  if (colon <= 0) return undefined;
  const name = volid.slice(colon + 1);
  const dir = /^(\d+)\/(?:[^/]+\/\d+\/)?(?:vm|base|subvol)-\d+-[^/\s]+$/.exec(name);
  if (dir) {
    // `<basevmid>/<basename>/<vmid>/<name>` (a linked clone on a dir storage) belongs to <vmid>.
    const parts = name.split("/");
    return Number(parts.length === 4 ? parts[2] : parts[0]);
  }
  const linked = /^base-\d+-[^/]+\/(?:vm|subvol)-(\d+)-/.exec(name);
  if (linked) return Number(linked[1]);
  const lvm = /^(?:vm|base|subvol)-(\d+)-/.exec(name);
  return lvm ? Number(lvm[1]) : undefined;
}

/** Every volume a guest config names (disks, mount points, `unusedN`, pending ones), cd-roms and paths left out. */
export function configVolumes(config: Record<string, string | number>, pending: Record<string, string | number> = {}): string[] {
  const out = new Set<string>();
  for (const [key, value] of [...Object.entries(config), ...Object.entries(pending)]) {
    if (!DISK_KEY.test(key) && !/^(rootfs|mp\d+|unused\d+)$/.test(key)) continue;
    const { head, opts } = splitProp(String(value));
    const volid = head.replace(/^(file|volume)=/, "");
    if (!volid.includes(":") || opts.some(([k, v]) => k === "media" && v === "cdrom")) continue;
    out.add(volid);
  }
  return [...out];
}

/** Volumes freed while another guest still names them (they no longer exist). */
function freedSet(pve: PveState): Set<string> {
  return new Set(pve.freedVolumes ?? []);
}

/** Whether a guest-disk volume exists: on a storage's list, or named by a guest config and not freed since. */
export function volumeExists(pve: PveState, volid: string): boolean {
  if (Object.values(pve.volumes).some((list) => list.some((v) => v.volid === volid))) return true;
  if (freedSet(pve).has(volid)) return false;
  const guests = [...Object.values(pve.vms), ...Object.values(pve.containers ?? {})];
  return guests.some((g) => configVolumes(g.config, g.pending ?? {}).includes(volid));
}

/**
 * pve-storage Storage.pm `vdisk_free`: the volume and its data are gone. A config that still
 * names it keeps the name (Proxmox does not edit other guests' configs), so the volume is
 * remembered as freed until a new allocation takes the name again.
 */
export function freeVolume(pve: PveState, volid: string): void {
  for (const list of Object.values(pve.volumes)) {
    const i = list.findIndex((v) => v.volid === volid);
    if (i >= 0) list.splice(i, 1);
  }
  if (pve.volumeData) delete pve.volumeData[volid];
  const guests = [...Object.values(pve.vms), ...Object.values(pve.containers ?? {})];
  if (guests.some((g) => configVolumes(g.config, g.pending ?? {}).includes(volid))) {
    pve.freedVolumes = [...freedSet(pve).add(volid)];
  }
}

/** A new allocation took the name: the volume exists again, empty. */
export function volumeAllocated(pve: PveState, volid: string): void {
  if (pve.freedVolumes?.includes(volid)) pve.freedVolumes = pve.freedVolumes.filter((v) => v !== volid);
  if (pve.volumeData) delete pve.volumeData[volid];
}

/**
 * What destroying guest `vmid` frees (QemuServer.pm `destroy_vm`, LXC.pm `destroy_lxc_container`):
 * the volumes its config names (including `unusedN` and pending ones) that it owns; volumes of
 * other owners it names stay. With `destroy-unreferenced-disks` also every volume it owns that no
 * config of its own names (`vdisk_list` by vmid on every storage), attached to another guest or not.
 */
export function destroyGuestVolumes(pve: PveState, vmid: number, named: string[], unreferenced: boolean): string[] {
  const freed = named.filter((v) => volumeOwner(v) === vmid);
  if (unreferenced) {
    for (const list of Object.values(pve.volumes)) for (const v of list) if (v.vmid === vmid && (v.content === "images" || v.content === "rootdir")) freed.push(v.volid);
    const guests = [...Object.values(pve.vms), ...Object.values(pve.containers ?? {})];
    for (const g of guests) for (const v of configVolumes(g.config, g.pending ?? {})) if (volumeOwner(v) === vmid) freed.push(v);
  }
  const unique = [...new Set(freed)];
  for (const v of unique) freeVolume(pve, v);
  return unique;
}

/**
 * A volume's size as the storage reports it (pve-storage `volume_size_info`): its entry on a
 * storage's list, else the size its owner's config records, else any config's.
 */
export function volumeSize(pve: PveState, volid: string): number | undefined {
  for (const list of Object.values(pve.volumes)) {
    const v = list.find((x) => x.volid === volid);
    if (v) return v.size;
  }
  if (pve.freedVolumes?.includes(volid)) return undefined;
  const owner = volumeOwner(volid);
  const guests = [...Object.values(pve.vms), ...Object.values(pve.containers ?? {})].sort((a, b) => Number(b.vmid === owner) - Number(a.vmid === owner));
  for (const g of guests) {
    for (const value of Object.values(g.config)) {
      const { head, opts } = splitProp(String(value));
      if (head.replace(/^(file|volume)=/, "") !== volid) continue;
      const size = opts.find(([k]) => k === "size")?.[1];
      if (size !== undefined) return parseSize(size);
    }
  }
  return undefined;
}
