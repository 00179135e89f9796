import { isoNow } from "../router.js";
import type { Labels } from "../state.js";
import { LOCATIONS, type Location, locationFrom, locationView, refuseDatacenter } from "./catalog.js";
import type { HcloudKit, Obj, PrimaryIpRecord, ServerRecord } from "./context.js";
import { fail, invalidInput, notFound } from "./errors.js";
import { labelsOf } from "./labels.js";

const ipv4Of = (id: number): string => `198.18.${(id >> 8) & 0xff}.${id & 0xff}`;

/**
 * `assignee_type` reads `unassigned` when `assignee_id` is null, since 2026-08-01
 * (hcloud-go CHANGELOG v2.39.0, "Primary IPs `assignee_type` behavior change").
 */
export const primaryIpView = (ip: PrimaryIpRecord): Obj => ({ ...ip, assignee_type: ip.assignee_id === null ? "unassigned" : "server" });

/**
 * The 2026 primary IP rules, as pure checks. Source: ../shared/specs/hcloud-openapi.json
 * `DELETE /primary_ips/{id}` ("After [1 May 2026], the Primary IP needs to be unassigned before it
 * can be deleted": 422 `must_be_unassigned`), `POST /primary_ips/{id}/actions/assign` and
 * `.../unassign` ("A Server must be powered off": 422 `server_not_stopped`;
 * `primary_ip_already_assigned`, `server_has_ipv4`, `server_has_ipv6`), `POST /primary_ips`
 * (the same for an assignee given at creation).
 */
export const primaryIpRules = {
  /** Why this IP cannot be deleted now, or undefined. */
  deleteProblem(ip: PrimaryIpRecord): { status: number; code: string; message: string } | undefined {
    if (ip.protection.delete) return { status: 403, code: "protected", message: "primary IP is delete protected" };
    if (ip.assignee_id !== null) return { status: 422, code: "must_be_unassigned", message: `primary IP ${ip.id} is assigned to server ${ip.assignee_id}; unassign it before deleting it` };
    return undefined;
  },
  /** Why this IP cannot be assigned to this server now, or undefined. */
  assignProblem(ip: PrimaryIpRecord, server: ServerRecord): { status: number; code: string; message: string } | undefined {
    if (server.status !== "off") return { status: 422, code: "server_not_stopped", message: `server ${server.id} is ${server.status}; it must be powered off` };
    if (ip.assignee_id !== null) return { status: 422, code: "primary_ip_already_assigned", message: `primary IP ${ip.id} is already assigned to server ${ip.assignee_id}` };
    if (ip.type === "ipv4" && server.public_net.ipv4) return { status: 422, code: "server_has_ipv4", message: `server ${server.id} already has an IPv4 address` };
    if (ip.type === "ipv6" && server.public_net.ipv6) return { status: 422, code: "server_has_ipv6", message: `server ${server.id} already has an IPv6 address` };
    if (ip.location.name !== server.location.name) return { status: 422, code: "primary_ip_datacenter_mismatch", message: `primary IP ${ip.id} is in ${ip.location.name}, server ${server.id} in ${server.location.name}` };
    return undefined;
  },
  /** Why this IP cannot be unassigned now, or undefined. */
  unassignProblem(server: ServerRecord | undefined): { status: number; code: string; message: string } | undefined {
    if (server && server.status !== "off") return { status: 422, code: "server_not_stopped", message: `server ${server.id} is ${server.status}; it must be powered off` };
    return undefined;
  },
};

const refuse = (p: { status: number; code: string; message: string } | undefined): void => {
  if (p) fail(p.status, p.code, p.message);
};

export function attachIp(server: ServerRecord, ip: PrimaryIpRecord): void {
  ip.assignee_id = server.id;
  if (ip.type === "ipv4") server.public_net.ipv4 = { id: ip.id, ip: ip.ip, blocked: false, dns_ptr: ip.dns_ptr[0]?.dns_ptr ?? "" };
  else server.public_net.ipv6 = { id: ip.id, ip: ip.ip, blocked: false, dns_ptr: [] };
}

export function detachIp(kit: HcloudKit, ip: PrimaryIpRecord): void {
  const server = ip.assignee_id === null ? undefined : kit.servers[String(ip.assignee_id)];
  if (server) {
    if (server.public_net.ipv4?.id === ip.id) server.public_net.ipv4 = null;
    if (server.public_net.ipv6?.id === ip.id) server.public_net.ipv6 = null;
  }
  ip.assignee_id = null;
}

export function newPrimaryIp(kit: HcloudKit, opts: { name: string; type: "ipv4" | "ipv6"; location: Location; autoDelete: boolean; labels: Labels }): PrimaryIpRecord {
  const id = kit.store.nextId();
  const address = opts.type === "ipv4" ? ipv4Of(id) : `2001:db8:${(id % 0xffff).toString(16)}::/64`;
  const ip: PrimaryIpRecord = {
    id,
    name: opts.name,
    ip: address,
    type: opts.type,
    dns_ptr: opts.type === "ipv4" ? [{ ip: address, dns_ptr: `static.${address.split(".").reverse().join(".")}.clients.your-server.de` }] : [],
    assignee_id: null,
    auto_delete: opts.autoDelete,
    blocked: false,
    created: isoNow(),
    location: locationView(opts.location) as PrimaryIpRecord["location"],
    labels: opts.labels,
    protection: { delete: false },
  };
  kit.primaryIps[id] = ip;
  return ip;
}

