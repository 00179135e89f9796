import * as pulumi from "@pulumi/pulumi";
import * as digitalocean from "@pulumi/digitalocean";
import { checkArgs, checkHostname, failFor, Problems, validateFirewallRules, type FirewallGroupOutputs, type FirewallRule } from "@hearth/core";
import { childName } from "@hearth/core/internal";
import { childOptions, claimUniqueName, nameOwner, providerScope, type Outputs } from "@hearth/kit";
import { firewallTagPrefix } from "./labels.js";
import { toDigitalOceanRules, type DoRules } from "./rules.js";

/**
 * The contract's FirewallGroupArgs (name, rules). There is no `description` (a DigitalOcean
 * firewall keeps none: ../shared/specs/digitalocean-openapi.json, `POST /v2/firewalls` takes
 * name, droplet_ids, tags and rules) and no `labels` (its only tags are the ones that pick the
 * droplets it applies to).
 */
export interface FirewallGroupArgs {
  /** The firewall's name. @default the component's name */
  readonly name?: string;
  /**
   * Rules from the core model (`rule.allowIn(...)`). DigitalOcean firewalls are allow-lists:
   * only accept rules and CIDR sources/destinations. Without outbound rules, all outbound
   * traffic is allowed (as on Hetzner and Proxmox).
   */
  readonly rules: FirewallRule[];
}

/**
 * A DigitalOcean cloud firewall built from core rules. It applies to droplets carrying its
 * tag (`hearth-fw-<name>`), which is its `groupId`: a VmFromTemplate with
 * `firewallGroups: [web.groupId]` gets the tag, so neither resource needs the other's id.
 * Rules that open an admin port (core `adminPorts`) to the whole internet are refused, however
 * the sources are split.
 *
 * Children: `${name}-tag` (digitalocean Tag), `${name}` (digitalocean Firewall).
 */
export class FirewallGroup extends pulumi.ComponentResource implements Outputs<FirewallGroupOutputs> {
  /** What a VM lists in `firewallGroups`: the firewall's tag, which the droplet then carries. */
  public readonly groupId: pulumi.Output<string>;
  public readonly firewallId: pulumi.Output<string>;
  /** The tag that attaches droplets to this firewall (the same as `groupId`). */
  public readonly tag: pulumi.Output<string>;
  /** The rules as sent to DigitalOcean. */
  public readonly rules: DoRules;

  constructor(name: string, args: FirewallGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every value is plain and checked before anything is registered; every problem at once.
    const fail = failFor("FirewallGroup", name);
    checkArgs(fail, args, "{ rules: [rule.allowIn({ protocol: \"tcp\", ports: [443] })] }");
    const problems = new Problems(`FirewallGroup "${name}"`);
    const firewallName = problems.check((f) => checkHostname(f, "name", args.name ?? name));
    const contract = validateFirewallRules(`FirewallGroup "${name}"`, args.rules);
    problems.add(contract.problems);
    const rules = contract.rules && problems.check((f) => toDigitalOceanRules(f, "rules", contract.rules!));
    // The tag is what attaches droplets: two groups with one tag would each apply to the other's droplets.
    const tagName =
      firewallName === undefined
        ? undefined
        : problems.check((f) => claimUniqueName(f, "name", "DigitalOcean firewall tag", providerScope(opts, "digitalocean"), `${firewallTagPrefix}${firewallName}`, nameOwner(opts, `FirewallGroup "${name}"`)));
    problems.throwIfAny();
    super("hearth:digitalocean:FirewallGroup", name, {}, opts);
    this.rules = rules!;
    // A composing component (GatewayNode) may give the children options such as aliases (@hearth/kit composition).
    const tag = new digitalocean.Tag(childName(name, "tag"), { name: tagName! }, childOptions(opts, childName(name, "tag"), { parent: this }));
    this.tag = tag.name;
    this.groupId = tag.name;
    const firewall = new digitalocean.Firewall(
      name,
      { name: firewallName!, tags: [tag.name], inboundRules: this.rules.inboundRules, outboundRules: this.rules.outboundRules },
      childOptions(opts, name, { parent: this }),
    );
    this.firewallId = firewall.id;
    this.registerOutputs({ groupId: this.groupId, firewallId: this.firewallId, tag: this.tag });
  }
}
