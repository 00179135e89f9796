import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { checkNoWorldOpenAdminPorts, failFor, normalizeRules, type FirewallRule, type NormalizedRule } from "@hearth/core";
import { claimUniqueName, providerScope } from "@hearth/kit";
import { checkSecurityGroupName, toProxmoxRules } from "./rules.js";
import { checkPveComment } from "./pveFormats.js";

export interface FirewallGroupArgs {
  /**
   * The rules, in the order Proxmox evaluates them, from the core rule model
   * (`rule.allowIn({ protocol: "tcp", ports: [443] })`). At least one.
   * A source or destination `{ group: "name" }` becomes the Proxmox IPSet reference `+name`
   * (the IPSet must exist in the cluster firewall).
   */
  readonly rules: readonly FirewallRule[];
  /**
   * The Proxmox security group name: 2-18 letters, digits, '-' or '_', starting with a letter.
   * @default the component name
   */
  readonly groupName?: string;
  /** @default "Managed by Hearth" */
  readonly comment?: string;
}

/**
 * A cluster-wide Proxmox firewall security group built from the core rule model. Attach it to
 * VMs with `VmFromTemplate`'s `firewallGroups`. Rules that open an admin port (core
 * `adminPorts`: SSH, RDP, the Proxmox UI, ...) to the whole internet are refused, however the
 * sources are split.
 *
 * Children: `${name}` (cluster/firewall/security GroupLegacy).
 */
export class FirewallGroup extends pulumi.ComponentResource {
  /** The security group's name, as VM rule lists reference it. */
  readonly groupName: pulumi.Output<string>;
  /** The checked rules (ports merged, bare addresses as /32 or /128). */
  readonly rules: readonly NormalizedRule[];

  constructor(name: string, args: FirewallGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    // Plain input is checked before anything is registered, so a bad group leaves no trace.
    const fail = failFor("FirewallGroup", name);
    const groupName = checkSecurityGroupName(fail, args.groupName === undefined ? "name" : "groupName", args.groupName ?? name);
    const rules = normalizeRules(fail, "rules", args.rules);
    checkNoWorldOpenAdminPorts(fail, "rules", rules);
    const proxmoxRules = toProxmoxRules(fail, "rules", rules);
    const comment = checkPveComment(fail, "comment", args.comment ?? "Managed by Hearth");
    // Security groups are cluster-wide: two components with one group name would overwrite each other.
    claimUniqueName(fail, args.groupName === undefined ? "name" : "groupName", "Proxmox security group name", providerScope(opts, "proxmoxve"), groupName, `FirewallGroup "${name}"`);
    super("hearth:proxmox:FirewallGroup", name, {}, opts);
    this.rules = rules;

    const group = new proxmoxve.cluster.firewall.security.GroupLegacy(
      name,
      { name: groupName, comment, rules: proxmoxRules },
      { parent: this },
    );
    this.groupName = group.name;
    this.registerOutputs({ groupName: this.groupName });
  }
}
