import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { checkBoolean, checkInt, checkOneOf, Problems } from "@hearth/core";
import { claimUniqueName, isPlain, providerScope } from "@hearth/kit";
import { checkedInput } from "./guest.js";
import { checkPveValue } from "./pveFormats.js";

// Facts about HA are from proxmox/pve-ha-manager: src/PVE/HA/Resources.pm (a resource's
// options: state, max_restart, max_relocate, failback, comment, and what each state does),
// src/PVE/HA/Resources/PVEVM.pm and PVECT.pm (`vm:<vmid>` and `ct:<vmid>`),
// src/PVE/HA/Rules/NodeAffinity.pm and ResourceAffinity.pm (PVE 9 rules, which replace HA
// groups: src/PVE/HA/Config.pm `have_groups_been_migrated`), src/PVE/HA/Tools.pm
// (`pve-ha-node-list`: node[:priority], the higher the number the higher the priority), and the
// API schema ../shared/specs/pve-api-9.1.3.json (/cluster/ha/resources, /cluster/ha/rules).

/** Which kind of guest is made highly available: a VM (`vm:<id>`) or a container (`ct:<id>`). */
export const HaGuestType = { vm: "vm", container: "container" } as const;
export type HaGuestType = (typeof HaGuestType)[keyof typeof HaGuestType];

/**
 * The state the HA manager keeps the guest in (Resources.pm `state`): `started` (started, and
 * recovered on another node when its node fails), `stopped` (kept stopped, still relocated on a
 * node failure), `disabled` (stopped and not relocated; the way out of the `error` state),
 * `ignored` (the HA stack leaves it alone and does not relocate it). Proxmox's `enabled` is an
 * alias of `started`, so Hearth leaves it out.
 */
export const HaState = { started: "started", stopped: "stopped", disabled: "disabled", ignored: "ignored" } as const;
export type HaState = (typeof HaState)[keyof typeof HaState];

/** A node the guest prefers, with a priority: the guest runs on the available node of the highest priority. */
export interface HaNodePreference {
  readonly node: string;
  /** Relative priority, the higher the preferred (Tools.pm `parse_node_priority`). @default 0 */
  readonly priority?: number;
}

export interface HighAvailabilityArgs {
  /** The guest's id: a VmFromTemplate's or Container's `vmId`. */
  readonly guestId: pulumi.Input<number>;
  /** @default "vm" */
  readonly guestType?: HaGuestType;
  /** @default "started" */
  readonly state?: HaState;
  /** How often the HA manager restarts the guest on its node after a failed start before it relocates it (`max_restart`), 0-10. @default 1 (Proxmox's) */
  readonly maxRestarts?: number;
  /** How often it relocates the guest to another node after failed starts (`max_relocate`), 0-10. @default 1 (Proxmox's) */
  readonly maxRelocations?: number;
  /** Move the guest back to its highest-priority node when that node comes back (`failback`). @default true (Proxmox's) */
  readonly failback?: boolean;
  /** @default "Managed by Hearth" */
  readonly comment?: string;
  /**
   * Nodes the guest prefers (a node affinity rule `${ruleIdPrefix}-nodes`). Non-strict unless
   * `strictNodes`: when every preferred node is down, the guest may run on any other.
   * @default none (any node)
   */
  readonly preferredNodes?: HaNodePreference[];
  /** Run only on `preferredNodes`, never elsewhere (the rule's `strict`). @default false */
  readonly strictNodes?: boolean;
  /** Other HA resources (their `resourceId`, `"vm:101"`) that run on the same node as this one (a positive resource affinity rule `${ruleIdPrefix}-together`). @default none */
  readonly keepTogetherWith?: pulumi.Input<string>[];
  /** Other HA resources that never run on the same node as this one (a negative resource affinity rule `${ruleIdPrefix}-apart`); the rule's guests, this one included, cannot outnumber the nodes (ResourceAffinity.pm). @default none */
  readonly keepApartFrom?: pulumi.Input<string>[];
  /** The start of the rules' ids (a letter, then letters, digits, '-' or '_'). @default `hearth-` + the component name */
  readonly ruleIdPrefix?: string;
}

