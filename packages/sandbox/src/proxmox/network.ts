import type { ApiRequest, Router } from "../router.js";
import type { PveContext } from "./context.js";
import { bool, str } from "./props.js";
import { setOptions } from "./options.js";

/** Node network interfaces (pve-manager PVE/API2/Network.pm). */
export function registerNetwork(r: Router, c: PveContext): void {
  const { store, pve, fail, ok, checkNode, startTask } = c;
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
}
