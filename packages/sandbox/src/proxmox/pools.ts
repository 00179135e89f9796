import { ApiError, type ApiRequest, type Router } from "../router.js";
import type { PveState } from "../state.js";
import type { PveContext } from "./context.js";
import { requestCaller } from "./permissions.js";
import { bool, str } from "./props.js";
import { ctResource } from "./lxc.js";
import { storageDefinition } from "./storageConfig.js";

/**
 * The guests and storages of a pool: `vms` (PUT /pools) and the VMs and containers created or
 * cloned with `pool`. Guest ids are one namespace for qemu and lxc (pve-cluster `vmlist`), and a
 * pool's `vms` holds both (pve-access-control src/PVE/AccessControl.pm `add_vm_to_pool`, called
 * by qemu-server and pve-container alike).
 */
export function poolMembers(pve: PveState, poolid: string): { vms: number[]; storage: string[] } {
  const pool = pve.pools[poolid];
  if (!pool) return { vms: [], storage: [] };
  const vms = new Set(pool.vms ?? []);
  for (const vm of Object.values(pve.vms)) if (vm.config.pool === poolid) vms.add(vm.vmid);
  for (const ct of Object.values(pve.containers ?? {})) if (ct.pool === poolid) vms.add(ct.vmid);
  return { vms: [...vms].sort((a, b) => a - b), storage: [...(pool.storage ?? [])].sort() };
}

/** The pool a guest belongs to (user.cfg keeps one pool per guest: `$usercfg->{vms}->{$vmid}`). */
export function poolOf(pve: PveState, vmid: number): string | undefined {
  return Object.keys(pve.pools).find((p) => poolMembers(pve, p).vms.includes(vmid));
}

