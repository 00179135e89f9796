import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { Faults } from "./faults.js";
import { ApiError, type ApiRequest, type ApiResponse, type EmulatedApi, Router, isoNow, sleep } from "./router.js";
import type { HcloudAction, Labels, Store } from "./state.js";

/** Timing of the emulated Hetzner Cloud. */
export interface HcloudTiming {
  /** How long an action stays `running`, in ms. @default 100 */
  actionMs?: number;
}

type Obj = Record<string, unknown>;

const LOCATIONS = [
  { id: 1, name: "fsn1", description: "Falkenstein DC Park 1", country: "DE", city: "Falkenstein", latitude: 50.47612, longitude: 12.370071, network_zone: "eu-central", dc: { id: 4, name: "fsn1-dc14" } },
  { id: 2, name: "nbg1", description: "Nuremberg DC Park 1", country: "DE", city: "Nuremberg", latitude: 49.452102, longitude: 11.076665, network_zone: "eu-central", dc: { id: 2, name: "nbg1-dc3" } },
  { id: 3, name: "hel1", description: "Helsinki DC Park 1", country: "FI", city: "Helsinki", latitude: 60.169855, longitude: 24.938379, network_zone: "eu-central", dc: { id: 3, name: "hel1-dc2" } },
  { id: 4, name: "ash", description: "Ashburn, VA", country: "US", city: "Ashburn, VA", latitude: 39.045821, longitude: -77.487073, network_zone: "us-east", dc: { id: 5, name: "ash-dc1" } },
];
const SERVER_TYPES = [
  { id: 104, name: "cx22", cores: 2, memory: 4, disk: 40, cpu_type: "shared", architecture: "x86", monthly: "3.7900" },
  { id: 105, name: "cx32", cores: 4, memory: 8, disk: 80, cpu_type: "shared", architecture: "x86", monthly: "6.8000" },
  { id: 106, name: "cx42", cores: 8, memory: 16, disk: 160, cpu_type: "shared", architecture: "x86", monthly: "16.4000" },
  { id: 22, name: "cpx11", cores: 2, memory: 2, disk: 40, cpu_type: "shared", architecture: "x86", monthly: "4.3500" },
  { id: 23, name: "cpx21", cores: 3, memory: 4, disk: 80, cpu_type: "shared", architecture: "x86", monthly: "7.5500" },
  { id: 45, name: "cax11", cores: 2, memory: 4, disk: 40, cpu_type: "shared", architecture: "arm", monthly: "3.7900" },
];
const IMAGES = [
  { id: 114690387, name: "debian-12", description: "Debian 12", os_flavor: "debian", os_version: "12", architecture: "x86" },
  { id: 114690389, name: "debian-12", description: "Debian 12", os_flavor: "debian", os_version: "12", architecture: "arm" },
  { id: 161547269, name: "ubuntu-24.04", description: "Ubuntu 24.04", os_flavor: "ubuntu", os_version: "24.04", architecture: "x86" },
  { id: 161547270, name: "ubuntu-24.04", description: "Ubuntu 24.04", os_flavor: "ubuntu", os_version: "24.04", architecture: "arm" },
  { id: 67794396, name: "ubuntu-22.04", description: "Ubuntu 22.04", os_flavor: "ubuntu", os_version: "22.04", architecture: "x86" },
];

const location = (l: (typeof LOCATIONS)[number]): Obj => {
  const { dc: _dc, ...rest } = l;
  return rest;
};
const serverType = (t: (typeof SERVER_TYPES)[number]): Obj => ({
  id: t.id,
  name: t.name,
  description: t.name.toUpperCase(),
  cores: t.cores,
  memory: t.memory,
  disk: t.disk,
  deprecated: false,
  deprecation: null,
  storage_type: "local",
  cpu_type: t.cpu_type,
  architecture: t.architecture,
  category: "shared_vcpu",
  // No top-level included_traffic: hcloud-openapi.json's server_type has it only per price.
  prices: LOCATIONS.map((l) => ({
    location: l.name,
    price_hourly: { net: (Number(t.monthly) / 730).toFixed(4), gross: ((Number(t.monthly) / 730) * 1.19).toFixed(4) },
    price_monthly: { net: t.monthly, gross: (Number(t.monthly) * 1.19).toFixed(4) },
    included_traffic: 21990232555520,
    price_per_tb_traffic: { net: "1.0000", gross: "1.1900" },
  })),
  locations: LOCATIONS.map((l) => ({ id: l.id, name: l.name, deprecation: null })),
});
const datacenter = (l: (typeof LOCATIONS)[number]): Obj => ({
  id: l.dc.id,
  name: l.dc.name,
  description: `${l.city} DC ${l.dc.name.split("-dc")[1] ?? ""}`.trim(),
  location: location(l),
  server_types: { supported: SERVER_TYPES.map((t) => t.id), available: SERVER_TYPES.map((t) => t.id), available_for_migration: SERVER_TYPES.map((t) => t.id) },
});
const image = (i: (typeof IMAGES)[number]): Obj => ({
  id: i.id,
  type: "system",
  status: "available",
  name: i.name,
  description: i.description,
  image_size: null,
  disk_size: 5,
  created: "2023-06-13T06:00:02Z",
  created_from: null,
  bound_to: null,
  os_flavor: i.os_flavor,
  os_version: i.os_version,
  rapid_deploy: true,
  protection: { delete: false },
  deprecated: null,
  deleted: null,
  labels: {},
  architecture: i.architecture,
});

