import type { HearthPolicy } from "../definition.js";
import type { PolicyContext } from "../settings.js";
import { tokens } from "../tokens.js";
import { bool } from "../unknown.js";
import type { ResourceView, Violation } from "../types.js";

const insecureAllowed = ["lab", "sandbox"];

/** Pure check: a Proxmox provider with `insecure: true` is refused outside lab and sandbox stacks. */
export function checkProxmoxTls(resource: ResourceView, context: PolicyContext): Violation[] {
  if (resource.type !== tokens.proxmox.provider) return [];
  if (bool(resource.props.insecure) !== true) return [];
  if (context.environment && insecureAllowed.includes(context.environment)) return [];
  return [
    {
      message: `The Proxmox provider skips TLS verification (insecure: true) in a ${context.environment ?? "undeclared"} environment; only lab and sandbox stacks may do that. Give the Proxmox API a certificate your CI trusts and remove insecure.`,
    },
  ];
}

export const proxmoxTlsPolicy: HearthPolicy = {
  name: "hearth-proxmox-tls",
  displayName: "Proxmox TLS verification",
  description:
    "The Proxmox provider must verify the API's TLS certificate. `insecure: true` is accepted only in stacks declared lab or sandbox; elsewhere anyone between CI and the host could read the API token.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps: "Install a trusted certificate on the Proxmox host (or its reverse proxy) and remove `proxmoxve:insecure`, or declare the stack lab/sandbox if it really is one.",
  contextFields: ["environment"],
  validateResource: checkProxmoxTls,
};