/** Resource pools (proxmox/pve-manager PVE/API2/Pool.pm). */
export function registerPools(r: Router, c: PveContext): void {
  const { pve, fail, ok, vmResource, store } = c;
  const containers = () => pve.containers ?? {};
  const paramError = (fields: Record<string, string>): never => {
    throw new ApiError(400, "Parameter verification failed.", undefined, fields);
  };
  /** RPCEnvironment.pm `check` for handlers that check more than the schema's entry. */
  const check = (path: string, privs: string[], any = false): boolean => {
    const subject = requestCaller.getStore()?.subject;
    if (!subject) return true;
    const have = subject.privs(path);
    if (any ? privs.some((p) => have.has(p)) : privs.every((p) => have.has(p))) return true;
    throw new ApiError(403, `Permission check failed (${path}, ${any ? privs.join("|") : privs.find((p) => !have.has(p))})`);
  };
  const mayAudit = (poolid: string): boolean => {
    const subject = requestCaller.getStore()?.subject;
    return !subject || subject.privs(`/pool/${poolid}`).has("Pool.Audit");
  };

  /**
   * Pool.pm `read_pool` / index with poolid: members are existing guests (each with the type the
   * cluster's vmlist gives it, `qemu` or `lxc`, filtered by `type`) and defined storages.
   */
  function poolInfo(poolid: string, type?: string): Record<string, unknown> {
    const pool = pve.pools[poolid] ?? fail(500, `pool '${poolid}' does not exist`);
    const { vms, storage } = poolMembers(pve, poolid);
    const members: Record<string, unknown>[] = [];
    for (const vmid of vms) {
      const vm = pve.vms[vmid];
      const ct = containers()[vmid];
      if (vm && (type === undefined || type === "qemu")) members.push(vmResource(vm));
      else if (ct && (type === undefined || type === "lxc")) members.push(ctResource(ct));
    }
    if (type === undefined || type === "storage") {
      for (const id of storage) {
        const def = storageDefinition(pve, id);
        if (!def) continue;
        const node = def.nodes ? (String(def.nodes).split(",").includes(pve.nodes[0]!) ? pve.nodes[0]! : String(def.nodes).split(",").sort()[0]!) : pve.nodes[0]!;
        // API2Tools.pm `extract_storage_stats`.
        members.push({ id: `storage/${node}/${id}`, storage: id, node, type: "storage", plugintype: def.type, status: "available", shared: Number(def.shared ?? 0), content: def.content });
      }
    }
    return { ...(pool.comment !== undefined ? { comment: pool.comment } : {}), poolid, members };
  }

  r.get("/pools", (q) => {
    const poolid = str(q.body.poolid);
    const type = str(q.body.type);
    if (type !== undefined && poolid === undefined) paramError({ type: "missing property - 'type' requires another property 'poolid'" });
    if (poolid !== undefined) return ok([poolInfo(poolid, type)]);
    return ok(Object.values(pve.pools).filter((p) => mayAudit(p.poolid)).sort((a, b) => a.poolid.localeCompare(b.poolid)).map((p) => ({ poolid: p.poolid, ...(p.comment !== undefined ? { comment: p.comment } : {}) })));
  });
  r.post("/pools", (q) => {
    const poolid = str(q.body.poolid) ?? paramError({ poolid: "property is missing and it is not optional" });
    if (pve.pools[poolid]) fail(500, `create pool failed: pool '${poolid}' already exists`);
    const nested = /^(.*)\/([^/]+)$/.exec(poolid);
    if (nested && !pve.pools[nested[1]!]) fail(500, `create pool failed: parent '${nested[1]}' of pool '${poolid}' does not exist`);
    if (!/^[A-Za-z]/.test(nested ? nested[2]! : poolid)) fail(500, "create pool failed: pool name must start with a letter");
    pve.pools[poolid] = { poolid, ...(str(q.body.comment) ? { comment: String(q.body.comment) } : {}) };
    store.changed();
    return ok();
  });
  // read_pool (deprecated) answers `index($param)->[0]`: the same entry, `poolid` included.
  r.get("/pools/:poolid", (q) => ok(poolInfo(q.params.poolid!, str(q.body.type))));

  /** Pool.pm `update_pool`: comment, and add or (with `delete`) remove guests and storages. */
  const update = (q: ApiRequest) => {
    const poolid = str(q.params.poolid ?? q.body.poolid) ?? paramError({ poolid: "property is missing and it is not optional" });
    const pool = pve.pools[poolid] ?? fail(500, `update pools failed: pool '${poolid}' does not exist`);
    const failUpdate = (msg: string): never => fail(500, `update pools failed: ${msg}`);
    const del = bool(q.body.delete);
    if (q.body.comment !== undefined) pool.comment = String(q.body.comment);
    for (const raw of (str(q.body.vms) ?? "").split(/[\0,;\s]+/).filter(Boolean)) {
      const vmid = Number(raw);
      // check_perm_modify on each guest.
      check(`/vms/${vmid}`, ["Permissions.Modify", "VM.Allocate"], true);
      const members = poolMembers(pve, poolid).vms;
      const vm = pve.vms[vmid];
      if (del) {
        if (!members.includes(vmid)) failUpdate(`VM ${vmid} is not a pool member`);
        pool.vms = (pool.vms ?? []).filter((v) => v !== vmid);
        if (vm?.config.pool === poolid) delete vm.config.pool;
        if (containers()[vmid]?.pool === poolid) delete containers()[vmid]!.pool;
      } else {
        if (members.includes(vmid)) failUpdate(`VM ${vmid} is already a pool member`);
        const existing = poolOf(pve, vmid);
        if (existing) {
          if (!bool(q.body["allow-move"])) failUpdate(`VM ${vmid} belongs already to pool '${existing}' and 'allow-move' is not set`);
          check(`/pool/${existing}`, ["Pool.Allocate"]);
          const old = pve.pools[existing]!;
          old.vms = (old.vms ?? []).filter((v) => v !== vmid);
          if (vm?.config.pool === existing) delete vm.config.pool;
          if (containers()[vmid]?.pool === existing) delete containers()[vmid]!.pool;
        }
        pool.vms = [...(pool.vms ?? []), vmid];
      }
    }
    for (const id of (str(q.body.storage) ?? "").split(/[\0,;\s]+/).filter(Boolean)) {
      check(`/storage/${id}`, ["Permissions.Modify", "Datastore.Allocate"], true);
      const has = (pool.storage ?? []).includes(id);
      if (del) {
        if (!has) failUpdate(`Storage '${id}' is not a pool member`);
        pool.storage = (pool.storage ?? []).filter((s) => s !== id);
      } else {
        if (has) failUpdate(`Storage '${id}' is already a pool member`);
        pool.storage = [...(pool.storage ?? []), id];
      }
    }
    store.changed();
    return ok();
  };
  r.put("/pools", update);
  r.put("/pools/:poolid", update);

  /** Pool.pm `delete_pool`: only an empty pool (destroyed guests and removed storages do not count); its ACLs go too. */
  const remove = (q: ApiRequest) => {
    const poolid = str(q.params.poolid ?? q.body.poolid) ?? paramError({ poolid: "property is missing and it is not optional" });
    if (!pve.pools[poolid]) fail(500, `delete pool failed: pool '${poolid}' does not exist`);
    const sub = Object.keys(pve.pools).find((p) => p.startsWith(`${poolid}/`) && !p.slice(poolid.length + 1).includes("/"));
    if (sub) fail(500, `delete pool failed: pool '${poolid}' is not empty (contains pool '${sub}')`);
    const { vms, storage } = poolMembers(pve, poolid);
    const vm = vms.find((v) => pve.vms[v] || containers()[v]);
    if (vm !== undefined) fail(500, `delete pool failed: pool '${poolid}' is not empty (contains VM ${vm})`);
    const st = storage.find((s) => storageDefinition(pve, s));
    if (st !== undefined) fail(500, `delete pool failed: pool '${poolid}' is not empty (contains storage '${st}')`);
    delete pve.pools[poolid];
    // AccessControl.pm `delete_pool_acl`: the ACL subtree /pool/<pool>.
    if (pve.access) pve.access.acl = pve.access.acl.filter((e) => e.path !== `/pool/${poolid}` && !e.path.startsWith(`/pool/${poolid}/`));
    store.changed();
    return ok();
  };
  r.delete("/pools", remove);
  r.delete("/pools/:poolid", remove);
}
