import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { Faults } from "./faults.js";
import { configLockFile, FlockTable, LOCK_TIMEOUT_S, LockTimeoutError, type LockMode, storageLockFile } from "./proxmox/locks.js";
import { bool, DISK_KEY, DOWNLOADED_IMAGE_BYTES, deterministicMac, formatSize, GiB, hex8, INT_KEYS, joinProp, parseSize, STORAGES, splitProp, str, TRANSIENT_KEYS, uuidFor } from "./proxmox/props.js";
import { clonedVolume, planClone } from "./proxmox/clone.js";
import { physics, type ProxmoxTiming, SharedBandwidth, soloCopyMs, wall } from "./proxmox/physics.js";
import { ApiError, type ApiRequest, type ApiResponse, type EmulatedApi, Router, sleep } from "./router.js";
import { clone, type PveTask, type PveVm, type PveVolume, type Store } from "./state.js";

export type { ProxmoxTiming } from "./proxmox/physics.js";

/** A template VM present at start (as if built by hand on the host). */
export interface SeedTemplate {
  vmid: number;
  name?: string;
  node?: string;
  /** Size of the template's boot disk in GB. @default 2 */
  diskGb?: number;
}

export { formatSize, parseSize } from "./proxmox/props.js";

/** The address the guest agent reports: the static ipconfig if set, else a deterministic 10.x "DHCP lease". */
const ipToInt = (ip: string): number => ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
const intToIp = (n: number): string => [24, 16, 8, 0].map((sh) => Math.floor(n / 2 ** sh) % 256).join(".");

/**
 * The address the guest agent reports for `net<index>`: the static `ipconfig` address if set;
 * on an SDN vnet with a subnet, a "DHCP lease" from its dhcp-range (or the subnet); otherwise a
 * deterministic 10.x address (inside 10.0.0.0/8 every x.y.z is a host, so vmids never collide).
 */
export function guestAddress(
  vmid: number,
  index: number,
  config: Record<string, string | number>,
  subnetOfBridge: (bridge: string) => Record<string, string | number> | undefined = () => undefined,
): { ip: string; prefix: number } {
  const ipconfig = str(config[`ipconfig${index}`]);
  const staticIp = ipconfig ? /(?:^|,)ip=(\d+\.\d+\.\d+\.\d+)\/(\d+)/.exec(ipconfig) : null;
  if (staticIp) return { ip: staticIp[1]!, prefix: Number(staticIp[2]) };
  const bridge = /(?:^|,)bridge=([^,]+)/.exec(str(config[`net${index}`]) ?? "")?.[1];
  const subnet = bridge ? subnetOfBridge(bridge) : undefined;
  if (subnet && typeof subnet.cidr === "string") {
    const [network = "0.0.0.0", bits = "24"] = subnet.cidr.split("/");
    const prefix = Number(bits);
    const range = /start-address=([\d.]+),end-address=([\d.]+)/.exec(String(subnet["dhcp-range"] ?? ""));
    if (range) {
      const start = ipToInt(range[1]!);
      const size = ipToInt(range[2]!) - start + 1;
      return { ip: intToIp(start + (vmid % Math.max(size, 1))), prefix };
    }
    const hosts = 2 ** (32 - prefix) - 2;
    return { ip: intToIp(ipToInt(network) + 2 + (vmid % Math.max(hosts - 2, 1))), prefix };
  }
  return { ip: `10.${index}.${(vmid >> 8) & 0xff}.${vmid & 0xff}`, prefix: 8 };
}

export interface ProxmoxContext {
  store: Store;
  faults: Faults;
  timing?: ProxmoxTiming;
}

