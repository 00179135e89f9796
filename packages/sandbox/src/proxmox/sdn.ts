import type { ApiRequest, Router } from "../router.js";
import type { PveContext } from "./context.js";
import { str } from "./props.js";
import { setOptions } from "./options.js";

/** SDN zones, vnets, subnets (pve-network src/PVE/API2/Network/SDN/*.pm). */
export function registerSdn(r: Router, c: PveContext): void {
  const { store, pve, fail, ok, startTask } = c;
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
    // pve-network SDN/Zones.pm `sdn_zones_config`: "sdn '<id>' does not exist"; SDN/Vnets.pm: "sdn vnet '<id>' does not exist".
    const get = (q: ApiRequest) => pve.sdn[kind][q.params[idKey]!] ?? fail(500, kind === "zones" ? `sdn '${q.params[idKey]}' does not exist` : `sdn vnet '${q.params[idKey]}' does not exist`);
    r.get(`${base}/:${idKey}`, (q) => ok({ ...get(q) }));
    r.put(`${base}/:${idKey}`, (q) => {
      const o = get(q);
      setOptions(o, q.body);
      o[idKey] = q.params[idKey]!;
      store.changed();
      return ok();
    });
    r.delete(`${base}/:${idKey}`, (q) => {
      get(q);
      // SDN/Zones/Plugin.pm `on_delete_hook` (a die without newline: Perl appends the source line, left out here);
      // SDN/VnetPlugin.pm `on_delete_hook` (400 on `vnet`).
      const user = Object.values(pve.sdn.vnets).find((v) => v.zone === q.params[idKey]);
      if (kind === "zones" && user) fail(500, `zone ${q.params[idKey]} is used by vnet ${String(user.vnet)}`);
      if (kind === "vnets" && Object.values(pve.sdn.subnets).some((s) => s.vnet === q.params[idKey])) fail(400, "Parameter verification failed.", { vnet: "Can't delete vnet if subnets exists" });
      delete pve.sdn[kind][q.params[idKey]!];
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
}
