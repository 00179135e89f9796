/**
 * Pure rules of Proxmox VE containers, from proxmox/pve-container (default branch, 2026-06):
 * what a config write does to a stopped or a running container, and how mount points are
 * written. The HTTP handlers are in lxc.ts.
 */

import { formatSize, parseSize } from "./props.js";

/** A container as the sandbox holds it: the config map the API serves, plus runtime state. */
export interface PveCt {
  vmid: number;
  node: string;
  status: "running" | "stopped";
  /** Config lock (`create`, `destroyed`, ...), as `status/current` reports it. */
  lock?: string;
  config: Record<string, string | number>;
  /** Pending changes of a running container (`[pve:pending]`), and keys pending deletion. */
  pending?: Record<string, string | number>;
  pendingDelete?: string[];
  /** Pool the create added it to (pve-access-control `add_vm_to_pool`). */
  pool?: string;
  startedAt?: number;
}

/** src/PVE/LXC/Config.pm `config_file_lock`: `$lockdir/pve-config-${vmid}.lock`, `$lockdir = "/run/lock/lxc"`. */
export const ctLockFile = (vmid: number): string => `/run/lock/lxc/pve-config-${vmid}.lock`;

/** src/PVE/LXC.pm `$NEW_DISK_RE`: `<storage>:<size in GiB>` allocates a new volume. */
export const NEW_DISK_RE = /^([^:\s]+):(\d+(?:\.\d+)?)$/;

/** Volume keys (src/PVE/LXC/Config.pm `valid_volume_keys`): rootfs and mp[n]. */
export const VOLUME_KEY = /^(rootfs|mp\d+)$/;

/** `$LXC_FASTPLUG_OPTIONS` (src/PVE/LXC/Config.pm): applied at once even while the container runs. */
export const FASTPLUG = new Set(["description", "onboot", "startup", "protection", "hostname", "hookscript", "cores", "tags", "lock"]);

/**
 * What `vmconfig_hotplug_pending` (src/PVE/LXC/Config.pm) applies to a running container
 * beyond the fast-plug options: cpulimit, cpuunits, memory and swap (cgroup limits), net[n]
 * (`update_net`), a new mp[n] (not one replacing an existing mount point) and dev[n]. Anything
 * else ("skip") stays pending until the next start.
 */
export function hotpluggable(key: string, config: Record<string, string | number>, deleting: boolean): boolean {
  if (FASTPLUG.has(key)) return true;
  if (["cpulimit", "cpuunits", "swap"].includes(key)) return true;
  if (key === "memory") return !deleting;
  if (/^net\d+$/.test(key)) return true;
  if (/^unused\d+$/.test(key)) return deleting;
  if (/^(mp|dev)\d+$/.test(key)) return !deleting && config[key] === undefined;
  return false;
}

/** Options `update_pct_config` refuses to delete (`unable to delete required option`). */
export const REQUIRED = new Set(["memory", "rootfs", "ostype"]);

/**
 * Apply a config write the way `update_pct_config` does (src/PVE/LXC/Config.pm): deletes and
 * values go to the pending section, then a stopped container takes all of them
 * (`vmconfig_apply_pending`) and a running one what can be hot-plugged
 * (`vmconfig_hotplug_pending`). Returns the mount points that need a new volume.
 */
export function applyCtConfig(ct: PveCt, values: Record<string, string | number>, deletes: string[]): void {
  const running = ct.status === "running";
  const pending = (ct.pending ??= {});
  const pendingDelete = new Set(ct.pendingDelete ?? []);
  for (const key of deletes) {
    if (ct.config[key] === undefined && pending[key] === undefined) continue; // "cannot delete '$opt' - not set in current configuration!" (a warning)
    delete pending[key];
    if (!running || hotpluggable(key, ct.config, true)) {
      // A deleted volume mount point becomes unusedN (vmconfig_apply_pending -> add_unused_volume).
      if (/^mp\d+$/.test(key)) addUnused(ct, String(ct.config[key]));
      delete ct.config[key];
      pendingDelete.delete(key);
    } else pendingDelete.add(key);
  }
  for (const [key, value] of Object.entries(values)) {
    pendingDelete.delete(key);
    if (!running || hotpluggable(key, ct.config, false)) {
      ct.config[key] = value;
      delete pending[key];
    } else if (String(ct.config[key]) === String(value)) delete pending[key];
    else pending[key] = value;
  }
  ct.pendingDelete = [...pendingDelete];
  if (ct.pendingDelete.length === 0) delete ct.pendingDelete;
  if (Object.keys(pending).length === 0) delete ct.pending;
}

/** `vmconfig_apply_pending` at start (src/PVE/LXC.pm `vm_start` -> `vmconfig_apply_pending`). */
export function applyCtPending(ct: PveCt): void {
  for (const key of ct.pendingDelete ?? []) delete ct.config[key];
  Object.assign(ct.config, ct.pending ?? {});
  delete ct.pending;
  delete ct.pendingDelete;
}