export function createProxmoxApi(ctx: ProxmoxContext): EmulatedApi & { locks: FlockTable } {
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
  const tokenUser = (): string => store.data.credentials.proxmoxApiToken.split("=")[0] ?? "root@pam";

  // ---------- helpers ----------
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
    const format = STORAGES[storage]?.type === "dir" ? "qcow2" : "raw";
    for (const vm of Object.values(pve.vms)) {
      if (vm.node !== node) continue;
      for (const [key, value] of Object.entries(vm.config)) {
        if (!DISK_KEY.test(key)) continue;
        const { head, opts } = splitProp(String(value));
        if (!head.startsWith(`${storage}:`) || !/(vm|base)-\d+-/.test(head)) continue;
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
    if (storage && !STORAGES[storage]) fail(500, `storage '${storage}' does not exist`);
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
      return joinProp(`${storage}:${name}`, [...rest, ["size", formatSize(bytes || 4 * 1024 * 1024)]]);
    }
    // An existing volume: Proxmox prints its size with a unit (clients may send bytes), and keeps
    // the size it knows when the client leaves it out.
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

  /** Apply a config write (create, PUT/POST config): `delete` list first, then the values. */
  function applyConfig(vm: PveVm, body: Record<string, unknown>): void {
    const pending: Record<string, string | number> = {};
    for (const [key, raw] of Object.entries(body)) {
      if (TRANSIENT_KEYS.has(key) || raw === undefined || raw === null) continue;
      let value = String(raw);
      if (DISK_KEY.test(key)) value = normalizeDisk(vm, key, value, pending);
      else if (/^net\d+$/.test(key)) value = normalizeNet(vm, key, value);
      // Like Proxmox, keep only a hash of the cloud-init password (never the password itself).
      else if (key === "cipassword") value = `$6$sandbox$${createHash("sha512").update(value).digest("base64")}`;
      pending[key] = value;
    }
    const deletes = str(body.delete)?.split(/[,;\s]+/).filter(Boolean) ?? [];
    for (const key of deletes) {
      if (key in pending) fail(400, "Parameter verification failed.", { delete: `cannot set and delete '${key}' at the same time` });
      delete vm.config[key];
    }
    Object.assign(vm.config, pending);
  }

  function renderConfig(vm: PveVm): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(vm.config)) out[k] = INT_KEYS.has(k) && /^-?\d+$/.test(String(v)) ? Number(v) : v;
    // Proxmox never returns the cloud-init password, only a mask.
    if (out.cipassword !== undefined) out.cipassword = "**********";
    if (vm.lock) out.lock = vm.lock;
    out.digest = createHash("sha1").update(JSON.stringify(vm.config)).digest("hex");
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

  function destroyVm(vm: PveVm, purge: boolean): void {
    delete pve.vms[vm.vmid];
    for (const key of Object.keys(pve.volumes)) {
      pve.volumes[key] = (pve.volumes[key] ?? []).filter((v) => v.vmid !== vm.vmid);
    }
    if (purge) {
      for (const job of Object.values(pve.backupJobs)) {
        const ids = str(job.vmid)?.split(",").filter((x) => x !== String(vm.vmid));
        if (ids) job.vmid = ids.join(",");
      }
    }
  }

  // ---------- routes ----------
  const r = new Router();

  r.get("/version", () => ok({ version: "8.2.4", release: "8.2", repoid: "faa83925c9641325" }));
  r.get("/nodes", () =>
    ok(pve.nodes.map((node) => ({ node, status: "online", type: "node", id: `node/${node}`, maxcpu: 16, maxmem: 64 * GiB, mem: 8 * GiB, cpu: 0.02, uptime: 86400, level: "", ssl_fingerprint: "00:00" }))),
  );
  r.get("/nodes/:node/status", (q) => {
    checkNode(q.params.node!);
    return ok({ uptime: 86400, cpu: 0.02, memory: { total: 64 * GiB, used: 8 * GiB, free: 56 * GiB }, cpuinfo: { cpus: 16, sockets: 1, model: "Sandbox CPU" }, pveversion: "pve-manager/8.2.4/faa83925c9641325", kversion: "Linux 6.8.12-1-pve" });
  });

  r.get("/cluster/nextid", (q) => {
    const wanted = str(q.body.vmid);
    if (wanted !== undefined) {
      const n = vmid(wanted);
      if (pve.vms[n]) fail(400, "Parameter verification failed.", { vmid: `VM ${n} already exists` });
      return ok(String(n));
    }
    let n = 100;
    while (pve.vms[n]) n++;
    return ok(String(n));
  });

  r.get("/cluster/resources", (q) => {
    const type = str(q.body.type);
    const out: Record<string, unknown>[] = [];
    if (!type || type === "node")
      for (const node of pve.nodes) out.push({ id: `node/${node}`, type: "node", node, status: "online", maxcpu: 16, maxmem: 64 * GiB, mem: 8 * GiB, cpu: 0.02, maxdisk: 100 * GiB, disk: 10 * GiB, uptime: 86400, level: "" });
    if (!type || type === "vm") for (const vm of Object.values(pve.vms)) out.push(vmResource(vm));
    if (!type || type === "storage")
      for (const node of pve.nodes)
        for (const [storage, s] of Object.entries(STORAGES))
          out.push({ id: `storage/${node}/${storage}`, type: "storage", storage, node, status: "available", content: s.content, plugintype: s.type, shared: 0, maxdisk: s.total, disk: usedBytes(node, storage) });
    if (!type || type === "sdn") for (const node of pve.nodes) for (const zone of Object.keys(pve.sdn.zones)) out.push({ id: `sdn/${node}/${zone}`, type: "sdn", sdn: zone, node, status: "ok" });
    return ok(out);
  });

  r.get("/pools", () => ok(Object.values(pve.pools)));
  r.post("/pools", (q) => {
    const poolid = str(q.body.poolid) ?? fail(400, "Parameter verification failed.", { poolid: "property is missing and it is not optional" });
    if (pve.pools[poolid]) fail(500, `pool '${poolid}' already exists`);
    pve.pools[poolid] = { poolid, ...(q.body.comment ? { comment: String(q.body.comment) } : {}) };
    return ok();
  });
  r.get("/pools/:poolid", (q) => {
    const pool = pve.pools[q.params.poolid!] ?? fail(500, `pool '${q.params.poolid}' does not exist`);
    const members = Object.values(pve.vms).filter((vm) => vm.config.pool === pool.poolid).map(vmResource);
    return ok({ ...pool, members });
  });
  r.delete("/pools/:poolid", (q) => {
    if (!pve.pools[q.params.poolid!]) fail(500, `pool '${q.params.poolid}' does not exist`);
    delete pve.pools[q.params.poolid!];
    return ok();
  });

  // --- tasks ---
  const getTask = (q: ApiRequest): PveTask => {
    checkNode(q.params.node!);
    const task = pve.tasks[q.params.upid!];
    if (!task) fail(400, `no such task '${q.params.upid}'`);
    return task!;
  };
  r.get("/nodes/:node/tasks", (q) => {
    checkNode(q.params.node!);
    return ok(Object.values(pve.tasks).filter((t) => t.node === q.params.node).map(({ log: _log, ...t }) => t));
  });
  r.get("/nodes/:node/tasks/:upid/status", (q) => {
    const { log: _log, ...task } = getTask(q);
    return ok({ ...task, tokenid: task.user.split("!")[1] });
  });
  r.get("/nodes/:node/tasks/:upid/log", (q) => {
    const task = getTask(q);
    const start = Number(q.body.start ?? 0);
    const limit = Number(q.body.limit ?? 50);
    return ok(task.log.slice(start, start + limit).map((t, i) => ({ n: start + i + 1, t })));
  });
  r.delete("/nodes/:node/tasks/:upid", (q) => {
    const task = getTask(q);
    if (task.status === "running") task.exitstatus = "received interrupt";
    return ok();
  });

  // --- VMs ---
  r.get("/nodes/:node/qemu", (q) => {
    checkNode(q.params.node!);
    return ok(Object.values(pve.vms).filter((vm) => vm.node === q.params.node).map((vm) => {
      const { id: _id, type: _type, node: _node, ...rest } = vmResource(vm);
      return rest;
    }));
  });

  r.post("/nodes/:node/qemu", (q) => {
    checkNode(q.params.node!);
    const id = vmid(str(q.body.vmid));
    if (pve.vms[id]) fail(500, `unable to create VM ${id} - VM ${id} already exists on node '${pve.vms[id]!.node}'`);
    const vm: PveVm = { vmid: id, node: q.params.node!, status: "stopped", lock: "create", config: {}, firewall: { rules: [], options: {} } };
    pve.vms[id] = vm;
    try {
      applyConfig(vm, q.body);
    } catch (e) {
      delete pve.vms[id];
      throw e;
    }
    if (!vm.config.smbios1) vm.config.smbios1 = `uuid=${uuidFor(id)}`;
    if (!vm.config.vmgenid) vm.config.vmgenid = uuidFor(id + 0.5);
    vm.config.meta = `creation-qemu=8.1.5,ctime=${Math.floor(Date.now() / 1000)}`;
    store.changed();
    return ok(startTask(q.params.node!, "qmcreate", id, () => {
      delete vm.lock;
      if (bool(q.body.start)) {
        vm.status = "running";
        vm.startedAt = Date.now();
      }
    }));
  });

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
      if (pool !== undefined && !pve.pools[pool]) fail(500, `pool '${pool}' does not exist`);
      if (target) checkNode(target);
      if (storage) {
        const s = STORAGES[storage] ?? fail(500, `storage '${storage}' does not exist`);
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

  r.get("/nodes/:node/qemu/:vmid/config", (q) => ok(renderConfig(getVm(q.params.node!, q.params.vmid))));
  r.get("/nodes/:node/qemu/:vmid/pending", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    return ok(Object.entries(renderConfig(vm)).map(([key, value]) => ({ key, value })));
  });
  /**
   * qemu-server API2/Qemu.pm `update_vm_api`: PUT runs `lock_config` (10 s) in the request (a
   * timeout is the HTTP error), POST in a `qmconfig` task; inside, `check_lock` refuses a locked VM.
   */
  const updateConfig = async (vm: PveVm, body: Record<string, unknown>): Promise<void> => {
    await withConfigLock(vm.vmid, "exclusive", LOCK_TIMEOUT_S.config, () => {
      const now = reload(vm);
      if (!bool(body.skiplock)) checkUnlocked(now);
      applyConfig(now, body);
      store.changed();
    });
  };
  r.put("/nodes/:node/qemu/:vmid/config", async (q) => {
    await updateConfig(getVm(q.params.node!, q.params.vmid), q.body);
    return ok();
  });
  r.post("/nodes/:node/qemu/:vmid/config", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    return ok(startTask(vm.node, "qmconfig", vm.vmid, () => updateConfig(vm, q.body)));
  });
  r.put("/nodes/:node/qemu/:vmid/cloudinit", (q) => {
    getVm(q.params.node!, q.params.vmid);
    return ok();
  });
  /** qemu-server API2/Qemu.pm `resize_vm`: a `resize` task; every check runs inside it under `lock_config` (10 s). */
  r.put("/nodes/:node/qemu/:vmid/resize", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    const disk = str(q.body.disk) ?? fail(400, "Parameter verification failed.", { disk: "property is missing and it is not optional" });
    const sizeArg = str(q.body.size) ?? fail(400, "Parameter verification failed.", { size: "property is missing and it is not optional" });
    if (!/^\+?\d+(\.\d+)?[KMGT]?$/.test(sizeArg)) fail(400, "Parameter verification failed.", { size: `value does not match the regex pattern` });
    return ok(startTask(vm.node, "resize", vm.vmid, () =>
      withConfigLock(vm.vmid, "exclusive", LOCK_TIMEOUT_S.config, () => {
        const now = reload(vm);
        if (!bool(q.body.skiplock)) checkUnlocked(now);
        const current = str(now.config[disk]) ?? fail(500, `disk '${disk}' does not exist`);
        const { head, opts } = splitProp(current);
        if (head === "none" || head === "cdrom" || opts.some(([k, v]) => k === "media" && v === "cdrom")) fail(500, "you can't resize a cdrom");
        const currentBytes = parseSize(opts.find(([k]) => k === "size")?.[1] ?? "0");
        const wanted = sizeArg.startsWith("+") ? currentBytes + parseSize(sizeArg.slice(1)) : parseSize(sizeArg);
        if (wanted < currentBytes) fail(500, "shrinking disks is not supported");
        now.config[disk] = joinProp(head, [...opts.filter(([k]) => k !== "size"), ["size", formatSize(wanted)]]);
        store.changed();
      })));
  });
  r.post("/nodes/:node/qemu/:vmid/move_disk", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    checkUnlocked(vm);
    const disk = str(q.body.disk) ?? fail(400, "Parameter verification failed.", { disk: "property is missing and it is not optional" });
    const storage = str(q.body.storage) ?? fail(400, "Parameter verification failed.", { storage: "property is missing and it is not optional" });
    if (!STORAGES[storage]) fail(500, `storage '${storage}' does not exist`);
    const current = str(vm.config[disk]) ?? fail(500, `disk '${disk}' does not exist`);
    if (current.startsWith(`${storage}:`)) fail(500, "you can't move to the same storage with same format");
    vm.config[disk] = current.replace(/^[^:]+:/, `${storage}:`);
    store.changed();
    return ok(startTask(vm.node, "qmmove", vm.vmid));
  });
  /** qemu-server API2/Qemu.pm `template`: `$load_and_check` before the task and again inside it under `lock_config`. */
  r.post("/nodes/:node/qemu/:vmid/template", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    const loadAndCheck = (v: PveVm): void => {
      checkUnlocked(v);
      if (isTemplate(v)) fail(500, "you can't convert a template to a template");
      if (v.status === "running") fail(500, "you can't convert a VM to template if VM is running");
    };
    loadAndCheck(vm);
    return ok(startTask(vm.node, "qmtemplate", vm.vmid, () =>
      withConfigLock(vm.vmid, "exclusive", LOCK_TIMEOUT_S.config, () => {
        const now = reload(vm);
        loadAndCheck(now);
        now.config.template = 1;
        for (const [k, v] of Object.entries(now.config)) if (DISK_KEY.test(k)) now.config[k] = String(v).replace(`vm-${now.vmid}-disk-`, `base-${now.vmid}-disk-`);
        store.changed();
      })));
  });

  r.get("/nodes/:node/qemu/:vmid/status/current", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    const running = vm.status === "running";
    return ok({
      vmid: vm.vmid,
      name: vm.config.name,
      status: vm.status,
      qmpstatus: vm.status,
      cpus: cpus(vm),
      maxmem: memoryBytes(vm),
      mem: running ? Math.floor(memoryBytes(vm) / 4) : 0,
      maxdisk: diskBytes(vm),
      disk: 0,
      uptime: running && vm.startedAt ? Math.floor((Date.now() - vm.startedAt) / 1000) : 0,
      cpu: 0,
      netin: 0,
      netout: 0,
      diskread: 0,
      diskwrite: 0,
      ha: { managed: 0 },
      ...(agentEnabled(vm) ? { agent: 1 } : {}),
      ...(isTemplate(vm) ? { template: 1 } : {}),
      ...(vm.lock ? { lock: vm.lock } : {}),
      ...(running ? { pid: 10_000 + vm.vmid, "running-qemu": "8.1.5", "running-machine": "pc-i440fx-8.1+pve0" } : {}),
      ...(vm.config.tags ? { tags: vm.config.tags } : {}),
    });
  });

  /**
   * Power actions run in a task under `lock_config` (10 s): qemu-server QemuServer.pm `vm_start`
   * (template, `check_lock`, "already running" checked inside the lock), `vm_stop` (`_do_vm_stop`:
   * nothing to do when not running, else `check_lock`), `vm_reboot`/shutdown likewise.
   */
  const power = (action: "start" | "stop" | "shutdown" | "reboot" | "reset" | "suspend" | "resume") => (q: ApiRequest): ApiResponse => {
    const vm = getVm(q.params.node!, q.params.vmid);
    if ((action === "shutdown" || action === "reboot") && vm.status !== "running") fail(500, `VM ${vm.vmid} not running`);
    const type = `qm${action}`;
    const skiplock = bool(q.body.skiplock);
    return ok(startTask(vm.node, type, vm.vmid, () =>
      withConfigLock(vm.vmid, "exclusive", LOCK_TIMEOUT_S.config, () => {
        const now = reload(vm);
        if (action === "start") {
          if (isTemplate(now)) fail(500, "you can't start a vm if it's a template");
          if (!skiplock) checkUnlocked(now);
          if (now.status === "running") fail(500, `VM ${now.vmid} already running`);
        } else if (now.status !== "running" && (action === "stop" || action === "shutdown")) {
          return;
        } else if (!skiplock) checkUnlocked(now);
        if (action === "start" || action === "reboot" || action === "reset" || action === "resume") {
          if (now.status !== "running" || action !== "resume") now.startedAt = Date.now();
          now.status = "running";
        } else if (action === "stop" || action === "shutdown") {
          now.status = "stopped";
          delete now.startedAt;
        }
        store.changed();
      })));
  };
  for (const action of ["start", "stop", "shutdown", "reboot", "reset", "suspend", "resume"] as const) r.post(`/nodes/:node/qemu/:vmid/status/${action}`, power(action));

  /**
   * qemu-server API2/Qemu.pm `destroy_vm`: early checks (exists, running) before the task, then
   * under `lock_config` again; QemuServer.pm `destroy_vm` refuses a locked VM (`check_lock`) and a
   * template whose base volume a linked clone uses.
   */
  r.delete("/nodes/:node/qemu/:vmid", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    const early = (v: PveVm): void => {
      if (bool(v.config.protection)) fail(500, `can't remove VM ${v.vmid} - protection mode enabled`);
      if (v.status === "running") fail(500, `VM ${v.vmid} is running - destroy failed`);
    };
    early(vm);
    return ok(startTask(vm.node, "qmdestroy", vm.vmid, () =>
      withConfigLock(vm.vmid, "exclusive", LOCK_TIMEOUT_S.config, () => {
        const now = reload(vm);
        early(now);
        if (!bool(q.body.skiplock)) checkUnlocked(now);
        if (isTemplate(now)) {
          const base = Object.values(now.config).map((v) => splitProp(String(v)).head).find((head) => head.includes(`:base-${now.vmid}-`) &&
            Object.values(pve.vms).some((other) => other !== now && Object.values(other.config).some((v) => String(v).startsWith(`${head}/`))));
          if (base) fail(500, `base volume '${base}' is still in use by linked cloned`);
        }
        now.lock = "destroyed";
        destroyVm(now, bool(q.body.purge));
        store.changed();
      })));
  });

  // --- guest agent ---
  const agentReady = (vm: PveVm): void => {
    if (vm.status !== "running") fail(500, `VM ${vm.vmid} is not running`);
    if (!agentEnabled(vm)) fail(500, "No QEMU guest agent configured");
  };
  r.post("/nodes/:node/qemu/:vmid/agent/ping", (q) => {
    agentReady(getVm(q.params.node!, q.params.vmid));
    return ok({ result: {} });
  });
  r.get("/nodes/:node/qemu/:vmid/agent/network-get-interfaces", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    agentReady(vm);
    const result: Record<string, unknown>[] = [
      {
        name: "lo",
        "hardware-address": "00:00:00:00:00:00",
        "ip-addresses": [
          { "ip-address-type": "ipv4", "ip-address": "127.0.0.1", prefix: 8 },
          { "ip-address-type": "ipv6", "ip-address": "::1", prefix: 128 },
        ],
        statistics: { "rx-bytes": 0, "rx-packets": 0, "tx-bytes": 0, "tx-packets": 0, "rx-errs": 0, "tx-errs": 0, "rx-dropped": 0, "tx-dropped": 0 },
      },
    ];
    const nets = Object.keys(vm.config).filter((k) => /^net\d+$/.test(k)).sort();
    for (const key of nets) {
      const index = Number(key.slice(3));
      const mac = splitProp(String(vm.config[key])).head.split("=")[1]?.toLowerCase() ?? "00:00:00:00:00:00";
      const { ip, prefix } = guestAddress(vm.vmid, index, vm.config, (bridge) => Object.values(pve.sdn.subnets).find((sub) => sub.vnet === bridge));
      result.push({
        name: `eth${index}`,
        "hardware-address": mac,
        "ip-addresses": [
          { "ip-address-type": "ipv4", "ip-address": ip, prefix },
          { "ip-address-type": "ipv6", "ip-address": `fe80::${mac.split(":").slice(3).join("")}`, prefix: 64 },
        ],
        statistics: { "rx-bytes": 0, "rx-packets": 0, "tx-bytes": 0, "tx-packets": 0, "rx-errs": 0, "tx-errs": 0, "rx-dropped": 0, "tx-dropped": 0 },
      });
    }
    return ok({ result });
  });

  // --- VM firewall ---
  const rulesRoutes = (base: string, rules: (q: ApiRequest) => Record<string, unknown>[], kind: "vm" | "group"): void => {
    const list = (q: ApiRequest): Record<string, unknown>[] => rules(q);
    r.get(base, (q) => ok(list(q).map((rule, pos) => ({ ...rule, pos }))));
    r.post(base, (q) => {
      const all = list(q);
      const rule = ruleFromBody(q.body, kind);
      const pos = q.body.pos === undefined ? 0 : Math.min(Number(q.body.pos), all.length);
      all.splice(pos, 0, rule);
      store.changed();
      return ok();
    });
    r.get(`${base}/:pos`, (q) => {
      const all = list(q);
      const pos = Number(q.params.pos);
      const rule = all[pos] ?? fail(400, `no rule at position ${q.params.pos}`);
      // Proxmox quirk the clients rely on: `pos` is a number in the list but a string here.
      return ok({ ...rule, pos: String(pos) });
    });
    r.put(`${base}/:pos`, (q) => {
      const all = list(q);
      const pos = Number(q.params.pos);
      const rule = all[pos] ?? fail(400, `no rule at position ${q.params.pos}`);
      for (const key of str(q.body.delete)?.split(/[,;\s]+/).filter(Boolean) ?? []) delete rule[key];
      Object.assign(rule, ruleFromBody(q.body, kind, true));
      if (q.body.moveto !== undefined) {
        all.splice(pos, 1);
        all.splice(Math.min(Number(q.body.moveto), all.length), 0, rule);
      }
      store.changed();
      return ok();
    });
    r.delete(`${base}/:pos`, (q) => {
      const all = list(q);
      const pos = Number(q.params.pos);
      if (!all[pos]) fail(400, `no rule at position ${q.params.pos}`);
      all.splice(pos, 1);
      store.changed();
      return ok();
    });
  };
  rulesRoutes("/nodes/:node/qemu/:vmid/firewall/rules", (q) => getVm(q.params.node!, q.params.vmid).firewall.rules, "vm");
  r.get("/nodes/:node/qemu/:vmid/firewall/options", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    return ok({ enable: 0, dhcp: 1, ipfilter: 0, macfilter: 1, ndp: 1, radv: 0, policy_in: "DROP", policy_out: "ACCEPT", log_level_in: "nolog", log_level_out: "nolog", ...vm.firewall.options });
  });
  r.put("/nodes/:node/qemu/:vmid/firewall/options", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    setOptions(vm.firewall.options, q.body);
    store.changed();
    return ok();
  });

  // --- cluster firewall ---
  r.get("/cluster/firewall/options", () => ok({ ...pve.clusterFirewallOptions }));
  r.put("/cluster/firewall/options", (q) => {
    setOptions(pve.clusterFirewallOptions, q.body);
    store.changed();
    return ok();
  });
  r.get("/cluster/firewall/groups", () =>
    ok(Object.values(pve.firewallGroups).map((g) => ({ group: g.group, ...(g.comment ? { comment: g.comment } : {}), digest: createHash("sha1").update(JSON.stringify(g)).digest("hex") }))),
  );
  r.post("/cluster/firewall/groups", (q) => {
    const group = str(q.body.group) ?? fail(400, "Parameter verification failed.", { group: "property is missing and it is not optional" });
    if (!/^[A-Za-z][A-Za-z0-9\-_]+$/.test(group)) fail(400, "Parameter verification failed.", { group: `invalid format - security group name '${group}' is not valid` });
    const rename = str(q.body.rename);
    if (rename) {
      const existing = pve.firewallGroups[rename] ?? fail(500, `security group '${rename}' does not exist`);
      if (rename !== group && pve.firewallGroups[group]) fail(500, `security group '${group}' already exists`);
      delete pve.firewallGroups[rename];
      pve.firewallGroups[group] = { ...existing, group, ...(q.body.comment !== undefined ? { comment: String(q.body.comment) } : {}) };
    } else {
      if (pve.firewallGroups[group]) fail(500, `security group '${group}' already exists`);
      pve.firewallGroups[group] = { group, ...(q.body.comment !== undefined ? { comment: String(q.body.comment) } : {}), rules: [] };
    }
    store.changed();
    return ok();
  });
  const getGroup = (q: ApiRequest) => pve.firewallGroups[q.params.group!] ?? fail(500, `no such security group '${q.params.group}'`);
  rulesRoutes("/cluster/firewall/groups/:group", (q) => getGroup(q).rules, "group");
  r.delete("/cluster/firewall/groups/:group", (q) => {
    const group = getGroup(q);
    if (group.rules.length > 0) fail(500, `security group '${group.group}' is not empty`);
    delete pve.firewallGroups[group.group];
    store.changed();
    return ok();
  });

  // --- storage and downloads ---
  function usedBytes(node: string, storage: string): number {
    return [...volumes(node, storage), ...vmVolumes(node, storage)].reduce((sum, v) => sum + v.size, 0);
  }
  const storageInfo = (node: string, storage: string) => {
    const s = STORAGES[storage] ?? fail(500, `storage '${storage}' does not exist`);
    const used = usedBytes(node, storage);
    return { storage, type: s.type, content: s.content, active: 1, enabled: 1, shared: 0, total: s.total, used, avail: s.total - used, used_fraction: used / s.total };
  };
  r.get("/storage", () => ok(Object.entries(STORAGES).map(([storage, s]) => ({ storage, type: s.type, content: s.content, ...(s.path ? { path: s.path } : {}), digest: "0" }))));
  r.get("/storage/:storage", (q) => {
    const s = STORAGES[q.params.storage!] ?? fail(500, `storage '${q.params.storage}' does not exist`);
    return ok({ storage: q.params.storage, type: s.type, content: s.content, ...(s.path ? { path: s.path } : {}), digest: "0" });
  });
  r.get("/nodes/:node/storage", (q) => {
    checkNode(q.params.node!);
    const content = str(q.body.content);
    return ok(Object.keys(STORAGES).map((s) => storageInfo(q.params.node!, s)).filter((s) => !content || s.content.split(",").includes(content)));
  });
  r.get("/nodes/:node/storage/:storage/status", (q) => {
    checkNode(q.params.node!);
    return ok(storageInfo(q.params.node!, q.params.storage!));
  });
  r.get("/nodes/:node/storage/:storage/content", (q) => {
    checkNode(q.params.node!);
    storageInfo(q.params.node!, q.params.storage!);
    const content = str(q.body.content);
    const vmidFilter = str(q.body.vmid);
    const all = [...volumes(q.params.node!, q.params.storage!), ...vmVolumes(q.params.node!, q.params.storage!)];
    return ok(all.filter((v) => (!content || v.content === content) && (!vmidFilter || String(v.vmid) === vmidFilter)));
  });
  const findVolume = (q: ApiRequest): PveVolume => {
    checkNode(q.params.node!);
    storageInfo(q.params.node!, q.params.storage!);
    const wanted = q.params.volume!.includes(":") ? q.params.volume! : `${q.params.storage}:${q.params.volume}`;
    return volumes(q.params.node!, q.params.storage!).find((v) => v.volid === wanted) ?? fail(500, `volume '${wanted}' does not exist`);
  };
  r.get("/nodes/:node/storage/:storage/content/:volume", (q) => {
    const wanted = q.params.volume!.includes(":") ? q.params.volume! : `${q.params.storage}:${q.params.volume}`;
    const v = vmVolumes(q.params.node!, q.params.storage!).find((x) => x.volid === wanted) ?? findVolume(q);
    return ok({ path: `/var/lib/vz/${v.volid.split(":")[1]}`, size: v.size, used: v.size, format: v.format });
  });
  r.delete("/nodes/:node/storage/:storage/content/:volume", (q) => {
    const v = findVolume(q);
    const list = volumes(q.params.node!, q.params.storage!);
    list.splice(list.indexOf(v), 1);
    store.changed();
    return ok(startTask(q.params.node!, "imgdel", v.volid));
  });
  r.get("/nodes/:node/query-url-metadata", (q) => {
    checkNode(q.params.node!);
    const url = str(q.body.url) ?? fail(400, "Parameter verification failed.", { url: "property is missing and it is not optional" });
    const filename = decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "image");
    return ok({ filename, size: DOWNLOADED_IMAGE_BYTES, mimetype: "application/octet-stream" });
  });
  r.post("/nodes/:node/storage/:storage/download-url", (q) => {
    checkNode(q.params.node!);
    const info = storageInfo(q.params.node!, q.params.storage!);
    const content = str(q.body.content) ?? fail(400, "Parameter verification failed.", { content: "property is missing and it is not optional" });
    const filename = str(q.body.filename) ?? fail(400, "Parameter verification failed.", { filename: "property is missing and it is not optional" });
    str(q.body.url) ?? fail(400, "Parameter verification failed.", { url: "property is missing and it is not optional" });
    if (!info.content.split(",").includes(content)) fail(500, `storage '${q.params.storage}' does not support content-type '${content}'`);
    const volid = `${q.params.storage}:${content}/${filename}`;
    const list = volumes(q.params.node!, q.params.storage!);
    if (list.some((v) => v.volid === volid)) fail(500, `refusing to override existing file '${filename}'`);
    return ok(startTask(q.params.node!, "download", q.params.storage!, (task) => {
      task.log.push(`downloading ${String(q.body.url)} to /var/lib/vz/${content}/${filename}`);
      list.push({ volid, content, format: filename.split(".").pop() ?? "raw", size: DOWNLOADED_IMAGE_BYTES, ctime: Math.floor(Date.now() / 1000) });
      store.changed();
    }));
  });

  // --- backup jobs ---
  r.get("/cluster/backup", () => ok(Object.values(pve.backupJobs).map(renderOptions)));
  r.post("/cluster/backup", (q) => {
    const id = str(q.body.id) ?? `backup-${createHash("sha1").update(String(store.nextId())).digest("hex").slice(0, 13)}`;
    if (pve.backupJobs[id]) fail(500, `Job '${id}' already exists`);
    if (!q.body.schedule && !q.body.starttime) fail(400, "Parameter verification failed.", { schedule: "property is missing and it is not optional" });
    const job: Record<string, string | number> = { id, type: "vzdump", enabled: 1 };
    setOptions(job, q.body);
    job.id = id;
    pve.backupJobs[id] = job;
    store.changed();
    return ok();
  });
  const getJob = (q: ApiRequest) => pve.backupJobs[q.params.id!] ?? fail(500, `Job '${q.params.id}' does not exist`);
  r.get("/cluster/backup/:id", (q) => ok(renderOptions(getJob(q))));
  r.put("/cluster/backup/:id", (q) => {
    const job = getJob(q);
    setOptions(job, q.body);
    job.id = q.params.id!;
    store.changed();
    return ok();
  });
  r.delete("/cluster/backup/:id", (q) => {
    getJob(q);
    delete pve.backupJobs[q.params.id!];
    store.changed();
    return ok();
  });

  // --- SDN ---
  const sdnCollection = (kind: "zones" | "vnets", idKey: string, singular: string): void => {
    const base = `/cluster/sdn/${kind}`;
    r.get(base, () => ok(Object.values(pve.sdn[kind]).map((o) => ({ ...o }))));
    r.post(base, (q) => {
      const id = str(q.body[idKey]) ?? fail(400, "Parameter verification failed.", { [idKey]: "property is missing and it is not optional" });
      if (pve.sdn[kind][id]) fail(500, `sdn ${singular} object ID '${id}' already defined`);
      if (kind === "vnets" && !pve.sdn.zones[String(q.body.zone)]) fail(500, `zone '${String(q.body.zone)}' does not exist`);
      const o: Record<string, string | number> = {};
      setOptions(o, q.body);
      o[idKey] = id;
      (pve.sdn[kind] as Record<string, Record<string, string | number>>)[id] = o;
      store.changed();
      return ok();
    });
    const get = (q: ApiRequest) => pve.sdn[kind][q.params.id!] ?? fail(500, `sdn ${singular} '${q.params.id}' does not exist`);
    r.get(`${base}/:id`, (q) => ok({ ...get(q) }));
    r.put(`${base}/:id`, (q) => {
      const o = get(q);
      setOptions(o, q.body);
      o[idKey] = q.params.id!;
      store.changed();
      return ok();
    });
    r.delete(`${base}/:id`, (q) => {
      get(q);
      if (kind === "zones" && Object.values(pve.sdn.vnets).some((v) => v.zone === q.params.id)) fail(500, `cannot delete zone '${q.params.id}', it is still used by a vnet`);
      if (kind === "vnets" && Object.values(pve.sdn.subnets).some((s) => s.vnet === q.params.id)) fail(500, `cannot delete vnet '${q.params.id}', it still has subnets`);
      delete pve.sdn[kind][q.params.id!];
      store.changed();
      return ok();
    });
  };
  sdnCollection("zones", "zone", "zone");
  sdnCollection("vnets", "vnet", "vnet");
  const subnetId = (vnet: string, cidr: string): string => {
    const zone = String(pve.sdn.vnets[vnet]?.zone ?? "");
    return `${zone}-${cidr.replace("/", "-")}`;
  };
  const getVnet = (q: ApiRequest) => pve.sdn.vnets[q.params.vnet!] ?? fail(500, `sdn vnet '${q.params.vnet}' does not exist`);
  // `dhcp-range` is sent as repeated `start-address=A,end-address=B` values and read back as objects.
  const DHCP_SEP = "|";
  const subnetBody = (body: Record<string, unknown>): Record<string, unknown> => {
    const range = body["dhcp-range"];
    if (range === undefined) return body;
    return { ...body, "dhcp-range": (Array.isArray(range) ? range : [range]).map(String).join(DHCP_SEP) };
  };
  const subnetView = (o: Record<string, string | number>): Record<string, unknown> => {
    const { "dhcp-range": range, ...rest } = o;
    if (range === undefined || range === "") return rest;
    return {
      ...rest,
      "dhcp-range": String(range).split(DHCP_SEP).map((entry) => Object.fromEntries(entry.split(",").map((kv) => kv.split("=", 2) as [string, string]))),
    };
  };
  r.get("/cluster/sdn/vnets/:vnet/subnets", (q) => {
    getVnet(q);
    return ok(Object.values(pve.sdn.subnets).filter((s) => s.vnet === q.params.vnet).map(subnetView));
  });
  r.post("/cluster/sdn/vnets/:vnet/subnets", (q) => {
    getVnet(q);
    const cidr = str(q.body.subnet) ?? fail(400, "Parameter verification failed.", { subnet: "property is missing and it is not optional" });
    const id = subnetId(q.params.vnet!, cidr);
    if (pve.sdn.subnets[id]) fail(500, `sdn subnet object ID '${id}' already defined`);
    const o: Record<string, string | number> = {};
    setOptions(o, subnetBody(q.body));
    Object.assign(o, { subnet: id, cidr, network: cidr.split("/")[0]!, mask: cidr.split("/")[1]!, vnet: q.params.vnet!, zone: String(pve.sdn.vnets[q.params.vnet!]?.zone), type: "subnet", id });
    pve.sdn.subnets[id] = o;
    store.changed();
    return ok();
  });
  const getSubnet = (q: ApiRequest) => {
    getVnet(q);
    const s = pve.sdn.subnets[q.params.subnet!];
    return s && s.vnet === q.params.vnet ? s : fail(500, `sdn subnet '${q.params.subnet}' does not exist`);
  };
  r.get("/cluster/sdn/vnets/:vnet/subnets/:subnet", (q) => ok(subnetView(getSubnet(q))));
  r.put("/cluster/sdn/vnets/:vnet/subnets/:subnet", (q) => {
    const s = getSubnet(q);
    const keep = { subnet: s.subnet!, cidr: s.cidr!, vnet: s.vnet!, zone: s.zone!, id: s.id! };
    setOptions(s, subnetBody(q.body));
    Object.assign(s, keep);
    store.changed();
    return ok();
  });
  r.delete("/cluster/sdn/vnets/:vnet/subnets/:subnet", (q) => {
    getSubnet(q);
    delete pve.sdn.subnets[q.params.subnet!];
    store.changed();
    return ok();
  });
  r.put("/cluster/sdn", () => ok(startTask(pve.nodes[0]!, "reloadnetworkall", "")));
  r.get("/cluster/sdn", () => ok([{ id: "vnets" }, { id: "zones" }, { id: "controllers" }, { id: "ipams" }, { id: "dns" }]));

  // --- node network ---
  const nodeNets = (q: ApiRequest) => {
    checkNode(q.params.node!);
    return (pve.networks[q.params.node!] ??= {});
  };
  // `families` is a list in replies (["inet"]); it is kept as a comma list internally.
  const netView = (n: Record<string, string | number>): Record<string, unknown> => ({ ...n, families: String(n.families ?? "inet").split(",") });
  r.get("/nodes/:node/network", (q) => {
    const type = str(q.body.type);
    return ok(Object.values(nodeNets(q)).filter((n) => !type || n.type === type || (type === "any_bridge" && n.type === "bridge")).map(netView));
  });
  r.post("/nodes/:node/network", (q) => {
    const nets = nodeNets(q);
    const iface = str(q.body.iface) ?? fail(400, "Parameter verification failed.", { iface: "property is missing and it is not optional" });
    if (nets[iface]) fail(500, `interface '${iface}' already exists`);
    const n: Record<string, string | number> = { active: 0, autostart: 0, families: "inet", method: "manual", priority: Object.keys(nets).length + 1 };
    setOptions(n, q.body);
    if (n.autostart !== undefined) n.autostart = bool(n.autostart) ? 1 : 0;
    n.iface = iface;
    n.active = 1;
    if (n.cidr && !n.address) {
      const [address, netmask] = String(n.cidr).split("/");
      n.address = address!;
      n.netmask = netmask!;
      n.method = "static";
    }
    nets[iface] = n;
    store.changed();
    return ok();
  });
  const getNet = (q: ApiRequest) => nodeNets(q)[q.params.iface!] ?? fail(500, `interface '${q.params.iface}' does not exist`);
  r.get("/nodes/:node/network/:iface", (q) => ok(netView(getNet(q))));
  r.put("/nodes/:node/network/:iface", (q) => {
    const n = getNet(q);
    setOptions(n, q.body);
    n.iface = q.params.iface!;
    store.changed();
    return ok();
  });
  r.delete("/nodes/:node/network/:iface", (q) => {
    getNet(q);
    delete nodeNets(q)[q.params.iface!];
    store.changed();
    return ok();
  });
  r.put("/nodes/:node/network", (q) => {
    nodeNets(q);
    return ok(startTask(q.params.node!, "srvreload", "networking"));
  });
  r.delete("/nodes/:node/network", (q) => {
    nodeNets(q);
    return ok();
  });

  return {
    name: "proxmox",
    prefix: "/api2/json",
    router: r,
    queryIntoBody: true,
    locks,
    authorize(headers: IncomingHttpHeaders) {
      const auth = headers.authorization;
      if (!auth) return new ApiError(401, "No ticket");
      if (auth !== `PVEAPIToken=${store.data.credentials.proxmoxApiToken}`) return new ApiError(401, "invalid token value!");
      return undefined;
    },
    renderError(err: ApiError): ApiResponse {
      return {
        status: err.status,
        statusText: err.message,
        body: { data: null, message: `${err.message}\n`, ...(err.fields ? { errors: err.fields } : {}) },
      };
    },
  };
}

