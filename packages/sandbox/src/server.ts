import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { appendFileSync } from "node:fs";
import { ConformanceRecorder, type ConformanceReport } from "./conformance/recorder.js";
import { createDigitalOceanApi, type DigitalOceanTiming } from "./digitalocean/index.js";
import { Faults, type FaultOptions, type InjectedFaults } from "./faults.js";
import { createHcloudApi, type HcloudTiming } from "./hcloud/index.js";
import { createProxmoxApi, type ObservedCall, type ProxmoxApiToken, seedTemplates, type SeedTemplate } from "./proxmox.js";
import type { ProxmoxTiming } from "./proxmox/physics.js";
import { volumeExists } from "./proxmox/ownership.js";
import { ApiError, type ApiResponse, type EmulatedApi, parseBody } from "./router.js";
import { clone, type Credentials, type SandboxData, Store, type UnknownCall } from "./state.js";
import { selfSignedCertificate } from "./tls.js";
import { configLeftovers } from "./proxmox/configLeftovers.js";

export type ApiName = "proxmox" | "hcloud" | "digitalocean";

export interface SandboxOptions {
  /**
   * First port: Proxmox listens on it, hcloud on port+1, DigitalOcean on port+2.
   * @default 0 - three ephemeral ports
   */
  port?: number;
  /** Per-API ports; win over `port`. */
  ports?: Partial<Record<ApiName, number>>;
  /** Load state from this JSON file at start (if it exists) and save it on every change and at stop. @default in memory only */
  stateFile?: string;
  /** Fault injection. @default none */
  faults?: FaultOptions;
  proxmox?: ProxmoxTiming & {
    /** Node names of the emulated cluster. @default ["pve1"] */
    nodes?: string[];
    /** Template VMs present at start. @default none */
    templates?: SeedTemplate[];
    /**
     * More API tokens besides the default all-powerful one; with privilege separation (the
     * default) a token may only call what its ACL entries allow, as the PVE 9.1 schema's
     * `permissions` say (403 otherwise). @default none
     */
    apiTokens?: ProxmoxApiToken[];
    /**
     * Told about every Proxmox request answered, with what the PVE 9.1 schema's permission
     * entry requires of it (the least-privilege derivation records a run with it). Its
     * `params` are the request's, secrets included: keep them in the process.
     */
    observe?: (call: ObservedCall) => void;
  };
  hcloud?: HcloudTiming;
  digitalocean?: DigitalOceanTiming;
  /** Fixed fake credentials (tests); by default random ones are made (and kept in the state file). */
  credentials?: Partial<Credentials>;
  /** Called once per API request with a one-line summary (method, path, status); never with credentials. */
  log?: (line: string) => void;
  /**
   * Check every exchange against the official API descriptions and refuse what the real API
   * refuses (docs/sandbox.md, Conformance). `specsDir` is where `pve-api-9.1.3.json` and the
   * two OpenAPI documents are.
   * @default on, with the documents found via HEARTH_SPECS_DIR or `../shared/specs`
   */
  conformance?: boolean | { specsDir?: string };
}

/** Provider settings for the emulated Proxmox VE. */
export interface ProxmoxEndpoint {
  /** `https://127.0.0.1:<port>/` */
  endpoint: string;
  /** `root@pam!hearth-sandbox=<uuid>` */
  apiToken: string;
  /** The certificate is self-signed. */
  insecure: true;
  /** First node name (`pve1`). */
  node: string;
}

export interface CloudEndpoint {
  endpoint: string;
  token: string;
}

