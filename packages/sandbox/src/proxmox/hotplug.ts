import { DISK_KEY, splitProp, str } from "./props.js";

/**
 * Which config changes a running VM takes at once and which wait in `[PENDING]` until the next
 * start (qemu-server src/PVE/QemuServer.pm `vmconfig_hotplug_pending`): the `$fast_plug_option`
 * keys and the cloud-init keys (`$confdesc_cloudinit`) always apply; `net<N>` with the `network`
 * hotplug feature; `scsi`/`virtio` disks with `disk` (never ide, sata, efidisk, tpmstate, nor the
 * cloud-init drive); `vcpus` with `cpu`; `memory` with `memory`; `tablet`/`usb<N>` with `usb`;
 * `balloon` when ballooning stays on or off; `cpuunits`, `cpulimit`; `agent` when only
 * `fstrim_cloned_disks` changes (`vmconfig_update_agent`). Everything else is pending.
 * The `hotplug` option defaults to `network,disk,usb` (`$confdesc->{hotplug}`, '1' is that alias,
 * '0' none; `parse_hotplug_features`).
 */
const FAST_PLUG = new Set(["description", "hookscript", "lock", "migrate_downtime", "migrate_speed", "name", "onboot", "protection", "shares", "startup", "tags", "vmstatestorage"]);
const CLOUDINIT = new Set(["citype", "ciuser", "cipassword", "ciupgrade", "cicustom", "searchdomain", "nameserver", "sshkeys"]);

export function hotplugFeatures(value: string | number | undefined): Set<string> {
  const v = value === undefined ? "1" : String(value);
  if (v === "0") return new Set();
  return new Set((v === "1" ? "network,disk,usb" : v).split(/[,;\s]+/).filter(Boolean));
}

/** qemu-server Drive.pm `drive_is_cdrom`: `media=cdrom` (an ISO, `cdrom` or `none`). */
const isCdrom = (v: string | number): boolean => splitProp(String(v)).opts.some(([k, val]) => k === "media" && val === "cdrom");

const agentOptions = (v: string | number | undefined): Record<string, string> => {
  if (v === undefined) return {};
  const { head, opts } = splitProp(String(v));
  const out: Record<string, string> = Object.fromEntries(opts);
  if (head.includes("=")) {
    const [k = "", val = ""] = head.split("=", 2);
    out[k] = val;
  } else out.enabled = head;
  delete out.fstrim_cloned_disks;
  return out;
};

/** Does a running VM apply this change (set `value`, or delete when undefined) at once? */
export function appliesWhileRunning(key: string, value: string | number | undefined, config: Record<string, string | number>): boolean {
  if (FAST_PLUG.has(key) || CLOUDINIT.has(key) || /^ipconfig\d+$/.test(key)) return true;
  const features = hotplugFeatures(config.hotplug);
  if (/^net\d+$/.test(key)) return features.has("network");
  if (DISK_KEY.test(key)) {
    // A CD drive that stays one takes a new medium at once, hotplug or not, on any bus
    // (`vmconfig_hotplug_pending` calls `vmconfig_update_disk`, whose cdrom branch changes the
    // medium through Blockdev.pm `change_medium` before its "skip" for ide/sata and no hotplug).
    // A cloud-init drive is regenerated after the other changes instead (`$cloudinit_opt`, "skip").
    if (value !== undefined && isCdrom(value) && !/cloudinit/.test(splitProp(String(value)).head) && config[key] !== undefined && isCdrom(config[key]!)) return true;
    if (!features.has("disk") || /^(efidisk|ide|sata|tpmstate)\d+$/.test(key)) return false;
    const v = str(value ?? config[key]) ?? "";
    return !/cloudinit/.test(splitProp(v).head);
  }
  if (key === "vcpus") return features.has("cpu");
  if (key === "memory") return features.has("memory");
  if (key === "tablet" || /^usb\d+$/.test(key)) return features.has("usb");
  if (key === "balloon") {
    const on = (v: string | number | undefined): boolean => v === undefined || Number(v) !== 0;
    return on(config.balloon) === on(value);
  }
  if (key === "cpuunits" || key === "cpulimit") return true;
  if (key === "agent") {
    if (config.agent === undefined || value === undefined) return false;
    return JSON.stringify(Object.entries(agentOptions(config.agent)).sort()) === JSON.stringify(Object.entries(agentOptions(value)).sort());
  }
  return false;
}

/**
 * GET .../pending (pve-guest-common src/PVE/GuestHelpers.pm `config_with_pending_array`): every
 * current key with its `value` (and `pending` / `delete` if changed), then keys only pending,
 * then pending deletes (`delete: 1`).
 */
export function pendingArray(config: Record<string, string | number>, pending: Record<string, string | number>, deletes: string[]): { key: string; value?: string; pending?: string; delete?: number }[] {
  const out: { key: string; value?: string; pending?: string; delete?: number }[] = [];
  for (const [key, value] of Object.entries(config)) {
    out.push({ key, value: String(value), ...(pending[key] !== undefined ? { pending: String(pending[key]) } : {}), ...(deletes.includes(key) ? { delete: 1 } : {}) });
  }
  for (const [key, value] of Object.entries(pending)) if (config[key] === undefined) out.push({ key, pending: String(value) });
  for (const key of deletes) if (config[key] === undefined) out.push({ key, delete: 1 });
  return out;
}
