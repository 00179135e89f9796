import { checkOneOf } from "./checks.js";
import type { Fail } from "./errors.js";
import { checkCidr, coversWholeInternet, parseIp } from "./address.js";
import { isWholeNumber } from "./numbers.js";

export type Direction = "in" | "out";
export type Action = "accept" | "drop" | "reject";
export type Protocol = "tcp" | "udp" | "icmp" | "icmpv6" | "any";

export const directions: readonly Direction[] = ["in", "out"];
export const actions: readonly Action[] = ["accept", "drop", "reject"];
export const protocols: readonly Protocol[] = ["tcp", "udp", "icmp", "icmpv6", "any"];

/** A port, a range as `"8000-8100"`, or `{ from, to }`. */
export type PortSpec = number | string | { readonly from: number; readonly to: number };

/** A source or destination: a CIDR (`10.0.0.0/8`), a bare address, or a firewall group by name. */
export type Endpoint = string | { readonly group: string };

/** One firewall rule, the same on every provider. */
export interface FirewallRule {
  /** Traffic into (`in`) or out of (`out`) the VM. */
  readonly direction: Direction;
  readonly action: Action;
  /** @default "any" */
  readonly protocol?: Protocol;
  /** Ports or ranges; only for tcp and udp. @default every port */
  readonly ports?: readonly PortSpec[];
  /** @default anywhere (0.0.0.0/0 and ::/0) */
  readonly sources?: readonly Endpoint[];
  /** @default anywhere */
  readonly destinations?: readonly Endpoint[];
  readonly comment?: string;
}

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** A checked rule: ports as sorted, merged ranges; bare addresses as /32 or /128 CIDRs. */
export interface NormalizedRule {
  readonly direction: Direction;
  readonly action: Action;
  readonly protocol: Protocol;
  /** Empty means every port. */
  readonly ports: readonly PortRange[];
  /** Empty means anywhere. */
  readonly sources: readonly Endpoint[];
  /** Empty means anywhere. */
  readonly destinations: readonly Endpoint[];
  readonly comment?: string;
}

export interface RuleShorthand {
  readonly protocol?: Protocol;
  readonly ports?: readonly PortSpec[];
  readonly comment?: string;
}

/** Short constructors for the common rules: `rule.allowIn({ protocol: "tcp", ports: [443] })`. */
export const rule = {
  allowIn: (r: RuleShorthand & { readonly from?: readonly Endpoint[] }): FirewallRule => inbound("accept", r),
  dropIn: (r: RuleShorthand & { readonly from?: readonly Endpoint[] }): FirewallRule => inbound("drop", r),
  rejectIn: (r: RuleShorthand & { readonly from?: readonly Endpoint[] }): FirewallRule => inbound("reject", r),
  allowOut: (r: RuleShorthand & { readonly to?: readonly Endpoint[] }): FirewallRule => outbound("accept", r),
  dropOut: (r: RuleShorthand & { readonly to?: readonly Endpoint[] }): FirewallRule => outbound("drop", r),
};

function inbound(action: Action, r: RuleShorthand & { readonly from?: readonly Endpoint[] }): FirewallRule {
  return { direction: "in", action, protocol: r.protocol, ports: r.ports, sources: r.from, comment: r.comment };
}

function outbound(action: Action, r: RuleShorthand & { readonly to?: readonly Endpoint[] }): FirewallRule {
  return { direction: "out", action, protocol: r.protocol, ports: r.ports, destinations: r.to, comment: r.comment };
}

const groupNamePattern = /^[A-Za-z][A-Za-z0-9_-]{1,17}$/;

/** Parses one port spec into a range; `fail`s on anything else. */
export function parsePortSpec(fail: Fail, field: string, spec: PortSpec): PortRange {
  let from: number;
  let to: number;
  if (typeof spec === "number") {
    from = to = spec;
  } else if (typeof spec === "string" && /^\d+(-\d+)?$/.test(spec)) {
    const [a, b] = spec.split("-");
    from = Number(a);
    to = b === undefined ? from : Number(b);
  } else if (spec !== null && typeof spec === "object") {
    from = spec.from;
    to = spec.to;
  } else {
    return fail(field, spec, 'use a port (443), a range ("8000-8100") or { from, to }');
  }
  const valid = (p: number) => isWholeNumber(p) && p >= 1 && p <= 65535;
  if (!valid(from) || !valid(to) || from > to) {
    fail(field, spec, "ports are whole numbers from 1 to 65535, and a range's start is not above its end");
  }
  return { from, to };
}

