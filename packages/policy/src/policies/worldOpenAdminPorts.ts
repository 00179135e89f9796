import { adminPorts, describeAdminPort, worldOpenAdminPorts } from "@hearth/core";
import type { HearthPolicy } from "../definition.js";
import { inboundRulesOf } from "../firewallRules.js";
import type { ResourceView, Violation } from "../types.js";

const adminPortList = adminPorts.map(describeAdminPort).join(", ");

/**
 * Pure check: no firewall opens an admin port to the whole internet. The definition is core's
 * `worldOpenAdminPorts`, the same one FirewallGroup and GatewayNode refuse input with: the
 * sources of all the firewall's inbound accept rules that admit a port are pooled, so a split
 * (`0.0.0.0/1` + `128.0.0.0/1`, over one rule or several) counts, on tcp, udp or any protocol.
 */
export function checkWorldOpenAdminPorts(resource: Pick<ResourceView, "type" | "props">): Violation[] {
  const rules = inboundRulesOf(resource);
  if (!rules) return [];
  const open = worldOpenAdminPorts(rules);
  if (open.length === 0) return [];
  return [
    {
      message: `${resource.type} opens ${open.map(describeAdminPort).join(", ")} to the whole internet; allow only your admin networks (for example rule.allowIn({ protocol: "tcp", ports: [22], from: adminCidrs })) or reach them over the VPN.`,
    },
  ];
}

export const worldOpenAdminPortsPolicy: HearthPolicy = {
  name: "hearth-no-world-open-admin-ports",
  displayName: "No admin ports open to the internet",
  description:
    `Firewall rules may not open an admin port (${adminPortList}) to the whole internet: sources that together cover 0.0.0.0/0 or ::/0, however they are split, on any protocol. Checked on Proxmox security groups and VM rules, Hetzner Cloud firewalls and DigitalOcean firewalls.`,
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps: "Restrict the rule's sources to your admin CIDRs, or remove the rule and use the WireGuard tunnel.",
  contextFields: [],
  validateResource: (resource) => checkWorldOpenAdminPorts(resource),
};
