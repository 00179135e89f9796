import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { PveCt } from "./proxmox/lxcRules.js";
import type { PveAccessState } from "./proxmox/access.js";
import type { PveHaState } from "./proxmox/ha.js";

/** A Proxmox VM as the sandbox holds it: the config map the API serves, plus runtime state. */
export interface PveVm {
  vmid: number;
  node: string;
  status: "running" | "stopped";
  /** Config lock as `status/current` reports it (`clone`, `create`, `backup`...). */
  lock?: string;
  config: Record<string, string | number>;
  /** `[PENDING]` changes of a running VM that need a restart, and keys pending deletion. */
  pending?: Record<string, string | number>;
  pendingDelete?: string[];
  /** Per-VM firewall: rules (position = index) and options. */
  firewall: { rules: Record<string, unknown>[]; options: Record<string, string | number> };
  startedAt?: number;
}

export interface PveTask {
  upid: string;
  node: string;
  type: string;
  id: string;
  user: string;
  pid: number;
  pstart: number;
  starttime: number;
  status: "running" | "stopped";
  exitstatus?: string;
  endtime?: number;
  log: string[];
}

export interface PveVolume {
  volid: string;
  content: string;
  format: string;
  size: number;
  ctime: number;
  vmid?: number;
}

export interface PveState {
  nodes: string[];
  vms: Record<string, PveVm>;
  tasks: Record<string, PveTask>;
  /** Keyed `node/storage`. */
  volumes: Record<string, PveVolume[]>;
  firewallGroups: Record<string, { group: string; comment?: string; rules: Record<string, unknown>[] }>;
  clusterFirewallOptions: Record<string, string | number>;
  backupJobs: Record<string, Record<string, string | number>>;
  sdn: {
    zones: Record<string, Record<string, string | number>>;
    vnets: Record<string, Record<string, string | number>>;
    subnets: Record<string, Record<string, string | number>>;
  };
  /** Keyed by node, then interface name. */
  networks: Record<string, Record<string, Record<string, string | number>>>;
  /** Pools; a VM is a member through its `pool` (clone/create) or through `vms` (PUT /pools). */
  pools: Record<string, { poolid: string; comment?: string; vms?: number[]; storage?: string[] }>;
  /** Users, roles, ACLs, API tokens (proxmox/access.ts); made on first use. */
  access?: PveAccessState;
  /** HA resources and rules, replication jobs, storage definitions (proxmox/ha.ts, replication.ts, storageConfig.ts). */
  ha?: PveHaState;
  replication?: Record<string, Record<string, string | number>>;
  /** LXC containers by id (proxmox/lxc.ts); absent in state files from before containers. */
  containers?: Record<string, PveCt>;
  storageConfig?: Record<string, Record<string, string | number>>;
  nextPid: number;
  /** VM ids created by `templates` at start: not leftovers of a run. */
  seededVmids: number[];
}

export type Labels = Record<string, string>;

export interface HcloudAction {
  id: number;
  command: string;
  status: "running" | "success" | "error";
  progress: number;
  started: string;
  finished: string | null;
  resources: { id: number; type: string }[];
  error: { code: string; message: string } | null;
}

export interface HcloudState {
  servers: Record<string, Record<string, unknown>>;
  primaryIps: Record<string, Record<string, unknown>>;
  firewalls: Record<string, Record<string, unknown>>;
  networks: Record<string, Record<string, unknown>>;
  sshKeys: Record<string, Record<string, unknown>>;
  actions: Record<string, HcloudAction>;
  /** Volumes (hcloud/volumes.ts) and snapshot/backup images (hcloud/snapshots.ts); absent in older state files. */
  volumes?: Record<string, Record<string, unknown>>;
  images?: Record<string, Record<string, unknown>>;
  /** Sandbox-only: the user data each server was created with, by server id (hcloud/servers.ts); never served. */
  guestUserData?: Record<string, string>;
}

export interface DoAction {
  id: number;
  status: "in-progress" | "completed" | "errored";
  type: string;
  started_at: string;
  completed_at: string | null;
  resource_id: number | null;
  resource_type: string;
  region_slug: string;
}

export interface DoState {
  droplets: Record<string, Record<string, unknown>>;
  reservedIps: Record<string, Record<string, unknown>>;
  firewalls: Record<string, Record<string, unknown>>;
  vpcs: Record<string, Record<string, unknown>>;
  sshKeys: Record<string, Record<string, unknown>>;
  /** Backup policy per droplet id. */
  backupPolicies: Record<string, Record<string, unknown>>;
  /** Tags by name: created by `POST /v2/tags` or by a droplet create that names them. */
  tags: Record<string, { name: string; implicit?: boolean }>;
  actions: Record<string, DoAction>;
  /** Volumes and volume snapshots (digitalocean/volumes.ts); absent in older state files. */
  volumes?: Record<string, Record<string, unknown>>;
  snapshots?: Record<string, Record<string, unknown>>;
}

