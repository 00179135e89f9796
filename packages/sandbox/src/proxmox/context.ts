import { createHash } from "node:crypto";
import type { Faults } from "../faults.js";
import { ApiError, type ApiResponse, sleep } from "../router.js";
import type { PveTask, PveVm, PveVolume, Store } from "../state.js";
import { removeVmidFromJob } from "./backup.js";
import { appliesWhileRunning } from "./hotplug.js";
import { requestToken } from "./permissions.js";
import { configLockFile, FlockTable, LOCK_TIMEOUT_S, LockTimeoutError, type LockMode, storageLockFile } from "./locks.js";
import { physics, type ProxmoxTiming, SharedBandwidth, soloCopyMs, wall } from "./physics.js";
import { bool, DISK_KEY, DOWNLOADED_IMAGE_BYTES, deterministicMac, formatSize, GiB, hex8, INT_KEYS, joinProp, parseSize, splitProp, str, TRANSIENT_KEYS } from "./props.js";
import { storageDefinition } from "./storageConfig.js";
import { configVolumes, destroyGuestVolumes, freeVolume, volumeAllocated, volumeExists, volumeOwner, volumeSize } from "./ownership.js";

export interface ProxmoxContext {
  store: Store;
  faults: Faults;
  timing?: ProxmoxTiming;
}

/**
 * What every resource area of the emulated Proxmox VE shares: the state, the lock table, the
 * task runner, VM lookups and config normalisation. One instance per sandbox.
 */
