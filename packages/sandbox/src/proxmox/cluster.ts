import { type Router } from "../router.js";
import type { PveContext } from "./context.js";
import { ctResource } from "./lxc.js";
import { GiB, STORAGES, str } from "./props.js";

/**
 * The emulated release: pve-manager 9.1.9 (debian/changelog, 2026-04-21), the version current when
 * the API schema in ../shared/specs (pve-docs 9.1.3, 2026-04-30) was published; repoid is the
 * commit "bump version to 9.1.9" (ee7bad0a3d1546c9...) of proxmox/pve-manager.
 */
export const PVE_VERSION = { version: "9.1.9", release: "9.1", repoid: "ee7bad0a3d1546c9" } as const;

/** `/version`, `/nodes`, `/cluster/nextid`, `/cluster/resources` (pve-manager PVE/API2/Cluster.pm, PVE/API2/Nodes.pm). */
export function registerCluster(r: Router, c: PveContext): void {
  const { pve, fail, ok, checkNode, vmid, cpus, vmResource, usedBytes } = c;
  // The schema (pve-docs 9.1.3 apidata, /version): version, release (x.y), repoid (8-64 hex).
  r.get("/version", () => ok({ version: PVE_VERSION.version, release: PVE_VERSION.release, repoid: PVE_VERSION.repoid }));
  r.get("/nodes", () =>
    ok(pve.nodes.map((node) => ({ node, status: "online", type: "node", id: `node/${node}`, maxcpu: 16, maxmem: 64 * GiB, mem: 8 * GiB, cpu: 0.02, uptime: 86400, level: "", ssl_fingerprint: "00:00" }))),
  );
  r.get("/nodes/:node/status", (q) => {
    checkNode(q.params.node!);
    return ok({ uptime: 86400, cpu: 0.02, memory: { total: 64 * GiB, used: 8 * GiB, free: 56 * GiB }, cpuinfo: { cpus: 16, sockets: 1, model: "Sandbox CPU" }, pveversion: `pve-manager/${PVE_VERSION.version}/${PVE_VERSION.repoid}`, kversion: "Linux 6.8.12-1-pve" });
  });

  r.get("/cluster/nextid", (q) => {
    const wanted = str(q.body.vmid);
    if (wanted !== undefined) {
      const n = vmid(wanted);
      if (pve.vms[n] || pve.containers?.[n]) fail(400, "Parameter verification failed.", { vmid: `VM ${n} already exists` });
      return ok(String(n));
    }
    let n = 100;
    while (pve.vms[n] || pve.containers?.[n]) n++;
    return ok(String(n));
  });

  r.get("/cluster/resources", (q) => {
    const type = str(q.body.type);
    const out: Record<string, unknown>[] = [];
    if (!type || type === "node")
      for (const node of pve.nodes) out.push({ id: `node/${node}`, type: "node", node, status: "online", maxcpu: 16, maxmem: 64 * GiB, mem: 8 * GiB, cpu: 0.02, maxdisk: 100 * GiB, disk: 10 * GiB, uptime: 86400, level: "" });
    if (!type || type === "vm") for (const vm of Object.values(pve.vms)) out.push(vmResource(vm));
    if (!type || type === "vm") for (const ct of Object.values(pve.containers ?? {})) out.push(ctResource(ct));
    if (!type || type === "storage")
      for (const node of pve.nodes)
        for (const [storage, s] of Object.entries(STORAGES))
          out.push({ id: `storage/${node}/${storage}`, type: "storage", storage, node, status: "available", content: s.content, plugintype: s.type, shared: 0, maxdisk: s.total, disk: usedBytes(node, storage) });
    if (!type || type === "sdn") for (const node of pve.nodes) for (const zone of Object.keys(pve.sdn.zones)) out.push({ id: `sdn/${node}/${zone}`, type: "sdn", sdn: zone, node, status: "ok" });
    return ok(out);
  });
}
