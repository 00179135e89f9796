import { formatPortRange, isIpSetReference, type Fail, type NormalizedRule } from "@hearth/core";

/** One rule in the shape `hcloud.Firewall` takes (plain strings, as the package schema states them). */
export interface HcloudFirewallRule {
  /** `"in"` or `"out"`. */
  readonly direction: string;
  /** `"tcp"`, `"udp"`, `"icmp"`, `"esp"` or `"gre"`. */
  readonly protocol: string;
  /** A port, a range `"8000-8100"` or `"any"`; only for tcp and udp. */
  readonly port?: string;
  readonly sourceIps?: string[];
  readonly destinationIps?: string[];
  readonly description?: string;
}

/** Hetzner Cloud allows at most this many rules per firewall. */
export const hcloudMaxRules = 50;

const anywhere = ["0.0.0.0/0", "::/0"];

/** The protocols "any" stands for: everything a Hetzner firewall can filter. */
const anyProtocols = ["tcp", "udp", "icmp", "esp", "gre"] as const;

/**
 * Translates checked core rules into Hetzner Cloud firewall rules. Hetzner firewalls are
 * allow-lists with one port or range per rule, so each range becomes its own rule; what
 * Hetzner cannot express fails with a HearthValidationError rather than being dropped.
 */
export function toHcloudRules(fail: Fail, field: string, rules: readonly NormalizedRule[]): HcloudFirewallRule[] {
  const out: HcloudFirewallRule[] = [];
  rules.forEach((r, i) => {
    const at = `${field}[${i}]`;
    if (r.action !== "accept") {
      fail(`${at}.action`, r.action, "Hetzner Cloud firewalls are allow-lists: traffic no rule allows is dropped, so use only accept rules");
    }
    if (r.protocol === "icmpv6") {
      fail(`${at}.protocol`, r.protocol, 'Hetzner Cloud filters ICMP as one protocol: use "icmp"');
    }
    const cidrs = (list: NormalizedRule["sources"], name: "sources" | "destinations"): string[] =>
      list.map((e, j) => {
        if (isIpSetReference(e)) {
          return fail(`${at}.${name}[${j}]`, e, "Hetzner Cloud rules take CIDRs or addresses, not Proxmox IP set references");
        }
        // Core's normalizeRules already refused host bits: the CIDR goes to Hetzner as written.
        return e;
      });
    let peers: { sourceIps?: string[]; destinationIps?: string[] };
    if (r.direction === "in") {
      if (r.destinations.length > 0) fail(`${at}.destinations`, r.destinations, "Hetzner Cloud inbound rules match on source only; remove destinations");
      peers = { sourceIps: r.sources.length ? cidrs(r.sources, "sources") : [...anywhere] };
    } else {
      if (r.sources.length > 0) fail(`${at}.sources`, r.sources, "Hetzner Cloud outbound rules match on destination only; remove sources");
      peers = { destinationIps: r.destinations.length ? cidrs(r.destinations, "destinations") : [...anywhere] };
    }
    const description = r.comment === undefined ? {} : { description: r.comment };
    const protocols = r.protocol === "any" ? anyProtocols : [r.protocol];
    for (const protocol of protocols) {
      if (protocol === "tcp" || protocol === "udp") {
        const ports = r.ports.length ? r.ports.map((p) => formatPortRange(p)) : ["any"];
        for (const port of ports) out.push({ direction: r.direction, protocol, port, ...peers, ...description });
      } else {
        out.push({ direction: r.direction, protocol, ...peers, ...description });
      }
    }
  });
  if (out.length > hcloudMaxRules) {
    fail(field, `${out.length} rules`, `a Hetzner Cloud firewall holds at most ${hcloudMaxRules} rules (each port range and protocol is one rule); split the rules over several firewall groups`);
  }
  return out;
}
