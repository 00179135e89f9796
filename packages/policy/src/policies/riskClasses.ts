import { deletedResources, inferChange, type BaselineResource } from "../baseline.js";
import type { HearthPolicy } from "../definition.js";
import { classifyChange, replaceKeys, type Classification } from "../risk.js";
import type { PolicyContext } from "../settings.js";
import { atLeast, type ChangeKind, type ResourceView, type Violation } from "../types.js";

/** A classified change the pack found in the plan. */
export interface PlannedChange {
  readonly urn: string;
  readonly type: string;
  readonly change: Exclude<ChangeKind, "same">;
  readonly classification: Classification;
}

/** The change a resource validation sees (custom resources, by inputs). Undefined when unchanged. */
export function changeForResource(resource: ResourceView, context: PolicyContext): PlannedChange | undefined {
  const inferred = inferChange(resource, context.baseline, replaceKeys[resource.type] ?? []);
  if (inferred.change === "same") return undefined;
  const change = inferred.change;
  return { urn: resource.urn, type: resource.type, change, classification: classifyChange({ resource, change, changedKeys: inferred.changedKeys }) };
}

/**
 * The changes only a stack validation can see: deletions (in the baseline, gone from the stack)
 * and updates of component resources (compared by outputs, since components register no inputs).
 */
export function stackOnlyChanges(resources: readonly ResourceView[], context: PolicyContext): PlannedChange[] {
  const changes: PlannedChange[] = deletedResources(context.baseline, resources).map((gone: BaselineResource) => ({
    urn: gone.urn,
    type: gone.type,
    change: "delete" as const,
    classification: classifyChange({ resource: { type: gone.type, props: {} }, change: "delete" }),
  }));
  for (const resource of resources) {
    const before = context.baseline?.resources.find((r) => r.urn === resource.urn);
    if (!before || before.custom) continue;
    const inferred = inferChange(resource, context.baseline, [], "outputs");
    if (inferred.change !== "update") continue;
    changes.push({ urn: resource.urn, type: resource.type, change: "update", classification: classifyChange({ resource, change: "update", changedKeys: inferred.changedKeys }) });
  }
  return changes;
}

export function describeChange(c: PlannedChange): string {
  return `${c.classification.risk.toUpperCase()} risk: ${c.change} of ${c.type} (${c.classification.reason})`;
}

/** Reports every change of medium risk or more, so the plan shows what is risky. */
export const riskClassesPolicy: HearthPolicy = {
  name: "hearth-risk-classes",
  displayName: "Risk class of every change",
  description:
    "Classifies each change in the plan (create, update, replace, delete) as low, medium, high or critical risk and reports the medium and higher ones, so reviewers see what is risky before approving.",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps: "Nothing to fix: read the classes in the preview. High and critical changes need an approval (see hearth-approvals).",
  contextFields: ["baseline"],
  validateResource(resource, context): Violation[] {
    const c = changeForResource(resource, context);
    return c && atLeast(c.classification.risk, "medium") ? [{ message: describeChange(c) }] : [];
  },
  validateStack(resources, context): Violation[] {
    const v: Violation[] = stackOnlyChanges(resources, context)
      .filter((c) => atLeast(c.classification.risk, "medium"))
      .map((c) => ({ message: describeChange(c), urn: c.urn }));
    if (!context.baseline) {
      v.push({ message: "No baseline was given, so the pack sees only the proposed state: it cannot tell creates from updates, nor see replaces or deletes. Generate the policy config with `hearth-policy-config --state <(pulumi stack export)`." });
    }
    return v;
  },
};
