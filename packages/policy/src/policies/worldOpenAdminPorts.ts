import { worldOpenAdminPorts } from "@hearth/core";
import type { HearthPolicy } from "../definition.js";
import { inboundRulesOf } from "../firewallRules.js";
import type { ResourceView, Violation } from "../types.js";

const portNames: Record<number, string> = { 22: "SSH (22)", 8006: "the Proxmox UI (8006)", 3389: "RDP (3389)" };

/** Pure check: no firewall rule opens 22, 8006 or 3389 to 0.0.0.0/0 or ::/0. */
export function checkWorldOpenAdminPorts(resource: Pick<ResourceView, "type" | "props">): Violation[] {
  const rules = inboundRulesOf(resource);
  if (!rules) return [];
  const ports = [...new Set(rules.flatMap(worldOpenAdminPorts))].sort((a, b) => a - b);
  if (ports.length === 0) return [];
  return [
    {
      message: `${resource.type} opens ${ports.map((p) => portNames[p] ?? String(p)).join(", ")} to the whole internet; allow only your admin networks (for example rule.allowIn({ protocol: "tcp", ports: [22], from: adminCidrs })) or reach them over the VPN.`,
    },
  ];
}

export const worldOpenAdminPortsPolicy: HearthPolicy = {
  name: "hearth-no-world-open-admin-ports",
  displayName: "No admin ports open to the internet",
  description:
    "Firewall rules may not open SSH (22), the Proxmox UI (8006) or RDP (3389) to 0.0.0.0/0 or ::/0. Checked on Proxmox security groups and VM rules, Hetzner Cloud firewalls and DigitalOcean firewalls.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps: "Restrict the rule's sources to your admin CIDRs, or remove the rule and use the WireGuard tunnel.",
  contextFields: [],
  validateResource: (resource) => checkWorldOpenAdminPorts(resource),
};