/** Fake, local-only credentials; they live in the state file so a restarted sandbox accepts the same ones. */
export interface Credentials {
  /** `USER@REALM!TOKENID=SECRET` */
  proxmoxApiToken: string;
  /** 64 characters, as the hcloud provider requires. */
  hcloudToken: string;
  digitaloceanToken: string;
}

export interface SandboxData {
  version: 1;
  credentials: Credentials;
  nextId: number;
  proxmox: PveState;
  hcloud: HcloudState;
  digitalocean: DoState;
}

/** A call the sandbox does not emulate (answered with 501). */
export interface UnknownCall {
  api: "proxmox" | "hcloud" | "digitalocean";
  method: string;
  path: string;
  at: string;
}

export function newCredentials(): Credentials {
  return {
    proxmoxApiToken: `root@pam!hearth-sandbox=${randomUUID()}`,
    hcloudToken: randomBytes(32).toString("hex"),
    digitaloceanToken: `dop_v1_${randomBytes(32).toString("hex")}`,
  };
}

export function emptyData(credentials: Credentials = newCredentials(), nodes: string[] = ["pve1"]): SandboxData {
  return {
    version: 1,
    credentials,
    nextId: 1000,
    proxmox: {
      nodes,
      vms: {},
      tasks: {},
      volumes: {},
      firewallGroups: {},
      clusterFirewallOptions: { enable: 0, policy_in: "DROP", policy_out: "ACCEPT" },
      backupJobs: {},
      sdn: { zones: {}, vnets: {}, subnets: {} },
      networks: Object.fromEntries(nodes.map((n) => [n, defaultNodeNetworks()])),
      pools: {},
      containers: {},
      nextPid: 0x1000,
      seededVmids: [],
    },
    hcloud: { servers: {}, primaryIps: {}, firewalls: {}, networks: {}, sshKeys: {}, actions: {}, volumes: {}, images: {} },
    digitalocean: {
      droplets: {},
      reservedIps: {},
      firewalls: {},
      vpcs: {},
      sshKeys: {},
      backupPolicies: {},
      tags: {},
      actions: {},
      volumes: {},
      snapshots: {},
    },
  };
}

function defaultNodeNetworks(): Record<string, Record<string, string | number>> {
  return {
    eno1: { iface: "eno1", type: "eth", active: 1, autostart: 1, method: "manual", families: "inet", priority: 1 },
    vmbr0: {
      iface: "vmbr0",
      type: "bridge",
      active: 1,
      autostart: 1,
      method: "static",
      families: "inet",
      cidr: "192.168.1.10/24",
      address: "192.168.1.10",
      netmask: "24",
      gateway: "192.168.1.1",
      bridge_ports: "eno1",
      bridge_stp: "off",
      bridge_fd: "0",
      priority: 2,
    },
  };
}

/**
 * The sandbox's store: one JSON-serialisable document, optionally persisted to a file
 * (loaded at start, written shortly after every change and at stop).
 */
export class Store {
  readonly data: SandboxData;
  readonly unknownCalls: UnknownCall[] = [];
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file?: string,
    init?: { credentials?: Partial<Credentials>; nodes?: string[] },
  ) {
    let data: SandboxData | undefined;
    if (file && existsSync(file)) {
      const parsed = JSON.parse(readFileSync(file, "utf8")) as SandboxData;
      if (parsed.version !== 1) throw new Error(`sandbox state file ${file} has unsupported version ${String(parsed.version)}`);
      data = parsed;
      // Work that was in flight when the sandbox stopped did not finish.
      for (const task of Object.values(data.proxmox.tasks)) {
        if (task.status === "running") {
          task.status = "stopped";
          task.exitstatus = "interrupted by sandbox restart";
          task.endtime = Math.floor(Date.now() / 1000);
        }
      }
      for (const vm of Object.values(data.proxmox.vms)) delete vm.lock;
      for (const ct of Object.values(data.proxmox.containers ?? {})) if (ct.lock !== "create") delete ct.lock;
    }
    this.data = data ?? emptyData({ ...newCredentials() }, init?.nodes);
    if (init?.credentials) Object.assign(this.data.credentials, dropUndefined(init.credentials));
  }

  /** A fresh numeric id, shared by all APIs so ids never collide across them. */
  nextId(): number {
    return this.data.nextId++;
  }

  /** Schedule a save (coalesces bursts of changes). */
  changed(): void {
    if (!this.file || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.save();
    }, 25);
    this.saveTimer.unref();
  }

  save(): void {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 2));
    renameSync(tmp, this.file);
  }

  recordUnknown(call: Omit<UnknownCall, "at">): void {
    this.unknownCalls.push({ ...call, at: new Date().toISOString() });
  }
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