export type Mutation =
  | {
      api: "proxmox";
      kind: "vm" | "container";
      id: number;
      config?: Record<string, string | number | null>;
      status?: "running" | "stopped";
      /** The guest now runs on this node, as after an HA recovery (pve-ha-manager src/PVE/HA/Env/PVE2.pm `steal_service` moves its config to the new node) or a migration. */
      node?: string;
      delete?: boolean;
    }
  | { api: "proxmox"; kind: "firewallGroup" | "backupJob" | "sdnZone" | "sdnVnet" | "sdnSubnet" | "pool" | "haResource" | "haRule" | "replicationJob" | "storage"; id: string; set?: Record<string, unknown>; delete?: boolean }
  /** A file on a node's storage (an ISO, a container template, an import image), by volume id: deleted or resized as an admin would. */
  | { api: "proxmox"; kind: "storageFile"; id: string; node?: string; size?: number; delete?: boolean }
  | { api: "hcloud"; kind: "server" | "primaryIp" | "firewall" | "network" | "sshKey" | "volume"; id: number; set?: Record<string, unknown>; delete?: boolean }
  | { api: "digitalocean"; kind: "droplet" | "reservedIp" | "firewall" | "vpc" | "sshKey" | "volume"; id: string | number; set?: Record<string, unknown>; delete?: boolean };

/** A cloud volume by its provider id (Hetzner's number, DigitalOcean's uuid). */
export interface VolumeFileTarget {
  api: "hcloud" | "digitalocean";
  volumeId: number | string;
}

export interface SandboxSnapshot {
  proxmox: SandboxData["proxmox"];
  hcloud: SandboxData["hcloud"];
  digitalocean: SandboxData["digitalocean"];
  /** Calls answered with 501, in order. A faithful run has none. */
  unknownCalls: UnknownCall[];
  /** Resources a run created and did not delete (seeded templates, default VPCs and host interfaces excluded). */
  leftovers: string[];
  faults: InjectedFaults;
  requests: number;
}

export interface Sandbox {
  proxmox: ProxmoxEndpoint;
  /** `endpoint` includes `/v1`, as HCLOUD_ENDPOINT wants it. */
  hcloud: CloudEndpoint;
  /** `endpoint` is the API base without `/v2`, as DIGITALOCEAN_API_URL wants it. */
  digitalocean: CloudEndpoint;
  /** Environment variables the three providers read (endpoints and fake credentials). */
  env(): Record<string, string>;
  /** A deep copy of everything the sandbox holds. */
  inspect(): SandboxSnapshot;
  /** Change a resource out of band, as someone clicking in a console would (drift). */
  mutate(mutation: Mutation): void;
  /**
   * Write data onto a Proxmox guest-disk volume (`local-lvm:vm-900-disk-0`), as a guest writing
   * a file onto its disk would. The data lives as long as the volume: freeing the volume
   * (proxmox/ownership.ts) loses it. Throws when the volume does not exist.
   */
  writeVolumeData(volumeId: string, marker: string): void;
  /** The data last written onto a Proxmox volume, undefined when none; throws when the volume does not exist (its data is lost). */
  readVolumeData(volumeId: string): string | undefined;
  /**
   * Sandbox-only, what a guest does on a mounted volume: write a file onto a cloud volume
   * through the server or droplet it is attached to. Refused (an Error) when the volume does not
   * exist, is attached to nothing, or its server is not running. The files belong to the
   * volume: they stay with it through detach and attach, and go when it is deleted.
   */
  writeVolumeFile(target: VolumeFileTarget & { path: string; content: string }): void;
  /** Sandbox-only: the files on a cloud volume and the server it is attached to now (null when detached). */
  volumeFiles(target: VolumeFileTarget): { attachedTo: number | null; files: Record<string, string> };
  /** Replace the fault injection settings while running (`{}` turns faults off). */
  setFaults(options: FaultOptions): void;
  /** How the exchanges so far compare with the official API descriptions. */
  conformance(): ConformanceReport;
  /** Stop listening and save the state file. */
  stop(): Promise<void>;
}

const MAX_BODY = 10 * 1024 * 1024;
const DEFAULT_INTERFACES = new Set(["eno1", "vmbr0"]);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, "request body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Reason phrases must be printable Latin-1 without line breaks. */
const reasonPhrase = (text: string): string => text.replace(/[^\x20-\x7e]/g, " ").slice(0, 500).trim() || "Error";

