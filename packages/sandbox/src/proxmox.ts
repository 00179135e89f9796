import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { Faults } from "./faults.js";
import { ApiError, type ApiRequest, type ApiResponse, type EmulatedApi, Router, sleep } from "./router.js";
import type { PveTask, PveVm, PveVolume, Store } from "./state.js";

/** Timing of the emulated Proxmox host. */
export interface ProxmoxTiming {
  /** How long a clone holds the lock on its source, in ms. @default 300 */
  cloneMs?: number;
  /** How long a clone waits for a held source lock before failing like Proxmox, in ms. @default 100 */
  lockWaitMs?: number;
  /** Base duration of every other task (create, start, stop, resize, destroy...), in ms. @default 20 */
  taskMs?: number;
}

/** A template VM present at start (as if built by hand on the host). */
export interface SeedTemplate {
  vmid: number;
  name?: string;
  node?: string;
  /** Size of the template's boot disk in GB. @default 2 */
  diskGb?: number;
}

const GiB = 1024 ** 3;
const STORAGES: Record<string, { type: string; content: string; total: number; path?: string }> = {
  local: { type: "dir", content: "iso,vztmpl,backup,import,snippets", total: 100 * GiB, path: "/var/lib/vz" },
  "local-lvm": { type: "lvmthin", content: "images,rootdir", total: 500 * GiB },
};
/** Size of every image fetched with download-url (the virtual disk size an import gives). */
const DOWNLOADED_IMAGE_BYTES = 2 * GiB;

const DISK_KEY = /^(ide|sata|scsi|virtio)\d+$|^(efidisk|tpmstate)0$/;
const INT_KEYS = new Set([
  "cores", "sockets", "vcpus", "memory", "balloon", "shares", "cpuunits", "cpulimit", "template", "onboot",
  "numa", "acpi", "kvm", "tablet", "localtime", "protection", "reboot", "freeze", "migrate_downtime", "vmid",
]);
const TRANSIENT_KEYS = new Set(["delete", "digest", "revert", "skiplock", "background_delay", "node", "vmid", "force", "start", "unique", "pool", "archive", "storage"]);

/** A small FIFO lock table, like Proxmox's per-VM config flock. */
class LockTable {
  private readonly held = new Map<number, Array<() => void>>();

  isHeld(id: number): boolean {
    return this.held.has(id);
  }

  acquire(id: number, waitMs: number): Promise<boolean> {
    const queue = this.held.get(id);
    if (!queue) {
      this.held.set(id, []);
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const waiter = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const i = queue.indexOf(waiter);
        if (i >= 0) queue.splice(i, 1);
        resolve(false);
      }, waitMs);
      queue.push(waiter);
    });
  }

  release(id: number): void {
    const queue = this.held.get(id);
    const next = queue?.shift();
    if (next) next();
    else this.held.delete(id);
  }
}

const hex8 = (n: number): string => n.toString(16).toUpperCase().padStart(8, "0");
const bool = (v: unknown): boolean => v === true || v === 1 || v === "1" || v === "true";
const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/i.exec(text.trim());
  if (!m) throw new ApiError(400, "Parameter verification failed.", undefined, { size: `value '${text}' does not look like a valid disk size` });
  const unit = (m[2] ?? "").toUpperCase();
  const mult = unit === "T" ? 1024 ** 4 : unit === "G" ? GiB : unit === "M" ? 1024 ** 2 : unit === "K" ? 1024 : 1;
  return Math.round(Number(m[1]) * mult);
}

