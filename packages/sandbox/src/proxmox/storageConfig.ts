import { createHash } from "node:crypto";
import { ApiError, type Router } from "../router.js";
import type { PveState } from "../state.js";
import type { PveContext } from "./context.js";
import { requestCaller } from "./permissions.js";
import { GiB, STORAGES, str } from "./props.js";

/**
 * Storage definitions (`/etc/pve/storage.cfg`): proxmox/pve-storage src/PVE/API2/Storage/Config.pm
 * over the plugins' `plugindata` and `options` (src/PVE/Storage/{Dir,NFS,CIFS,ZFSPool,LvmThin,PBS}Plugin.pm)
 * and proxmox/pve-common src/PVE/SectionConfig.pm `check_config`.
 */

interface StorageType {
  /** plugindata `content`: [allowed, default]. */
  content: [string[], string[]];
  /** `options`: name -> fixed (cannot change after create) / optional. */
  options: Record<string, { fixed?: boolean; optional?: boolean }>;
  /** plugindata `sensitive-properties`: kept apart (`/etc/pve/priv`), never returned. */
  sensitive: string[];
}

const o = (...names: string[]) => Object.fromEntries(names.map((n) => [n, { optional: true }]));
const BACKUPS = o("prune-backups", "max-protected-backups");
const FILE = { ...o("content-dirs", "nodes", "disable", "content", "format", "mkdir", "create-base-path", "create-subdirs", "bwlimit", "preallocation"), ...BACKUPS, path: { fixed: true }, "snapshot-as-volume-chain": { optional: true, fixed: true } };
const ALL_FILE_CONTENT = ["images", "rootdir", "vztmpl", "iso", "backup", "snippets", "import"];

export const STORAGE_TYPES: Record<string, StorageType> = {
  // DirPlugin.pm
  dir: { content: [[...ALL_FILE_CONTENT, "none"], ["images", "rootdir"]], options: { ...FILE, ...o("shared", "is_mountpoint") }, sensitive: [] },
  // NFSPlugin.pm
  nfs: { content: [ALL_FILE_CONTENT, ["images"]], options: { ...FILE, ...o("options"), server: { fixed: true }, export: { fixed: true } }, sensitive: [] },
  // CIFSPlugin.pm
  cifs: { content: [ALL_FILE_CONTENT, ["images"]], options: { ...FILE, ...o("subdir", "username", "password", "domain", "smbversion", "options"), server: { fixed: true }, share: { fixed: true } }, sensitive: ["password"] },
  // ZFSPoolPlugin.pm
  zfspool: { content: [["images", "rootdir"], ["images", "rootdir"]], options: { ...o("blocksize", "sparse", "nodes", "disable", "content", "bwlimit", "mountpoint"), pool: { fixed: true } }, sensitive: [] },
  // LvmThinPlugin.pm
  lvmthin: { content: [["images", "rootdir"], ["images", "rootdir"]], options: { ...o("nodes", "disable", "content", "bwlimit"), thinpool: { fixed: true }, vgname: { fixed: true } }, sensitive: [] },
  // PBSPlugin.pm
  pbs: { content: [["backup", "none"], ["backup"]], options: { ...o("namespace", "port", "nodes", "disable", "content", "username", "password", "encryption-key", "master-pubkey", "fingerprint"), ...BACKUPS, server: { fixed: true }, datastore: { fixed: true } }, sensitive: ["encryption-key", "master-pubkey", "password"] },
};
/** Plugin.pm `@SHARED_STORAGE` (of the emulated types). */
const SHARED = new Set(["nfs", "cifs", "pbs"]);

type Definition = Record<string, string | number>;

/** A storage's definition: one created through the API, or one of the sandbox's built-in storages. */
export function storageDefinition(pve: PveState, id: string): Definition | undefined {
  const created = pve.storageConfig?.[id];
  if (created) return created;
  const builtin = STORAGES[id];
  return builtin ? { type: builtin.type, content: builtin.content, ...(builtin.path ? { path: builtin.path } : {}) } : undefined;
}

/** The capacity a defined storage reports (an assumption: no disks stand behind the sandbox's storages). */
export const DEFINED_STORAGE_BYTES = 1024 * GiB;

/** A storage as the node-level endpoints use it (status, content, clone targets): built-in or defined. */
export interface StorageEntry {
  type: string;
  content: string;
  total: number;
  path?: string;
  shared: number;
  enabled: number;
}

/**
 * The storages usable on `node`: the built-in ones and the definitions whose `nodes` include it
 * (pve-storage src/PVE/Storage.pm `storage_check_node`); a disabled one is listed with
 * `enabled: 0` (`storage_info`).
 */
