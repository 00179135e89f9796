import * as pulumi from "@pulumi/pulumi";
import * as hcloud from "@pulumi/hcloud";
import { failFor, normalizeRules, type FirewallRule } from "@hearth/core";
import { hcloudLabels } from "./labels.js";
import { toHcloudRules, type HcloudFirewallRule } from "./rules.js";

export interface FirewallGroupArgs {
  /** Hetzner's name for the firewall. @default the component's name */
  readonly name?: string;
  /**
   * Rules from the core model (`rule.allowIn(...)`). Hetzner firewalls are allow-lists:
   * only accept rules, CIDR sources/destinations; no outbound rule means all outbound
   * traffic is allowed.
   */
  readonly rules: readonly FirewallRule[];
  /** Extra labels, merged over Hearth's. @default {} */
  readonly labels?: Record<string, string>;
}

/** A Hetzner Cloud firewall built from core rules; servers attach it by id (`firewallGroups`). */
export class FirewallGroup extends pulumi.ComponentResource {
  /** Hetzner's numeric firewall id. */
  public readonly firewallId: pulumi.Output<number>;
  /** The rules as sent to Hetzner, one per protocol and port range. */
  public readonly rules: HcloudFirewallRule[];

  constructor(name: string, args: FirewallGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hearth:hcloud:FirewallGroup", name, {}, opts);
    const fail = failFor("FirewallGroup", name);
    this.rules = toHcloudRules(fail, "rules", normalizeRules(fail, "rules", args.rules));
    const labels = hcloudLabels(fail, "FirewallGroup", args.labels);
    const firewall = new hcloud.Firewall(name, { name: args.name ?? name, rules: this.rules, labels }, { parent: this });
    this.firewallId = firewall.id.apply(Number);
    this.registerOutputs({ firewallId: this.firewallId });
  }
}