export function registerPrimaryIps(kit: HcloudKit): void {
  const { r, ok, list, store } = kit;
  const getIp = (id: string | undefined): PrimaryIpRecord => kit.primaryIps[id!] ?? notFound("primary_ip", id);
  const ipAndServer = (ip: PrimaryIpRecord, server: ServerRecord) => [{ id: ip.id, type: "primary_ip" }, { id: server.id, type: "server" }];

  r.get("/primary_ips", (q) => {
    const ipFilter = q.query.get("ip");
    return list(q, "primary_ips", Object.values(kit.primaryIps).map(primaryIpView), (i) => !ipFilter || i.ip === ipFilter);
  });
  r.post("/primary_ips", (q) => {
    const name = kit.requireString(q.body, "name");
    const type = kit.requireString(q.body, "type");
    if (type !== "ipv4" && type !== "ipv6") invalidInput("type", "must be ipv4 or ipv6");
    refuseDatacenter(q.body);
    // assignee_type is optional since 2026-04-27 and needed only with assignee_id (hcloud-go CHANGELOG v2.39.0).
    if (q.body.assignee_type !== undefined && q.body.assignee_type !== "server") invalidInput("assignee_type", "must be server");
    const hasAssignee = q.body.assignee_id !== undefined && q.body.assignee_id !== null;
    if (hasAssignee && q.body.assignee_type === undefined) invalidInput("assignee_type", "required with assignee_id");
    kit.uniqueName(kit.primaryIps, name, "primary IP");
    const server = hasAssignee ? (kit.servers[String(q.body.assignee_id)] ?? invalidInput("assignee_id", "server not found")) : undefined;
    if (!server && q.body.location === undefined) invalidInput("location", "location is required when assignee_id is not set");
    const location = server ? LOCATIONS.find((l) => l.name === server.location.name)! : locationFrom(q.body.location);
    const labels = labelsOf(q.body);
    const ip = newPrimaryIp(kit, { name, type: type as "ipv4" | "ipv6", location, autoDelete: q.body.auto_delete === true, labels });
    if (server) {
      const problem = primaryIpRules.assignProblem(ip, server);
      if (problem) {
        delete kit.primaryIps[ip.id];
        refuse(problem);
      }
      kit.assertUnlocked("server", server.id);
      attachIp(server, ip);
    }
    store.changed();
    const action = server ? kit.newAction("assign_primary_ip", ipAndServer(ip, server), undefined, [{ id: server.id, type: "server" }]) : null;
    return ok({ primary_ip: primaryIpView(ip), action }, 201);
  });
  r.get("/primary_ips/:id", (q) => ok({ primary_ip: primaryIpView(getIp(q.params.id)) }));
  r.put("/primary_ips/:id", (q) => {
    const ip = getIp(q.params.id);
    kit.renameAndLabel(kit.primaryIps, ip, q.body, "primary IP");
    if (typeof q.body.auto_delete === "boolean") ip.auto_delete = q.body.auto_delete;
    store.changed();
    return ok({ primary_ip: primaryIpView(ip) });
  });
  r.delete("/primary_ips/:id", (q) => {
    const ip = getIp(q.params.id);
    refuse(primaryIpRules.deleteProblem(ip));
    delete kit.primaryIps[ip.id];
    store.changed();
    return { status: 204 };
  });
  r.post("/primary_ips/:id/actions/assign", (q) => {
    const ip = getIp(q.params.id);
    if (q.body.assignee_type !== undefined && q.body.assignee_type !== "server") invalidInput("assignee_type", "must be server");
    const server = kit.servers[String(q.body.assignee_id)] ?? invalidInput("assignee_id", "server not found");
    kit.assertUnlocked("server", server.id);
    refuse(primaryIpRules.assignProblem(ip, server));
    attachIp(server, ip);
    store.changed();
    return ok({ action: kit.newAction("assign_primary_ip", ipAndServer(ip, server), undefined, [{ id: server.id, type: "server" }]) }, 201);
  });
  r.post("/primary_ips/:id/actions/unassign", (q) => {
    const ip = getIp(q.params.id);
    const server = ip.assignee_id === null ? undefined : kit.servers[String(ip.assignee_id)];
    if (server) kit.assertUnlocked("server", server.id);
    refuse(primaryIpRules.unassignProblem(server));
    const resources = server ? ipAndServer(ip, server) : [{ id: ip.id, type: "primary_ip" }];
    detachIp(kit, ip);
    store.changed();
    return ok({ action: kit.newAction("unassign_primary_ip", resources, undefined, server ? [{ id: server.id, type: "server" }] : []) }, 201);
  });
  r.post("/primary_ips/:id/actions/change_protection", (q) => {
    const ip = getIp(q.params.id);
    ip.protection = { delete: q.body.delete === true };
    store.changed();
    return ok({ action: kit.newAction("change_protection", [{ id: ip.id, type: "primary_ip" }]) }, 201);
  });
  r.post("/primary_ips/:id/actions/change_dns_ptr", (q) => {
    const ip = getIp(q.params.id);
    ip.dns_ptr = q.body.dns_ptr === null ? [] : [{ ip: String(q.body.ip), dns_ptr: String(q.body.dns_ptr) }];
    store.changed();
    return ok({ action: kit.newAction("change_dns_ptr", [{ id: ip.id, type: "primary_ip" }]) }, 201);
  });
}