function send(res: ServerResponse, response: ApiResponse): void {
  const body = response.body === undefined ? "" : JSON.stringify(response.body);
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = reasonPhrase(response.statusText);
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  if (body) {
    res.setHeader("Content-Type", "application/json;charset=UTF-8");
    res.setHeader("Content-Length", Buffer.byteLength(body));
  }
  res.end(body);
}

const withApiHeaders = (api: EmulatedApi, response: ApiResponse): ApiResponse =>
  api.responseHeaders ? { ...response, headers: { ...api.responseHeaders(response.status), ...response.headers } } : response;

const isLoopback = (address: string | undefined): boolean => !!address && (address === "::1" || address.startsWith("127.") || address === "::ffff:127.0.0.1");

export function computeLeftovers(data: SandboxData): string[] {
  const out: string[] = [];
  const pve = data.proxmox;
  for (const vm of Object.values(pve.vms)) if (!pve.seededVmids.includes(vm.vmid)) out.push(`proxmox vm ${vm.vmid} (${String(vm.config.name ?? "")})`);
  for (const [key, vols] of Object.entries(pve.volumes)) for (const v of vols) out.push(`proxmox volume ${key}/${v.volid}`);
  for (const g of Object.keys(pve.firewallGroups)) out.push(`proxmox firewall group ${g}`);
  for (const j of Object.keys(pve.backupJobs)) out.push(`proxmox backup job ${j}`);
  for (const z of Object.keys(pve.sdn.zones)) out.push(`proxmox sdn zone ${z}`);
  for (const v of Object.keys(pve.sdn.vnets)) out.push(`proxmox sdn vnet ${v}`);
  for (const s of Object.keys(pve.sdn.subnets)) out.push(`proxmox sdn subnet ${s}`);
  for (const [node, nets] of Object.entries(pve.networks)) for (const iface of Object.keys(nets)) if (!DEFAULT_INTERFACES.has(iface)) out.push(`proxmox network ${node}/${iface}`);
  for (const p of Object.keys(pve.pools)) out.push(`proxmox pool ${p}`);
  for (const ct of Object.values(pve.containers ?? {})) out.push(`proxmox container ${ct.vmid} (${String(ct.config.hostname ?? "")})`);
  out.push(...configLeftovers(pve));
  const h = data.hcloud;
  for (const [kind, coll] of [["server", h.servers], ["primary ip", h.primaryIps], ["firewall", h.firewalls], ["network", h.networks], ["ssh key", h.sshKeys], ["volume", h.volumes ?? {}]] as const)
    for (const o of Object.values(coll)) out.push(`hcloud ${kind} ${String(o.id)} (${String(o.name)})`);
  for (const o of Object.values(h.images ?? {})) out.push(`hcloud ${String(o.type)} image ${String(o.id)} (${String(o.description)})`);
  const d = data.digitalocean;
  for (const o of Object.values(d.droplets)) out.push(`digitalocean droplet ${String(o.id)} (${String(o.name)})`);
  for (const o of Object.values(d.reservedIps)) out.push(`digitalocean reserved ip ${String(o.ip)}`);
  for (const o of Object.values(d.firewalls)) out.push(`digitalocean firewall ${String(o.id)} (${String(o.name)})`);
  for (const o of Object.values(d.vpcs)) if (o.default !== true) out.push(`digitalocean vpc ${String(o.id)} (${String(o.name)})`);
  for (const o of Object.values(d.sshKeys)) out.push(`digitalocean ssh key ${String(o.id)} (${String(o.name)})`);
  for (const o of Object.values(d.volumes ?? {})) out.push(`digitalocean volume ${String(o.id)} (${String(o.name)})`);
  for (const o of Object.values(d.snapshots ?? {})) out.push(`digitalocean snapshot ${String(o.id)} (${String(o.name)})`);
  // Tags a droplet create made on the way (`implicit`) are not the program's own resources.
  for (const t of Object.values(d.tags ?? {})) if (!t.implicit) out.push(`digitalocean tag ${t.name}`);
  return out;
}