/**
 * Option keys Proxmox types as integer or boolean and returns as JSON numbers; every other option
 * comes back as a string (a `vmid` list of one id stays "100", as clients decode it into a string).
 */
const INT_OPTION_KEYS = new Set([
  "enable", "enabled", "all", "autostart", "active", "mtu", "tag", "vlanaware", "snat", "vlan-id", "priority",
  "bridge_vlan_aware", "vlan_id", "maxfiles", "bwlimit", "ionice", "pigz", "zstd", "remove", "protected", "repeat-missed",
  "stdexcludes", "lockwait", "stopwait", "isolate-ports", "dhcp", "ipfilter", "macfilter", "ndp", "radv", "ebtables",
  "vrf-vxlan", "advertise-subnets", "disable-arp-nd-suppression", "exitnodes-local-routing",
]);

/** Write form values into an options map: `delete` removes keys, booleans are 0/1. */
function setOptions(target: Record<string, string | number>, body: Record<string, unknown>): void {
  for (const key of str(body.delete)?.split(/[,;\s]+/).filter(Boolean) ?? []) delete target[key];
  for (const [key, raw] of Object.entries(body)) {
    if (key === "delete" || key === "digest" || raw === undefined || raw === null) continue;
    const value = Array.isArray(raw) ? raw.join(",") : typeof raw === "boolean" ? (raw ? 1 : 0) : raw;
    target[key] = INT_OPTION_KEYS.has(key) && /^-?\d+$/.test(String(value)) ? Number(value) : String(value);
  }
}

