import * as pulumi from "@pulumi/pulumi";
import * as digitalocean from "@pulumi/digitalocean";
import { checkArgs, checkHostname, checkNoWorldOpenAdminPorts, failFor, normalizeRules, type FirewallRule } from "@hearth/core";
import { childName } from "@hearth/core/internal";
import { claimUniqueName, providerScope } from "@hearth/kit";
import { toDigitalOceanRules, type DoRules } from "./rules.js";

export interface FirewallGroupArgs {
  /** The firewall's name. @default the component's name */
  readonly name?: string;
  /**
   * Rules from the core model (`rule.allowIn(...)`). DigitalOcean firewalls are allow-lists:
   * only accept rules and CIDR sources/destinations. Without outbound rules, all outbound
   * traffic is allowed (as on Hetzner and Proxmox).
   */
  readonly rules: readonly FirewallRule[];
}

/**
 * A DigitalOcean cloud firewall built from core rules. It applies to droplets carrying its
 * tag (`hearth-fw-<name>`): a VmFromTemplate with `firewallGroups: [group]` gets the tag, so
 * neither resource needs the other's id. Rules that open an admin port (core `adminPorts`) to
 * the whole internet are refused, however the sources are split.
 *
 * Children: `${name}-tag` (digitalocean Tag), `${name}` (digitalocean Firewall).
 */
export class FirewallGroup extends pulumi.ComponentResource {
  public readonly firewallId: pulumi.Output<string>;
  /** The tag that attaches droplets to this firewall. */
  public readonly tag: pulumi.Output<string>;
  /** The rules as sent to DigitalOcean. */
  public readonly rules: DoRules;

  constructor(name: string, args: FirewallGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every value is plain and checked before anything is registered.
    const fail = failFor("FirewallGroup", name);
    checkArgs(fail, args, "{ rules: [rule.allowIn({ protocol: \"tcp\", ports: [443] })] }");
    const firewallName = checkHostname(fail, "name", args.name ?? name);
    const normalized = normalizeRules(fail, "rules", args.rules);
    checkNoWorldOpenAdminPorts(fail, "rules", normalized);
    const rules = toDigitalOceanRules(fail, "rules", normalized);
    // The tag is what attaches droplets: two groups with one tag would each apply to the other's droplets.
    const tagName = claimUniqueName(fail, "name", "DigitalOcean firewall tag", providerScope(opts, "digitalocean"), `hearth-fw-${firewallName}`, `FirewallGroup "${name}"`);
    super("hearth:digitalocean:FirewallGroup", name, {}, opts);
    this.rules = rules;
    const tag = new digitalocean.Tag(childName(name, "tag"), { name: tagName }, { parent: this });
    this.tag = tag.name;
    const firewall = new digitalocean.Firewall(
      name,
      { name: firewallName, tags: [tag.name], inboundRules: this.rules.inboundRules, outboundRules: this.rules.outboundRules },
      { parent: this },
    );
    this.firewallId = firewall.id;
    this.registerOutputs({ firewallId: this.firewallId, tag: this.tag });
  }
}