export function storageEntries(pve: PveState, node?: string): Record<string, StorageEntry> {
  const out: Record<string, StorageEntry> = {};
  for (const [id, s] of Object.entries(STORAGES)) out[id] = { type: s.type, content: s.content, total: s.total, ...(s.path ? { path: s.path } : {}), shared: 0, enabled: 1 };
  for (const [id, d] of Object.entries(pve.storageConfig ?? {})) {
    if (node && d.nodes && !String(d.nodes).split(/[,;\s]+/).includes(node)) continue;
    const type = STORAGE_TYPES[String(d.type)];
    const path = d.path ?? (d.type === "zfspool" ? `/${String(d.mountpoint ?? d.pool)}` : undefined);
    out[id] = {
      type: String(d.type),
      content: String(d.content ?? type?.content[1].join(",") ?? ""),
      total: DEFINED_STORAGE_BYTES,
      // zfspool's mountpoint is not a content directory: only dir, nfs and cifs are file-based for downloads.
      ...(path && ["dir", "nfs", "cifs"].includes(String(d.type)) ? { path: String(path) } : {}),
      shared: SHARED.has(String(d.type)) || d.shared === 1 || d.shared === "1" ? 1 : 0,
      enabled: d.disable === 1 || d.disable === "1" ? 0 : 1,
    };
  }
  return out;
}

/** One storage usable on `node`, or undefined. */
export const storageEntry = (pve: PveState, id: string, node?: string): StorageEntry | undefined => storageEntries(pve, node)[id];

/** The sensitive values of created storages, kept apart like /etc/pve/priv: never rendered, never saved in the state file. */
const SECRETS = new WeakMap<PveState, Record<string, Record<string, string>>>();