function applyMutation(data: SandboxData, m: Mutation): void {
  const missing = (): never => {
    throw new ApiError(404, `no ${m.api} ${m.kind} with id ${String(m.id)}`);
  };
  const merge = (target: Record<string, unknown>, set: Record<string, unknown> | undefined): void => {
    for (const [k, v] of Object.entries(set ?? {})) {
      if (v === null) delete target[k];
      else target[k] = v;
    }
  };
  if (m.api === "proxmox" && (m.kind === "vm" || m.kind === "container")) {
    const vm = (m.kind === "vm" ? data.proxmox.vms[m.id] : data.proxmox.containers?.[m.id]) ?? missing();
    if (m.delete) {
      if (m.kind === "vm") delete data.proxmox.vms[m.id];
      else delete data.proxmox.containers?.[m.id];
      return;
    }
    // `lock` is the config's lock property (`lock: backup`), which the sandbox keeps beside the config.
    const { lock, ...config } = m.config ?? {};
    if (lock === null) delete vm.lock;
    else if (lock !== undefined) vm.lock = String(lock);
    merge(vm.config, config);
    if (m.status) vm.status = m.status;
    if (m.node !== undefined) {
      if (!data.proxmox.nodes.includes(m.node)) throw new ApiError(400, `no proxmox node ${m.node}`);
      vm.node = m.node;
    }
    return;
  }
  if (m.api === "proxmox" && m.kind === "storageFile") {
    const list = data.proxmox.volumes[`${m.node ?? "pve1"}/${m.id.split(":")[0]}`] ?? missing();
    const index = list.findIndex((v) => v.volid === m.id);
    if (index < 0) missing();
    if (m.delete) list.splice(index, 1);
    else if (m.size !== undefined) list[index]!.size = m.size;
    return;
  }
  const collections: Record<string, Record<string, Record<string, unknown>>> = {
    "proxmox/firewallGroup": data.proxmox.firewallGroups as Record<string, Record<string, unknown>>,
    "proxmox/backupJob": data.proxmox.backupJobs,
    "proxmox/sdnZone": data.proxmox.sdn.zones,
    "proxmox/sdnVnet": data.proxmox.sdn.vnets,
    "proxmox/sdnSubnet": data.proxmox.sdn.subnets,
    "proxmox/pool": data.proxmox.pools as Record<string, Record<string, unknown>>,
    "proxmox/haResource": (data.proxmox.ha ??= { resources: {}, rules: {} }).resources,
    "proxmox/haRule": data.proxmox.ha.rules,
    "proxmox/replicationJob": (data.proxmox.replication ??= {}),
    "proxmox/storage": (data.proxmox.storageConfig ??= {}),
    "hcloud/server": data.hcloud.servers,
    "hcloud/primaryIp": data.hcloud.primaryIps,
    "hcloud/firewall": data.hcloud.firewalls,
    "hcloud/network": data.hcloud.networks,
    "hcloud/sshKey": data.hcloud.sshKeys,
    "hcloud/volume": (data.hcloud.volumes ??= {}),
    "digitalocean/droplet": data.digitalocean.droplets,
    "digitalocean/reservedIp": data.digitalocean.reservedIps,
    "digitalocean/firewall": data.digitalocean.firewalls,
    "digitalocean/vpc": data.digitalocean.vpcs,
    "digitalocean/sshKey": data.digitalocean.sshKeys,
    "digitalocean/volume": (data.digitalocean.volumes ??= {}),
  };
  const coll = collections[`${m.api}/${m.kind}`] ?? (() => { throw new ApiError(400, `unknown kind ${m.api}/${m.kind}`); })();
  const key = String(m.id);
  const target = coll[key] ?? missing();
  if (m.delete) delete coll[key];
  else if ("set" in m) merge(target, m.set);
}

