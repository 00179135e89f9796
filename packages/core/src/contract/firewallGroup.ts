import { checkNoWorldOpenAdminPorts, normalizeRule, normalizeRules, type FirewallRule, type NormalizedRule } from "../firewall.js";
import { Problems, type Problem } from "../errors.js";

/** What every provider's `FirewallGroup` takes, under the same names. */
export interface FirewallGroupArgs {
  /** The group's name at the provider. @default the component name */
  readonly name?: string;
  /** The rules, in the core rule model (`rule.allowIn(...)`); at least one. */
  readonly rules: FirewallRule[];
}

/** What every provider's `FirewallGroup` reports. */
export interface FirewallGroupOutputs {
  /**
   * What a VM lists to join the group (`firewallGroups: [web.groupId]`): the security group
   * name at home, the firewall id at Hetzner, the firewall's tag at DigitalOcean.
   */
  readonly groupId: string;
}

/**
 * The contract's checks of a firewall group's rules: the rule model, and no administrative
 * port open to the whole internet. Returns the normalized rules (undefined when refused) and
 * every problem found.
 */
export function validateFirewallRules(component: string, rules: unknown): { rules?: NormalizedRule[]; problems: Problem[] } {
  const problems = new Problems(component);
  let normalized: NormalizedRule[] | undefined;
  if (!Array.isArray(rules) || rules.length === 0) {
    problems.check((fail) => normalizeRules(fail, "rules", rules as readonly FirewallRule[]));
  } else {
    // Each rule is checked on its own, so one broken rule does not hide the next.
    const each = (rules as FirewallRule[]).map((r, i) => problems.check((fail) => normalizeRule(fail, `rules[${i}]`, r)));
    if (each.every((r) => r !== undefined)) normalized = each as NormalizedRule[];
  }
  if (normalized) problems.check((fail) => checkNoWorldOpenAdminPorts(fail, "rules", normalized));
  return { ...(problems.list.length === 0 && normalized ? { rules: normalized } : {}), problems: [...problems.list] };
}
