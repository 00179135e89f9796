import { formatPortRange, isIpSetReference, parseCidr, type Endpoint, type Fail, type NormalizedRule } from "@hearth/core";
import { checkPveComment, checkPveValue, pveFormats } from "./pveFormats.js";

/** One rule as Proxmox's firewall API spells it (cluster security groups and VM rule lists). */
export interface ProxmoxRule {
  readonly type: "in" | "out";
  readonly action: "ACCEPT" | "DROP" | "REJECT";
  /** Absent means every protocol. */
  readonly proto?: string;
  /** `"80,443,8000:8100"`; absent means every port. */
  readonly dport?: string;
  /** A comma-separated CIDR list or one IPSet reference (`+name`); absent means anywhere. */
  readonly source?: string;
  readonly dest?: string;
  readonly comment?: string;
  readonly enabled: true;
}

/**
 * Proxmox security group names: the pattern and length the PVE API schema gives
 * /cluster/firewall/groups `group` (see pveFormats.ts): a letter, then letters, digits, '-'
 * or '_', 2-18 characters in all.
 */
export const securityGroupNamePattern = pveFormats.firewallGroup.pattern;

/** Checks a Proxmox security group name. */
export function checkSecurityGroupName(fail: Fail, field: string, value: unknown): string {
  return checkPveValue(fail, field, value, "firewallGroup");
}

const protoNames: Record<NormalizedRule["protocol"], string | undefined> = {
  tcp: "tcp",
  udp: "udp",
  icmp: "icmp",
  // The name /etc/protocols (and so Proxmox) knows ICMPv6 by.
  icmpv6: "ipv6-icmp",
  any: undefined,
};

/**
 * Maps one side of a rule (sources or destinations) to Proxmox's address field.
 * Proxmox takes either a list of addresses of one family or a single IPSet reference;
 * anything else cannot be expressed and is refused here, not by the API.
 */
function formatEndpoints(fail: Fail, field: string, endpoints: readonly Endpoint[]): { text?: string; family?: "ipv4" | "ipv6" } {
  if (endpoints.length === 0) return {};
  const groups = endpoints.filter(isIpSetReference);
  if (groups.length > 0) {
    if (endpoints.length > 1) {
      fail(field, endpoints, "Proxmox takes one group (IPSet) reference alone in a rule's address field; split it into one rule per group or address list");
    }
    return { text: `+${checkPveValue(fail, field, groups[0]!.slice(1), "ipset")}` };
  }
  const cidrs = endpoints as readonly string[];
  const families = new Set(cidrs.map((c) => parseCidr(c)?.family));
  if (families.size > 1) {
    fail(field, endpoints, "Proxmox cannot mix IPv4 and IPv6 addresses in one rule; write one rule per address family");
  }
  return { text: cidrs.join(","), family: [...families][0] };
}

/** Maps one normalized core rule to Proxmox's rule fields. */
export function toProxmoxRule(fail: Fail, field: string, rule: NormalizedRule): ProxmoxRule {
  const source = formatEndpoints(fail, `${field}.sources`, rule.sources);
  const dest = formatEndpoints(fail, `${field}.destinations`, rule.destinations);
  if (source.family && dest.family && source.family !== dest.family) {
    fail(field, { sources: rule.sources, destinations: rule.destinations }, "sources and destinations must be the same address family (both IPv4 or both IPv6)");
  }
  const proto = protoNames[rule.protocol];
  return {
    type: rule.direction,
    action: rule.action.toUpperCase() as ProxmoxRule["action"],
    ...(proto === undefined ? {} : { proto }),
    ...(rule.ports.length === 0 ? {} : { dport: rule.ports.map((p) => formatPortRange(p, ":")).join(",") }),
    ...(source.text === undefined ? {} : { source: source.text }),
    ...(dest.text === undefined ? {} : { dest: dest.text }),
    ...(rule.comment === undefined ? {} : { comment: checkPveComment(fail, `${field}.comment`, rule.comment) }),
    enabled: true,
  };
}

/** Maps a normalized rule list, keeping its order (Proxmox evaluates rules top to bottom). */
export function toProxmoxRules(fail: Fail, field: string, rules: readonly NormalizedRule[]): ProxmoxRule[] {
  return rules.map((r, i) => toProxmoxRule(fail, `${field}[${i}]`, r));
}