/** Sorts and merges overlapping or adjacent ranges. */
export function mergePortRanges(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from || a.to - b.to);
  const merged: PortRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.from <= last.to + 1) merged[merged.length - 1] = { from: last.from, to: Math.max(last.to, range.to) };
    else merged.push(range);
  }
  return merged;
}

/** Formats ranges for a provider: `formatPortRanges(r, ":")` gives `"22,8000:8100"` (Proxmox). */
export function formatPortRange(range: PortRange, separator = "-"): string {
  return range.from === range.to ? String(range.from) : `${range.from}${separator}${range.to}`;
}

function normalizeEndpoint(fail: Fail, field: string, endpoint: Endpoint): Endpoint {
  if (typeof endpoint === "string") {
    // A bare address is the one-host network; anything else must be a network (no host bits),
    // in canonical notation: the strict parser in address.ts decides, for every provider.
    const ip = parseIp(endpoint);
    if (ip) return ip.family === "ipv6" ? `${endpoint}/128` : `${endpoint}/32`;
    return checkCidr(fail, field, endpoint);
  }
  if (endpoint === null || typeof endpoint !== "object" || typeof endpoint.group !== "string" || !groupNamePattern.test(endpoint.group)) {
    return fail(field, endpoint, "use a CIDR such as 192.168.1.0/24, an address such as 192.168.1.10, or a group reference { group: name } with a name of 2-18 letters, digits, '-' or '_', starting with a letter");
  }
  return { group: endpoint.group };
}

/** Checks and normalizes a rule list. An empty list is refused: a group without rules is a mistake. */
export function normalizeRules(fail: Fail, field: string, rules: readonly FirewallRule[] | undefined): NormalizedRule[] {
  if (!Array.isArray(rules) || rules.length === 0) {
    fail(field, rules, "give at least one rule, for example rule.allowIn({ protocol: \"tcp\", ports: [443] })");
  }
  return rules!.map((r, i) => normalizeRule(fail, `${field}[${i}]`, r));
}

/** Checks and normalizes one rule. */
export function normalizeRule(fail: Fail, field: string, r: FirewallRule): NormalizedRule {
  if (r === null || typeof r !== "object") fail(field, r, "a rule is an object such as rule.allowIn({ protocol: \"tcp\", ports: [443] })");
  const direction = checkOneOf(fail, `${field}.direction`, r.direction, directions);
  const action = checkOneOf(fail, `${field}.action`, r.action, actions);
  const protocol = checkOneOf(fail, `${field}.protocol`, r.protocol ?? "any", protocols);
  const portSpecs = r.ports ?? [];
  if (!Array.isArray(portSpecs)) fail(`${field}.ports`, r.ports, "use a list of ports or ranges");
  if (portSpecs.length > 0 && protocol !== "tcp" && protocol !== "udp") {
    fail(`${field}.ports`, r.ports, `ports apply only to tcp and udp, not ${protocol}; remove ports or set protocol`);
  }
  const ports = mergePortRanges(portSpecs.map((p, i) => parsePortSpec(fail, `${field}.ports[${i}]`, p)));
  if (r.sources !== undefined && !Array.isArray(r.sources)) fail(`${field}.sources`, r.sources, 'use a list such as ["192.168.1.0/24"]');
  if (r.destinations !== undefined && !Array.isArray(r.destinations)) fail(`${field}.destinations`, r.destinations, 'use a list such as ["192.168.1.0/24"]');
  const sources = (r.sources ?? []).map((e, i) => normalizeEndpoint(fail, `${field}.sources[${i}]`, e));
  const destinations = (r.destinations ?? []).map((e, i) => normalizeEndpoint(fail, `${field}.destinations[${i}]`, e));
  if (r.comment !== undefined && (typeof r.comment !== "string" || r.comment.length > 255)) {
    fail(`${field}.comment`, r.comment, "a comment is a string of at most 255 characters");
  }
  return { direction, action, protocol, ports, sources, destinations, ...(r.comment === undefined ? {} : { comment: r.comment }) };
}

