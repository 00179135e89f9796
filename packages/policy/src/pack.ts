// The policy pack entry: `pulumi preview --policy-pack <dir>` loads this module (dist/pack.cjs)
// and `new PolicyPack` starts the gRPC server the engine talks to. Nothing else imports it.
import { PolicyPack, type PolicyResource, type ReportViolation, type ResourceValidationArgs, type StackValidationArgs } from "@pulumi/policy";
import { configSchemaFor, engineNames, type HearthPolicy } from "./definition.js";
import { hearthPolicies } from "./policies/index.js";
import { readContext } from "./settings.js";
import { toPlain } from "./unknown.js";
import type { ProviderView, ResourceView } from "./types.js";

function view(r: { type: string; urn: string; name: string; props: Record<string, unknown>; provider?: { type: string; urn: string; name: string; props: Record<string, unknown> } }): ResourceView {
  const provider: ProviderView | undefined = r.provider
    ? { type: r.provider.type, urn: r.provider.urn, name: r.provider.name, props: toPlain(r.provider.props) as Record<string, unknown> }
    : undefined;
  return { type: r.type, urn: r.urn, name: r.name, props: toPlain(r.props) as Record<string, unknown>, ...(provider ? { provider } : {}) };
}

function toPulumiPolicy(p: HearthPolicy) {
  const base = {
    name: p.name,
    displayName: p.displayName,
    description: p.description,
    severity: p.severity,
    enforcementLevel: p.enforcementLevel,
    remediationSteps: p.remediationSteps,
    configSchema: configSchemaFor(p),
  };
  const names = engineNames(p);
  const policies = [];
  if (p.validateResource && names.resource) {
    const validate = p.validateResource;
    policies.push({
      ...base,
      name: names.resource,
      validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
        const context = readContext(args.getConfig<Record<string, unknown>>());
        for (const v of validate(view(args), context)) report(v.message);
      },
    });
  }
  if (p.validateStack && names.stack) {
    const validate = p.validateStack;
    policies.push({
      ...base,
      name: names.stack,
      validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        const context = readContext(args.getConfig<Record<string, unknown>>());
        const resources = args.resources.map((r: PolicyResource) => view(r));
        for (const v of validate(resources, context)) report(v.message, v.urn);
      },
    });
  }
  return policies;
}

new PolicyPack("hearth", {
  description: "Hearth plan/apply guardrails: risk classes, approvals, credential isolation, TLS, admin ports, backups, spend caps, secrets.",
  displayName: "Hearth guardrails",
  enforcementLevel: "mandatory",
  policies: hearthPolicies.flatMap(toPulumiPolicy),
});