/** Property strings (`keep-daily=7,keep-last=3`) that Proxmox accepts as strings but returns as objects. */
const OBJECT_OPTION_KEYS = new Set(["prune-backups", "fleecing", "performance"]);
function renderOptions(o: Record<string, string | number>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...o };
  for (const key of OBJECT_OPTION_KEYS) {
    if (typeof o[key] !== "string") continue;
    out[key] = Object.fromEntries(String(o[key]).split(",").filter(Boolean).map((kv) => {
      const [k = "", v = ""] = kv.split("=", 2);
      return [k, /^\d+$/.test(v) ? (k === "enabled" ? Number(v) : v) : v];
    }));
  }
  return out;
}

function ruleFromBody(body: Record<string, unknown>, kind: "vm" | "group", partial = false): Record<string, unknown> {
  const rule: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(body)) {
    if (["pos", "digest", "delete", "moveto", "node", "vmid", "group"].includes(key) || raw === undefined) continue;
    rule[key] = key === "enable" ? Number(raw) : raw;
  }
  if (!partial) {
    if (!rule.type) throw new ApiError(400, "Parameter verification failed.", undefined, { type: "property is missing and it is not optional" });
    if (!rule.action) throw new ApiError(400, "Parameter verification failed.", undefined, { action: "property is missing and it is not optional" });
    if (rule.type === "group" && kind === "group") throw new ApiError(400, "Parameter verification failed.", undefined, { type: "security groups cannot reference groups" });
  }
  return rule;
}