/**
 * Makes a VM or container highly available: an HA resource (`vm:<id>` or `ct:<id>`) with its
 * requested state and restart/relocation limits, and PVE 9 HA rules for where it runs (node
 * affinity) and next to or apart from which other guests (resource affinity). When a node fails,
 * the HA manager fences it and recovers its started guests on the remaining nodes
 * (docs/runbooks/node-failure.md). Removing this component takes the guest out of HA (the guest
 * stays).
 *
 * Children: `${name}` (Haresource); with `preferredNodes` `${name}-nodes`, with
 * `keepTogetherWith` `${name}-together`, with `keepApartFrom` `${name}-apart` (Harule).
 */
export class HighAvailability extends pulumi.ComponentResource {
  /** The HA resource id, `vm:<id>` or `ct:<id>`: what other guests' affinity rules name. */
  readonly resourceId: pulumi.Output<string>;
  /** The requested state. */
  readonly state: pulumi.Output<string>;
  /** The ids of the rules this component defines. */
  readonly ruleIds: pulumi.Output<string[]>;

  constructor(name: string, args: HighAvailabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    const owner = `HighAvailability "${name}"`;
    const problems = new Problems(owner);
    if (args === null || typeof args !== "object") {
      problems.check((fail) => fail("(args)", args, "give the guest's id: { guestId: vm.vmId }"));
      problems.throwIfAny();
    }
    // PVEVM.pm / PVECT.pm `verify_name`: /^[1-9][0-9]+$/; ids are 100-999999999 (pve-common JSONSchema.pm pve-vmid).
    const guestId = problems.check((fail) =>
      checkedInput(args.guestId, (id) => {
        if (!Number.isInteger(id) || id < 100 || id > 999_999_999) fail("guestId", id, "give the guest's id (100-999999999): a VmFromTemplate's or Container's vmId");
      }),
    );
    const guestType = problems.check((fail) => checkOneOf(fail, "guestType", args.guestType ?? "vm", Object.values(HaGuestType)));
    const state = problems.check((fail) => checkOneOf(fail, "state", args.state ?? "started", Object.values(HaState)));
    // Resources.pm: minimum 0, no maximum; 10 is Hearth's bound (each try restarts or moves the guest).
    for (const k of ["maxRestarts", "maxRelocations"] as const) if (args[k] !== undefined) problems.check((fail) => checkInt(fail, k, args[k], 0, 10));
    for (const k of ["failback", "strictNodes"] as const) if (args[k] !== undefined) problems.check((fail) => checkBoolean(fail, k, args[k]));
    // Resources.pm `comment`: maxLength 4096; one line, as ha/resources.cfg stores it.
    if (args.comment !== undefined && (typeof args.comment !== "string" || args.comment.length > 4096 || /[\r\n]/.test(args.comment))) {
      problems.check((fail) => fail("comment", args.comment, "use one line of at most 4096 characters"));
    }
    const prefixField = args.ruleIdPrefix === undefined ? "name" : "ruleIdPrefix";
    const prefix = args.ruleIdPrefix ?? `hearth-${name}`.replace(/[^A-Za-z0-9_-]/g, "-");
    // Rule ids are pve-configid (Rules.pm `rule`); the longest suffix is "-together".
    problems.check((fail) => checkPveValue(fail, prefixField, prefix, "configId"));
    const preferred = args.preferredNodes === undefined ? undefined : checkPreferredNodes(problems, args.preferredNodes);
    if (args.strictNodes !== undefined && args.preferredNodes === undefined) problems.check((fail) => fail("strictNodes", args.strictNodes, "strictNodes goes with preferredNodes"));
    const together = args.keepTogetherWith === undefined ? undefined : checkSids(problems, "keepTogetherWith", args.keepTogetherWith);
    const apart = args.keepApartFrom === undefined ? undefined : checkSids(problems, "keepApartFrom", args.keepApartFrom);
    // ResourceAffinity.pm `check_inter_resource_affinity_rules_consistency`: together with and apart from the same guest cannot both hold.
    const both = (together ?? []).filter((s) => isPlain(s) && (apart ?? []).some((a) => isPlain(a) && a === s));
    if (both.length > 0) problems.check((fail) => fail("keepApartFrom", both, "a guest cannot be kept together with and apart from the same resource"));
    const rules = [...(preferred ? ["nodes"] : []), ...(together ? ["together"] : []), ...(apart ? ["apart"] : [])];
    for (const r of rules) problems.check((fail) => claimUniqueName(fail, prefixField, "Proxmox HA rule id", providerScope(opts, "proxmoxve"), `${prefix}-${r}`, owner));
    problems.throwIfAny();
    super("hearth:proxmox:HighAvailability", name, {}, opts);

    const sid = pulumi.output(guestId!).apply((id) => `${guestType === "container" ? "ct" : "vm"}:${id}`);
    const resource = new proxmoxve.Haresource(
      name,
      {
        resourceId: sid,
        type: guestType === "container" ? "ct" : "vm",
        state: state!,
        comment: args.comment ?? "Managed by Hearth",
        ...(args.maxRestarts === undefined ? {} : { maxRestart: args.maxRestarts }),
        ...(args.maxRelocations === undefined ? {} : { maxRelocate: args.maxRelocations }),
        ...(args.failback === undefined ? {} : { failback: args.failback }),
      },
      { parent: this },
    );
    const ruleIds: pulumi.Output<string>[] = [];
    if (preferred) {
      const rule = new proxmoxve.Harule(
        `${name}-nodes`,
        {
          rule: `${prefix}-nodes`,
          type: "node-affinity",
          resources: [resource.resourceId],
          nodes: Object.fromEntries(preferred.map((p) => [p.node, p.priority ?? 0])),
          strict: args.strictNodes ?? false,
          comment: "Managed by Hearth",
        },
        { parent: this },
      );
      ruleIds.push(rule.rule);
    }
    for (const [suffix, others, affinity] of [["together", together, "positive"], ["apart", apart, "negative"]] as const) {
      if (!others) continue;
      const rule = new proxmoxve.Harule(
        `${name}-${suffix}`,
        { rule: `${prefix}-${suffix}`, type: "resource-affinity", affinity, resources: [resource.resourceId, ...others], comment: "Managed by Hearth" },
        { parent: this },
      );
      ruleIds.push(rule.rule);
    }
    this.resourceId = resource.resourceId;
    this.state = resource.state;
    this.ruleIds = pulumi.all(ruleIds);
    this.registerOutputs({ resourceId: this.resourceId, state: this.state, ruleIds: this.ruleIds });
  }
}

