import { checkOneOf } from "./checks.js";
import type { Fail } from "./errors.js";
import { isIpAddress, isWorldCidr, parseCidr } from "./network.js";

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
  const valid = (p: number) => Number.isInteger(p) && p >= 1 && p <= 65535;
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
    const cidr = parseCidr(endpoint);
    if (cidr) return endpoint;
    if (isIpAddress(endpoint)) return endpoint.includes(":") ? `${endpoint}/128` : `${endpoint}/32`;
    return fail(field, endpoint, "use a CIDR such as 192.168.1.0/24, an address such as 192.168.1.10, or { group: name }");
  }
  if (endpoint === null || typeof endpoint !== "object" || typeof endpoint.group !== "string" || !groupNamePattern.test(endpoint.group)) {
    return fail(field, endpoint, "a group reference is { group: name } with a name of 2-18 letters, digits, '-' or '_', starting with a letter");
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
  const sources = (r.sources ?? []).map((e, i) => normalizeEndpoint(fail, `${field}.sources[${i}]`, e));
  const destinations = (r.destinations ?? []).map((e, i) => normalizeEndpoint(fail, `${field}.destinations[${i}]`, e));
  if (r.comment !== undefined && (typeof r.comment !== "string" || r.comment.length > 255)) {
    fail(`${field}.comment`, r.comment, "a comment is a string of at most 255 characters");
  }
  return { direction, action, protocol, ports, sources, destinations, ...(r.comment === undefined ? {} : { comment: r.comment }) };
}

/** Well-known administrative ports that must never be open to the whole internet. */
export const adminPorts = { ssh: 22, proxmoxUi: 8006, rdp: 3389 } as const;

/** True when an inbound accept rule admits the whole internet (no sources, or 0.0.0.0/0 or ::/0). */
export function isWorldOpen(r: NormalizedRule): boolean {
  if (r.direction !== "in" || r.action !== "accept") return false;
  return r.sources.length === 0 || r.sources.some((s) => typeof s === "string" && isWorldCidr(s));
}

/** The admin ports (22, 8006, 3389) a rule opens to the whole internet; empty when none. */
export function worldOpenAdminPorts(r: NormalizedRule): number[] {
  if (!isWorldOpen(r) || r.protocol === "udp" || r.protocol === "icmp" || r.protocol === "icmpv6") return [];
  return Object.values(adminPorts).filter((port) => r.ports.length === 0 || r.ports.some((p) => p.from <= port && port <= p.to));
}
