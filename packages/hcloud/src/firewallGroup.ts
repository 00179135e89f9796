import * as pulumi from "@pulumi/pulumi";
import * as hcloud from "@pulumi/hcloud";
import { checkArgs, checkNonEmpty, failFor, Problems, validateFirewallRules, type FirewallGroupOutputs, type FirewallRule } from "@hearth/core";
import { childOptions, claimUniqueName, composedLabels, nameOwner, providerScope, type Outputs } from "@hearth/kit";
import { hcloudLabels } from "./labels.js";
import { toHcloudRules, type HcloudFirewallRule } from "./rules.js";

/**
 * The contract's FirewallGroupArgs (name, rules) plus Hetzner labels. There is no `description`:
 * a Hetzner firewall keeps none (../shared/specs/hcloud-openapi.json,
 * `components/schemas/create_firewall_request` has apply_to, labels, name and rules only).
 */
export interface FirewallGroupArgs {
  /** Hetzner's name for the firewall. @default the component's name */
  readonly name?: string;
  /**
   * Rules from the core model (`rule.allowIn(...)`). Hetzner firewalls are allow-lists:
   * only accept rules, CIDR sources/destinations; no outbound rule means all outbound
   * traffic is allowed.
   */
  readonly rules: FirewallRule[];
  /** Extra labels, next to Hearth's own (which always win). @default {} */
  readonly labels?: Record<string, string>;
}

/**
 * A Hetzner Cloud firewall built from core rules; servers join it by its `groupId`
 * (`firewallGroups: [web.groupId]`). Rules that open an admin port (SSH, RDP, the Proxmox UI,
 * ...: core `adminPorts`) to the whole internet are refused, however the sources are split.
 *
 * Children: `${name}` (hcloud Firewall).
 */
export class FirewallGroup extends pulumi.ComponentResource implements Outputs<FirewallGroupOutputs> {
  /** What a VM lists in `firewallGroups`: Hetzner's firewall id, as a string. */
  public readonly groupId: pulumi.Output<string>;
  /** Hetzner's numeric firewall id. */
  public readonly firewallId: pulumi.Output<number>;
  /** The rules as sent to Hetzner, one per protocol and port range. */
  public readonly rules: HcloudFirewallRule[];

  constructor(name: string, args: FirewallGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every value is plain and checked before anything is registered; every problem at once.
    const fail = failFor("FirewallGroup", name);
    checkArgs(fail, args, "{ rules: [rule.allowIn({ protocol: \"tcp\", ports: [443] })] }");
    const problems = new Problems(`FirewallGroup "${name}"`);
    const firewallName = args.name === undefined ? name : problems.check((f) => checkNonEmpty(f, "name", args.name));
    // "Name of the Firewall. Limited to a maximum of 128 characters. Must be unique per Project."
    // (../shared/specs/hcloud-openapi.json, components/schemas/create_firewall_request/properties/name)
    if (firewallName !== undefined && firewallName.length > 128) problems.check((f) => f("name", firewallName, "Hetzner Cloud firewall names are at most 128 characters"));
    const contract = validateFirewallRules(`FirewallGroup "${name}"`, args.rules);
    problems.add(contract.problems);
    const rules = contract.rules && problems.check((f) => toHcloudRules(f, "rules", contract.rules!));
    const labels = problems.check((f) => hcloudLabels(f, "FirewallGroup", args.labels));
    if (firewallName !== undefined && problems.list.every((p) => p.field !== "name")) {
      problems.check((f) => claimUniqueName(f, "name", "Hetzner Cloud firewall name", providerScope(opts, "hcloud"), firewallName, nameOwner(opts, `FirewallGroup "${name}"`)));
    }
    problems.throwIfAny();
    super("hearth:hcloud:FirewallGroup", name, {}, opts);
    this.rules = rules!;
    // A composing component (GatewayNode) may lay its labels over these and alias the firewall (@hearth/kit composition).
    const firewall = new hcloud.Firewall(name, { name: firewallName!, rules: this.rules, labels: composedLabels(opts, labels!) }, childOptions(opts, name, { parent: this }));
    this.groupId = firewall.id;
    this.firewallId = firewall.id.apply(Number);
    this.registerOutputs({ groupId: this.groupId, firewallId: this.firewallId });
  }
}
