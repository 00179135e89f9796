import { createHash } from "node:crypto";
import { type ApiRequest, type ApiResponse, type Router, sleep } from "../router.js";
import type { PveVolume } from "../state.js";
import { guestAddress } from "./agent.js";
import { pendingArray } from "./hotplug.js";
import { removeVmidFromJob } from "./backup.js";
import type { PveContext } from "./context.js";
import { guestDestroyChecks, guestDestroyCleanup } from "./guestCleanup.js";
import { storageEntry } from "./storageConfig.js";
import { LOCK_TIMEOUT_S, LockTimeoutError } from "./locks.js";
import { configVolumes, destroyGuestVolumes, volumeAllocated, volumeOwner } from "./ownership.js";
import { applyCtConfig, applyCtPending, ctInterfaces, ctLockFile, effectiveCtConfig, mountSize, mountVolume, NEW_DISK_RE, parseProp, printMountpoint, printProp, type PveCt, REQUIRED, VOLUME_KEY } from "./lxcRules.js";
import { bool, deterministicMac, parseSize, STORAGES, str } from "./props.js";

export type { PveCt } from "./lxcRules.js";

/** Parameters of `create_vm` that are not config options (extracted before `update_pct_config`). */
const CREATE_ONLY = new Set(["node", "vmid", "ostemplate", "password", "storage", "force", "restore", "unique", "pool", "ignore-unpack-errors", "ssh-public-keys", "bwlimit", "start", "ha-managed", "unprivileged"]);
/** Config values the reply types as integers or numbers (schema `/nodes/{node}/lxc/{vmid}/config`). */
const NUMERIC = new Set(["cores", "memory", "swap", "cpuunits", "tty", "console", "onboot", "protection", "template", "unprivileged", "cpulimit"]);

/** The containers of the store (a state file from before containers has none). */
export const containersOf = (c: PveContext): Record<string, PveCt> => ((c.pve as { containers?: Record<string, PveCt> }).containers ??= {});

const rootBytes = (ct: PveCt): number => (ct.config.rootfs ? mountSize(String(ct.config.rootfs)) : 0);
const memBytes = (ct: PveCt): number => Number(ct.config.memory ?? 512) * 1024 * 1024;

/** `vmstatus` (src/PVE/LXC.pm) for one container, as list, status and cluster resources show it. */
export function ctStatus(ct: PveCt): Record<string, unknown> {
  const running = ct.status === "running";
  return {
    vmid: ct.vmid,
    name: String(ct.config.hostname ?? `CT${ct.vmid}`),
    status: ct.status,
    type: "lxc",
    cpus: Number(ct.config.cores ?? 1),
    cpu: 0,
    maxmem: memBytes(ct),
    mem: running ? Math.floor(memBytes(ct) / 8) : 0,
    maxswap: Number(ct.config.swap ?? 512) * 1024 * 1024,
    swap: 0,
    maxdisk: rootBytes(ct),
    disk: running ? Math.floor(rootBytes(ct) / 4) : 0,
    uptime: running && ct.startedAt ? Math.floor((Date.now() - ct.startedAt) / 1000) : 0,
    netin: 0,
    netout: 0,
    diskread: 0,
    diskwrite: 0,
    ...(running ? { pid: 20_000 + ct.vmid } : {}),
    ...(ct.lock ? { lock: ct.lock } : {}),
    ...(ct.config.tags ? { tags: String(ct.config.tags) } : {}),
    ...(bool(ct.config.template) ? { template: 1 } : {}),
  };
}


/** A container in `/cluster/resources` (pve-manager PVE/API2/Cluster.pm `resources`: `id` `lxc/<vmid>`, `type` `lxc`). */
export function ctResource(ct: PveCt): Record<string, unknown> {
  const { pid: _pid, ...st } = ctStatus(ct);
  return { id: `lxc/${ct.vmid}`, node: ct.node, ...st, template: bool(ct.config.template) ? 1 : 0, ...(ct.pool ? { pool: ct.pool } : {}) };
}

