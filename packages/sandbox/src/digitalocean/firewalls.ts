import { isoNow } from "../router.js";
import type { DoKit, Obj } from "./context.js";
import { notFound, unprocessable, uuidFrom } from "./errors.js";
import { requireTags } from "./tags.js";

/**
 * Firewall rule ports: "a single port, a range (e.g. "8000-9000"), or "0" when all ports are open
 * for a protocol. For ICMP rules this parameter will always return "0"" (the `ports` schema in
 * ../shared/specs/digitalocean-openapi.json); "The API returns 0 when the port range was
 * specified as all" (terraform-provider-digitalocean digitalocean/firewall/firewalls.go).
 */
export function portsOf(protocol: unknown, ports: unknown): string {
  if (protocol === "icmp") return "0";
  if (ports === "all" || ports === "0") return "0";
  if (typeof ports !== "string" || ports === "") return unprocessable("ports is required for tcp and udp rules");
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(ports);
  const lo = Number(m?.[1]);
  const hi = Number(m?.[2] ?? m?.[1]);
  if (!m || lo < 1 || hi > 65535 || lo > hi) return unprocessable(`ports '${ports}' is invalid: use a port, a range such as 8000-9000, "0" or "all"`);
  return ports;
}

export function registerFirewalls(kit: DoKit): void {
  const { r, ok, list, store } = kit;
  const rulesOf = (rules: unknown, dir: "sources" | "destinations"): Obj[] => {
    if (rules === undefined || rules === null) return [];
    if (!Array.isArray(rules)) return unprocessable(`${dir === "sources" ? "inbound" : "outbound"}_rules must be a list`);
    return (rules as Obj[]).map((rule) => {
      if (!["tcp", "udp", "icmp"].includes(String(rule.protocol))) unprocessable(`invalid protocol: ${String(rule.protocol)}`);
      const target = (rule[dir] ?? {}) as Obj;
      if (Array.isArray(target.tags)) requireTags(kit, target.tags as unknown[], `${dir}.tags`);
      return {
        protocol: rule.protocol,
        ports: portsOf(rule.protocol, rule.ports),
        [dir]: Object.fromEntries(Object.entries(target).filter(([, v]) => Array.isArray(v) && v.length > 0)),
      };
    });
  };
  const fromBody = (body: Obj, fw: Obj): void => {
    fw.name = typeof body.name === "string" && body.name ? body.name : unprocessable("name is required");
    fw.inbound_rules = rulesOf(body.inbound_rules, "sources");
    fw.outbound_rules = rulesOf(body.outbound_rules, "destinations");
    // "The request must contain at least one inbound or outbound access rule." (`POST /v2/firewalls`)
    if ((fw.inbound_rules as Obj[]).length === 0 && (fw.outbound_rules as Obj[]).length === 0) unprocessable("must specify at least one rule");
    const ids = Array.isArray(body.droplet_ids) ? (body.droplet_ids as unknown[]).map(Number) : [];
    for (const id of ids) if (!kit.droplets[id]) unprocessable(`droplet ${id} not found`);
    fw.droplet_ids = ids;
    fw.tags = Array.isArray(body.tags) ? requireTags(kit, body.tags as unknown[], "tags") : [];
  };
  const getFw = (id: string | undefined): Obj => kit.firewalls[id!] ?? notFound();

  r.get("/firewalls", (q) => list(q, "firewalls", Object.values(kit.firewalls)));
  r.post("/firewalls", (q) => {
    const fw: Obj = { id: uuidFrom(store.nextId()), status: "succeeded", created_at: isoNow(), pending_changes: [] };
    fromBody(q.body, fw);
    kit.firewalls[fw.id as string] = fw;
    store.changed();
    return ok({ firewall: fw }, 202);
  });
  r.get("/firewalls/:id", (q) => ok({ firewall: getFw(q.params.id) }));
  r.put("/firewalls/:id", (q) => {
    const fw = getFw(q.params.id);
    fromBody(q.body, fw);
    store.changed();
    return ok({ firewall: fw });
  });
  r.delete("/firewalls/:id", (q) => {
    const fw = getFw(q.params.id);
    delete kit.firewalls[fw.id as string];
    store.changed();
    return { status: 204 };
  });
  r.post("/firewalls/:id/droplets", (q) => {
    const fw = getFw(q.params.id);
    const ids = new Set(fw.droplet_ids as number[]);
    for (const id of Array.isArray(q.body.droplet_ids) ? (q.body.droplet_ids as unknown[]).map(Number) : []) {
      if (!kit.droplets[id]) unprocessable(`droplet ${id} not found`);
      ids.add(id);
    }
    fw.droplet_ids = [...ids];
    store.changed();
    return { status: 204 };
  });
  r.delete("/firewalls/:id/droplets", (q) => {
    const fw = getFw(q.params.id);
    const remove = new Set(Array.isArray(q.body.droplet_ids) ? (q.body.droplet_ids as unknown[]).map(Number) : []);
    fw.droplet_ids = (fw.droplet_ids as number[]).filter((id) => !remove.has(id));
    store.changed();
    return { status: 204 };
  });
  r.post("/firewalls/:id/tags", (q) => {
    const fw = getFw(q.params.id);
    const add = Array.isArray(q.body.tags) ? requireTags(kit, q.body.tags as unknown[], "tags") : [];
    fw.tags = [...new Set([...(fw.tags as string[]), ...add])];
    store.changed();
    return { status: 204 };
  });
  r.delete("/firewalls/:id/tags", (q) => {
    const fw = getFw(q.params.id);
    const remove = new Set(Array.isArray(q.body.tags) ? (q.body.tags as string[]) : []);
    fw.tags = (fw.tags as string[]).filter((t) => !remove.has(t));
    store.changed();
    return { status: 204 };
  });
}
