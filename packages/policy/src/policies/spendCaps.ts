import type { HearthPolicy } from "../definition.js";
import type { PolicyContext } from "../settings.js";
import { tokens } from "../tokens.js";
import { str } from "../unknown.js";
import type { ResourceView, Violation } from "../types.js";

const serverTypes = [tokens.hcloud.server, tokens.digitalocean.droplet] as readonly string[];
const publicIpTypes = [tokens.hcloud.primaryIp, tokens.digitalocean.reservedIp] as readonly string[];

/** The hcloud server type or DigitalOcean droplet size of a server resource. */
function sizeOf(resource: ResourceView): string | undefined {
  return str(resource.type === tokens.hcloud.server ? resource.props.serverType : resource.props.size);
}

/** Pure check on one resource: its server type or size is in the allowlist. */
export function checkServerType(resource: ResourceView, context: PolicyContext): Violation[] {
  if (context.site !== "cloud" || !serverTypes.includes(resource.type)) return [];
  const allowed = context.caps?.serverTypes;
  if (!allowed) return [];
  const size = sizeOf(resource);
  if (size === undefined || allowed.includes(size)) return [];
  return [{ message: `${resource.type} uses size "${size}", which is not in this stack's allowlist (${allowed.join(", ") || "empty"}); pick an allowed size or raise the cap in the policy settings.` }];
}

/** Pure check on the stack: counts of servers and public IPs within the caps; caps must be declared. */
export function checkCounts(resources: readonly ResourceView[], context: PolicyContext): Violation[] {
  if (context.site !== "cloud") return [];
  const caps = context.caps;
  if (!caps || (caps.serverTypes === undefined && caps.maxServers === undefined && caps.maxPublicIps === undefined)) {
    return [{ message: "This cloud stack declares no spend caps; add caps { serverTypes, maxServers, maxPublicIps } to its policy settings." }];
  }
  const v: Violation[] = [];
  const servers = resources.filter((r) => serverTypes.includes(r.type)).length;
  const ips = resources.filter((r) => publicIpTypes.includes(r.type)).length;
  if (caps.maxServers !== undefined && servers > caps.maxServers) v.push({ message: `This stack would hold ${servers} servers/droplets; its cap is ${caps.maxServers}.` });
  if (caps.maxPublicIps !== undefined && ips > caps.maxPublicIps) v.push({ message: `This stack would hold ${ips} public IPs (primary/reserved); its cap is ${caps.maxPublicIps}.` });
  return v;
}

export const spendCapsPolicy: HearthPolicy = {
  name: "hearth-spend-caps",
  displayName: "Spend caps for cloud stacks",
  description:
    "A cloud stack declares spend caps: an allowlist of Hetzner Cloud server types and DigitalOcean droplet sizes, a maximum number of servers and a maximum number of public IPs (hcloud primary IPs, DigitalOcean reserved IPs). Plans that exceed them are refused.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps: "Use an allowed size or fewer servers/IPs, or raise the caps in the stack's policy settings through a reviewed pull request.",
  contextFields: ["site", "caps"],
  validateResource: checkServerType,
  validateStack: checkCounts,
};
