import { explainMisses, findApproval } from "../approvals.js";
import type { HearthPolicy } from "../definition.js";
import type { PolicyContext } from "../settings.js";
import { atLeast, type Violation } from "../types.js";
import { changeForResource, describeChange, stackOnlyChanges, type PlannedChange } from "./riskClasses.js";

function check(c: PlannedChange, context: PolicyContext): Violation[] {
  if (!atLeast(c.classification.risk, context.approvalThreshold)) return [];
  const target = { urn: c.urn, change: c.change };
  if (findApproval(context.approvals.approvals, target, context.now)) return [];
  const misses = explainMisses(context.approvals.approvals, target, context.now);
  const problems = context.approvals.problems;
  const detail = [
    misses.length ? `approvals that name it but do not count: ${misses.join("; ")}` : "no approval covers it",
    ...(problems.length ? [`malformed approvals: ${problems.join("; ")}`] : []),
  ].join("; ");
  return [
    {
      urn: c.urn,
      message: `${describeChange(c)} needs an approval: ${detail}. Record one in the stack's policy settings: { "by", "at", "reference", "resources": ["${c.urn}"], "expires" }.`,
    },
  ];
}

/** Blocks high-risk changes unless the stack's policy settings carry a current approval for them. */
export const approvalsPolicy: HearthPolicy = {
  name: "hearth-approvals",
  displayName: "High-risk changes need an approval",
  description:
    "A change classified high or critical (for example deleting a VM, replacing a public IP, opening a firewall to the internet) is refused unless the stack's policy settings carry an approval naming it: who approved, when, a reference, the URN patterns it covers and an expiry. Expired, not-yet-valid or non-matching approvals do not count.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Get the change reviewed and add an approval to the stack's policy settings (docs/runbooks/plan-apply.md, 'Record an approval'), or change the program so the change is not high risk.",
  contextFields: ["approvals", "approvalThreshold", "baseline"],
  validateResource(resource, context) {
    const c = changeForResource(resource, context);
    return c ? check(c, context) : [];
  },
  validateStack(resources, context) {
    return stackOnlyChanges(resources, context).flatMap((c) => check(c, context));
  },
};