export function createContext(ctx: ProxmoxContext) {
  const { store, faults } = ctx;
  const phys = physics(ctx.timing);
  const pve = store.data.proxmox;
  const locks = new FlockTable();
  const bandwidth = new Map<string, SharedBandwidth>();
  const storageBandwidth = (storage: string): SharedBandwidth => {
    let b = bandwidth.get(storage);
    if (!b) bandwidth.set(storage, (b = new SharedBandwidth()));
    return b;
  };
  const scaled = (realMs: number): number => wall(phys, realMs);

  /**
   * Run `fn` holding a VM's config lock (pve-guest-common AbstractConfig.pm `lock_config_full` /
   * `lock_config_shared`); a timeout (real or injected) throws Proxmox's "can't lock file" error.
   */
  async function withConfigLock<T>(vmid: number, mode: LockMode, timeoutS: number, fn: () => Promise<T> | T, inject = () => faults.shouldTimeOutConfigLock()): Promise<T> {
    const file = configLockFile(vmid);
    if (inject()) {
      await sleep(scaled(timeoutS * 1000));
      throw new LockTimeoutError(file);
    }
    return locks.with(file, mode, scaled(timeoutS * 1000), fn);
  }

  /**
   * Allocate a volume under the storage lock (pve-storage Storage.pm `vdisk_alloc` / `vdisk_clone`
   * -> Plugin.pm `cluster_lock_storage`, 10 s), holding it for the allocation time only.
   */
  async function allocateVolume<T>(storage: string, fn: () => T): Promise<T> {
    const file = storageLockFile(storage);
    if (faults.shouldTimeOutStorageLock()) {
      await sleep(scaled(LOCK_TIMEOUT_S.storage * 1000));
      throw new LockTimeoutError(file);
    }
    return locks.with(file, "exclusive", scaled(LOCK_TIMEOUT_S.storage * 1000), async () => {
      await sleep(scaled(phys.allocateMs));
      return fn();
    });
  }

  /** Copy a volume's data onto `storage` (qemu-server QemuServer.pm `clone_disk_copy_data`), sharing the storage's bandwidth. */
  async function copyData(storage: string, bytes: number): Promise<void> {
    const work = phys.cloneMs !== undefined ? phys.cloneMs : scaled(soloCopyMs(bytes, phys.copyMiBps[storage] ?? 200));
    await storageBandwidth(storage).transfer(work);
  }
  const tokenUser = (): string => requestToken.getStore() ?? store.data.credentials.proxmoxApiToken.split("=")[0] ?? "root@pam";

  const fail = (status: number, message: string, fields?: Record<string, string>): never => {
    throw new ApiError(status, message, undefined, fields);
  };
  const ok = (data: unknown = null): ApiResponse => ({ status: 200, body: { data } });
  const checkNode = (node: string): void => {
    if (!pve.nodes.includes(node)) fail(500, `hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`);
  };
  const vmid = (raw: string | undefined): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 100 || n > 999_999_999) fail(400, "Parameter verification failed.", { vmid: `invalid format - value '${String(raw)}' does not look like a valid VM ID` });
    return n;
  };
  const getVm = (node: string, id: string | undefined): PveVm => {
    checkNode(node);
    const n = vmid(id);
    const vm = pve.vms[n];
    if (!vm || vm.node !== node) return fail(500, `Configuration file 'nodes/${node}/qemu-server/${n}.conf' does not exist`);
    return vm;
  };
  /** pve-guest-common AbstractConfig.pm `check_lock`: `guest_type() . " is locked ($conf->{lock})"`, guest_type "VM" (QemuConfig.pm). */
  const checkUnlocked = (vm: PveVm): void => {
    if (vm.lock) fail(500, `VM is locked (${vm.lock})`);
  };
  /** Re-read a VM inside a lock: it may have gone while the caller waited (the Perl code calls load_config again). */
  const reload = (vm: PveVm): PveVm => {
    const now = pve.vms[vm.vmid];
    if (!now) throw new Error(`Configuration file 'nodes/${vm.node}/qemu-server/${vm.vmid}.conf' does not exist`);
    return now;
  };

  /**
   * A worker task (pve-common RESTEnvironment.pm `fork_worker`): the work's error becomes the last
   * log line `TASK ERROR: <message>` (newlines turned into spaces) and the exit status.
   */
  function startTask(node: string, type: string, id: string | number, work?: (task: PveTask) => Promise<void> | void, durationMs = scaled(phys.taskMs), slowed = true): string {
    const pid = pve.nextPid++;
    const starttime = Math.floor(Date.now() / 1000);
    const pstart = (pid * 7919) % 0xffffff;
    const user = tokenUser();
    const upid = `UPID:${node}:${hex8(pid)}:${hex8(pstart)}:${hex8(starttime)}:${type}:${id}:${user}:`;
    const task: PveTask = { upid, node, type, id: String(id), user, pid, pstart, starttime, status: "running", log: [] };
    pve.tasks[upid] = task;
    store.changed();
    void (async () => {
      try {
        await sleep(durationMs + (slowed ? faults.slowMs : 0));
        await work?.(task);
        task.log.push("TASK OK");
        task.exitstatus = "OK";
      } catch (e) {
        const message = (e instanceof Error ? e.message : String(e)).trim().replace(/\n/g, " ");
        task.log.push(`TASK ERROR: ${message}`);
        task.exitstatus = message;
      }
      task.status = "stopped";
      task.endtime = Math.floor(Date.now() / 1000);
      store.changed();
    })();
    return upid;
  }

  function volumes(node: string, storage: string): PveVolume[] {
    const key = `${node}/${storage}`;
    return (pve.volumes[key] ??= []);
  }

  /** VM disks (and cloud-init drives) live on storage too: list them like Proxmox does, from the VM configs. */
  function vmVolumes(node: string, storage: string): PveVolume[] {
    const out: PveVolume[] = [];
    const format = storageDefinition(pve, storage)?.type === "dir" ? "qcow2" : "raw";
    for (const vm of Object.values(pve.vms)) {
      if (vm.node !== node) continue;
      for (const [key, value] of Object.entries(vm.config)) {
        if (!DISK_KEY.test(key)) continue;
        const { head, opts } = splitProp(String(value));
        if (!head.startsWith(`${storage}:`) || !/(vm|base)-\d+-/.test(head) || pve.freedVolumes?.includes(head) || out.some((v) => v.volid === head)) continue;
        const size = opts.find(([k]) => k === "size")?.[1];
        const owner = /vm-(\d+)-[^/]*$/.exec(head) ?? /base-(\d+)-/.exec(head);
        out.push({ volid: head, content: "images", format, size: size ? parseSize(size) : 4 * 1024 * 1024, ctime: Math.floor((vm.startedAt ?? Date.now()) / 1000), vmid: Number(owner?.[1] ?? vm.vmid) });
      }
    }
    return out;
  }

  function nextDiskIndex(vm: PveVm, pending: Record<string, string | number>): number {
    const used = new Set<number>();
    for (const v of [...Object.values(vm.config), ...Object.values(pending)]) {
      const m = new RegExp(`vm-${vm.vmid}-disk-(\\d+)`).exec(String(v));
      if (m) used.add(Number(m[1]));
    }
    let i = 0;
    while (used.has(i)) i++;
    return i;
  }

  /** Turn a disk spec as written by a client into what Proxmox stores (allocated volume with a size). */
  function normalizeDisk(vm: PveVm, key: string, value: string, pending: Record<string, string | number>): string {
    // The volume is the property string's default key: `file=local-lvm:8,...` is `local-lvm:8,...`.
    if (value.startsWith("file=")) value = value.slice("file=".length);
    const { head, opts } = splitProp(value);
    const media = opts.find(([k]) => k === "media")?.[1];
    if (head === "none" || head === "cdrom" || media === "cdrom" && !head.endsWith(":cloudinit")) return joinProp(head, opts);
    const colon = head.indexOf(":");
    const storage = colon > 0 ? head.slice(0, colon) : "";
    const volume = colon > 0 ? head.slice(colon + 1) : head;
    if (storage && !storageDefinition(pve, storage)) fail(500, `storage '${storage}' does not exist`);
    if (volume === "cloudinit") return joinProp(`${storage}:vm-${vm.vmid}-cloudinit`, [["media", "cdrom"]]);
    if (/^\d+(\.\d+)?$/.test(volume)) {
      const importFrom = opts.find(([k]) => k === "import-from")?.[1];
      let bytes = Number(volume) * GiB;
      if (importFrom) {
        const [srcStorage = "", srcPath = ""] = importFrom.split(":", 2);
        const src = volumes(vm.node, srcStorage).find((v) => v.volid === importFrom);
        if (!src && !srcPath.startsWith("/")) fail(500, `unable to parse volume ID '${importFrom}'`);
        bytes = src?.size ?? DOWNLOADED_IMAGE_BYTES;
      }
      const rest = opts.filter(([k]) => k !== "import-from" && k !== "size");
      const kind = key.startsWith("efidisk") || key.startsWith("tpmstate") ? key.replace(/\d+$/, "") : "disk";
      const name = kind === "disk" ? `vm-${vm.vmid}-disk-${nextDiskIndex(vm, pending)}` : `vm-${vm.vmid}-${kind}-0`;
      volumeAllocated(pve, `${storage}:${name}`);
      return joinProp(`${storage}:${name}`, [...rest, ["size", formatSize(bytes || 4 * 1024 * 1024)]]);
    }
    // An existing volume (API2/Qemu.pm `$create_disks`): "volume <volid> does not exist" when it
    // is gone, and the size is the storage's (`volume_size_info`), whatever the client says.
    if (storage && !volumeExists(pve, head)) fail(500, `volume ${head} does not exist`);
    const stored = storage ? volumeSize(pve, head) : undefined;
    if (stored !== undefined) return joinProp(head, [...opts.filter(([k]) => k !== "size"), ["size", formatSize(stored)]]);
    // Proxmox prints its size with a unit (clients may send bytes), and keeps the size it knows
    // when the client leaves it out.
    const size = opts.find(([k]) => k === "size")?.[1];
    if (size !== undefined) return joinProp(head, opts.map(([k, v]): [string, string] => (k === "size" ? [k, formatSize(parseSize(v))] : [k, v])));
    const previous = Object.values(vm.config).map(String).find((v) => splitProp(v).head === head);
    const previousSize = previous ? splitProp(previous).opts.find(([k]) => k === "size")?.[1] : undefined;
    return previousSize ? joinProp(head, [...opts, ["size", previousSize]]) : joinProp(head, opts);
  }

  /**
   * NICs are stored as `virtio=<MAC>,bridge=...`. Clients write `virtio,...`, `model=virtio,...`
   * or `virtio=<MAC>,...`, with or without `macaddr=`; a NIC without a MAC keeps its old one or gets one.
   */
  function normalizeNet(vm: PveVm, key: string, value: string): string {
    const { head, opts } = splitProp(value);
    const [first = "", second] = head.split("=", 2);
    const model = first === "model" ? (second ?? "virtio") : first;
    const headMac = first !== "model" ? second : undefined;
    const index = Number(key.slice(3));
    const macaddr = opts.find(([k]) => k === "macaddr")?.[1];
    const previous = str(vm.config[key]);
    const previousMac = previous ? splitProp(previous).head.split("=")[1] : undefined;
    const mac = (headMac || macaddr || previousMac || deterministicMac(vm.vmid, index)).toUpperCase();
    return joinProp(`${model}=${mac}`, opts.filter(([k]) => k !== "macaddr" && k !== "model"));
  }

  /**
   * Apply a config write (create, PUT/POST config; qemu-server API2/Qemu.pm `update_vm_api`):
   * `delete` list first, then the values. On a stopped VM everything applies
   * (`vmconfig_apply_pending`); on a running one what cannot be hot-plugged stays pending
   * (`vmconfig_hotplug_pending`, see hotplug.ts) until the next start.
   */
  function applyConfig(vm: PveVm, body: Record<string, unknown>): void {
    const values: Record<string, string | number> = {};
    for (const [key, raw] of Object.entries(body)) {
      if (TRANSIENT_KEYS.has(key) || raw === undefined || raw === null) continue;
      let value = String(raw);
      if (DISK_KEY.test(key)) value = normalizeDisk(vm, key, value, values);
      else if (/^net\d+$/.test(key)) value = normalizeNet(vm, key, value);
      // Like Proxmox, keep only a hash of the cloud-init password (never the password itself).
      else if (key === "cipassword") value = `$6$sandbox$${createHash("sha512").update(value).digest("base64")}`;
      values[key] = value;
    }
    const deletes = str(body.delete)?.split(/[,;\s]+/).filter(Boolean) ?? [];
    for (const key of deletes) if (key in values) fail(400, "Parameter verification failed.", { delete: `cannot set and delete '${key}' at the same time` });
    const running = vm.status === "running";
    const pending = (vm.pending ??= {});
    const pendingDelete = new Set(vm.pendingDelete ?? []);
    for (const key of deletes) {
      delete pending[key];
      if (!running || appliesWhileRunning(key, undefined, vm.config)) {
        detachDrive(vm, key);
        delete vm.config[key];
        pendingDelete.delete(key);
      } else if (vm.config[key] !== undefined) pendingDelete.add(key);
    }
    for (const [key, value] of Object.entries(values)) {
      pendingDelete.delete(key);
      if (!running || appliesWhileRunning(key, value, vm.config)) {
        vm.config[key] = value;
        delete pending[key];
      } else if (String(vm.config[key]) === value) delete pending[key];
      else pending[key] = value;
    }
    vm.pendingDelete = [...pendingDelete];
    if (vm.pendingDelete.length === 0) delete vm.pendingDelete;
    if (Object.keys(pending).length === 0) delete vm.pending;
  }

  /**
   * A drive leaves the config (QemuServer.pm `vmconfig_delete_or_detach_drive` without `force` ->
   * `vmconfig_register_unused_drive`): a cloud-init drive is freed, a volume the VM owns stays as
   * `unusedN` (AbstractConfig.pm `add_unused_volume`), a volume of another owner is only detached.
   * The caller then removes the key.
   */
  function detachDrive(vm: PveVm, key: string): void {
    if (!DISK_KEY.test(key) || vm.config[key] === undefined) return;
    const { head, opts } = splitProp(String(vm.config[key]).replace(/^file=/, ""));
    if (!head.includes(":")) return;
    if (/-cloudinit$/.test(head)) {
      const value = vm.config[key];
      delete vm.config[key];
      freeVolume(pve, head);
      vm.config[key] = value!;
      return;
    }
    if (opts.some(([k, v]) => k === "media" && v === "cdrom") || volumeOwner(head) !== vm.vmid) return;
    if (Object.entries(vm.config).some(([k, v]) => /^unused\d+$/.test(k) && v === head)) return;
    let i = 0;
    while (vm.config[`unused${i}`] !== undefined) i++;
    vm.config[`unused${i}`] = head;
  }

  /** QemuServer.pm `vmconfig_apply_pending` (on start): pending values and deletes become the config. */
  function applyPending(vm: PveVm): void {
    for (const key of vm.pendingDelete ?? []) {
      detachDrive(vm, key);
      delete vm.config[key];
    }
    Object.assign(vm.config, vm.pending ?? {});
    delete vm.pending;
    delete vm.pendingDelete;
  }

  /** The config with pending changes applied (AbstractConfig.pm `load_current_config` without `current`). */
  function effectiveConfig(vm: PveVm): Record<string, string | number> {
    const out = { ...vm.config, ...(vm.pending ?? {}) };
    for (const key of vm.pendingDelete ?? []) delete out[key];
    return out;
  }

  /** GET config: with pending values unless `current` (qemu-server API2/Qemu.pm `vm_config`). */
  function renderConfig(vm: PveVm, current = false): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(current ? vm.config : effectiveConfig(vm))) out[k] = INT_KEYS.has(k) && /^-?\d+$/.test(String(v)) ? Number(v) : v;
    // Proxmox never returns the cloud-init password, only a mask.
    if (out.cipassword !== undefined) out.cipassword = "**********";
    if (vm.lock) out.lock = vm.lock;
    out.digest = createHash("sha1").update(JSON.stringify([vm.config, vm.pending ?? {}, vm.pendingDelete ?? []])).digest("hex");
    return out;
  }

  const diskBytes = (vm: PveVm): number => {
    const boot = Object.entries(vm.config).find(([k, v]) => DISK_KEY.test(k) && !String(v).includes("media=cdrom") && /^(scsi|virtio|sata|ide)/.test(k));
    const size = boot ? splitProp(String(boot[1])).opts.find(([k]) => k === "size")?.[1] : undefined;
    return size ? parseSize(size) : 0;
  };
  const memoryBytes = (vm: PveVm): number => Number(vm.config.memory ?? 512) * 1024 * 1024;
  const cpus = (vm: PveVm): number => Number(vm.config.cores ?? 1) * Number(vm.config.sockets ?? 1);
  const isTemplate = (vm: PveVm): boolean => bool(vm.config.template);
  const agentEnabled = (vm: PveVm): boolean => {
    const a = str(vm.config.agent);
    return !!a && (a === "1" || /(^|,)enabled=1/.test(a) || /^1,/.test(a));
  };

  function vmResource(vm: PveVm): Record<string, unknown> {
    return {
      id: `qemu/${vm.vmid}`,
      type: "qemu",
      vmid: vm.vmid,
      node: vm.node,
      name: vm.config.name ?? `VM ${vm.vmid}`,
      status: vm.status,
      template: isTemplate(vm) ? 1 : 0,
      maxcpu: cpus(vm),
      maxmem: memoryBytes(vm),
      maxdisk: diskBytes(vm),
      cpu: 0,
      mem: vm.status === "running" ? Math.floor(memoryBytes(vm) / 4) : 0,
      disk: 0,
      uptime: vm.status === "running" && vm.startedAt ? Math.floor((Date.now() - vm.startedAt) / 1000) : 0,
      netin: 0,
      netout: 0,
      diskread: 0,
      diskwrite: 0,
      ...(vm.config.tags ? { tags: vm.config.tags } : {}),
      ...(vm.config.pool ? { pool: vm.config.pool } : {}),
      ...(vm.lock ? { lock: vm.lock } : {}),
    };
  }

  /**
   * QemuServer.pm `destroy_vm`: the config goes, then the volumes it names that the VM owns
   * (unused ones too); with `destroy-unreferenced-disks` every other volume it owns as well
   * (ownership.ts `destroyGuestVolumes`). Volumes of other owners it names are left alone.
   */
  function destroyVm(vm: PveVm, purge: boolean, unreferenced = false): void {
    const named = configVolumes(vm.config, vm.pending ?? {});
    delete pve.vms[vm.vmid];
    destroyGuestVolumes(pve, vm.vmid, named, unreferenced);
    if (purge) {
      // qemu-server API2/Qemu.pm destroy_vm with purge -> PVE::VZDump::Plugin::remove_vmid_from_backup_jobs.
      for (const [id, job] of Object.entries(pve.backupJobs)) {
        const updated = removeVmidFromJob(job, vm.vmid);
        if (updated) pve.backupJobs[id] = updated;
        else delete pve.backupJobs[id];
      }
    }
  }

  function usedBytes(node: string, storage: string): number {
    return [...volumes(node, storage), ...vmVolumes(node, storage)].reduce((sum, v) => sum + v.size, 0);
  }

  return { applyPending, effectiveConfig, store, faults, pve, phys, locks, scaled, withConfigLock, allocateVolume, copyData, tokenUser, fail, ok, checkNode, vmid, getVm, checkUnlocked, reload, startTask, volumes, vmVolumes, nextDiskIndex, normalizeDisk, normalizeNet, applyConfig, renderConfig, diskBytes, memoryBytes, cpus, isTemplate, agentEnabled, vmResource, destroyVm, usedBytes };
}

export type PveContext = ReturnType<typeof createContext>;
