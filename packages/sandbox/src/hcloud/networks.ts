import ipaddr from "ipaddr.js";
import { isoNow } from "../router.js";
import { NETWORK_ZONES } from "./catalog.js";
import type { HcloudKit, NetworkRecord, Obj, ServerRecord } from "./context.js";
import { fail, invalidInput, notFound } from "./errors.js";
import { labelsOf } from "./labels.js";

type V4 = ipaddr.IPv4;
type Cidr = [V4, number];

/** An IPv4 CIDR whose address is its network address (`10.0.1.0/24`), or undefined. */
export function parseV4Cidr(text: unknown): Cidr | undefined {
  if (typeof text !== "string" || !ipaddr.IPv4.isValidCIDR(text)) return undefined;
  const [addr, prefix] = ipaddr.IPv4.parseCIDR(text);
  if (ipaddr.IPv4.networkAddressFromCIDR(text).toString() !== addr.toString()) return undefined;
  return [addr, prefix];
}

const toInt = (a: V4): number => a.octets.reduce((acc, o) => acc * 256 + o, 0);
const fromInt = (n: number): V4 => new ipaddr.IPv4([24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256));
const bounds = ([a, p]: Cidr): [number, number] => [toInt(a), toInt(a) + 2 ** (32 - p) - 1];
export const cidrContains = (outer: Cidr, inner: Cidr): boolean => bounds(inner)[0] >= bounds(outer)[0] && bounds(inner)[1] <= bounds(outer)[1];
export const cidrsOverlap = (a: Cidr, b: Cidr): boolean => bounds(a)[0] <= bounds(b)[1] && bounds(b)[0] <= bounds(a)[1];
const fmt = ([a, p]: Cidr): string => `${a.toString()}/${p}`;

/**
 * Network `ip_range`: "Must be one of the private IPv4 ranges of RFC1918. Minimum network size is
 * /24" (../shared/specs/hcloud-openapi.json, `POST /networks` request `ip_range`).
 */
export function networkRangeProblem(text: unknown): string | undefined {
  const cidr = parseV4Cidr(text);
  if (!cidr) return "must be an IPv4 network in CIDR notation, such as 10.0.0.0/16";
  if (cidr[0].range() !== "private") return "must be one of the private IPv4 ranges of RFC1918";
  if (cidr[1] > 24) return "minimum network size is /24";
  return undefined;
}

/**
 * Subnet rules, from the `subnet` schema of ../shared/specs/hcloud-openapi.json: `type` is cloud,
 * server (deprecated, same as cloud) or vswitch (which alone takes `vswitch_id`); `network_zone`
 * is required and names a zone; `ip_range` "Must be a subnet of the parent Networks `ip_range`.
 * Must not overlap with any other subnets [...]. Minimum network size is /30"; without it "the
 * first available /24 IP range will be used" (`POST /networks/{id}/actions/add_subnet`).
 */
export function subnetFor(network: Pick<NetworkRecord, "ip_range" | "subnets">, s: Obj, field = "subnets"): NetworkRecord["subnets"][number] {
  if (!["cloud", "server", "vswitch"].includes(String(s.type))) invalidInput(`${field}.type`, "must be cloud, server or vswitch");
  if (s.type === "vswitch" && typeof s.vswitch_id !== "number") invalidInput(`${field}.vswitch_id`, "must be supplied for subnets of type vswitch");
  if (s.type !== "vswitch" && s.vswitch_id !== undefined) invalidInput(`${field}.vswitch_id`, "must only be supplied for subnets of type vswitch");
  if (typeof s.network_zone !== "string" || !NETWORK_ZONES.includes(s.network_zone)) invalidInput(`${field}.network_zone`, `must be one of ${NETWORK_ZONES.join(", ")}`);
  const parent = parseV4Cidr(network.ip_range)!;
  const taken = network.subnets.map((x) => parseV4Cidr(x.ip_range)!);
  let range: Cidr;
  if (s.ip_range === undefined) {
    const [start, end] = bounds(parent);
    let found: Cidr | undefined;
    for (let n = start; n + 255 <= end && !found; n += 256) {
      const candidate: Cidr = [fromInt(n), 24];
      if (!taken.some((t) => cidrsOverlap(t, candidate))) found = candidate;
    }
    range = found ?? fail(422, "no_subnet_available", "no /24 range is left in the network");
  } else {
    range = parseV4Cidr(s.ip_range) ?? invalidInput(`${field}.ip_range`, "must be an IPv4 network in CIDR notation");
    if (range[1] > 30) invalidInput(`${field}.ip_range`, "minimum subnet size is /30");
    if (!cidrContains(parent, range)) invalidInput(`${field}.ip_range`, `must be a subnet of the network's ip_range ${network.ip_range}`);
    if (taken.some((t) => cidrsOverlap(t, range))) invalidInput(`${field}.ip_range`, "must not overlap with other subnets");
  }
  const gateway = fromInt(bounds(parent)[0] + 1).toString();
  return { type: String(s.type), ip_range: fmt(range), network_zone: s.network_zone as string, gateway, ...(typeof s.vswitch_id === "number" ? { vswitch_id: s.vswitch_id } : {}) };
}

