import { isoNow } from "../router.js";
import type { FirewallRecord, HcloudKit, Obj, ResourceRef, ServerRecord } from "./context.js";
import { fail, invalidInput, notFound } from "./errors.js";
import { labelsOf, matchesLabelSelector } from "./labels.js";

/**
 * Limits from ../shared/specs/hcloud-openapi.json: "Rules are limited to 50 entries per Firewall"
 * (`POST /firewalls/{id}/actions/set_rules`); "A Server can be applied to a maximum of 5
 * Firewalls. This limit applies to Servers applied via a matching Label Selector as well"
 * (`POST /firewalls/{id}/actions/apply_to_resources`).
 */
export const MAX_RULES = 50;
export const MAX_FIREWALLS_PER_SERVER = 5;

/** Rules as the API stores them, or the reason they are refused. */
export function normalizeRules(rules: unknown): Obj[] {
  if (!Array.isArray(rules)) return invalidInput("rules", "must be a list");
  if (rules.length > MAX_RULES) invalidInput("rules", `at most ${MAX_RULES} rules per firewall`);
  return (rules as Obj[]).map((rule) => {
    if (rule.direction !== "in" && rule.direction !== "out") invalidInput("rules.direction", "must be in or out");
    if (!["tcp", "udp", "icmp", "esp", "gre"].includes(String(rule.protocol))) invalidInput("rules.protocol", "must be tcp, udp, icmp, esp or gre");
    if ((rule.protocol === "tcp" || rule.protocol === "udp") && !rule.port) invalidInput("rules.port", "port is required for tcp and udp");
    if (rule.protocol !== "tcp" && rule.protocol !== "udp" && rule.port) invalidInput("rules.port", "port is only allowed for tcp and udp");
    const ips = rule.direction === "in" ? rule.source_ips : rule.destination_ips;
    if (!Array.isArray(ips) || ips.length === 0) invalidInput(rule.direction === "in" ? "rules.source_ips" : "rules.destination_ips", "at least one address is required");
    return { direction: rule.direction, protocol: rule.protocol, port: rule.port ?? null, source_ips: rule.source_ips ?? [], destination_ips: rule.destination_ips ?? [], description: rule.description ?? null };
  });
}

/** Does this firewall apply to this server (directly or through a label selector)? */
export const appliesTo = (fw: FirewallRecord, server: ServerRecord): boolean =>
  fw.applied_to.some((a) => (a.type === "server" ? a.server.id === server.id : matchesLabelSelector(server.labels, a.label_selector.selector)));

export const firewallsOf = (kit: HcloudKit, server: ServerRecord): FirewallRecord[] => Object.values(kit.firewalls).filter((fw) => appliesTo(fw, server));

/** 403 `resource_limit_exceeded` when the servers would carry more than five firewalls. */
export function checkFirewallLimit(kit: HcloudKit, servers: ServerRecord[], adding: FirewallRecord): void {
  for (const s of servers) {
    const count = firewallsOf(kit, s).filter((fw) => fw.id !== adding.id).length + 1;
    if (count > MAX_FIREWALLS_PER_SERVER) fail(403, "resource_limit_exceeded", `server ${s.id} would have ${count} firewalls; the limit is ${MAX_FIREWALLS_PER_SERVER}`);
  }
}