/** pve-guest-common AbstractConfig.pm `add_unused_volume`: the first free unusedN. */
export function addUnused(ct: PveCt, value: string): void {
  const volid = mountVolume(value);
  if (!volid.includes(":")) return;
  if (Object.entries(ct.config).some(([k, v]) => /^unused\d+$/.test(k) && v === volid)) return;
  let i = 0;
  while (ct.config[`unused${i}`] !== undefined) i++;
  ct.config[`unused${i}`] = volid;
}

/** The config with pending changes applied (`load_current_config` without `current`). */
export function effectiveCtConfig(ct: PveCt): Record<string, string | number> {
  const out = { ...ct.config, ...(ct.pending ?? {}) };
  for (const key of ct.pendingDelete ?? []) delete out[key];
  return out;
}

/** pve-common JSONSchema.pm `parse_property_string`: `key=value` items, an item without `=` is the default key's value. */
export function parseProp(value: string, defaultKey?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of value.split(",")) {
    if (item === "") continue;
    const i = item.indexOf("=");
    if (i < 0 && defaultKey) out[defaultKey] = item;
    else if (i < 0) out[item] = "";
    else out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

/**
 * pve-common JSONSchema.pm `print_property_string`: the default key's value first, then the
 * required keys sorted, then the other keys sorted.
 */
export function printProp(data: Record<string, string>, defaultKey?: string, required: string[] = []): string {
  const parts: string[] = [];
  if (defaultKey && data[defaultKey] !== undefined) parts.push(data[defaultKey]);
  const keys = Object.keys(data).filter((k) => k !== defaultKey).sort();
  for (const k of [...keys.filter((k) => required.includes(k)), ...keys.filter((k) => !required.includes(k))]) parts.push(`${k}=${data[k]}`);
  return parts.join(",");
}

/** A mount point's volume (`volume` is the default key of `$mp_desc`, src/PVE/LXC/Config.pm). */
export function mountVolume(value: string): string {
  return parseProp(value, "volume").volume ?? "";
}

/** A mount point's size in bytes, from its `size=` option. */
export function mountSize(value: string): number {
  const size = parseProp(value, "volume").size;
  return size ? parseSize(size) : 0;
}

/**
 * `print_ct_mountpoint` (src/PVE/LXC/Config.pm): `print_property_string` of the mount point with
 * `size` (format `disk-size`, printed by pve-common `format_size`); `mp` is required for mp[n]
 * and skipped for rootfs.
 */
export function printMountpoint(key: string, value: string, volid: string, bytes: number): string {
  const data = { ...parseProp(value, "volume"), volume: volid, size: formatSize(bytes) };
  if (key === "rootfs") delete (data as Record<string, string>).mp;
  return printProp(data, "volume", key === "rootfs" ? [] : ["mp"]);
}

/**
 * The `ip --json a` view `get_interfaces` (src/PVE/LXC.pm) turns into the `interfaces` reply:
 * `lo`, then one interface per net[n] named by its `name=`, with its static address or, for
 * `dhcp`, an address `address(vmid, index)` gives.
 */
export function ctInterfaces(ct: PveCt, address: (vmid: number, index: number) => string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [
    { name: "lo", hwaddr: "00:00:00:00:00:00", "hardware-address": "00:00:00:00:00:00", inet: "127.0.0.1/8", inet6: "::1/128", "ip-addresses": [{ "ip-address-type": "inet", "ip-address": "127.0.0.1", prefix: 8 }, { "ip-address-type": "inet6", "ip-address": "::1", prefix: 128 }] },
  ];
  for (const [key, value] of Object.entries(ct.config).sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))) {
    const m = /^net(\d+)$/.exec(key);
    if (!m) continue;
    const opts = Object.fromEntries(String(value).split(",").map((kv) => { const i = kv.indexOf("="); return i < 0 ? [kv, ""] : [kv.slice(0, i), kv.slice(i + 1)]; }));
    if (opts.link_down === "1") continue;
    const mac = String(opts.hwaddr ?? "").toLowerCase();
    const addresses: Record<string, unknown>[] = [];
    const entry: Record<string, unknown> = { name: opts.name, hwaddr: mac, "hardware-address": mac };
    const ip = opts.ip === "dhcp" ? `${address(ct.vmid, Number(m[1]))}/24` : opts.ip && opts.ip !== "manual" ? opts.ip : undefined;
    if (ip) {
      const [addr = "", prefix = "32"] = ip.split("/");
      entry.inet = ip;
      addresses.push({ "ip-address-type": "inet", "ip-address": addr, prefix: Number(prefix) });
    }
    if (opts.ip6 && /\//.test(opts.ip6)) {
      const [addr = "", prefix = "64"] = String(opts.ip6).split("/");
      entry.inet6 = opts.ip6;
      addresses.push({ "ip-address-type": "inet6", "ip-address": addr, prefix: Number(prefix) });
    }
    entry["ip-addresses"] = addresses;
    out.push(entry);
  }
  return out;
}