export function formatSize(bytes: number): string {
  if (bytes % GiB === 0) return `${bytes / GiB}G`;
  if (bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2}M`;
  return `${Math.ceil(bytes / 1024)}K`;
}

/** Split a Proxmox property string (`virtio=AA:..,bridge=vmbr0`) into its first item and options. */
function splitProp(value: string): { head: string; opts: [string, string][] } {
  const [head = "", ...rest] = value.split(",");
  return {
    head,
    opts: rest.filter((kv) => kv !== "").map((kv) => { const i = kv.indexOf("="); return i < 0 ? [kv, ""] : [kv.slice(0, i), kv.slice(i + 1)]; }),
  };
}
const joinProp = (head: string, opts: [string, string][]): string => [head, ...opts.map(([k, v]) => (v === "" ? k : `${k}=${v}`))].join(",");

function deterministicMac(vmid: number, index: number): string {
  const h = createHash("sha1").update(`${vmid}/${index}`).digest();
  return ["BC", "24", "11", h[0], h[1], h[2]].map((b) => (typeof b === "number" ? b.toString(16).padStart(2, "0").toUpperCase() : b)).join(":");
}

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

export function createProxmoxApi(ctx: ProxmoxContext): EmulatedApi & { locks: { isHeld(id: number): boolean } } {
  const { store, faults } = ctx;
  const timing = { cloneMs: 300, lockWaitMs: 100, taskMs: 20, ...ctx.timing };
  const pve = store.data.proxmox;
  const locks = new LockTable();
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
  const checkUnlocked = (vm: PveVm): void => {
    if (vm.lock) fail(500, `VM ${vm.vmid} is locked (${vm.lock})`);
  };

  function startTask(node: string, type: string, id: string | number, work?: (task: PveTask) => Promise<void> | void, durationMs = timing.taskMs): string {
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
        await sleep(durationMs + faults.slowMs);
        await work?.(task);
        task.log.push("TASK OK");
        task.exitstatus = "OK";
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
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

  r.post("/nodes/:node/qemu/:vmid/clone", (q) => {
    const src = getVm(q.params.node!, q.params.vmid);
    const newid = vmid(str(q.body.newid));
    if (pve.vms[newid]) fail(500, `unable to create VM ${newid}: config file already exists`);
    const target = str(q.body.target) ?? src.node;
    checkNode(target);
    const full = q.body.full === undefined ? !isTemplate(src) : bool(q.body.full);
    if (!full && !isTemplate(src)) fail(500, "Linked clone feature is not supported for a VM that is not a template");
    const storage = str(q.body.storage);
    if (storage && !STORAGES[storage]) fail(500, `storage '${storage}' does not exist`);
    const name = str(q.body.name) ?? `Copy-of-VM-${String(src.config.name ?? src.vmid)}`;
    // Proxmox creates the target config (locked) right away, so the id is taken from here on.
    const vm: PveVm = { vmid: newid, node: target, status: "stopped", lock: "clone", config: { name }, firewall: { rules: [], options: {} } };
    pve.vms[newid] = vm;
    store.changed();
    const upid = startTask(src.node, "qmclone", src.vmid, async (task) => {
      task.log.push(`create ${full ? "full" : "linked"} clone of drive(s) from VM ${src.vmid}`);
      const acquired = faults.shouldTimeOutLock() ? (await sleep(timing.lockWaitMs), false) : await locks.acquire(src.vmid, timing.lockWaitMs);
      if (!acquired) {
        delete pve.vms[newid];
        throw new Error(`clone failed: can't lock file '/var/lock/qemu-server/lock-${src.vmid}.conf' - got timeout`);
      }
      try {
        await sleep(timing.cloneMs + faults.slowMs);
        if (!pve.vms[src.vmid]) throw new Error(`clone failed: Configuration file 'nodes/${src.node}/qemu-server/${src.vmid}.conf' does not exist`);
        const config: Record<string, string | number> = {};
        for (const [k, v] of Object.entries(src.config)) {
          if (k === "template" || k === "meta" || k === "vmgenid" || k === "smbios1") continue;
          let value = String(v);
          if (DISK_KEY.test(k) && !value.includes("media=cdrom") || value.includes("-cloudinit")) {
            // A linked clone's disk refers to the template's base volume: `base-9000-disk-0/vm-101-disk-0`.
            value = !full && value.includes(`base-${src.vmid}-disk-`)
              ? value.replace(new RegExp(`(base-${src.vmid}-disk-(\\d+))`), `$1/vm-${newid}-disk-$2`)
              : value.replace(new RegExp(`(base|vm)-${src.vmid}-`, "g"), `vm-${newid}-`);
            if (storage && full) value = value.replace(/^[^:]+:/, `${storage}:`);
          }
          if (/^net\d+$/.test(k)) {
            const { head, opts } = splitProp(value);
            value = joinProp(`${head.split("=")[0]}=${deterministicMac(newid, Number(k.slice(3)))}`, opts);
          }
          config[k] = value;
        }
        config.name = name;
        if (q.body.description !== undefined) config.description = String(q.body.description);
        if (q.body.pool !== undefined) config.pool = String(q.body.pool);
        config.smbios1 = `uuid=${uuidFor(newid)}`;
        config.vmgenid = uuidFor(newid + 0.5);
        config.meta = `creation-qemu=8.1.5,ctime=${Math.floor(Date.now() / 1000)}`;
        vm.config = config;
        task.log.push(`transferred ${formatSize(diskBytes(src))} of ${formatSize(diskBytes(src))} (100.00%)`);
      } finally {
        locks.release(src.vmid);
      }
      delete vm.lock;
    });
    return ok(upid);
  });

  r.get("/nodes/:node/qemu/:vmid/config", (q) => ok(renderConfig(getVm(q.params.node!, q.params.vmid))));
  r.get("/nodes/:node/qemu/:vmid/pending", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    return ok(Object.entries(renderConfig(vm)).map(([key, value]) => ({ key, value })));
  });
  r.put("/nodes/:node/qemu/:vmid/config", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    checkUnlocked(vm);
    applyConfig(vm, q.body);
    store.changed();
    return ok();
  });
  r.post("/nodes/:node/qemu/:vmid/config", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    checkUnlocked(vm);
    applyConfig(vm, q.body);
    store.changed();
    return ok(startTask(vm.node, "qmconfig", vm.vmid));
  });
  r.put("/nodes/:node/qemu/:vmid/cloudinit", (q) => {
    getVm(q.params.node!, q.params.vmid);
    return ok();
  });
  r.put("/nodes/:node/qemu/:vmid/resize", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    checkUnlocked(vm);
    const disk = str(q.body.disk) ?? fail(400, "Parameter verification failed.", { disk: "property is missing and it is not optional" });
    const sizeArg = str(q.body.size) ?? fail(400, "Parameter verification failed.", { size: "property is missing and it is not optional" });
    const current = str(vm.config[disk]) ?? fail(500, `disk '${disk}' does not exist`);
    const { head, opts } = splitProp(current);
    const currentBytes = parseSize(opts.find(([k]) => k === "size")?.[1] ?? "0");
    const wanted = sizeArg.startsWith("+") ? currentBytes + parseSize(sizeArg.slice(1)) : parseSize(sizeArg);
    if (wanted < currentBytes) fail(500, "shrinking disks is not supported");
    vm.config[disk] = joinProp(head, [...opts.filter(([k]) => k !== "size"), ["size", formatSize(wanted)]]);
    store.changed();
    return ok(startTask(vm.node, "resize", vm.vmid));
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
  r.post("/nodes/:node/qemu/:vmid/template", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    checkUnlocked(vm);
    if (vm.status === "running") fail(500, "you can't convert a running VM to a template");
    vm.config.template = 1;
    for (const [k, v] of Object.entries(vm.config)) if (DISK_KEY.test(k)) vm.config[k] = String(v).replace(`vm-${vm.vmid}-disk-`, `base-${vm.vmid}-disk-`);
    store.changed();
    return ok(startTask(vm.node, "qmtemplate", vm.vmid));
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

  const power = (action: "start" | "stop" | "shutdown" | "reboot" | "reset" | "suspend" | "resume") => (q: ApiRequest): ApiResponse => {
    const vm = getVm(q.params.node!, q.params.vmid);
    if (action !== "stop") checkUnlocked(vm);
    if (action === "start") {
      if (isTemplate(vm)) fail(500, "you can't start a vm if it's a template");
      if (vm.status === "running") fail(500, `VM ${vm.vmid} already running`);
    }
    if ((action === "shutdown" || action === "reboot") && vm.status !== "running") fail(500, `VM ${vm.vmid} not running`);
    const type = `qm${action}`;
    return ok(startTask(vm.node, type, vm.vmid, () => {
      if (action === "start" || action === "reboot" || action === "reset" || action === "resume") {
        if (vm.status !== "running" || action !== "resume") vm.startedAt = Date.now();
        vm.status = "running";
      } else if (action === "stop" || action === "shutdown") {
        vm.status = "stopped";
        delete vm.startedAt;
      }
      store.changed();
    }));
  };
  for (const action of ["start", "stop", "shutdown", "reboot", "reset", "suspend", "resume"] as const) r.post(`/nodes/:node/qemu/:vmid/status/${action}`, power(action));

  r.delete("/nodes/:node/qemu/:vmid", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    checkUnlocked(vm);
    if (vm.status === "running") fail(500, `VM ${vm.vmid} is running - destroy failed`);
    const clones = Object.values(pve.vms).filter((other) => other !== vm && Object.values(other.config).some((v) => String(v).includes(`base-${vm.vmid}-disk-`)));
    if (clones.length > 0) fail(500, `base volume 'base-${vm.vmid}-disk-0' is still in use by linked clone ${clones[0]!.vmid}`);
    vm.lock = "destroyed";
    return ok(startTask(vm.node, "qmdestroy", vm.vmid, () => {
      destroyVm(vm, bool(q.body.purge));
      store.changed();
    }));
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
    // A vnet's section type is "vnet" and PVE returns it (pve-network src/PVE/Network/SDN/VnetPlugin.pm `sub type`); `type` is required in the vnet's `returns`.
    const view = (o: Record<string, unknown>): Record<string, unknown> => (kind === "vnets" ? { type: "vnet", ...o } : { ...o });
    r.get(base, () => ok(Object.values(pve.sdn[kind]).map(view)));
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
    r.get(`${base}/:id`, (q) => ok(view(get(q))));
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

function uuidFor(seed: number): string {
  const h = createHash("sha1").update(`hearth-sandbox-${seed}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
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
