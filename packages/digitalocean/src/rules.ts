import { formatPortRange, isIpSetReference, type Fail, type NormalizedRule } from "@hearth/core";

/** An inbound rule in the shape `digitalocean.Firewall` takes. */
export interface DoInboundRule {
  /** `"tcp"`, `"udp"` or `"icmp"` (a plain string, as the package schema states it). */
  readonly protocol: string;
  /** A port, a range `"8000-8100"`, or `"1-65535"` for every port; only for tcp and udp. */
  readonly portRange?: string;
  readonly sourceAddresses: string[];
}

/** An outbound rule in the shape `digitalocean.Firewall` takes. */
export interface DoOutboundRule {
  /** `"tcp"`, `"udp"` or `"icmp"`. */
  readonly protocol: string;
  readonly portRange?: string;
  readonly destinationAddresses: string[];
}

export interface DoRules {
  readonly inboundRules: DoInboundRule[];
  readonly outboundRules: DoOutboundRule[];
}

const anywhere = ["0.0.0.0/0", "::/0"];
const allPorts = "1-65535";

/**
 * What a DigitalOcean firewall gets when the rules say nothing about outbound traffic: all of
 * it, as on Hetzner and Proxmox. (A DigitalOcean firewall without outbound rules would block
 * every outbound connection, including DNS and package updates.)
 */
export const openOutbound: DoOutboundRule[] = [
  { protocol: "tcp", portRange: allPorts, destinationAddresses: [...anywhere] },
  { protocol: "udp", portRange: allPorts, destinationAddresses: [...anywhere] },
  { protocol: "icmp", destinationAddresses: [...anywhere] },
];

/**
 * Translates checked core rules into DigitalOcean firewall rules: one rule per protocol and
 * port range, "any" as tcp+udp+icmp. DigitalOcean firewalls are allow-lists; what they cannot
 * express fails with a HearthValidationError rather than being dropped. Without outbound
 * rules, outbound traffic stays open ({@link openOutbound}).
 */
export function toDigitalOceanRules(fail: Fail, field: string, rules: readonly NormalizedRule[]): DoRules {
  const inboundRules: DoInboundRule[] = [];
  const outboundRules: DoOutboundRule[] = [];
  rules.forEach((r, i) => {
    const at = `${field}[${i}]`;
    if (r.action !== "accept") {
      fail(`${at}.action`, r.action, "DigitalOcean firewalls are allow-lists: traffic no rule allows is dropped, so use only accept rules");
    }
    if (r.protocol === "icmpv6") fail(`${at}.protocol`, r.protocol, 'DigitalOcean filters ICMP as one protocol: use "icmp"');
    const addresses = (list: NormalizedRule["sources"], name: "sources" | "destinations"): string[] =>
      list.map((e, j) =>
        isIpSetReference(e) ? fail(`${at}.${name}[${j}]`, e, "DigitalOcean rules take CIDRs or addresses, not Proxmox IP set references") : e,
      );
    if (r.direction === "in" && r.destinations.length > 0) fail(`${at}.destinations`, r.destinations, "DigitalOcean inbound rules match on source only; remove destinations");
    if (r.direction === "out" && r.sources.length > 0) fail(`${at}.sources`, r.sources, "DigitalOcean outbound rules match on destination only; remove sources");
    const peers = r.direction === "in" ? r.sources : r.destinations;
    const list = peers.length ? addresses(peers, r.direction === "in" ? "sources" : "destinations") : [...anywhere];
    const protocols = r.protocol === "any" ? (["tcp", "udp", "icmp"] as const) : [r.protocol];
    for (const protocol of protocols) {
      const ranges = protocol === "icmp" ? [undefined] : r.ports.length ? r.ports.map((p) => formatPortRange(p)) : [allPorts];
      for (const portRange of ranges) {
        const port = portRange === undefined ? {} : { portRange };
        if (r.direction === "in") inboundRules.push({ protocol, ...port, sourceAddresses: [...list] });
        else outboundRules.push({ protocol, ...port, destinationAddresses: [...list] });
      }
    }
  });
  return { inboundRules, outboundRules: outboundRules.length ? outboundRules : openOutbound.map((r) => ({ ...r, destinationAddresses: [...r.destinationAddresses] })) };
}