/**
 * LXC containers (proxmox/pve-container `src/PVE/API2/LXC.pm`, `API2/LXC/Config.pm`,
 * `API2/LXC/Status.pm`; config rules in `src/PVE/LXC/Config.pm`, see lxcRules.ts). Ids are
 * shared with VMs (pve-cluster `Cluster.pm` `check_vmid_unused`).
 */
export function registerLxc(r: Router, c: PveContext): void {
  const { store, pve, faults, locks, scaled, fail, ok, checkNode, vmid, startTask, volumes, allocateVolume } = c;
  const cts = containersOf(c);
  const param = (field: string, why: string): never => fail(400, "Parameter verification failed.", { [field]: why });

  /** pve-guest-common AbstractConfig.pm `lock_config` (10 s) on the container's lock file. */
  async function withCtLock<T>(id: number, timeoutS: number, fn: () => Promise<T> | T): Promise<T> {
    const file = ctLockFile(id);
    if (faults.shouldTimeOutConfigLock()) {
      await sleep(scaled(timeoutS * 1000));
      throw new LockTimeoutError(file);
    }
    return locks.with(file, "exclusive", scaled(timeoutS * 1000), fn);
  }
  /** `load_config`: "Configuration file 'nodes/<node>/lxc/<vmid>.conf' does not exist" (pve-guest-common AbstractConfig.pm). */
  const getCt = (node: string, id: string | undefined): PveCt => {
    checkNode(node);
    const n = vmid(id);
    const ct = cts[n];
    if (!ct || ct.node !== node) return fail(500, `Configuration file 'nodes/${node}/lxc/${n}.conf' does not exist`);
    return ct;
  };
  const reload = (ct: PveCt): PveCt => cts[ct.vmid] ?? (() => { throw new Error(`Configuration file 'nodes/${ct.node}/lxc/${ct.vmid}.conf' does not exist`); })();
  /** AbstractConfig.pm `check_lock`: `guest_type() . " is locked ($lock)"`, guest_type "CT" (LXC/Config.pm). */
  const checkUnlocked = (ct: PveCt): void => {
    if (ct.lock) fail(500, `CT is locked (${ct.lock})`);
  };
  /** AbstractConfig.pm `check_protection`: "$err_msg - protection mode enabled". */
  const checkProtection = (ct: PveCt, msg: string): void => {
    if (bool(ct.config.protection)) fail(500, `${msg} - protection mode enabled`);
  };
  /** pve-cluster `check_vmid_unused`: "VM|CT <id> already exists on node '<node>'". */
  const checkIdUnused = (id: number): void => {
    const vm = pve.vms[id];
    if (vm) fail(500, `VM ${id} already exists on node '${vm.node}'`);
    const ct = cts[id];
    if (ct) fail(500, `CT ${id} already exists on node '${ct.node}'`);
  };
  const ctVolumes = (ct: PveCt): [string, string][] => Object.entries(ct.config).filter(([k]) => VOLUME_KEY.test(k) || /^unused\d+$/.test(k)).map(([k, v]) => [k, String(v)]);
  /** The config file's SHA1 (`digest`); pve-common Tools.pm `assert_if_modified` compares it. */
  const digestOf = (ct: PveCt): string => createHash("sha1").update(JSON.stringify([ct.config, ct.pending ?? {}, ct.pendingDelete ?? [], ct.lock ?? ""])).digest("hex");

  /**
   * Turn the options of a create or config write into what Proxmox stores: `net[n]` gets
   * `type=veth` and a MAC when it has none (Config.pm `parse_lxc_network`), `tags` are made
   * unique (pve-guest-common GuestHelpers.pm `get_unique_tags`).
   */
  const normalize = (ct: PveCt, key: string, raw: unknown): string | number => {
    let value = String(raw);
    if (/^net\d+$/.test(key)) {
      // parse_lxc_network then print_lxc_network: `type` is always veth, `hwaddr` kept or new; `name` is required.
      const net = parseProp(value);
      const prevMac = ct.config[key] !== undefined ? parseProp(String(ct.config[key])).hwaddr : undefined;
      net.hwaddr ||= prevMac ?? deterministicMac(ct.vmid, Number(key.slice(3)));
      net.type = "veth";
      value = printProp(net, undefined, ["name"]);
    } else if (key === "tags") value = [...new Set(value.split(/[;,\s]+/).filter(Boolean))].join(";");
    return NUMERIC.has(key) && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  };

  /** A mount point given as `<storage>:<GiB>` gets a new volume (src/PVE/LXC.pm `create_disks` -> `alloc_disk`). */
  const volumeFor = (ct: PveCt, storage: string, bytes: number): PveVolume => {
    const taken = new Set(Object.values(pve.volumes).flat().map((v) => v.volid));
    let i = 0;
    const type = storageEntry(pve, storage, ct.node)?.type;
    const name = (n: number): string =>
      // Storage.pm `vdisk_alloc` names: `vm-<vmid>-disk-<n>` on LVM-thin, `<vmid>/vm-<vmid>-disk-<n>.raw` on a directory, and on a
      // ZFS pool a `subvol` (pve-container src/PVE/LXC.pm `alloc_disk`; pve-storage src/PVE/Storage/ZFSPoolPlugin.pm `alloc_image`).
      type === "dir" ? `${storage}:${ct.vmid}/vm-${ct.vmid}-disk-${n}.raw` : type === "zfspool" ? `${storage}:subvol-${ct.vmid}-disk-${n}` : `${storage}:vm-${ct.vmid}-disk-${n}`;
    while (taken.has(name(i))) i++;
    const volid = name(i);
    return { volid, content: "rootdir", format: "raw", size: bytes, ctime: Math.floor(Date.now() / 1000), vmid: ct.vmid };
  };
  /** `check_and_activate_storage` / `update_pct_config` `$check_content_type`: the storage must take containers. */
  const checkRootdirStorage = (sid: string, field: string, inRequest: boolean): void => {
    const s = storageEntry(pve, sid);
    if (!s) fail(500, `storage '${sid}' does not exist`);
    if (!s!.content.split(",").includes("rootdir")) {
      if (inRequest) param(field, `storage '${sid}' does not support container directories`);
      else fail(500, `storage '${sid}' does not allow content type 'rootdir' (Container)`);
    }
  };
  const findVolume = (volid: string): { list: PveVolume[]; v: PveVolume } | undefined => {
    for (const list of Object.values(pve.volumes)) {
      const v = list.find((x) => x.volid === volid);
      if (v) return { list, v };
    }
    return undefined;
  };
  /** Allocate the new volumes a set of mount points asks for, under the storage lock, and write them into `target`. */
  async function createDisks(ct: PveCt, mps: Record<string, string>, target: Record<string, string | number>): Promise<PveVolume[]> {
    const made: PveVolume[] = [];
    for (const [key, value] of Object.entries(mps).sort(([a], [b]) => (a === "rootfs" ? -1 : b === "rootfs" ? 1 : a.localeCompare(b, undefined, { numeric: true })))) {
      const volume = mountVolume(value);
      const m = NEW_DISK_RE.exec(volume);
      if (!m) {
        target[key] = value;
        continue;
      }
      // create_disks: `$size_kb = int($size_gb * 1024) * 1024`.
      const bytes = Math.floor(Number(m[2]) * 1024) * 1024 * 1024;
      const v = await allocateVolume(m[1]!, () => {
        const vol = volumeFor(ct, m[1]!, bytes);
        volumeAllocated(pve, vol.volid);
        volumes(ct.node, m[1]!).push(vol);
        return vol;
      });
      made.push(v);
      target[key] = printMountpoint(key, value, v.volid, bytes);
    }
    return made;
  }
  const freeVolumes = (vols: string[]): void => {
    for (const volid of vols) {
      const hit = findVolume(volid);
      if (hit) hit.list.splice(hit.list.indexOf(hit.v), 1);
    }
  };

  r.get("/nodes/:node/lxc", (q) => {
    checkNode(q.params.node!);
    return ok(Object.values(cts).filter((ct) => ct.node === q.params.node).map(ctStatus));
  });

  /**
   * `create_vm` (API2/LXC.pm): in the request, `check_vmid_unused`, the pool, the template's
   * content type (pve-storage `check_volume_access`: "unable to use volume <volid> - content type
   * needs to be 'vztmpl'"), the storages (`rootdir`), `unprivileged` defaulting to 1, then
   * `create_and_lock_config` (the config exists locked `create`). The `vzcreate` task takes
   * `lock_config`, allocates the disks (`create_disks`; rootfs `<storage>:4` when none given),
   * unpacks the template, sets the defaults `hostname CT<id>`, `memory 512`, `swap 512`, writes
   * the config and drops the lock; a failure frees the disks, removes the config and reads
   * `unable to create CT <id> - <error>`. The password and SSH keys go into the container
   * (`post_create_hook`), never into the config. `start=1` then runs `vm_start`.
   */
  r.post("/nodes/:node/lxc", (q) => {
    const node = q.params.node!;
    checkNode(node);
    const id = vmid(str(q.body.vmid));
    if (bool(q.body.restore)) fail(501, "restore is not emulated by the sandbox");
    checkIdUnused(id);
    const pool = str(q.body.pool);
    if (pool !== undefined && !pve.pools[pool]) fail(403, `Permission check failed (pool '${pool}' does not exist)`);
    const ostemplate = str(q.body.ostemplate) ?? param("ostemplate", "property is missing and it is not optional");
    const unprivileged = q.body.unprivileged === undefined ? true : bool(q.body.unprivileged);
    const storage = str(q.body.storage) ?? "local";
    // check_volume_access($rpcenv, $authuser, $storage_cfg, $vmid, $ostemplate, 'vztmpl').
    const [tsid = "", tname = ""] = ostemplate.split(":", 2);
    if (!tname) fail(500, "Only root can pass arbitrary filesystem paths.");
    if (!storageEntry(pve, tsid)) fail(500, `storage '${tsid}' does not exist`);
    const ttype = /^(\w+)\//.exec(tname)?.[1] ?? "images";
    if (ttype !== "vztmpl") fail(500, `unable to use volume ${ostemplate} - content type needs to be 'vztmpl'`);

    const mps: Record<string, string> = {};
    const ct: PveCt = { vmid: id, node, status: "stopped", lock: "create", config: {} };
    const values: Record<string, string | number> = {};
    for (const [key, raw] of Object.entries(q.body)) {
      if (CREATE_ONLY.has(key) || raw === undefined || raw === null) continue;
      if (key === "rootfs" || /^mp\d+$/.test(key)) {
        // "allow to use simple numbers (add default storage in that case)".
        const mp = parseProp(String(raw), "volume");
        if (mp.volume !== undefined && /^\d+(\.\d+)?$/.test(mp.volume)) mp.volume = `${storage}:${mp.volume}`;
        mps[key] = printProp(mp, "volume", ["mp"]);
      } else if (/^unused\d+$/.test(key)) continue; // "ignoring '$opt', cannot create/restore with unused volume"
      else values[key] = normalize(ct, key, raw);
    }
    if (Object.keys(mps).length > 0 && mps.rootfs === undefined) fail(500, "mount points configured, but 'rootfs' not set - aborting");
    for (const value of Object.values(mps)) {
      const volume = mountVolume(value);
      if (volume.startsWith("/")) continue; // bind or device mount (root@pam only)
      checkRootdirStorage(volume.split(":")[0]!, "storage", true);
    }
    if (mps.rootfs === undefined) {
      checkRootdirStorage(storage, "storage", true);
      mps.rootfs = `${storage}:4`; // "defaults to 4GB"
    }
    if (unprivileged) values.unprivileged = 1;
    ct.config = values;
    cts[id] = ct;
    store.changed();
    return ok(startTask(node, "vzcreate", id, () =>
      withCtLock(id, LOCK_TIMEOUT_S.config, async () => {
        const made: PveVolume[] = [];
        try {
          const template = volumes(node, tsid).find((v) => v.volid === ostemplate);
          made.push(...(await createDisks(ct, mps, ct.config)));
          // Create.pm `restore_archive` reads the archive with tar; a missing file fails there.
          if (!template) throw new Error(`volume '${ostemplate}' does not exist`);
          ct.config.hostname ||= `CT${id}`;
          ct.config.memory ||= 512;
          ct.config.swap ??= 512;
          ct.config.ostype ??= /alpine/i.test(ostemplate) ? "alpine" : /ubuntu/i.test(ostemplate) ? "ubuntu" : "debian";
          ct.config.arch ??= "amd64";
        } catch (e) {
          freeVolumes(made.map((v) => v.volid));
          delete cts[id];
          store.changed();
          throw new Error(`unable to create CT ${id} - ${e instanceof Error ? e.message : String(e)}`);
        }
        delete ct.lock;
        if (pool) ct.pool = pool;
        if (bool(q.body.start)) {
          ct.status = "running";
          ct.startedAt = Date.now();
        }
        store.changed();
      })));
  });

  /** `vm_config` (API2/LXC/Config.pm): pending values unless `current`, plus the `digest`. */
  r.get("/nodes/:node/lxc/:vmid/config", (q) => {
    const ct = getCt(q.params.node!, q.params.vmid);
    const conf = bool(q.body.current) ? ct.config : effectiveCtConfig(ct);
    return ok({ ...conf, ...(ct.lock ? { lock: ct.lock } : {}), digest: digestOf(ct) });
  });

  /**
   * `update_vm` (API2/LXC/Config.pm): synchronous under `lock_config` (10 s; a timeout is the
   * HTTP error), `check_lock`, then `update_pct_config`: required options (`memory`, `rootfs`,
   * `ostype`) cannot be deleted, `unprivileged` is read-only, a protected container's mount points
   * cannot change, and a stopped container takes everything while a running one keeps what
   * cannot be hot-plugged pending (lxcRules.ts).
   */
  r.put("/nodes/:node/lxc/:vmid/config", async (q) => {
    const ct = getCt(q.params.node!, q.params.vmid);
    const deletes = str(q.body.delete)?.split(/[,;\s]+/).filter(Boolean) ?? [];
    const options = Object.entries(q.body).filter(([k, v]) => !["node", "vmid", "delete", "revert", "digest"].includes(k) && v !== undefined);
    if (options.length === 0 && deletes.length === 0 && q.body.revert === undefined) fail(500, "no options specified");
    for (const key of deletes) if (q.body[key] !== undefined) param("delete", `you can't use '-${key}' and -delete ${key}' at the same time`);
    await withCtLock(ct.vmid, LOCK_TIMEOUT_S.config, async () => {
      const now = reload(ct);
      checkUnlocked(now);
      const digest = str(q.body.digest);
      if (digest) {
        if (digest !== digestOf(now)) fail(500, "detected modified configuration - file changed by other user? Try again.");
      }
      for (const key of deletes) {
        if (REQUIRED.has(key)) fail(500, `unable to delete required option '${key}'`);
        if (/^(mp|unused)\d+$/.test(key)) checkProtection(now, `can't remove CT ${now.vmid} drive '${key}'`);
        if (key === "unprivileged") fail(500, `unable to delete read-only option: '${key}'`);
      }
      const values: Record<string, string | number> = {};
      const mps: Record<string, string> = {};
      for (const [key, raw] of options) {
        if (key === "unprivileged") fail(500, `unable to modify read-only option: '${key}'`);
        if (VOLUME_KEY.test(key)) {
          checkProtection(now, `can't update CT ${now.vmid} drive '${key}'`);
          const volume = mountVolume(String(raw));
          if (!volume.startsWith("/")) checkRootdirStorage(volume.split(":")[0]!, key, false);
          if (key === "rootfs" && now.config.rootfs !== undefined && mountVolume(String(now.config.rootfs)) !== volume) fail(500, "unable to modify read-only option: 'rootfs'");
          mps[key] = String(raw);
        } else values[key] = normalize(now, key, raw);
      }
      // A mount point's size is the volume's: keep the size Proxmox knows when a write leaves it out.
      for (const [key, value] of Object.entries(mps)) {
        const volid = mountVolume(value);
        if (NEW_DISK_RE.test(volid)) continue;
        // apply_pending_mountpoint: an existing volume's size is rescanned (`$rescan_volume`).
        const known = findVolume(volid)?.v.size ?? mountSize(value);
        values[key] = printMountpoint(key, value, volid, known);
        delete mps[key];
      }
      await createDisks(now, mps, values);
      applyCtConfig(now, values, deletes);
      store.changed();
    });
    return ok();
  });

  /** `vm_pending` (API2/LXC.pm): `{key, value, pending, delete}` per option (pve-guest-common GuestHelpers.pm `config_with_pending_array`). */
  r.get("/nodes/:node/lxc/:vmid/pending", (q) => {
    const ct = getCt(q.params.node!, q.params.vmid);
    return ok(pendingArray({ ...ct.config, digest: digestOf(ct) }, ct.pending ?? {}, ct.pendingDelete ?? []));
  });

  r.get("/nodes/:node/lxc/:vmid/status/current", (q) => {
    const ct = getCt(q.params.node!, q.params.vmid);
    return ok({ ...ctStatus(ct), ha: { managed: 0 } });
  });

  /**
   * Power (API2/LXC/Status.pm): `vm_start` refuses a running container in the request (`CT <id>
   * already running`), then in the `vzstart` task under `lock_config` refuses a template and a
   * locked config, and quotas on an unprivileged container; `vm_stop` and `vm_shutdown` refuse a
   * stopped one (`CT <id> not running`), `vm_reboot` likewise (`VM <id> not running`, sic).
   */
  const power = (action: "start" | "stop" | "shutdown" | "reboot") => (q: ApiRequest): ApiResponse => {
    const ct = getCt(q.params.node!, q.params.vmid);
    const running = ct.status === "running";
    if (action === "start" && running) fail(500, `CT ${ct.vmid} already running`);
    if ((action === "stop" || action === "shutdown") && !running) fail(500, `CT ${ct.vmid} not running`);
    if (action === "reboot" && !running) fail(500, `VM ${ct.vmid} not running`);
    const skiplock = bool(q.body.skiplock);
    return ok(startTask(ct.node, `vz${action}`, ct.vmid, () =>
      withCtLock(ct.vmid, LOCK_TIMEOUT_S.config, () => {
        const now = reload(ct);
        if (action === "start") {
          if (bool(now.config.template)) fail(500, "you can't start a CT if it's a template");
          if (!skiplock) checkUnlocked(now);
          if (bool(now.config.unprivileged) && Object.entries(now.config).some(([k, v]) => VOLUME_KEY.test(k) && /(^|,)quota=1/.test(String(v)))) fail(500, "Quotas are not supported by unprivileged containers.");
          applyCtPending(now);
          now.status = "running";
          now.startedAt = Date.now();
        } else if (action === "reboot") {
          applyCtPending(now);
          now.startedAt = Date.now();
        } else {
          if (action === "shutdown" || !skiplock) checkUnlocked(now);
          now.status = "stopped";
          delete now.startedAt;
        }
        store.changed();
      })));
  };
  for (const action of ["start", "stop", "shutdown", "reboot"] as const) r.post(`/nodes/:node/lxc/:vmid/status/${action}`, power(action));

  /**
   * `resize_vm` (API2/LXC.pm): `$load_and_check` in the request and again in the `resize` task
   * under `lock_config`: `check_lock`, the disk must exist, be owned by this container, and
   * grow (`unable to shrink disk size`, `disk is already at specified size`).
   */
  r.put("/nodes/:node/lxc/:vmid/resize", (q) => {
    const ct = getCt(q.params.node!, q.params.vmid);
    const disk = str(q.body.disk) ?? param("disk", "property is missing and it is not optional");
    const sizeArg = str(q.body.size) ?? param("size", "property is missing and it is not optional");
    const ext = sizeArg.startsWith("+");
    const requested = parseSize(sizeArg.replace(/^\+/, ""));
    const loadAndCheck = (now: PveCt): { volid: string; size: number; newsize: number } => {
      checkUnlocked(now);
      // The sandbox's wording (Config.pm `parse_volume` of an unset key fails on its own terms).
      const value = str(now.config[disk]) ?? fail(500, `disk '${disk}' does not exist`);
      const volid = mountVolume(value);
      const owner = /(?:vm|subvol)-(\d+)-disk-/.exec(volid)?.[1];
      if (owner !== undefined && Number(owner) !== now.vmid) fail(500, `can't resize mount point owned by another container (${owner})`);
      const size = findVolume(volid)?.v.size ?? mountSize(value);
      const newsize = ext ? size + requested : requested;
      if (newsize < size) fail(500, "unable to shrink disk size");
      if (newsize === size) fail(500, "disk is already at specified size");
      return { volid, size, newsize };
    };
    loadAndCheck(ct);
    return ok(startTask(ct.node, "resize", ct.vmid, () =>
      withCtLock(ct.vmid, LOCK_TIMEOUT_S.config, () => {
        const now = reload(ct);
        const { volid, newsize } = loadAndCheck(now);
        const hit = findVolume(volid);
        if (hit) hit.v.size = newsize;
        now.config[disk] = printMountpoint(disk, String(now.config[disk]), volid, newsize);
        store.changed();
      })));
  });

  /**
   * `destroy_vm` (API2/LXC.pm): early checks in the request and again under `lock_config` in the
   * `vzdestroy` task: protection (`can't remove CT <id> - protection mode enabled`), `check_lock`,
   * running (`unable to destroy CT <id> - container is running` unless `force`). It frees the
   * container's volumes (`destroy_lxc_container`) and, with `purge`, removes it from backup jobs.
   */
  r.delete("/nodes/:node/lxc/:vmid", (q) => {
    const ct = getCt(q.params.node!, q.params.vmid);
    const force = bool(q.body.force);
    const early = (now: PveCt): void => {
      checkProtection(now, `can't remove CT ${now.vmid}`);
      checkUnlocked(now);
      guestDestroyChecks(pve, now.vmid, bool(q.body.purge), "ct");
    };
    early(ct);
    if (!force && ct.status === "running") fail(500, `unable to destroy CT ${ct.vmid} - container is running`);
    return ok(startTask(ct.node, "vzdestroy", ct.vmid, (task) =>
      withCtLock(ct.vmid, LOCK_TIMEOUT_S.config, () => {
        const now = reload(ct);
        early(now);
        if (now.status === "running") {
          if (!force) fail(500, `unable to destroy CT ${now.vmid} - container is running`);
          task.log.push(`forced to stop CT ${now.vmid} before destroying!`);
          now.status = "stopped";
        }
        now.lock = "destroyed";
        // LXC.pm `destroy_lxc_container`: the volumes it names that it owns (unused ones too), with
        // `destroy-unreferenced-disks` every other one it owns; another owner's volume is left
        // ("ignore deletion of '<volid>', CT <id> isn't the owner!").
        const named = configVolumes(now.config, now.pending ?? {});
        for (const v of named) if (volumeOwner(v) !== undefined && volumeOwner(v) !== now.vmid) task.log.push(`ignore deletion of '${v}', CT ${now.vmid} isn't the owner!`);
        delete cts[now.vmid];
        destroyGuestVolumes(pve, now.vmid, named, bool(q.body["destroy-unreferenced-disks"]));
        if (bool(q.body.purge)) {
          task.log.push(`purging CT ${now.vmid} from related configurations..`);
          for (const [jobId, job] of Object.entries(pve.backupJobs)) {
            const updated = removeVmidFromJob(job, now.vmid);
            if (updated) pve.backupJobs[jobId] = updated;
            else delete pve.backupJobs[jobId];
          }
        }
        // remove_vm_access, then with purge ReplicationConfig `remove_vmid_jobs` and HA `delete_service_from_config("ct:<vmid>")`.
        guestDestroyCleanup(pve, now.vmid, bool(q.body.purge), "ct");
        delete cts[now.vmid];
        store.changed();
      })));
  });

  /** `ip` (API2/LXC.pm `{vmid}/interfaces` -> LXC.pm `get_interfaces`): null while the container is not running. */
  r.get("/nodes/:node/lxc/:vmid/interfaces", (q) => {
    const ct = getCt(q.params.node!, q.params.vmid);
    if (ct.status !== "running") return ok(null);
    return ok(ctInterfaces(ct, (id, index) => guestAddress(id, index, {}).ip));
  });
}