export function registerStorageConfig(r: Router, c: PveContext): void {
  const { pve, fail, ok, store } = c;
  const defs = (): Record<string, Definition> => (pve.storageConfig ??= {});
  const secrets: Record<string, Record<string, string>> = SECRETS.get(pve) ?? {};
  SECRETS.set(pve, secrets);
  const digest = (): string => createHash("sha1").update(JSON.stringify(defs())).digest("hex");

  /** Config.pm `$api_storage_config` with Plugin.pm `parse_config` defaults (content, shared). */
  function render(id: string, d: Definition): Record<string, unknown> {
    const type = STORAGE_TYPES[String(d.type)];
    const out: Record<string, unknown> = { ...d, storage: id, digest: digest() };
    if (type && out.content === undefined) out.content = type.content[1].join(",");
    if (SHARED.has(String(d.type))) out.shared = 1;
    for (const k of ["disable", "shared", "sparse", "port", "max-protected-backups", "create-base-path", "create-subdirs", "is_mountpoint", "mkdir"]) if (out[k] !== undefined && /^\d+$/.test(String(out[k]))) out[k] = Number(out[k]);
    return out;
  }

  /** SectionConfig.pm `check_config` + Plugin.pm `decode_value` for content and nodes. */
  function check(type: StorageType, body: Record<string, unknown>, create: boolean): Definition {
    const out: Definition = {};
    for (const [k, v] of Object.entries(body)) {
      if (v === undefined || ["storage", "type", "digest", "delete"].includes(k)) continue;
      const opt = type.options[k] ?? fail(500, `unexpected property '${k}'`);
      if (!create && opt.fixed) fail(500, `can't change value of fixed parameter '${k}'`);
      let value = String(v);
      if (/[\n\r]/.test(value)) fail(500, "property contains a line feed");
      if (k === "content") {
        // Unsupported types are dropped with a warning; `none` only alone.
        const list = value.split(/[\0,;\s]+/).filter((x) => x && type.content[0].includes(x));
        if (list.includes("none") && list.length > 1) fail(500, "unable to combine 'none' with other content types");
        if (list.length === 0 && !type.content[0].includes("none")) fail(500, "storage does not support content type 'none'");
        value = list.join(",");
      }
      out[k] = value;
    }
    if (create) for (const [k, opt] of Object.entries(type.options)) if (!opt.optional && out[k] === undefined) fail(500, `missing value for required option '${k}'`);
    return out;
  }

  // index: only storages with Datastore.Audit or Datastore.AllocateSpace on /storage/<id>.
  const visible = (id: string): boolean => {
    const s = requestCaller.getStore()?.subject;
    if (!s) return true;
    const have = s.privs(`/storage/${id}`);
    return have.has("Datastore.Audit") || have.has("Datastore.AllocateSpace");
  };
  r.get("/storage", (q) => {
    const all: [string, Definition][] = [...Object.keys(STORAGES).filter((id) => !defs()[id]).map((id): [string, Definition] => [id, storageDefinition(pve, id)!]), ...Object.entries(defs())];
    return ok(all.filter(([id, d]) => visible(id) && (!q.body.type || d.type === q.body.type)).sort(([a], [b]) => a.localeCompare(b)).map(([id, d]) => render(id, d)));
  });
  r.get("/storage/:storage", (q) => {
    const id = q.params.storage!;
    const d = storageDefinition(pve, id) ?? fail(500, `storage '${id}' does not exist`);
    return ok(render(id, d));
  });
  r.post("/storage", (q) => {
    const id = str(q.body.storage) ?? fail(400, "Parameter verification failed.", { storage: "property is missing and it is not optional" });
    const typeName = str(q.body.type) ?? "";
    const type = STORAGE_TYPES[typeName] ?? fail(501, `storage type '${typeName}' is not emulated by the sandbox`);
    const body = { ...q.body };
    if (!body.nodes) delete body.nodes;
    const sensitive: Record<string, string> = {};
    for (const k of type.sensitive) if (body[k] !== undefined) sensitive[k] = String(body[k]);
    for (const k of type.sensitive) delete body[k];
    // NFSPlugin.pm / CIFSPlugin.pm `check_config`: on create, `path` defaults to `/mnt/pve/<storage>`.
    if ((typeName === "nfs" || typeName === "cifs") && !body.path) body.path = `/mnt/pve/${id}`;
    const def = check(type, body, true);
    if (storageDefinition(pve, id)) fail(500, `create storage failed: storage ID '${id}' already defined`);
    defs()[id] = { type: typeName, ...def };
    if (Object.keys(sensitive).length > 0) secrets[id] = sensitive;
    store.changed();
    return ok({ storage: id, type: typeName });
  });
  r.put("/storage/:storage", (q) => {
    const id = q.params.storage!;
    const d = defs()[id] ?? (STORAGES[id] ? fail(501, `the sandbox's built-in storage '${id}' cannot be changed`) : fail(500, `update storage failed: storage '${id}' does not exist`));
    const type = STORAGE_TYPES[String(d.type)]!;
    if (q.body.digest !== undefined && String(q.body.digest) !== digest()) fail(500, "update storage failed: detected modified configuration - file changed by other user? Try again.");
    const body = { ...q.body };
    const deletes = (str(body.delete) ?? "").split(/[\0,;\s]+/).filter(Boolean);
    const sensitive: Record<string, string> = {};
    for (const k of type.sensitive) if (body[k] !== undefined) sensitive[k] = String(body[k]);
    for (const k of type.sensitive) delete body[k];
    // check_config runs inside lock_storage_config(..., "update storage failed"), then the delete checks.
    const failUpdate = (msg: string): never => fail(500, `update storage failed: ${msg}`);
    let changes: Definition = {};
    try {
      changes = check(type, body, false);
    } catch (e) {
      if (e instanceof ApiError && e.status === 500) failUpdate(e.message);
      throw e;
    }
    for (const k of deletes) {
      const opt = type.options[k] ?? failUpdate(`no such option '${k}'`);
      if (!opt.optional) failUpdate(`unable to delete required option '${k}'`);
      if (opt.fixed) failUpdate(`unable to delete fixed option '${k}'`);
      if (changes[k] !== undefined) failUpdate(`cannot set and delete property '${k}' at the same time!`);
    }
    for (const k of deletes) {
      delete d[k];
      if (secrets[id]) delete secrets[id][k];
    }
    Object.assign(d, changes);
    if (Object.keys(sensitive).length > 0) secrets[id] = { ...(secrets[id] ?? {}), ...sensitive };
    store.changed();
    return ok();
  });
  r.delete("/storage/:storage", (q) => {
    const id = q.params.storage!;
    if (!defs()[id]) fail(STORAGES[id] ? 501 : 500, STORAGES[id] ? `the sandbox's built-in storage '${id}' cannot be removed` : `storage '${id}' does not exist`);
    delete defs()[id];
    delete secrets[id];
    // AccessControl.pm `remove_storage_access`: ACLs on the storage and its pool memberships go.
    if (pve.access) pve.access.acl = pve.access.acl.filter((e) => e.path !== `/storage/${id}`);
    for (const pool of Object.values(pve.pools)) if (pool.storage) pool.storage = pool.storage.filter((s) => s !== id);
    store.changed();
    return ok();
  });
}