/** Create template VMs present at start (idempotent: existing ids are kept). */
export function seedTemplates(store: Store, templates: SeedTemplate[]): void {
  const pve = store.data.proxmox;
  for (const t of templates) {
    if (pve.vms[t.vmid]) continue;
    if (!pve.seededVmids.includes(t.vmid)) pve.seededVmids.push(t.vmid);
    const node = t.node ?? pve.nodes[0]!;
    if (!pve.nodes.includes(node)) pve.nodes.push(node);
    pve.vms[t.vmid] = {
      vmid: t.vmid,
      node,
      status: "stopped",
      firewall: { rules: [], options: {} },
      config: {
        name: t.name ?? `template-${t.vmid}`,
        template: 1,
        cores: 1,
        sockets: 1,
        memory: 1024,
        ostype: "l26",
        scsihw: "virtio-scsi-pci",
        scsi0: `local-lvm:base-${t.vmid}-disk-0,size=${t.diskGb ?? 2}G`,
        ide2: `local-lvm:vm-${t.vmid}-cloudinit,media=cdrom`,
        net0: `virtio=${deterministicMac(t.vmid, 0)},bridge=vmbr0`,
        boot: "order=scsi0",
        agent: "1",
        serial0: "socket",
        vga: "serial0",
        smbios1: `uuid=${uuidFor(t.vmid)}`,
        vmgenid: uuidFor(t.vmid + 0.5),
      },
    };
  }
  store.changed();
}