export function registerFirewalls(kit: HcloudKit): void {
  const { r, ok, list, store } = kit;
  const getFw = (id: string | undefined): FirewallRecord => kit.firewalls[id!] ?? notFound("firewall", id);
  const view = (fw: FirewallRecord): Obj => ({
    ...fw,
    applied_to: fw.applied_to.map((a) =>
      a.type === "label_selector"
        ? { ...a, applied_to_resources: Object.values(kit.servers).filter((s) => matchesLabelSelector(s.labels, a.label_selector.selector)).map((s) => ({ type: "server", server: { id: s.id } })) }
        : a,
    ),
  });

  /** Apply or remove targets; the errors per `apply_to_resources` / `remove_from_resources` and `POST /firewalls`. */
  const changeTargets = (fw: FirewallRecord, targets: unknown, remove: boolean): ResourceRef[] => {
    const field = remove ? "remove_from" : "apply_to";
    if (!Array.isArray(targets)) return invalidInput(field, "must be a list");
    const resources: ResourceRef[] = [];
    const seen = new Set<number>();
    for (const t of targets as Obj[]) {
      if (t.type === "server") {
        const id = Number((t.server as Obj | undefined)?.id);
        const server = kit.servers[id] ?? fail(404, "firewall_resource_not_found", `server with ID '${id}' not found`);
        if (seen.has(id)) fail(422, "server_already_added", `server ${id} is listed more than once`);
        seen.add(id);
        const i = fw.applied_to.findIndex((a) => a.type === "server" && a.server.id === id);
        if (remove) {
          if (i >= 0) fw.applied_to.splice(i, 1);
        } else {
          if (i >= 0) fail(422, "firewall_already_applied", `firewall ${fw.id} is already applied to server ${id}`);
          if (!server.public_net.ipv4 && !server.public_net.ipv6) fail(422, "private_net_only_server", `server ${id} has no public interface`);
          checkFirewallLimit(kit, [server], fw);
          fw.applied_to.push({ type: "server", server: { id } });
        }
        resources.push({ id, type: "server" });
      } else if (t.type === "label_selector") {
        const selector = String((t.label_selector as Obj | undefined)?.selector ?? "");
        if (!selector) invalidInput(`${field}.label_selector.selector`, "Missing data for required field.");
        const i = fw.applied_to.findIndex((a) => a.type === "label_selector" && a.label_selector.selector === selector);
        if (remove) {
          if (i >= 0) fw.applied_to.splice(i, 1);
        } else if (i < 0) {
          checkFirewallLimit(kit, Object.values(kit.servers).filter((s) => matchesLabelSelector(s.labels, selector) && !appliesTo(fw, s)), fw);
          fw.applied_to.push({ type: "label_selector", label_selector: { selector } });
        }
      } else invalidInput(`${field}.type`, "must be server or label_selector");
    }
    return resources;
  };
  const actionsFor = (command: string, fw: FirewallRecord, resources: ResourceRef[]) =>
    (resources.length ? resources : [undefined]).map((res) => kit.newAction(command, [{ id: fw.id, type: "firewall" }, ...(res ? [res] : [])]));

  r.get("/firewalls", (q) => list(q, "firewalls", Object.values(kit.firewalls).map(view)));
  r.post("/firewalls", (q) => {
    const name = kit.requireString(q.body, "name");
    kit.uniqueName(kit.firewalls, name, "firewall");
    const fw: FirewallRecord = { id: store.nextId(), name, labels: labelsOf(q.body), created: isoNow(), rules: normalizeRules(q.body.rules ?? []), applied_to: [] };
    const resources = q.body.apply_to ? changeTargets(fw, q.body.apply_to, false) : [];
    kit.firewalls[fw.id] = fw;
    store.changed();
    return ok({ firewall: view(fw), actions: [kit.newAction("set_firewall_rules", [{ id: fw.id, type: "firewall" }]), ...resources.map((res) => kit.newAction("apply_firewall", [{ id: fw.id, type: "firewall" }, res]))] }, 201);
  });
  r.get("/firewalls/:id", (q) => ok({ firewall: view(getFw(q.params.id)) }));
  r.put("/firewalls/:id", (q) => {
    const fw = getFw(q.params.id);
    kit.renameAndLabel(kit.firewalls, fw, q.body, "firewall");
    store.changed();
    return ok({ firewall: view(fw) });
  });
  // hcloud-go error.go `ErrorCodeResourceInUse`: "Firewall must not be in use to be deleted".
  r.delete("/firewalls/:id", (q) => {
    const fw = getFw(q.params.id);
    if (fw.applied_to.length > 0) fail(422, "resource_in_use", `firewall ${fw.id} is still applied to resources`);
    delete kit.firewalls[fw.id];
    store.changed();
    return { status: 204 };
  });
  r.post("/firewalls/:id/actions/set_rules", (q) => {
    const fw = getFw(q.params.id);
    fw.rules = normalizeRules(q.body.rules ?? []);
    store.changed();
    const servers = fw.applied_to.flatMap((a) => (a.type === "server" ? [{ id: a.server.id, type: "server" }] : []));
    return ok({ actions: [kit.newAction("set_firewall_rules", [{ id: fw.id, type: "firewall" }]), ...servers.map((s) => kit.newAction("apply_firewall", [{ id: fw.id, type: "firewall" }, s]))] }, 201);
  });
  r.post("/firewalls/:id/actions/apply_to_resources", (q) => {
    const fw = getFw(q.params.id);
    const resources = changeTargets(fw, q.body.apply_to, false);
    store.changed();
    return ok({ actions: actionsFor("apply_firewall", fw, resources) }, 201);
  });
  r.post("/firewalls/:id/actions/remove_from_resources", (q) => {
    const fw = getFw(q.params.id);
    const resources = changeTargets(fw, q.body.remove_from, true);
    store.changed();
    return ok({ actions: actionsFor("remove_firewall", fw, resources) }, 201);
  });
}