/**
 * The address a server gets in a network: from a `cloud`/`server` subnet in the server's network
 * zone (`POST /servers/{id}/actions/attach_to_network`: "an IP auto assigned from a subnet [...]
 * in the same network_zone"; 422 `no_subnet_available`, `ip_not_available`), the first free host
 * after the subnet's network address and the gateway.
 */
export function addressFor(network: NetworkRecord, zone: string, used: Set<string>, wanted?: string): string {
  const subnets = network.subnets.filter((s) => (s.type === "cloud" || s.type === "server") && s.network_zone === zone);
  if (subnets.length === 0) return fail(422, "no_subnet_available", `network ${network.id} has no subnet in network zone ${zone}`);
  if (wanted !== undefined) {
    if (!ipaddr.IPv4.isValidFourPartDecimal(wanted)) invalidInput("ip", "must be an IPv4 address");
    const inSubnet = subnets.some((s) => cidrContains(parseV4Cidr(s.ip_range)!, [ipaddr.IPv4.parse(wanted), 32]));
    if (!inSubnet || used.has(wanted) || wanted === subnets[0]!.gateway) fail(422, "ip_not_available", `IP ${wanted} is not available`);
    return wanted;
  }
  for (const s of subnets) {
    const [start, end] = bounds(parseV4Cidr(s.ip_range)!);
    for (let n = start + 1; n < end; n++) {
      const ip = fromInt(n).toString();
      if (ip !== s.gateway && !used.has(ip)) return ip;
    }
  }
  return fail(422, "no_subnet_available", `network ${network.id} has no free address in network zone ${zone}`);
}

export function attachToNetwork(kit: HcloudKit, server: ServerRecord, networkId: number, wantedIp?: string, aliasIps: string[] = []): void {
  const net = kit.networks[networkId] ?? invalidInput("network", `network with ID '${networkId}' not found`);
  if (server.private_net.some((p) => p.network === networkId)) fail(422, "server_already_attached", "server is already attached to the network");
  const used = new Set(Object.values(kit.servers).flatMap((s) => s.private_net.filter((p) => p.network === networkId).map((p) => p.ip)));
  const ip = addressFor(net, server.location.network_zone, used, wantedIp);
  const hex = (n: number) => (n & 0xff).toString(16).padStart(2, "0");
  server.private_net.push({ network: networkId, ip, alias_ips: aliasIps, mac_address: `86:00:00:${hex(server.id >> 16)}:${hex(server.id >> 8)}:${hex(server.id)}` });
  net.servers.push(server.id);
}

export function detachFromNetwork(kit: HcloudKit, server: ServerRecord, networkId: number): void {
  server.private_net = server.private_net.filter((p) => p.network !== networkId);
  const net = kit.networks[networkId];
  if (net) net.servers = net.servers.filter((id) => id !== server.id);
}

/**
 * Route rules (`route` schema): destination RFC1918 or 0.0.0.0/0, not overlapping subnets; the
 * gateway is not the network's first address nor 172.31.1.1.
 */
export function routeProblem(network: NetworkRecord, destination: unknown, gateway: unknown): string | undefined {
  const dest = typeof destination === "string" && destination === "0.0.0.0/0" ? ([ipaddr.IPv4.parse("0.0.0.0"), 0] as Cidr) : parseV4Cidr(destination);
  if (!dest) return "destination must be an IPv4 network in CIDR notation";
  if (dest[1] !== 0 && dest[0].range() !== "private") return "destination must be a private RFC1918 range or 0.0.0.0/0";
  if (dest[1] !== 0 && network.subnets.some((s) => cidrsOverlap(parseV4Cidr(s.ip_range)!, dest))) return "destination must not overlap a subnet";
  if (typeof gateway !== "string" || !ipaddr.IPv4.isValidFourPartDecimal(gateway)) return "gateway must be an IPv4 address";
  if (gateway === "172.31.1.1" || gateway === fromInt(bounds(parseV4Cidr(network.ip_range)!)[0] + 1).toString()) return `gateway ${gateway} is reserved`;
  return undefined;
}

