import * as pulumi from "@pulumi/pulumi";
import * as hcloud from "@pulumi/hcloud";
import { checkArgs, checkNoWorldOpenAdminPorts, checkNonEmpty, failFor, normalizeRules, type FirewallRule } from "@hearth/core";
import { claimUniqueName, providerScope } from "@hearth/kit";
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
  /** Extra labels, next to Hearth's own (which always win). @default {} */
  readonly labels?: Record<string, string>;
}

/**
 * A Hetzner Cloud firewall built from core rules; servers attach it by id (`firewallGroups`).
 * Rules that open an admin port (SSH, RDP, the Proxmox UI, ...: core `adminPorts`) to the whole
 * internet are refused, however the sources are split.
 *
 * Children: `${name}` (hcloud Firewall).
 */
export class FirewallGroup extends pulumi.ComponentResource {
  /** Hetzner's numeric firewall id. */
  public readonly firewallId: pulumi.Output<number>;
  /** The rules as sent to Hetzner, one per protocol and port range. */
  public readonly rules: HcloudFirewallRule[];

  constructor(name: string, args: FirewallGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every value is plain and checked before anything is registered.
    const fail = failFor("FirewallGroup", name);
    checkArgs(fail, args, "{ rules: [rule.allowIn({ protocol: \"tcp\", ports: [443] })] }");
    const firewallName = args.name === undefined ? name : checkNonEmpty(fail, "name", args.name);
    // "Name of the Firewall. Limited to a maximum of 128 characters. Must be unique per Project."
    // (../shared/specs/hcloud-openapi.json, components/schemas/create_firewall_request/properties/name)
    if (firewallName.length > 128) fail("name", firewallName, "Hetzner Cloud firewall names are at most 128 characters");
    const normalized = normalizeRules(fail, "rules", args.rules);
    checkNoWorldOpenAdminPorts(fail, "rules", normalized);
    const rules = toHcloudRules(fail, "rules", normalized);
    const labels = hcloudLabels(fail, "FirewallGroup", args.labels);
    claimUniqueName(fail, "name", "Hetzner Cloud firewall name", providerScope(opts, "hcloud"), firewallName, `FirewallGroup "${name}"`);
    super("hearth:hcloud:FirewallGroup", name, {}, opts);
    this.rules = rules;
    const firewall = new hcloud.Firewall(name, { name: firewallName, rules: this.rules, labels }, { parent: this });
    this.firewallId = firewall.id.apply(Number);
    this.registerOutputs({ firewallId: this.firewallId });
  }
}