/** `k=v,k2!=v,k3,!k4` against labels. */
export function matchesLabelSelector(labels: Labels, selector: string): boolean {
  return selector.split(/,(?![^(]*\))/).map((s) => s.trim()).filter(Boolean).every((term) => {
    let m: RegExpExecArray | null;
    if ((m = /^!\s*(\S+)$/.exec(term))) return !(m[1]! in labels);
    if ((m = /^(\S+?)\s*!=\s*(\S*)$/.exec(term))) return labels[m[1]!] !== m[2];
    if ((m = /^(\S+?)\s*==?\s*(\S*)$/.exec(term))) return labels[m[1]!] === m[2];
    if ((m = /^(\S+)\s+in\s+\(([^)]*)\)$/.exec(term))) return m[2]!.split(",").map((v) => v.trim()).includes(labels[m[1]!] ?? "\0");
    return term in labels;
  });
}

const ipv4Of = (id: number, base: number): string => `198.${base}.${(id >> 8) & 0xff}.${id & 0xff}`;

/** Plain IPv4 arithmetic for private network addresses. */
const ipToInt = (ip: string): number => ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
const intToIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");

export interface HcloudContext {
  store: Store;
  faults: Faults;
  timing?: HcloudTiming;
}

export function createHcloudApi(ctx: HcloudContext): EmulatedApi {
  const { store, faults } = ctx;
  const timing = { actionMs: 100, ...ctx.timing };
  const h = store.data.hcloud;
  const r = new Router();

  const fail = (status: number, code: string, message: string): never => {
    throw new ApiError(status, message, code);
  };
  const ok = (body: unknown, status = 200): ApiResponse => ({ status, body });
  const notFound = (kind: string, id: string | undefined): never => fail(404, "not_found", `${kind} with ID '${String(id)}' not found`);
  const invalid = (field: string, message: string): never => {
    throw Object.assign(new ApiError(400, `invalid input in field '${field}'`, "invalid_input"), { details: { fields: [{ name: field, messages: [message] }] } });
  };

  function newAction(command: string, resources: { id: number; type: string }[], done?: () => void | string): HcloudAction {
    const action: HcloudAction = { id: store.nextId(), command, status: "running", progress: 0, started: isoNow(), finished: null, resources, error: null };
    h.actions[action.id] = action;
    store.changed();
    void sleep(timing.actionMs + faults.slowMs).then(() => {
      let error: string | void;
      try {
        error = done?.();
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      action.status = error ? "error" : "success";
      action.progress = 100;
      action.finished = isoNow();
      if (error) action.error = { code: "action_failed", message: error };
      store.changed();
    });
    return action;
  }

  function list(req: ApiRequest, key: string, items: Obj[], filter: (item: Obj) => boolean = () => true): ApiResponse {
    const name = req.query.get("name");
    const selector = req.query.get("label_selector");
    const filtered = items.filter((i) => (!name || i.name === name) && (!selector || matchesLabelSelector((i.labels as Labels | undefined) ?? {}, selector)) && filter(i));
    const perPage = Math.min(Number(req.query.get("per_page") ?? 25) || 25, 50);
    const page = Math.max(Number(req.query.get("page") ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(filtered.length / perPage), 1);
    return ok({
      [key]: filtered.slice((page - 1) * perPage, page * perPage),
      meta: { pagination: { page, per_page: perPage, previous_page: page > 1 ? page - 1 : null, next_page: page < last ? page + 1 : null, last_page: last, total_entries: filtered.length } },
    });
  }

  const labelsOf = (body: Obj): Labels => {
    const labels = body.labels ?? {};
    if (typeof labels !== "object" || Array.isArray(labels)) invalid("labels", "must be an object");
    return labels as Labels;
  };
  const requireString = (body: Obj, field: string): string => {
    const v = body[field];
    if (typeof v !== "string" || v === "") return invalid(field, "Missing data for required field.");
    return v;
  };
  const uniqueName = (collection: Record<string, Obj>, name: string, kind: string, except?: number): void => {
    if (Object.values(collection).some((o) => o.name === name && o.id !== except)) fail(409, "uniqueness_error", `${kind} name is already used`);
  };  /** The update every resource's PUT takes: a new (unique) name and new labels. */
  const renameAndLabel = (collection: Record<string, Obj>, resource: Obj, body: Obj, kind: string): void => {
    if (typeof body.name === "string") {
      uniqueName(collection, body.name, kind, resource.id as number);
      resource.name = body.name;
    }
    if (body.labels !== undefined) resource.labels = labelsOf(body);
  };

  const byIdOrName = <T extends { id: number; name: string }>(items: T[], ref: unknown, field: string): T => {
    const found = items.find((i) => String(i.id) === String(ref) || i.name === ref);
    return found ?? invalid(field, `${field} ${String(ref)} not found`);
  };

  // ---------- catalogs ----------
  r.get("/locations", (q) => list(q, "locations", LOCATIONS.map(location)));
  r.get("/locations/:id", (q) => ok({ location: location(LOCATIONS.find((l) => String(l.id) === q.params.id) ?? notFound("location", q.params.id)) }));
  r.get("/datacenters", (q) => {
    const res = list(q, "datacenters", LOCATIONS.map(datacenter));
    (res.body as Obj).recommendation = 4;
    return res;
  });
  r.get("/datacenters/:id", (q) => ok({ datacenter: datacenter(LOCATIONS.find((l) => String(l.dc.id) === q.params.id) ?? notFound("datacenter", q.params.id)) }));
  r.get("/server_types", (q) => list(q, "server_types", SERVER_TYPES.map(serverType)));
  r.get("/server_types/:id", (q) => ok({ server_type: serverType(SERVER_TYPES.find((t) => String(t.id) === q.params.id) ?? notFound("server type", q.params.id)) }));
  r.get("/images", (q) => {
    const arch = q.query.getAll("architecture");
    const types = q.query.getAll("type");
    return list(q, "images", IMAGES.map(image), (i) => (arch.length === 0 || arch.includes(String(i.architecture))) && (types.length === 0 || types.includes(String(i.type))));
  });
  r.get("/images/:id", (q) => ok({ image: image(IMAGES.find((i) => String(i.id) === q.params.id) ?? notFound("image", q.params.id)) }));

  // ---------- actions ----------
  r.get("/actions", (q) => {
    const ids = q.query.getAll("id");
    const status = q.query.getAll("status");
    const res = list(q, "actions", Object.values(h.actions).map((a) => ({ ...a })), (a) => (ids.length === 0 || ids.includes(String(a.id))) && (status.length === 0 || status.includes(String(a.status))));
    // "Get multiple Actions" answers `{actions}` without `meta` (hcloud-openapi.json get_multiple_actions_response).
    delete (res.body as Obj).meta;
    return res;
  });
  r.get("/actions/:id", (q) => ok({ action: h.actions[q.params.id!] ?? notFound("action", q.params.id) }));

  // ---------- ssh keys ----------
  const fingerprint = (publicKey: string): string => {
    const blob = publicKey.trim().split(/\s+/)[1];
    if (!blob || !/^[A-Za-z0-9+/=]+$/.test(blob)) return invalid("public_key", "invalid public key");
    return createHash("md5").update(Buffer.from(blob, "base64")).digest("hex").match(/../g)!.join(":");
  };
  r.get("/ssh_keys", (q) => {
    const fp = q.query.get("fingerprint");
    return list(q, "ssh_keys", Object.values(h.sshKeys), (k) => !fp || k.fingerprint === fp);
  });
  r.post("/ssh_keys", (q) => {
    const name = requireString(q.body, "name");
    const publicKey = requireString(q.body, "public_key");
    const fp = fingerprint(publicKey);
    uniqueName(h.sshKeys, name, "SSH key");
    if (Object.values(h.sshKeys).some((k) => k.fingerprint === fp)) fail(409, "uniqueness_error", "SSH key with the same fingerprint already exists");
    const key = { id: store.nextId(), name, fingerprint: fp, public_key: publicKey.trim(), labels: labelsOf(q.body), created: isoNow() };
    h.sshKeys[key.id] = key;
    store.changed();
    return ok({ ssh_key: key }, 201);
  });
  const getKey = (q: ApiRequest): Obj => h.sshKeys[q.params.id!] ?? notFound("ssh_key", q.params.id);
  r.get("/ssh_keys/:id", (q) => ok({ ssh_key: getKey(q) }));
  r.put("/ssh_keys/:id", (q) => {
    const key = getKey(q);
    renameAndLabel(h.sshKeys, key, q.body, "SSH key");
    store.changed();
    return ok({ ssh_key: key });
  });
  r.delete("/ssh_keys/:id", (q) => {
    getKey(q);
    delete h.sshKeys[q.params.id!];
    store.changed();
    return { status: 204 };
  });

  // ---------- primary IPs ----------
  const primaryIpShape = (ip: Obj): Obj => ip;
  function newPrimaryIp(opts: { name: string; type: "ipv4" | "ipv6"; dc: (typeof LOCATIONS)[number]; assigneeId: number | null; autoDelete: boolean; labels: Labels }): Obj {
    const id = store.nextId();
    const ip: Obj = {
      id,
      name: opts.name,
      ip: opts.type === "ipv4" ? ipv4Of(id, 18) : `2001:db8:${(id % 0xffff).toString(16)}::/64`,
      type: opts.type,
      dns_ptr: opts.type === "ipv4" ? [{ ip: ipv4Of(id, 18), dns_ptr: `static.${ipv4Of(id, 18).split(".").reverse().join(".")}.clients.your-server.de` }] : [],
      assignee_id: opts.assigneeId,
      assignee_type: "server",
      auto_delete: opts.autoDelete,
      blocked: false,
      created: isoNow(),
      datacenter: datacenter(opts.dc),
      location: location(opts.dc),
      labels: opts.labels,
      protection: { delete: false },
    };
    h.primaryIps[id] = ip;
    return ip;
  }
  const dcFrom = (body: Obj): (typeof LOCATIONS)[number] => {
    if (body.datacenter !== undefined) return LOCATIONS.find((l) => l.dc.name === body.datacenter || String(l.dc.id) === String(body.datacenter)) ?? invalid("datacenter", "datacenter not found");
    if (body.location !== undefined) return LOCATIONS.find((l) => l.name === body.location || String(l.id) === String(body.location)) ?? invalid("location", "location not found");
    return LOCATIONS[0]!;
  };
  r.get("/primary_ips", (q) => {
    const ipFilter = q.query.get("ip");
    return list(q, "primary_ips", Object.values(h.primaryIps).map(primaryIpShape), (i) => !ipFilter || i.ip === ipFilter);
  });
  r.post("/primary_ips", (q) => {
    const name = requireString(q.body, "name");
    const type = requireString(q.body, "type");
    if (type !== "ipv4" && type !== "ipv6") invalid("type", "must be ipv4 or ipv6");
    // assignee_type is only required with assignee_id (newer clients leave it out otherwise).
    if (q.body.assignee_type !== undefined && q.body.assignee_type !== "server") invalid("assignee_type", "must be server");
    if (q.body.assignee_id !== undefined && q.body.assignee_id !== null && q.body.assignee_type === undefined) invalid("assignee_type", "required with assignee_id");
    uniqueName(h.primaryIps, name, "primary IP");
    const assigneeId = q.body.assignee_id === undefined || q.body.assignee_id === null ? null : Number(q.body.assignee_id);
    const server = assigneeId === null ? undefined : (h.servers[assigneeId] ?? invalid("assignee_id", "server not found"));
    if (assigneeId === null && q.body.datacenter === undefined && q.body.location === undefined) invalid("datacenter", "datacenter or location is required when assignee_id is not set");
    const dc = server ? LOCATIONS.find((l) => l.dc.name === ((server.datacenter as Obj).name as string))! : dcFrom(q.body);
    const ip = newPrimaryIp({ name, type: type as "ipv4" | "ipv6", dc, assigneeId, autoDelete: q.body.auto_delete === true, labels: labelsOf(q.body) });
    if (server) attachIpToServer(server, ip);
    store.changed();
    const action = server ? newAction("assign_primary_ip", [{ id: ip.id as number, type: "primary_ip" }, { id: server.id as number, type: "server" }]) : null;
    return ok({ primary_ip: ip, action }, 201);
  });
  const getIp = (q: ApiRequest): Obj => h.primaryIps[q.params.id!] ?? notFound("primary_ip", q.params.id);
  r.get("/primary_ips/:id", (q) => ok({ primary_ip: getIp(q) }));
  r.put("/primary_ips/:id", (q) => {
    const ip = getIp(q);
    renameAndLabel(h.primaryIps, ip, q.body, "primary IP");
    if (typeof q.body.auto_delete === "boolean") ip.auto_delete = q.body.auto_delete;
    store.changed();
    return ok({ primary_ip: ip });
  });
  r.delete("/primary_ips/:id", (q) => {
    const ip = getIp(q);
    if ((ip.protection as Obj).delete) fail(403, "protected", "primary IP is delete protected");
    detachIp(ip);
    delete h.primaryIps[q.params.id!];
    store.changed();
    return { status: 204 };
  });
  r.post("/primary_ips/:id/actions/assign", (q) => {
    const ip = getIp(q);
    if (ip.assignee_id !== null) fail(422, "primary_ip_assigned", "primary IP is already assigned");
    const server = h.servers[String(q.body.assignee_id)] ?? invalid("assignee_id", "server not found");
    const pub = server.public_net as Obj;
    if ((ip.type === "ipv4" && pub.ipv4) || (ip.type === "ipv6" && pub.ipv6)) fail(422, "server_has_ipv4", `server already has a primary ${String(ip.type)} address`);
    attachIpToServer(server, ip);
    store.changed();
    return ok({ action: newAction("assign_primary_ip", [{ id: ip.id as number, type: "primary_ip" }, { id: server.id as number, type: "server" }]) }, 201);
  });
  r.post("/primary_ips/:id/actions/unassign", (q) => {
    const ip = getIp(q);
    const resources = [{ id: ip.id as number, type: "primary_ip" }];
    detachIp(ip);
    store.changed();
    return ok({ action: newAction("unassign_primary_ip", resources) }, 201);
  });
  r.post("/primary_ips/:id/actions/change_protection", (q) => {
    const ip = getIp(q);
    ip.protection = { delete: q.body.delete === true };
    store.changed();
    return ok({ action: newAction("change_protection", [{ id: ip.id as number, type: "primary_ip" }]) }, 201);
  });
  r.post("/primary_ips/:id/actions/change_dns_ptr", (q) => {
    const ip = getIp(q);
    ip.dns_ptr = q.body.dns_ptr === null ? [] : [{ ip: q.body.ip, dns_ptr: q.body.dns_ptr }];
    store.changed();
    return ok({ action: newAction("change_dns_ptr", [{ id: ip.id as number, type: "primary_ip" }]) }, 201);
  });

  function attachIpToServer(server: Obj, ip: Obj): void {
    ip.assignee_id = server.id;
    const pub = server.public_net as Obj;
    if (ip.type === "ipv4") pub.ipv4 = { id: ip.id, ip: ip.ip, blocked: false, dns_ptr: (ip.dns_ptr as Obj[])[0]?.dns_ptr ?? "" };
    else pub.ipv6 = { id: ip.id, ip: ip.ip, blocked: false, dns_ptr: [] };
  }
  function detachIp(ip: Obj): void {
    const server = ip.assignee_id === null ? undefined : h.servers[String(ip.assignee_id)];
    if (server) {
      const pub = server.public_net as Obj;
      if ((pub.ipv4 as Obj | null)?.id === ip.id) pub.ipv4 = null;
      if ((pub.ipv6 as Obj | null)?.id === ip.id) pub.ipv6 = null;
    }
    ip.assignee_id = null;
  }

  // ---------- firewalls ----------
  const checkRules = (rules: unknown): Obj[] => {
    if (!Array.isArray(rules)) return invalid("rules", "must be a list");
    for (const rule of rules as Obj[]) {
      if (rule.direction !== "in" && rule.direction !== "out") invalid("rules.direction", "must be in or out");
      if (!["tcp", "udp", "icmp", "esp", "gre"].includes(String(rule.protocol))) invalid("rules.protocol", "invalid protocol");
      if ((rule.protocol === "tcp" || rule.protocol === "udp") && !rule.port) invalid("rules.port", "port is required for tcp and udp");
      const ips = rule.direction === "in" ? rule.source_ips : rule.destination_ips;
      if (!Array.isArray(ips) || ips.length === 0) invalid(rule.direction === "in" ? "rules.source_ips" : "rules.destination_ips", "at least one address is required");
    }
    return (rules as Obj[]).map((rule) => ({
      direction: rule.direction,
      protocol: rule.protocol,
      port: rule.port ?? null,
      source_ips: rule.source_ips ?? [],
      destination_ips: rule.destination_ips ?? [],
      description: rule.description ?? null,
    }));
  };
  const applyTargets = (fw: Obj, targets: unknown, remove = false): { id: number; type: string }[] => {
    if (!Array.isArray(targets)) return invalid(remove ? "remove_from" : "apply_to", "must be a list");
    const applied = fw.applied_to as Obj[];
    const resources: { id: number; type: string }[] = [];
    for (const t of targets as Obj[]) {
      if (t.type === "server") {
        const id = Number((t.server as Obj | undefined)?.id);
        if (!h.servers[id]) invalid("apply_to.server", `server with ID '${id}' not found`);
        const i = applied.findIndex((a) => a.type === "server" && (a.server as Obj).id === id);
        if (remove && i >= 0) applied.splice(i, 1);
        else if (!remove && i < 0) applied.push({ type: "server", server: { id } });
        else if (!remove) fail(422, "firewall_already_applied", "firewall is already applied to the server");
        resources.push({ id, type: "server" });
      } else if (t.type === "label_selector") {
        const selector = String((t.label_selector as Obj | undefined)?.selector ?? "");
        const i = applied.findIndex((a) => a.type === "label_selector" && (a.label_selector as Obj).selector === selector);
        if (remove && i >= 0) applied.splice(i, 1);
        else if (!remove && i < 0) applied.push({ type: "label_selector", label_selector: { selector } });
      } else invalid("apply_to.type", "must be server or label_selector");
    }
    return resources;
  };
  const firewallView = (fw: Obj): Obj => ({
    ...fw,
    applied_to: (fw.applied_to as Obj[]).map((a) =>
      a.type === "label_selector"
        ? { ...a, applied_to_resources: Object.values(h.servers).filter((s) => matchesLabelSelector(s.labels as Labels, String((a.label_selector as Obj).selector))).map((s) => ({ type: "server", server: { id: s.id } })) }
        : a,
    ),
  });
  r.get("/firewalls", (q) => list(q, "firewalls", Object.values(h.firewalls).map(firewallView)));
  r.post("/firewalls", (q) => {
    const name = requireString(q.body, "name");
    uniqueName(h.firewalls, name, "firewall");
    const fw: Obj = { id: store.nextId(), name, labels: labelsOf(q.body), created: isoNow(), rules: checkRules(q.body.rules ?? []), applied_to: [] };
    const resources = q.body.apply_to ? applyTargets(fw, q.body.apply_to) : [];
    h.firewalls[fw.id as number] = fw;
    store.changed();
    const actions = [newAction("set_firewall_rules", [{ id: fw.id as number, type: "firewall" }]), ...resources.map((res) => newAction("apply_firewall", [{ id: fw.id as number, type: "firewall" }, res]))];
    return ok({ firewall: firewallView(fw), actions }, 201);
  });
  const getFw = (q: ApiRequest): Obj => h.firewalls[q.params.id!] ?? notFound("firewall", q.params.id);
  r.get("/firewalls/:id", (q) => ok({ firewall: firewallView(getFw(q)) }));
  r.put("/firewalls/:id", (q) => {
    const fw = getFw(q);
    renameAndLabel(h.firewalls, fw, q.body, "firewall");
    store.changed();
    return ok({ firewall: firewallView(fw) });
  });
  r.delete("/firewalls/:id", (q) => {
    const fw = getFw(q);
    if ((fw.applied_to as Obj[]).length > 0) fail(422, "resource_in_use", "firewall is still in use");
    delete h.firewalls[q.params.id!];
    store.changed();
    return { status: 204 };
  });
  r.post("/firewalls/:id/actions/set_rules", (q) => {
    const fw = getFw(q);
    fw.rules = checkRules(q.body.rules ?? []);
    store.changed();
    const servers = (fw.applied_to as Obj[]).filter((a) => a.type === "server").map((a) => ({ id: (a.server as Obj).id as number, type: "server" }));
    return ok({ actions: [newAction("set_firewall_rules", [{ id: fw.id as number, type: "firewall" }]), ...servers.map((s) => newAction("apply_firewall", [{ id: fw.id as number, type: "firewall" }, s]))] }, 201);
  });
  r.post("/firewalls/:id/actions/apply_to_resources", (q) => {
    const fw = getFw(q);
    const resources = applyTargets(fw, q.body.apply_to);
    store.changed();
    return ok({ actions: (resources.length ? resources : [undefined]).map((res) => newAction("apply_firewall", [{ id: fw.id as number, type: "firewall" }, ...(res ? [res] : [])])) }, 201);
  });
  r.post("/firewalls/:id/actions/remove_from_resources", (q) => {
    const fw = getFw(q);
    const resources = applyTargets(fw, q.body.remove_from, true);
    store.changed();
    return ok({ actions: (resources.length ? resources : [undefined]).map((res) => newAction("remove_firewall", [{ id: fw.id as number, type: "firewall" }, ...(res ? [res] : [])])) }, 201);
  });

  // ---------- networks ----------
  const firstHost = (cidr: string): string => intToIp(ipToInt(cidr.split("/")[0]!) + 1);
  const checkCidr = (field: string, v: unknown): string => {
    if (typeof v !== "string" || !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(v)) return invalid(field, "must be an IPv4 CIDR");
    return v;
  };
  const subnetOf = (network: Obj, s: Obj): Obj => {
    const ipRange = checkCidr("subnets.ip_range", s.ip_range);
    if (!["cloud", "server", "vswitch"].includes(String(s.type))) invalid("subnets.type", "must be cloud, server or vswitch");
    return { type: s.type, ip_range: ipRange, network_zone: s.network_zone ?? "eu-central", gateway: firstHost(String(network.ip_range)), ...(s.vswitch_id ? { vswitch_id: s.vswitch_id } : {}) };
  };
  r.get("/networks", (q) => list(q, "networks", Object.values(h.networks)));
  r.post("/networks", (q) => {
    const name = requireString(q.body, "name");
    uniqueName(h.networks, name, "network");
    const net: Obj = {
      id: store.nextId(),
      name,
      ip_range: checkCidr("ip_range", q.body.ip_range),
      subnets: [],
      routes: Array.isArray(q.body.routes) ? q.body.routes : [],
      servers: [],
      load_balancers: [],
      protection: { delete: false },
      labels: labelsOf(q.body),
      created: isoNow(),
      expose_routes_to_vswitch: q.body.expose_routes_to_vswitch === true,
    };
    net.subnets = Array.isArray(q.body.subnets) ? (q.body.subnets as Obj[]).map((s) => subnetOf(net, s)) : [];
    h.networks[net.id as number] = net;
    store.changed();
    return ok({ network: net }, 201);
  });
  const getNet = (q: ApiRequest): Obj => h.networks[q.params.id!] ?? notFound("network", q.params.id);
  r.get("/networks/:id", (q) => ok({ network: getNet(q) }));
  r.put("/networks/:id", (q) => {
    const net = getNet(q);
    renameAndLabel(h.networks, net, q.body, "network");
    if (typeof q.body.expose_routes_to_vswitch === "boolean") net.expose_routes_to_vswitch = q.body.expose_routes_to_vswitch;
    store.changed();
    return ok({ network: net });
  });
  r.delete("/networks/:id", (q) => {
    const net = getNet(q);
    if ((net.protection as Obj).delete) fail(403, "protected", "network is delete protected");
    if ((net.servers as number[]).length > 0) fail(409, "conflict", "network has attached servers");
    delete h.networks[q.params.id!];
    store.changed();
    return { status: 204 };
  });
  const netAction = (name: string, apply: (net: Obj, body: Obj) => void): void => {
    r.post(`/networks/:id/actions/${name}`, (q) => {
      const net = getNet(q);
      apply(net, q.body);
      store.changed();
      return ok({ action: newAction(name, [{ id: net.id as number, type: "network" }]) }, 201);
    });
  };
  netAction("add_subnet", (net, body) => {
    const subnet = subnetOf(net, body);
    if ((net.subnets as Obj[]).some((s) => s.ip_range === subnet.ip_range)) fail(409, "conflict", "subnet already exists");
    (net.subnets as Obj[]).push(subnet);
  });
  netAction("delete_subnet", (net, body) => {
    const subnets = net.subnets as Obj[];
    const i = subnets.findIndex((s) => s.ip_range === body.ip_range);
    if (i < 0) invalid("ip_range", "subnet not found");
    subnets.splice(i, 1);
  });
  netAction("add_route", (net, body) => {
    (net.routes as Obj[]).push({ destination: checkCidr("destination", body.destination), gateway: body.gateway });
  });
  netAction("delete_route", (net, body) => {
    net.routes = (net.routes as Obj[]).filter((rt) => !(rt.destination === body.destination && rt.gateway === body.gateway));
  });
  netAction("change_ip_range", (net, body) => {
    net.ip_range = checkCidr("ip_range", body.ip_range);
  });
  netAction("change_protection", (net, body) => {
    net.protection = { delete: body.delete === true };
  });

  function attachToNetwork(server: Obj, networkId: number, wantedIp?: string, aliasIps: string[] = []): void {
    const net = h.networks[networkId] ?? invalid("network", `network with ID '${networkId}' not found`);
    const privateNet = server.private_net as Obj[];
    if (privateNet.some((p) => p.network === networkId)) fail(422, "server_already_attached", "server is already attached to the network");
    const subnets = net.subnets as Obj[];
    const subnet = subnets.find((s) => s.type === "cloud" || s.type === "server") ?? fail(422, "no_subnet_available", "network has no subnet for servers");
    const used = new Set(Object.values(h.servers).flatMap((s) => (s.private_net as Obj[]).filter((p) => p.network === networkId).map((p) => String(p.ip))));
    let ip = wantedIp;
    if (!ip) {
      const base = ipToInt(String(subnet.ip_range).split("/")[0]!);
      let n = 2;
      while (used.has(intToIp(base + n))) n++;
      ip = intToIp(base + n);
    } else if (used.has(ip)) fail(422, "ip_not_available", `IP ${ip} is not available`);
    const id = server.id as number;
    privateNet.push({ network: networkId, ip, alias_ips: aliasIps, mac_address: `86:00:00:${((id >> 16) & 0xff).toString(16).padStart(2, "0")}:${((id >> 8) & 0xff).toString(16).padStart(2, "0")}:${(id & 0xff).toString(16).padStart(2, "0")}` });
    (net.servers as number[]).push(id);
  }
  function detachFromNetwork(server: Obj, networkId: number): void {
    server.private_net = (server.private_net as Obj[]).filter((p) => p.network !== networkId);
    const net = h.networks[networkId];
    if (net) net.servers = (net.servers as number[]).filter((id) => id !== server.id);
  }

  // ---------- servers ----------
  const serverView = (server: Obj): Obj => {
    const pub = server.public_net as Obj;
    const firewalls = Object.values(h.firewalls)
      .filter((fw) => (fw.applied_to as Obj[]).some((a) => (a.type === "server" && (a.server as Obj).id === server.id) || (a.type === "label_selector" && matchesLabelSelector(server.labels as Labels, String((a.label_selector as Obj).selector)))))
      .map((fw) => ({ id: fw.id, status: "applied" }));
    return { ...server, public_net: { ...pub, firewalls } };
  };
  r.get("/servers", (q) => {
    const status = q.query.getAll("status");
    return list(q, "servers", Object.values(h.servers).map(serverView), (s) => status.length === 0 || status.includes(String(s.status)));
  });
  r.post("/servers", (q) => {
    const name = requireString(q.body, "name");
    if (!/^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,61}[a-zA-Z0-9])?$/.test(name)) invalid("name", "must be a valid hostname");
    uniqueName(h.servers, name, "server");
    // hcloud-go sends server_type and image as an id (number) or a name (string).
    if (q.body.server_type === undefined || q.body.server_type === "") invalid("server_type", "Missing data for required field.");
    const type = byIdOrName(SERVER_TYPES, q.body.server_type, "server_type");
    const imageRef = q.body.image;
    if (imageRef === undefined) invalid("image", "Missing data for required field.");
    const img = IMAGES.find((i) => (String(i.id) === String(imageRef) || i.name === imageRef) && i.architecture === type.architecture) ?? invalid("image", `image ${String(imageRef)} not found`);
    const loc = dcFrom(q.body);
    const sshKeys = Array.isArray(q.body.ssh_keys) ? (q.body.ssh_keys as unknown[]) : [];
    for (const k of sshKeys) if (!Object.values(h.sshKeys).some((key) => String(key.id) === String(k) || key.name === k)) invalid("ssh_keys", `SSH key ${String(k)} not found`);
    const publicNet = (q.body.public_net ?? {}) as Obj;
    const id = store.nextId();
    const server: Obj = {
      id,
      name,
      status: "initializing",
      created: isoNow(),
      public_net: { ipv4: null, ipv6: null, floating_ips: [] },
      private_net: [],
      server_type: serverType(type),
      datacenter: datacenter(loc),
      location: location(loc),
      image: image(img),
      iso: null,
      rescue_enabled: false,
      locked: false,
      backup_window: null,
      outgoing_traffic: 0,
      ingoing_traffic: 0,
      included_traffic: 21990232555520,
      protection: { delete: false, rebuild: false },
      labels: labelsOf(q.body),
      volumes: [],
      load_balancers: [],
      primary_disk_size: type.disk,
      placement_group: null,
    };
    h.servers[id] = server;
    const created: Obj[] = [];
    try {
      for (const family of ["ipv4", "ipv6"] as const) {
        const explicit = publicNet[family];
        const enabled = publicNet[`enable_${family}`] !== false;
        if (explicit !== undefined && explicit !== null) {
          const ip = h.primaryIps[String(explicit)] ?? invalid(`public_net.${family}`, `primary IP ${String(explicit)} not found`);
          if (ip.assignee_id !== null) fail(422, "primary_ip_assigned", `primary IP ${String(explicit)} is already assigned`);
          attachIpToServer(server, ip);
        } else if (enabled) {
          const ip = newPrimaryIp({ name: `primary_ip-${store.data.nextId}`, type: family, dc: loc, assigneeId: id, autoDelete: true, labels: {} });
          created.push(ip);
          attachIpToServer(server, ip);
        }
      }
      for (const n of Array.isArray(q.body.networks) ? (q.body.networks as unknown[]) : []) attachToNetwork(server, Number(n));
      for (const f of Array.isArray(q.body.firewalls) ? (q.body.firewalls as Obj[]) : []) {
        const fw = h.firewalls[String(f.firewall)] ?? invalid("firewalls", `firewall ${String(f.firewall)} not found`);
        (fw.applied_to as Obj[]).push({ type: "server", server: { id } });
      }
    } catch (e) {
      for (const ip of created) delete h.primaryIps[ip.id as number];
      for (const ip of Object.values(h.primaryIps)) if (ip.assignee_id === id) ip.assignee_id = null;
      for (const fw of Object.values(h.firewalls)) fw.applied_to = (fw.applied_to as Obj[]).filter((a) => !(a.type === "server" && (a.server as Obj).id === id));
      for (const p of server.private_net as Obj[]) detachFromNetwork(server, p.network as number);
      delete h.servers[id];
      throw e;
    }
    store.changed();
    const start = q.body.start_after_create !== false;
    const action = newAction("create_server", [{ id, type: "server" }], () => {
      if (h.servers[id]) server.status = start ? "running" : "off";
    });
    const nextActions = start ? [newAction("start_server", [{ id, type: "server" }])] : [];
    return ok({ server: serverView(server), action, next_actions: nextActions, root_password: sshKeys.length ? null : "sandbox-root-password" }, 201);
  });
  const getServer = (q: ApiRequest): Obj => h.servers[q.params.id!] ?? notFound("server", q.params.id);
  r.get("/servers/:id", (q) => ok({ server: serverView(getServer(q)) }));
  r.put("/servers/:id", (q) => {
    const server = getServer(q);
    renameAndLabel(h.servers, server, q.body, "server");
    store.changed();
    return ok({ server: serverView(server) });
  });
  r.delete("/servers/:id", (q) => {
    const server = getServer(q);
    if ((server.protection as Obj).delete) fail(403, "protected", "server is delete protected");
    const id = server.id as number;
    for (const ip of Object.values(h.primaryIps)) {
      if (ip.assignee_id !== id) continue;
      if (ip.auto_delete) delete h.primaryIps[ip.id as number];
      else ip.assignee_id = null;
    }
    for (const fw of Object.values(h.firewalls)) fw.applied_to = (fw.applied_to as Obj[]).filter((a) => !(a.type === "server" && (a.server as Obj).id === id));
    for (const p of [...(server.private_net as Obj[])]) detachFromNetwork(server, p.network as number);
    delete h.servers[q.params.id!];
    store.changed();
    return ok({ action: newAction("delete_server", [{ id, type: "server" }]) });
  });
  const serverAction = (name: string, command: string, apply: (server: Obj, body: Obj) => void | (() => void)): void => {
    r.post(`/servers/:id/actions/${name}`, (q) => {
      const server = getServer(q);
      if (server.locked) fail(423, "locked", "server is locked");
      const later = apply(server, q.body);
      store.changed();
      return ok({ action: newAction(command, [{ id: server.id as number, type: "server" }], () => { if (later) later(); }) }, 201);
    });
  };
  serverAction("poweron", "start_server", (s) => () => { s.status = "running"; });
  serverAction("poweroff", "stop_server", (s) => () => { s.status = "off"; });
  serverAction("shutdown", "shutdown_server", (s) => () => { s.status = "off"; });
  serverAction("reboot", "reboot_server", (s) => () => { s.status = "running"; });
  serverAction("reset", "reset_server", (s) => () => { s.status = "running"; });
  serverAction("enable_backup", "enable_backup", (s) => { s.backup_window = "22-02"; });
  serverAction("disable_backup", "disable_backup", (s) => { s.backup_window = null; });
  serverAction("change_protection", "change_protection", (s, body) => {
    const p = s.protection as Obj;
    if (typeof body.delete === "boolean") p.delete = body.delete;
    if (typeof body.rebuild === "boolean") p.rebuild = body.rebuild;
  });
  serverAction("attach_to_network", "attach_to_network", (s, body) => attachToNetwork(s, Number(body.network), typeof body.ip === "string" ? body.ip : undefined, Array.isArray(body.alias_ips) ? (body.alias_ips as string[]) : []));
  serverAction("detach_from_network", "detach_from_network", (s, body) => detachFromNetwork(s, Number(body.network)));
  serverAction("change_alias_ips", "change_alias_ips", (s, body) => {
    const p = (s.private_net as Obj[]).find((n) => n.network === Number(body.network)) ?? invalid("network", "server is not attached to the network");
    p.alias_ips = body.alias_ips ?? [];
  });
  serverAction("change_type", "change_server_type", (s, body) => {
    if (s.status !== "off") fail(422, "server_not_stopped", "server must be stopped before changing its type");
    const type = byIdOrName(SERVER_TYPES, body.server_type, "server_type");
    s.server_type = serverType(type);
    if (body.upgrade_disk !== false) s.primary_disk_size = type.disk;
  });
  serverAction("rebuild", "rebuild_server", (s, body) => {
    const arch = (s.server_type as Obj).architecture;
    s.image = image(IMAGES.find((i) => (String(i.id) === String(body.image) || i.name === body.image) && i.architecture === arch) ?? invalid("image", "image not found"));
  });
  serverAction("change_dns_ptr", "change_dns_ptr", (s, body) => {
    const v4 = (s.public_net as Obj).ipv4 as Obj | null;
    if (v4 && v4.ip === body.ip) v4.dns_ptr = body.dns_ptr ?? "";
  });

  return {
    name: "hcloud",
    prefix: "/v1",
    router: r,
    authorize(headers: IncomingHttpHeaders) {
      if (headers.authorization !== `Bearer ${store.data.credentials.hcloudToken}`) return new ApiError(401, "unable to authenticate", "unauthorized");
      return undefined;
    },
    renderError(err: ApiError): ApiResponse {
      const details = (err as ApiError & { details?: unknown }).details ?? null;
      return { status: err.status, body: { error: { code: err.code ?? (err.status === 501 ? "not_implemented" : "service_error"), message: err.message, details } } };
    },
  };
}