export function registerNetworks(kit: HcloudKit): void {
  const { r, ok, list, store } = kit;
  const getNet = (id: string | undefined): NetworkRecord => kit.networks[id!] ?? notFound("network", id);

  r.get("/networks", (q) => list(q, "networks", Object.values(kit.networks)));
  r.post("/networks", (q) => {
    const name = kit.requireString(q.body, "name");
    kit.uniqueName(kit.networks, name, "network");
    const rangeProblem = networkRangeProblem(q.body.ip_range);
    if (rangeProblem) invalidInput("ip_range", rangeProblem);
    const labels = labelsOf(q.body);
    const net: NetworkRecord = {
      id: store.nextId(),
      name,
      ip_range: q.body.ip_range as string,
      subnets: [],
      routes: [],
      servers: [],
      load_balancers: [],
      protection: { delete: false },
      labels,
      created: isoNow(),
      expose_routes_to_vswitch: q.body.expose_routes_to_vswitch === true,
    };
    for (const s of Array.isArray(q.body.subnets) ? (q.body.subnets as Obj[]) : []) net.subnets.push(subnetFor(net, s));
    for (const rt of Array.isArray(q.body.routes) ? (q.body.routes as Obj[]) : []) {
      const problem = routeProblem(net, rt.destination, rt.gateway);
      if (problem) invalidInput("routes", problem);
      net.routes.push({ destination: String(rt.destination), gateway: String(rt.gateway) });
    }
    kit.networks[net.id] = net;
    store.changed();
    return ok({ network: net }, 201);
  });
  r.get("/networks/:id", (q) => ok({ network: getNet(q.params.id) }));
  r.put("/networks/:id", (q) => {
    const net = getNet(q.params.id);
    kit.renameAndLabel(kit.networks, net, q.body, "network");
    if (typeof q.body.expose_routes_to_vswitch === "boolean") net.expose_routes_to_vswitch = q.body.expose_routes_to_vswitch;
    store.changed();
    return ok({ network: net });
  });
  // `DELETE /networks/{id}`: "Attached resources will be detached automatically."
  r.delete("/networks/:id", (q) => {
    const net = getNet(q.params.id);
    if (net.protection.delete) fail(403, "protected", "network is delete protected");
    for (const id of [...net.servers]) {
      const server = kit.servers[id];
      if (server) detachFromNetwork(kit, server, net.id);
    }
    delete kit.networks[net.id];
    store.changed();
    return { status: 204 };
  });

  /**
   * Network actions: "If a change is currently being performed on this Network, a error response
   * with code `conflict` will be returned" (add_subnet, delete_subnet and the other network
   * actions in ../shared/specs/hcloud-openapi.json): a retryable race, and hcloud-go retries it.
   */
  const changing = new Set<number>();
  const netAction = (name: string, apply: (net: NetworkRecord, body: Obj) => void): void => {
    r.post(`/networks/:id/actions/${name}`, (q) => {
      const net = getNet(q.params.id);
      if (changing.has(net.id)) fail(409, "conflict", `network ${net.id} is being changed by another action; please retry`);
      apply(net, q.body);
      store.changed();
      changing.add(net.id);
      return ok({ action: kit.newAction(name, [{ id: net.id, type: "network" }], () => void changing.delete(net.id)) }, 201);
    });
  };
  netAction("add_subnet", (net, body) => net.subnets.push(subnetFor(net, body, "subnet")));
  netAction("delete_subnet", (net, body) => {
    const i = net.subnets.findIndex((s) => s.ip_range === body.ip_range);
    if (i < 0) invalidInput("ip_range", "subnet not found");
    const range = parseV4Cidr(net.subnets[i]!.ip_range)!;
    const inUse = Object.values(kit.servers).some((s) => s.private_net.some((p) => p.network === net.id && cidrContains(range, [ipaddr.IPv4.parse(p.ip), 32])));
    // "Subnets containing attached resources can not be deleted, they must be detached beforehand."
    if (inUse) fail(422, "resource_in_use", `subnet ${String(body.ip_range)} has attached servers; detach them first`);
    net.subnets.splice(i, 1);
  });
  netAction("add_route", (net, body) => {
    const problem = routeProblem(net, body.destination, body.gateway);
    if (problem) invalidInput("destination", problem);
    net.routes.push({ destination: String(body.destination), gateway: String(body.gateway) });
  });
  netAction("delete_route", (net, body) => {
    net.routes = net.routes.filter((rt) => !(rt.destination === body.destination && rt.gateway === body.gateway));
  });
  // "The provided `ip_range` can only be extended later on, but not reduced." (`POST /networks`)
  netAction("change_ip_range", (net, body) => {
    const problem = networkRangeProblem(body.ip_range);
    if (problem) invalidInput("ip_range", problem);
    if (!cidrContains(parseV4Cidr(body.ip_range)!, parseV4Cidr(net.ip_range)!)) invalidInput("ip_range", "the ip_range can only be extended, not reduced");
    net.ip_range = body.ip_range as string;
  });
  netAction("change_protection", (net, body) => {
    net.protection = { delete: body.delete === true };
  });
}