/** An administrative service whose ports must never be reachable from the whole internet. */
export interface AdminPort {
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

/**
 * The documented list of administrative ports. They count on every protocol (tcp, udp, any),
 * whatever the service usually speaks: a rule that opens the port opens it.
 * Sources: IANA service names (ssh 22, telnet 23, ms-wbt-server 3389, rfb 5900); the Proxmox VE
 * admin guide, "Ports used by Proxmox VE" (proxmox/pve-docs pve-firewall.adoc): web interface
 * 8006, VNC web console 5900-5999, SPICE proxy 3128, sshd 22.
 */
export const adminPorts: readonly AdminPort[] = [
  { name: "SSH", from: 22, to: 22 },
  { name: "Telnet", from: 23, to: 23 },
  { name: "the Proxmox SPICE proxy", from: 3128, to: 3128 },
  { name: "RDP", from: 3389, to: 3389 },
  { name: "VNC and the Proxmox VNC console", from: 5900, to: 5999 },
  { name: "the Proxmox UI and API", from: 8006, to: 8006 },
];

/** `SSH (22)`, `VNC ... (5900-5999)`: how messages name an admin port. */
export function describeAdminPort(port: AdminPort): string {
  return `${port.name} (${formatPortRange(port)})`;
}

/** True for an inbound accept rule: the rules that can open something. */
const admits = (r: NormalizedRule) => r.direction === "in" && r.action === "accept";

/** The sources of a rule, with "no sources" meaning anywhere. */
const sourcesOf = (r: NormalizedRule): readonly unknown[] => (r.sources.length === 0 ? ["0.0.0.0/0", "::/0"] : r.sources);

/**
 * True when one inbound accept rule admits the whole internet: no sources, or sources whose
 * union covers all of IPv4 or all of IPv6 (`0.0.0.0/0`, or `0.0.0.0/1` + `128.0.0.0/1`, ...).
 */
export function isWorldOpen(r: NormalizedRule): boolean {
  return admits(r) && coversWholeInternet(sourcesOf(r));
}

/**
 * The one definition of "an admin port open to the world", shared by every FirewallGroup,
 * GatewayNode and the policy pack: for each port of {@link adminPorts}, the sources of every
 * inbound accept rule that admits that port (on any protocol that carries ports: tcp, udp or
 * any; a rule without ports admits all of them) are pooled, and the port is world-open when
 * that union covers all of IPv4 or all of IPv6, however it is split across rules and CIDRs.
 * Returns the admin ports open to the world; empty when none.
 */
export function worldOpenAdminPorts(rules: NormalizedRule | readonly NormalizedRule[]): AdminPort[] {
  const list = (Array.isArray(rules) ? rules : [rules]) as readonly NormalizedRule[];
  const carriers = list.filter((r) => admits(r) && r.protocol !== "icmp" && r.protocol !== "icmpv6");
  return adminPorts.filter((admin) => {
    for (let port = admin.from; port <= admin.to; port++) {
      const sources = carriers.filter((r) => r.ports.length === 0 || r.ports.some((p) => p.from <= port && port <= p.to)).flatMap(sourcesOf);
      if (sources.length > 0 && coversWholeInternet(sources)) return true;
    }
    return false;
  });
}

/** Fails when rules open an admin port to the whole internet (see {@link worldOpenAdminPorts}). */
export function checkNoWorldOpenAdminPorts(fail: Fail, field: string, rules: readonly NormalizedRule[]): void {
  const open = worldOpenAdminPorts(rules);
  if (open.length > 0) {
    fail(
      field,
      open.map(describeAdminPort).join(", "),
      "administrative ports are never opened to the whole internet (0.0.0.0/0 or ::/0, however the sources are split): allow only your admin networks, or reach them over the VPN",
    );
  }
}
