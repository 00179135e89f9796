import type { Environment } from "@hearth/core";

/** How dangerous a change is. Ordered: low < medium < high < critical. */
export type RiskClass = "low" | "medium" | "high" | "critical";
export const riskClasses: readonly RiskClass[] = ["low", "medium", "high", "critical"];

/** True when `risk` is at least `floor`. */
export function atLeast(risk: RiskClass, floor: RiskClass): boolean {
  return riskClasses.indexOf(risk) >= riskClasses.indexOf(floor);
}

/**
 * What happens to a resource in this plan, as far as the pack can tell.
 * `unknown` means no baseline (previous state) was given, so the pack only sees the proposed state.
 */
export type ChangeKind = "create" | "update" | "replace" | "delete" | "same" | "unknown";
export const changeKinds: readonly ChangeKind[] = ["create", "update", "replace", "delete", "same", "unknown"];

/** Where a stack runs: at home on Proxmox, or in the cloud on hcloud/DigitalOcean. */
export type Site = "home" | "cloud";
export const sites: readonly Site[] = ["home", "cloud"];

export type { Environment };

/** The enforcement levels @pulumi/policy 1.21 accepts. */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export const enforcementLevels: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/**
 * Marks a value the engine cannot know yet (during preview, outputs of resources being created).
 * The pack converts the engine's unknown sentinels to this symbol before the pure checks run.
 */
export const UNKNOWN: unique symbol = Symbol.for("hearth.policy.unknown");
export type Unknown = typeof UNKNOWN;

/** The provider a resource is managed by, as the engine reports it. */
export interface ProviderView {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
}

/** One resource as the pure checks see it: plain data, unknowns replaced by {@link UNKNOWN}. */
export interface ResourceView {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  /** Inputs (resource validation) or outputs (stack validation). */
  readonly props: Record<string, unknown>;
  readonly provider?: ProviderView;
}

/** One problem found by a check. `urn` is omitted when the stack as a whole is at fault. */
export interface Violation {
  readonly message: string;
  readonly urn?: string;
}
