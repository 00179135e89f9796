import { type Router } from "../router.js";
import type { PveContext } from "./context.js";
import { GiB, STORAGES, str } from "./props.js";

/** `/version`, `/nodes`, `/cluster/nextid`, `/cluster/resources` (pve-manager PVE/API2/Cluster.pm, PVE/API2/Nodes.pm). */
export function registerCluster(r: Router, c: PveContext): void {
  const { pve, fail, ok, checkNode, vmid, cpus, vmResource, usedBytes } = c;
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
}
