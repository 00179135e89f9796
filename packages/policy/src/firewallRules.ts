import { mergePortRanges, type Endpoint, type NormalizedRule, type PortRange, type Protocol } from "@hearth/core";
import { tokens } from "./tokens.js";
import { isUnknown, list, record, str } from "./unknown.js";
import type { ResourceView } from "./types.js";

/** A source the policies cannot tell anything about (an ipset, a tag, a droplet id): never "the world". */
const opaque = (name: string): Endpoint => `+${name}`;

/** Proxmox firewall macros that carry admin ports; other macros are treated as not opening them. */
const proxmoxMacros: Record<string, { protocol: Protocol; ports: PortRange[] }> = {
  ssh: { protocol: "tcp", ports: [{ from: 22, to: 22 }] },
  rdp: { protocol: "tcp", ports: [{ from: 3389, to: 3389 }] },
};

/** Parses port lists such as "22", "80,443", "8000:8100" (Proxmox) or "8000-8100" (clouds). */
export function parsePortList(text: string | undefined): PortRange[] | undefined {
  if (text === undefined || text === "" || text === "any" || text === "all") return [];
  const ranges: PortRange[] = [];
  for (const part of text.split(",").map((p) => p.trim())) {
    const m = /^(\d+)(?:[:-](\d+))?$/.exec(part);
    if (!m) return undefined;
    const from = Number(m[1]);
    ranges.push({ from, to: m[2] === undefined ? from : Number(m[2]) });
  }
  return mergePortRanges(ranges);
}

function protocolOf(text: string | undefined): Protocol {
  const p = (text ?? "").toLowerCase();
  // gre, esp and the like carry no ports: like icmp, they cannot open an admin port.
  return p === "tcp" || p === "udp" || p === "icmp" || p === "icmpv6" ? p : p === "" || p === "any" || p === "all" ? "any" : "icmp";
}

function proxmoxRules(rules: readonly unknown[]): NormalizedRule[] {
  const out: NormalizedRule[] = [];
  for (const raw of rules) {
    const r = record(raw);
    if (r.enabled === false || str(r.type)?.toLowerCase() !== "in" || str(r.action)?.toUpperCase() !== "ACCEPT") continue;
    const macro = proxmoxMacros[str(r.macro)?.toLowerCase() ?? ""];
    if (str(r.macro) && !macro) continue;
    const ports = macro ? macro.ports : parsePortList(str(r.dport));
    if (!ports) continue;
    const source = str(r.source);
    // Addresses and CIDRs in any spelling are kept (core reads every spelling when it decides
    // what is world-open); IPSet (+name) and alias names are opaque.
    const sources: Endpoint[] = !source ? [] : source.split(",").map((s) => s.trim()).map((s) => (/^[0-9a-f:.]+(\/\d+)?$/i.test(s) ? s : opaque(s)));
    out.push({ direction: "in", action: "accept", protocol: macro ? macro.protocol : protocolOf(str(r.proto)), ports, sources, destinations: [] });
  }
  return out;
}

function cloudRules(rules: readonly unknown[], portKey: string, sourceKey: string, directionKey?: string): NormalizedRule[] {
  const out: NormalizedRule[] = [];
  for (const raw of rules) {
    const r = record(raw);
    if (directionKey && str(r[directionKey]) !== "in") continue;
    const ports = parsePortList(str(r[portKey]));
    if (!ports) continue;
    const addresses = list(r[sourceKey]);
    if (isUnknown(addresses)) continue;
    const known = addresses.filter((a): a is string => typeof a === "string");
    // An inbound cloud rule without addresses admits only its other sources (tags, droplets).
    const sources: Endpoint[] = known.length === 0 ? [opaque("(no addresses)")] : known;
    out.push({ direction: "in", action: "accept", protocol: protocolOf(str(r.protocol)), ports, sources, destinations: [] });
  }
  return out;
}

/**
 * The inbound accept rules of a firewall resource in Hearth's rule model, or undefined when the
 * resource is not a firewall the policies know (or its rules are not known yet).
 * Covers Proxmox security groups and VM rules, hcloud firewalls and DigitalOcean firewalls.
 */
export function inboundRulesOf(resource: Pick<ResourceView, "type" | "props">): NormalizedRule[] | undefined {
  const p = resource.props;
  switch (resource.type) {
    case tokens.proxmox.securityGroup:
    case tokens.proxmox.firewallRules: {
      const rules = list(p.rules);
      return isUnknown(rules) ? undefined : proxmoxRules(rules);
    }
    case tokens.hcloud.firewall: {
      const rules = list(p.rules);
      return isUnknown(rules) ? undefined : cloudRules(rules, "port", "sourceIps", "direction");
    }
    case tokens.digitalocean.firewall: {
      const rules = list(p.inboundRules);
      return isUnknown(rules) ? undefined : cloudRules(rules, "portRange", "sourceAddresses");
    }
    default:
      return undefined;
  }
}
