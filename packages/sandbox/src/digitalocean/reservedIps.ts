import { actionView } from "./actions.js";
import { regionOf, regionView } from "./catalog.js";
import type { DoKit, Obj } from "./context.js";
import { notFound, unprocessable, uuidFrom } from "./errors.js";
import { refuseIfPending } from "./droplets.js";

const ipv4Of = (id: number): string => `198.19.${(id >> 8) & 0xff}.${id & 0xff}`;
const ipToInt = (ip: string): number => ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);

/**
 * Reserved IPs. Assigning or unassigning is an event on the droplet: terraform-provider-digitalocean
 * digitalocean/reservedip/reserved_ip_actions.go `waitOnDroplet` waits for the droplet's pending
 * events before it assigns, because the API refuses one while another runs (422, droplets.ts).
 */
export function registerReservedIps(kit: DoKit): void {
  const { r, ok, list, store } = kit;
  const view = (ip: Obj): Obj => {
    const dropletId = (ip.droplet as Obj | null)?.id;
    const dr = dropletId === undefined ? undefined : kit.droplets[String(dropletId)];
    return { ip: ip.ip, region: regionView(ip.region as string), droplet: dr ?? null, locked: false, project_id: uuidFrom(0) };
  };
  const getReserved = (ip: string | undefined): Obj => kit.reservedIps[ip!] ?? notFound();
  const touching = (type: string, ip: Obj, dropletId: number) => {
    const action = kit.newAction(type, ipToInt(ip.ip as string), "reserved_ip", ip.region as string);
    kit.touchDroplet(action.id, dropletId);
    return action;
  };

  r.get("/reserved_ips", (q) => list(q, "reserved_ips", Object.values(kit.reservedIps).map(view)));
  r.post("/reserved_ips", (q) => {
    let regionSlug: string;
    let dr: Obj | undefined;
    if (q.body.droplet_id !== undefined) {
      dr = kit.droplets[String(q.body.droplet_id)] ?? unprocessable("Droplet not found");
      refuseIfPending(kit, dr.id as number);
      regionSlug = (dr.region as Obj).slug as string;
    } else regionSlug = regionOf(q.body.region);
    const ip: Obj = { ip: ipv4Of(store.nextId()), region: regionSlug, droplet: dr ? { id: dr.id } : null };
    kit.reservedIps[ip.ip as string] = ip;
    store.changed();
    const actions = dr ? [touching("assign_ip", ip, dr.id as number)] : [];
    return ok(
      {
        reserved_ip: view(ip),
        links: { droplets: dr ? [{ id: dr.id, rel: "droplet", href: kit.url(q, `/v2/droplets/${String(dr.id)}`) }] : [], actions: actions.map((a) => ({ id: a.id, rel: "assign_ip", href: kit.url(q, `/v2/actions/${a.id}`) })) },
      },
      202,
    );
  });
  r.get("/reserved_ips/:ip", (q) => ok({ reserved_ip: view(getReserved(q.params.ip)) }));
  r.delete("/reserved_ips/:ip", (q) => {
    const ip = getReserved(q.params.ip);
    if (ip.droplet) unprocessable("The reserved IP is assigned to a droplet; unassign it first");
    delete kit.reservedIps[ip.ip as string];
    store.changed();
    return { status: 204 };
  });
  r.post("/reserved_ips/:ip/actions", (q) => {
    const ip = getReserved(q.params.ip);
    const type = String(q.body.type);
    let dropletId: number;
    if (type === "assign") {
      const dr = kit.droplets[String(q.body.droplet_id)] ?? unprocessable("Droplet not found");
      if (dr.region.slug !== ip.region) unprocessable("The droplet and the reserved IP must be in the same region");
      refuseIfPending(kit, dr.id);
      for (const other of Object.values(kit.reservedIps)) if ((other.droplet as Obj | null)?.id === dr.id && other !== ip) unprocessable("Droplet already has a reserved IP");
      ip.droplet = { id: dr.id };
      dropletId = dr.id;
    } else if (type === "unassign") {
      if (!ip.droplet) unprocessable("The reserved IP is not assigned");
      dropletId = (ip.droplet as Obj).id as number;
      refuseIfPending(kit, dropletId);
      ip.droplet = null;
    } else return unprocessable(`action type '${type}' is not valid`);
    store.changed();
    return ok({ action: actionView(touching(`${type}_ip`, ip, dropletId)) }, 201);
  });
  r.get("/reserved_ips/:ip/actions", (q) => {
    const ip = getReserved(q.params.ip);
    return list(q, "actions", Object.values(kit.actions).filter((a) => a.resource_type === "reserved_ip" && a.resource_id === ipToInt(ip.ip as string)).map(actionView));
  });
  r.get("/reserved_ips/:ip/actions/:action", (q) => {
    const ip = getReserved(q.params.ip);
    const a = kit.actions[q.params.action!];
    if (!a || a.resource_id !== ipToInt(ip.ip as string)) return notFound();
    return ok({ action: actionView(a) });
  });
}
