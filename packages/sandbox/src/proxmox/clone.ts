import { ApiError, type Router, sleep } from "../router.js";
import { clone, type PveVm } from "../state.js";
import type { PveContext } from "./context.js";
import { LOCK_TIMEOUT_S } from "./locks.js";
import { bool, DISK_KEY, deterministicMac, formatSize, joinProp, parseSize, splitProp, str, uuidFor } from "./props.js";
import { storageEntry } from "./storageConfig.js";

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

/** The clone route. */
export function registerClone(r: Router, c: PveContext): void {
  const { store, faults, pve, locks, withConfigLock, allocateVolume, copyData, fail, ok, checkNode, vmid, getVm, checkUnlocked, startTask, isTemplate } = c;
  /**
   * Clone (qemu-server src/PVE/API2/Qemu.pm `clone_vm`). Checks run twice: before the task (HTTP
   * errors) and again inside it, under the locks (task errors, no prefix). The task locks a
   * stopped source shared and a running one exclusively (1 s), then the TARGET id exclusively
   * (1 s) for the whole clone, writes a temporary config `lock: clone` (from then on the id is
   * taken), clones each drive (allocation under the storage lock, copy outside it) and finally
   * drops the lock. Only errors after the temporary config is written get `clone failed: `; the
   * new config is removed then.
   */
  r.post("/nodes/:node/qemu/:vmid/clone", (q) => {
    const first = getVm(q.params.node!, q.params.vmid);
    const srcid = first.vmid;
    const newid = vmid(str(q.body.newid));
    const target = str(q.body.target);
    const storage = str(q.body.storage);
    const pool = str(q.body.pool);
    const running = first.status === "running";
    const loadAndCheck = () => {
      // pve-access-control RPCEnvironment.pm check_pool_exist -> pve-common Exception.pm raise_perm_exc (403).
      if (pool !== undefined && !pve.pools[pool]) fail(403, `Permission check failed (pool '${pool}' does not exist)`);
      if (target) checkNode(target);
      if (storage) {
        const s = storageEntry(pve, storage) ?? fail(500, `storage '${storage}' does not exist`);
        if (!s.content.split(",").includes("images")) fail(400, "Parameter verification failed.", { storage: `storage '${storage}' does not support vm images` });
      }
      const src = pve.vms[srcid] ?? fail(500, `Configuration file 'nodes/${first.node}/qemu-server/${srcid}.conf' does not exist`);
      checkUnlocked(src);
      if ((src.status === "running") !== running) fail(500, "unexpected state change");
      const full = q.body.full === undefined ? !isTemplate(src) : bool(q.body.full);
      if (storage !== undefined && !full) fail(500, "parameter 'storage' not allowed for linked clones");
      if (q.body.format !== undefined && !full) fail(500, "parameter 'format' not allowed for linked clones");
      const plan = planClone(src, newid, { full, name: str(q.body.name), description: str(q.body.description) });
      if (target && target !== src.node && plan.drives.length > 0) fail(500, `can't clone VM to node '${target}' (VM uses local storage)`);
      if (pve.vms[newid]) fail(500, `unable to create VM ${newid}: config file already exists`);
      return { src, full, plan };
    };
    try {
      loadAndCheck();
    } catch (e) {
      if (e instanceof ApiError) throw e;
      fail(500, e instanceof Error ? e.message : String(e));
    }
    const upid = startTask(first.node, "qmclone", srcid, async (task) => {
      await withConfigLock(srcid, running ? "exclusive" : "shared", LOCK_TIMEOUT_S.clone, () =>
        withConfigLock(newid, "exclusive", LOCK_TIMEOUT_S.clone, async () => {
          const { src, full, plan } = loadAndCheck();
          task.log.push(`creating a clone of VM ${srcid} with ID ${newid}`);
          // The temporary config, then pve-firewall src/PVE/Firewall/Helpers.pm `clone_vmfw_conf`:
          // the whole `<vmid>.fw` (options and rules) is copied to `<newid>.fw`.
          const vm: PveVm = { vmid: newid, node: src.node, status: "stopped", lock: "clone", config: {}, firewall: clone(src.firewall) };
          pve.vms[newid] = vm;
          store.changed();
          try {
            const cloned: Record<string, string> = {};
            const taken = new Set<string>();
            for (const drive of plan.drives) {
              task.log.push(`create ${drive.mode === "linked" ? "linked" : "full"} clone of drive ${drive.key} (${drive.volid})`);
              const targetStorage = drive.mode === "linked" ? drive.storage : storage ?? drive.storage;
              const volid = await allocateVolume(targetStorage, () => clonedVolume(drive, newid, targetStorage, taken));
              taken.add(volid);
              if (drive.mode !== "linked") task.log.push(`allocated target volume '${volid}'`);
              if (drive.mode === "copy") {
                await copyData(targetStorage, drive.bytes);
                task.log.push(`transferred ${formatSize(drive.bytes)} of ${formatSize(drive.bytes)} (100.00%)`);
              }
              if (!pve.vms[newid]) throw new Error(`Configuration file 'nodes/${vm.node}/qemu-server/${newid}.conf' does not exist`);
              cloned[drive.key] = drive.mode === "cloudinit"
                ? joinProp(volid, [...drive.opts.filter(([k]) => k !== "media"), ["media", "cdrom"]])
                : joinProp(volid, [...drive.opts, ["size", formatSize(drive.bytes || 4 * 1024 * 1024)]]);
              vm.config = { ...plan.config, ...cloned };
              store.changed();
            }
            // Injected slowness (a slow storage or a busy host): the clone holds its locks longer.
            await sleep(faults.slowMs);
            vm.config = { ...plan.config, ...cloned };
            if (pool !== undefined) vm.config.pool = pool;
            if (target && target !== src.node) vm.node = target;
            delete vm.lock;
            store.changed();
          } catch (e) {
            delete pve.vms[newid];
            store.changed();
            throw new Error(`clone failed: ${e instanceof Error ? e.message : String(e)}`);
          }
        }, () => faults.shouldTimeOutLock()), () => false);
    }, 0, false);
    return ok(upid);
  });
}