/**
 * A test runner learns about every sandbox started in its process, without importing this
 * module up front, by putting a function at `globalThis[Symbol.for("hearth.sandbox.started")]`
 * (test/support/conformance.ts does, to fail a test whose sandbox saw a violation).
 */
export const SANDBOX_STARTED_HOOK = Symbol.for("hearth.sandbox.started");

/** Start the three emulators on loopback. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const store = new Store(options.stateFile, { credentials: options.credentials, nodes: options.proxmox?.nodes });
  const faults = new Faults(options.faults);
  if (options.proxmox?.templates?.length) seedTemplates(store, options.proxmox.templates);
  const apis: Record<ApiName, EmulatedApi> = {
    proxmox: createProxmoxApi({ store, faults, timing: options.proxmox, tokens: options.proxmox?.apiTokens, observe: options.proxmox?.observe }),
    hcloud: createHcloudApi({ store, faults, timing: options.hcloud }),
    digitalocean: createDigitalOceanApi({ store, faults, timing: options.digitalocean }),
  };
  let requests = 0;
  const conformance = new ConformanceRecorder(
    options.conformance === false ? { enabled: false } : { specsDir: typeof options.conformance === "object" ? options.conformance.specsDir : undefined },
  );
  for (const api of Object.values(apis)) conformance.warm(api.name, api.router.routes());

  const inspect = (): SandboxSnapshot => ({
    ...clone({ proxmox: store.data.proxmox, hcloud: store.data.hcloud, digitalocean: store.data.digitalocean }),
    unknownCalls: clone(store.unknownCalls),
    leftovers: computeLeftovers(store.data),
    faults: { ...faults.injected },
    requests,
  });
  const existingVolume = (volumeId: string): void => {
    if (!volumeExists(store.data.proxmox, volumeId)) throw new ApiError(404, `volume '${volumeId}' does not exist`);
  };
  const writeVolumeData = (volumeId: string, marker: string): void => {
    existingVolume(volumeId);
    (store.data.proxmox.volumeData ??= {})[volumeId] = marker;
    store.changed();
  };
  const readVolumeData = (volumeId: string): string | undefined => {
    existingVolume(volumeId);
    return store.data.proxmox.volumeData?.[volumeId];
  };
  const mutate = (m: Mutation): void => {
    applyMutation(store.data, m);
    store.changed();
  };

  const handler = (api: EmulatedApi) => async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const rawPath = url.pathname;
    const query: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
    let body: Record<string, unknown> = {};
    let injected = false;
    let refused = false;
    let response: ApiResponse | undefined;
    try {
      if (!isLoopback(req.socket.remoteAddress)) throw new ApiError(403, "the sandbox only serves loopback clients");
      const raw = await readBody(req);
      if (rawPath === "/__sandbox/state" && method === "GET") return send(res, { status: 200, body: inspect() });
      if (rawPath === "/__sandbox/faults" && method === "POST") {
        try {
          faults.configure(JSON.parse(raw || "{}") as FaultOptions);
          return send(res, { status: 200, body: { ok: true } });
        } catch (e) {
          return send(res, { status: 400, body: { error: e instanceof Error ? e.message : String(e) } });
        }
      }
      if (rawPath === "/__sandbox/volume-data" && (method === "GET" || method === "POST")) {
        try {
          const volumeId = url.searchParams.get("volume") ?? "";
          if (method === "POST") writeVolumeData(volumeId, String((JSON.parse(raw || "{}") as { marker?: unknown }).marker ?? ""));
          return send(res, { status: 200, body: { volume: volumeId, marker: readVolumeData(volumeId) ?? null } });
        } catch (e) {
          const err = e instanceof ApiError ? e : new ApiError(400, e instanceof Error ? e.message : String(e));
          return send(res, { status: err.status, body: { error: err.message } });
        }
      }
      if (rawPath === "/__sandbox/mutate" && method === "POST") {
        try {
          mutate(JSON.parse(raw) as Mutation);
          return send(res, { status: 200, body: { ok: true } });
        } catch (e) {
          const err = e instanceof ApiError ? e : new ApiError(400, e instanceof Error ? e.message : String(e));
          return send(res, { status: err.status, body: { error: err.message } });
        }
      }
      requests++;
      // Parsed up front so that every exchange, even one refused by auth or an injected fault,
      // is recorded with the body the client sent; a parse error is answered after routing.
      let parseError: unknown;
      try {
        body = parseBody(raw, req.headers["content-type"]);
      } catch (e) {
        parseError = e;
      }
      const authError = api.authorize(req.headers);
      if (authError) throw authError;
      const injectedStatus = faults.injectedStatus(method);
      if (injectedStatus !== undefined) {
        injected = true;
        throw api.faultError?.(injectedStatus) ?? new ApiError(injectedStatus, injectedStatus === 500 ? "injected fault: internal server error" : `injected fault: status ${injectedStatus}`, "server_error");
      }
      const path = rawPath.startsWith(`${api.prefix}/`) ? rawPath.slice(api.prefix.length) : undefined;
      const match = path === undefined ? undefined : api.router.match(method, path);
      if (!match) {
        store.recordUnknown({ api: api.name, method, path: rawPath });
        throw new ApiError(501, `not implemented by hearth-sandbox: ${method} ${rawPath}`, "not_implemented");
      }
      if (parseError) throw parseError;
      // What the real API refuses before any handler runs, the sandbox refuses the same way.
      const refusal = conformance.refusal(api.name, method, path!, query, body);
      refused = !!refusal;
      if (refusal?.body !== undefined) response = { status: refusal.status, body: refusal.body };
      else if (refusal) throw Object.assign(new ApiError(refusal.status, refusal.message, refusal.code, refusal.fields), refusal.details ? { details: refusal.details } : {});
      const merged = api.queryIntoBody ? { ...Object.fromEntries(url.searchParams), ...body } : body;
      response ??= await match.handler({ method, path: path!, query: url.searchParams, body: merged, headers: req.headers, params: match.params });
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(500, e instanceof Error ? e.message : String(e));
      response = api.renderError(err);
    }
    send(res, withApiHeaders(api, response));
    if (options.log) options.log(`${api.name} ${method} ${rawPath} -> ${response.status}`);
    const path = rawPath.startsWith(`${api.prefix}/`) ? rawPath.slice(api.prefix.length) : rawPath;
    conformance.record({ api: api.name, method, path, query, body, status: response.status, response: response.body, ...(injected ? { injected } : {}), ...(refused ? { refused } : {}) });
  };

  const tls = await selfSignedCertificate();
  const servers: Record<ApiName, Server> = {
    proxmox: createHttpsServer({ key: tls.key, cert: tls.cert, minVersion: "TLSv1.2" }, (req, res) => void handler(apis.proxmox)(req, res)),
    hcloud: createHttpServer((req, res) => void handler(apis.hcloud)(req, res)),
    digitalocean: createHttpServer((req, res) => void handler(apis.digitalocean)(req, res)),
  };
  const portFor = (name: ApiName, offset: number): number => options.ports?.[name] ?? (options.port ? options.port + offset : 0);
  const listen = (server: Server, port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
    });
  const ports: Record<ApiName, number> = {
    proxmox: await listen(servers.proxmox, portFor("proxmox", 0)),
    hcloud: await listen(servers.hcloud, portFor("hcloud", 1)),
    digitalocean: await listen(servers.digitalocean, portFor("digitalocean", 2)),
  };
  store.save();

  // A volume's files, keyed by api and volume id (ids are never reused, so a deleted volume's files are unreachable).
  const volumeFileStore = new Map<string, Record<string, string>>();
  const volumeOf = (t: VolumeFileTarget): { attachedTo: number | null; running: boolean } => {
    if (t.api === "hcloud") {
      const v = (store.data.hcloud as { volumes?: Record<string, { server: number | null }> }).volumes?.[String(t.volumeId)];
      if (!v) throw new Error(`no hcloud volume ${String(t.volumeId)}`);
      const server = v.server === null ? undefined : (store.data.hcloud.servers as Record<string, { status?: string }>)[String(v.server)];
      return { attachedTo: v.server, running: server?.status === "running" };
    }
    const v = (store.data.digitalocean as { volumes?: Record<string, { droplet_ids: number[] }> }).volumes?.[String(t.volumeId)];
    if (!v) throw new Error(`no digitalocean volume ${String(t.volumeId)}`);
    const dropletId = v.droplet_ids[0] ?? null;
    const droplet = dropletId === null ? undefined : (store.data.digitalocean.droplets as Record<string, { status?: string }>)[String(dropletId)];
    return { attachedTo: dropletId, running: droplet?.status === "active" };
  };
  const creds = store.data.credentials;
  const sandbox: Sandbox = {
    proxmox: { endpoint: `https://127.0.0.1:${ports.proxmox}/`, apiToken: creds.proxmoxApiToken, insecure: true, node: store.data.proxmox.nodes[0]! },
    hcloud: { endpoint: `http://127.0.0.1:${ports.hcloud}/v1`, token: creds.hcloudToken },
    digitalocean: { endpoint: `http://127.0.0.1:${ports.digitalocean}`, token: creds.digitaloceanToken },
    env: () => ({
      PROXMOX_VE_ENDPOINT: sandbox.proxmox.endpoint,
      PROXMOX_VE_API_TOKEN: sandbox.proxmox.apiToken,
      PROXMOX_VE_INSECURE: "true",
      HCLOUD_ENDPOINT: sandbox.hcloud.endpoint,
      HCLOUD_TOKEN: sandbox.hcloud.token,
      DIGITALOCEAN_API_URL: sandbox.digitalocean.endpoint,
      DIGITALOCEAN_TOKEN: sandbox.digitalocean.token,
    }),
    inspect,
    mutate,
    writeVolumeData,
    readVolumeData,
    writeVolumeFile(t) {
      const { attachedTo, running } = volumeOf(t);
      if (attachedTo === null) throw new Error(`${t.api} volume ${String(t.volumeId)} is attached to no server: nothing can write to it`);
      if (!running) throw new Error(`${t.api} volume ${String(t.volumeId)} is attached to ${attachedTo}, which is not running`);
      const key = `${t.api}/${String(t.volumeId)}`;
      volumeFileStore.set(key, { ...(volumeFileStore.get(key) ?? {}), [t.path]: t.content });
    },
    volumeFiles(t) {
      const { attachedTo } = volumeOf(t);
      return { attachedTo, files: { ...(volumeFileStore.get(`${t.api}/${String(t.volumeId)}`) ?? {}) } };
    },
    setFaults: (o) => faults.configure(o),
    conformance: () => conformance.report(),
    async stop() {
      await Promise.all(
        Object.values(servers).map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
      store.save();
      // HEARTH_CONFORMANCE_LOG: one JSON line per sandbox run, to measure coverage across suites.
      const log = process.env.HEARTH_CONFORMANCE_LOG;
      if (log && conformance.enabled) {
        const r = conformance.report();
        appendFileSync(log, `${JSON.stringify({ exchanges: r.exchanges, refused: r.refused, violations: r.violations.length, coverage: r.coverage })}\n`);
      }
    },
  };
  const hook = (globalThis as Record<symbol, unknown>)[SANDBOX_STARTED_HOOK];
  if (typeof hook === "function") (hook as (sb: Sandbox) => void)(sandbox);
  return sandbox;
}