function checkPreferredNodes(problems: Problems, nodes: HaNodePreference[]): HaNodePreference[] | undefined {
  if (!Array.isArray(nodes) || nodes.length === 0) {
    problems.check((fail) => fail("preferredNodes", nodes, 'give nodes such as [{ node: "pve1", priority: 2 }, { node: "pve2", priority: 1 }]'));
    return undefined;
  }
  const before = problems.list.length;
  const seen = new Set<string>();
  nodes.forEach((p, i) => {
    const field = `preferredNodes[${i}]`;
    if (p === null || typeof p !== "object") return void problems.check((fail) => fail(field, p, "a preferred node is { node, priority? }"));
    problems.check((fail) => checkPveValue(fail, `${field}.node`, p.node, "node"));
    if (typeof p.node === "string" && seen.has(p.node)) problems.check((fail) => fail(`${field}.node`, p.node, "name each node once"));
    seen.add(p.node);
    // Tools.pm `parse_node_priority`: `\d+` (a non-negative integer).
    if (p.priority !== undefined) problems.check((fail) => checkInt(fail, `${field}.priority`, p.priority, 0, 1000));
  });
  return problems.list.length > before ? undefined : nodes;
}

/** HA resource ids of other guests (`vm:101`, `ct:200`; Config.pm `parse_sid`), each checked now or when it resolves. */
function checkSids(problems: Problems, field: string, sids: pulumi.Input<string>[]): pulumi.Input<string>[] | undefined {
  if (!Array.isArray(sids) || sids.length === 0) {
    problems.check((fail) => fail(field, sids, 'give other HighAvailability resourceIds such as ["vm:101"]'));
    return undefined;
  }
  return sids.map((s, i) =>
    problems.check((fail) =>
      checkedInput(s, (v) => {
        if (typeof v !== "string" || !/^(vm|ct):[1-9][0-9]{2,8}$/.test(v)) fail(`${field}[${i}]`, v, 'use another HighAvailability\'s resourceId, such as "vm:101" or "ct:200"');
      }),
    )!,
  );
}
