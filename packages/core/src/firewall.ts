import { checkOneOf } from "./checks.js";
import type { Fail } from "./errors.js";
import { checkCidr, coversWholeInternet, parseIp } from "./address.js";
import { isWholeNumber } from "./numbers.js";

// Each word list is an `as const` object with a type of the same name: the form @pulumi/pulumi's
// schema analyzer (provider/experimental/analyzer.js, extractEnumMembers) turns into an enum; a
// bare type alias of string literals is refused there. TypeScript users still write the words.
/** Traffic into (`in`) or out of (`out`) the VM. */
export const Direction = { in: "in", out: "out" } as const;
export type Direction = (typeof Direction)[keyof typeof Direction];
/** What a rule does with matching traffic. */
export const Action = { accept: "accept", drop: "drop", reject: "reject" } as const;
export type Action = (typeof Action)[keyof typeof Action];
/** The IP protocol a rule matches; `any` matches every protocol. */
export const Protocol = { tcp: "tcp", udp: "udp", icmp: "icmp", icmpv6: "icmpv6", any: "any" } as const;
export type Protocol = (typeof Protocol)[keyof typeof Protocol];

export const directions: readonly Direction[] = Object.values(Direction);
export const actions: readonly Action[] = Object.values(Action);
export const protocols: readonly Protocol[] = Object.values(Protocol);

/**
 * A source or destination: a CIDR (`10.0.0.0/8`), a bare address (`10.0.0.7`), or, at home
 * only, a Proxmox IP set written as Proxmox writes it, `+name` (the clouds refuse it).
 */
export type Endpoint = string;

/** One firewall rule, the same on every provider. */
export interface FirewallRule {
  /** Traffic into (`in`) or out of (`out`) the VM. */
  readonly direction: Direction;
  readonly action: Action;
  /** @default "any" */
  readonly protocol?: Protocol;
  /** Single ports (`[22, 443]`); only for tcp and udp. With `portRanges` left out too: every port. @default every port */
  readonly ports?: number[];
  /** Port ranges (`[{ from: 8000, to: 8100 }]`); only for tcp and udp. @default none */
  readonly portRanges?: PortRange[];
  /** @default anywhere (0.0.0.0/0 and ::/0) */
  readonly sources?: Endpoint[];
  /** @default anywhere */
  readonly destinations?: Endpoint[];
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
  readonly ports: PortRange[];
  /** Empty means anywhere. */
  readonly sources: Endpoint[];
  /** Empty means anywhere. */
  readonly destinations: Endpoint[];
  readonly comment?: string;
}

export interface RuleShorthand {
  readonly protocol?: Protocol;
  readonly ports?: number[];
  readonly portRanges?: PortRange[];
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
  return { direction: "in", action, protocol: r.protocol, ports: r.ports, portRanges: r.portRanges, sources: r.from ? [...r.from] : undefined, comment: r.comment };
}

function outbound(action: Action, r: RuleShorthand & { readonly to?: readonly Endpoint[] }): FirewallRule {
  return { direction: "out", action, protocol: r.protocol, ports: r.ports, portRanges: r.portRanges, destinations: r.to ? [...r.to] : undefined, comment: r.comment };
}

const groupNamePattern = /^[A-Za-z][A-Za-z0-9_-]{1,17}$/;

const isPort = (p: unknown): p is number => isWholeNumber(p) && p >= 1 && p <= 65535;

/** Checks one port (a whole number from 1 to 65535) and returns it as a one-port range. */
export function parsePort(fail: Fail, field: string, port: unknown): PortRange {
  if (!isPort(port)) {
    return fail(field, port, typeof port === "string" ? "use a number such as 443; for a range use portRanges: [{ from: 8000, to: 8100 }]" : "ports are whole numbers from 1 to 65535");
  }
  return { from: port, to: port };
}

/** Checks one `{ from, to }` range: ports from 1 to 65535, and `from` not above `to`. */
export function parsePortRange(fail: Fail, field: string, range: unknown): PortRange {
  const r = range as Partial<PortRange> | null;
  if (r === null || typeof r !== "object" || !isPort(r.from) || !isPort(r.to) || r.from > r.to) {
    return fail(field, range, "use { from, to } with whole-number ports from 1 to 65535, from not above to");
  }
  return { from: r.from, to: r.to };
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

/** True for a Proxmox IP set reference (`+name`) among a rule's sources or destinations. */
export const isIpSetReference = (endpoint: Endpoint): boolean => endpoint.startsWith("+");

function normalizeEndpoint(fail: Fail, field: string, endpoint: Endpoint): Endpoint {
  if (typeof endpoint !== "string") {
    return fail(field, endpoint, 'use a CIDR such as "192.168.1.0/24", an address such as "192.168.1.10", or (at home) a Proxmox IP set as "+name"');
  }
  if (isIpSetReference(endpoint)) {
    if (!groupNamePattern.test(endpoint.slice(1))) {
      fail(field, endpoint, "an IP set reference is '+' and a name of 2-18 letters, digits, '-' or '_', starting with a letter");
    }
    return endpoint;
  }
  // A bare address is the one-host network; anything else must be a network (no host bits),
  // in canonical notation: the strict parser in address.ts decides, for every provider.
  const ip = parseIp(endpoint);
  if (ip) return ip.family === "ipv6" ? `${endpoint}/128` : `${endpoint}/32`;
  return checkCidr(fail, field, endpoint);
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
  const single = r.ports ?? [];
  const ranges = r.portRanges ?? [];
  if (!Array.isArray(single)) fail(`${field}.ports`, r.ports, "use a list of ports such as [22, 443]");
  if (!Array.isArray(ranges)) fail(`${field}.portRanges`, r.portRanges, "use a list of ranges such as [{ from: 8000, to: 8100 }]");
  if (single.length + ranges.length > 0 && protocol !== "tcp" && protocol !== "udp") {
    fail(single.length > 0 ? `${field}.ports` : `${field}.portRanges`, single.length > 0 ? r.ports : r.portRanges, `ports apply only to tcp and udp, not ${protocol}; remove them or set protocol`);
  }
  const ports = mergePortRanges([
    ...single.map((p, i) => parsePort(fail, `${field}.ports[${i}]`, p)),
    ...ranges.map((p, i) => parsePortRange(fail, `${field}.portRanges[${i}]`, p)),
  ]);
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
