import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { Problems, validateFirewallRules, type FirewallGroupOutputs, type FirewallRule, type NormalizedRule } from "@hearth/core";
import { claimUniqueName, providerScope, type Outputs } from "@hearth/kit";
import { checkSecurityGroupName, toProxmoxRules } from "./rules.js";
import { checkPveComment } from "./pveFormats.js";

/** The contract's `FirewallGroupArgs` (@hearth/core), at home. */
export interface FirewallGroupArgs {
  /**
   * The rules, in the order Proxmox evaluates them, from the core rule model
   * (`rule.allowIn({ protocol: "tcp", ports: [443] })`). At least one.
   * A source or destination `"+name"` is the Proxmox IP set `name` (it must exist in the
   * cluster firewall), alone in its list.
   */
  readonly rules: FirewallRule[];
  /**
   * The Proxmox security group name: 2-18 letters, digits, '-' or '_', starting with a letter.
   * @default the component name
   */
  readonly name?: string;
  /** The group's comment in Proxmox. @default "Managed by Hearth" */
  readonly description?: string;
  /** @deprecated Use `name` (the contract's word); read as it. */
  readonly groupName?: string;
  /** @deprecated Use `description` (the contract's word); read as it. */
  readonly comment?: string;
}

/**
 * A cluster-wide Proxmox firewall security group built from the core rule model. VMs join it
 * by its `groupId` (`firewallGroups: [web.groupId]`). Rules that open an admin port (core
 * `adminPorts`: SSH, RDP, the Proxmox UI, ...) to the whole internet are refused, however the
 * sources are split.
 *
 * Children: `${name}` (cluster/firewall/security GroupLegacy).
 */
export class FirewallGroup extends pulumi.ComponentResource implements Outputs<FirewallGroupOutputs> {
  /** The security group's name: what a VM lists in `firewallGroups`. */
  readonly groupId: pulumi.Output<string>;
  /** @deprecated Use `groupId`; the same value. */
  readonly groupName: pulumi.Output<string>;
  /** The checked rules (ports merged, bare addresses as /32 or /128). */
  readonly rules: NormalizedRule[];

  constructor(name: string, args: FirewallGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every problem of the args is reported at once, before anything is registered.
    const problems = new Problems(`FirewallGroup "${name}"`);
    if (args === null || typeof args !== "object") problems.fail("(args)", args, "give the group's rules at least: { rules: [rule.allowIn(...)] }");
    const nameField = args.name !== undefined ? "name" : args.groupName !== undefined ? "groupName" : "name";
    if (args.name !== undefined && args.groupName !== undefined) {
      problems.check((fail) => fail("groupName", args.groupName, "groupName is the deprecated word for name; give only name"));
    }
    if (args.description !== undefined && args.comment !== undefined) {
      problems.check((fail) => fail("comment", args.comment, "comment is the deprecated word for description; give only description"));
    }
    const groupName = problems.check((fail) => checkSecurityGroupName(fail, nameField, args.name ?? args.groupName ?? name));
    const checkedRules = validateFirewallRules(`FirewallGroup "${name}"`, args.rules);
    problems.add(checkedRules.problems);
    const rules = checkedRules.rules;
    const proxmoxRules = rules && problems.check((fail) => toProxmoxRules(fail, "rules", rules));
    const descriptionField = args.description === undefined && args.comment !== undefined ? "comment" : "description";
    const comment = problems.check((fail) => checkPveComment(fail, descriptionField, args.description ?? args.comment ?? "Managed by Hearth"));
    // Security groups are cluster-wide: two components with one group name would overwrite each other.
    if (groupName !== undefined) {
      problems.check((fail) => claimUniqueName(fail, nameField, "Proxmox security group name", providerScope(opts, "proxmoxve"), groupName, `FirewallGroup "${name}"`));
    }
    problems.throwIfAny();
    super("hearth:proxmox:FirewallGroup", name, {}, opts);
    this.rules = rules!;

    const group = new proxmoxve.cluster.firewall.security.GroupLegacy(name, { name: groupName!, comment, rules: proxmoxRules! }, { parent: this });
    this.groupId = group.name;
    this.groupName = group.name;
    this.registerOutputs({ groupId: this.groupId, groupName: this.groupName });
  }
}
