import type { HearthPolicy } from "../definition.js";
import type { PolicyContext } from "../settings.js";
import { knownProviderPackages, packageOf, providersBySite } from "../tokens.js";
import type { ResourceView, Violation } from "../types.js";

/** The provider packages a resource uses: its own (for provider resources) and its provider's. */
function providerPackagesOf(resource: ResourceView): string[] {
  const found: string[] = [];
  if (resource.type.startsWith("pulumi:providers:")) found.push(packageOf(resource.type));
  if (resource.provider) found.push(packageOf(resource.provider.type));
  return [...new Set(found)].filter((p) => (knownProviderPackages as readonly string[]).includes(p));
}

/** Pure check: a provider package may be configured by a stack of the declared site and environment. */
export function checkCredentialIsolation(resource: ResourceView, context: PolicyContext): Violation[] {
  const packages = providerPackagesOf(resource);
  if (packages.length === 0) return [];
  if (!context.environment || !context.site) {
    // Reported on provider resources only, so an undeclared stack gets one refusal per provider.
    if (!resource.type.startsWith("pulumi:providers:")) return [];
    const missing = [!context.environment && "environment (production, staging, lab or sandbox)", !context.site && "site (home or cloud)"].filter(Boolean);
    return [{ message: `This stack does not declare its ${missing.join(" and ")} in its policy settings, so the pack cannot tell which credentials it may hold; declare them and rerun.` }];
  }
  const allowed: readonly string[] = providersBySite[context.site];
  return packages
    .filter((p) => !allowed.includes(p))
    .map((p) => ({
      message: `A ${context.site} stack (${context.environment}) may configure only ${allowed.join(" and ")} credentials, but ${resource.type} uses the ${p} provider; move it to a ${context.site === "home" ? "cloud" : "home"} stack.`,
    }));
}

export const credentialIsolationPolicy: HearthPolicy = {
  name: "hearth-credential-isolation",
  displayName: "Credentials isolated per environment",
  description:
    "A home stack may configure only the Proxmox provider and a cloud stack only the Hetzner Cloud and DigitalOcean providers, so one stack's credentials never reach the other environment. A stack that does not declare its environment and site is refused.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps: "Declare environment and site in the stack's policy settings, and keep each provider in a stack of the matching site.",
  contextFields: ["environment", "site"],
  validateResource: checkCredentialIsolation,
};
