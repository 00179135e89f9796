import { createHash } from "node:crypto";
import { ApiError, type Router } from "../router.js";
import type { PveState } from "../state.js";
import type { PveContext } from "./context.js";
import { bool, str } from "./props.js";

/**
 * High availability as PVE 9.1 has it (proxmox/pve-ha-manager): HA resources
 * (src/PVE/API2/HA/Resources.pm over src/PVE/HA/Resources.pm) and HA rules
 * (src/PVE/API2/HA/Rules.pm over src/PVE/HA/Rules.pm, Rules/NodeAffinity.pm,
 * Rules/ResourceAffinity.pm). HA groups are the PVE 8 way: a cluster without any groups counts
 * as migrated (src/PVE/HA/Config.pm `have_groups_been_migrated`), so the group endpoints refuse
 * and resources take no `group` -- the sandbox's clusters never had groups.
 */

export interface PveHaState {
  /** Keyed by sid (`vm:100`, `ct:101`). */
  resources: Record<string, Record<string, string | number>>;
  /** Keyed by rule id; `order` is the rule's ordinal. */
  rules: Record<string, Record<string, string | number>>;
}

const MIGRATED = "ha groups have been migrated to rules";

/** Config.pm `delete_service_from_config`: the resource goes; with purge also out of every rule, and a rule left empty goes. */
export function deleteHaResource(pve: PveState, sid: string, purge: boolean): boolean {
  const ha = pve.ha;
  if (!ha?.resources[sid]) return false;
  delete ha.resources[sid];
  if (purge) {
    for (const [id, rule] of Object.entries(ha.rules)) {
      const left = String(rule.resources ?? "").split(/[\0,;\s]+/).filter((s) => s && s !== sid);
      if (left.length === 0) delete ha.rules[id];
      else rule.resources = left.join(",");
    }
  }
  return true;
}
const STATES = ["started", "stopped", "enabled", "disabled", "ignored"];

export function registerHa(r: Router, c: PveContext): void {
  const { pve, fail, ok, store } = c;
  const ha = (): PveHaState => (pve.ha ??= { resources: {}, rules: {} });
  const digest = (x: unknown): string => createHash("sha1").update(JSON.stringify(x)).digest("hex");
  const paramError = (fields: Record<string, string>): never => {
    throw new ApiError(400, "Parameter verification failed.", undefined, fields);
  };
  const splitList = (v: unknown): string[] => (str(v) ?? "").split(/[\0,;\s]+/).filter(Boolean);

  /** Config.pm `parse_sid`: `vm:100`, `ct:100`, or a bare VMID looked up in the cluster. */
  function parseSid(raw: string): { sid: string; type: string; name: string } {
    if (/^\d+$/.test(raw)) {
      // Tools.pm `get_ha_resource_type`: qemu -> vm, lxc -> ct.
      const type = pve.vms[raw] ? "vm" : pve.containers?.[raw] ? "ct" : fail(500, `unable to detect SID from VMID - VM/CT ${raw} does not exist`);
      return { sid: `${type}:${raw}`, type, name: raw };
    }
    const m = /^(\S+):(\S+)$/.exec(raw) ?? fail(500, `unable to parse service id '${raw}'`);
    return { sid: raw, type: m[1]!, name: m[2]! };
  }

  // --- groups (Groups.pm): always migrated in PVE 9.1 without legacy groups ---
  r.get("/cluster/ha/groups", () => fail(500, `cannot index groups: ${MIGRATED}`));
  r.post("/cluster/ha/groups", () => fail(500, `cannot create group: ${MIGRATED}`));
  r.get("/cluster/ha/groups/:group", () => fail(500, `cannot read group: ${MIGRATED}`));
  r.put("/cluster/ha/groups/:group", () => fail(500, `cannot update group: ${MIGRATED}`));
  r.delete("/cluster/ha/groups/:group", (q) => fail(500, `no such ha group '${q.params.group}'`));

  // --- resources ---
  const render = (sid: string): Record<string, unknown> => {
    const res = ha().resources[sid] ?? fail(500, `no such resource '${sid}'`);
    return { ...res, sid, digest: digest(ha().resources) };
  };
  /** Resources.pm option checks (SectionConfig `check_config`). */
  const options = (body: Record<string, unknown>): Record<string, string | number> => {
    const out: Record<string, string | number> = {};
    if (body.group !== undefined) fail(500, `invalid parameter 'group': ${MIGRATED}`);
    if (body.state !== undefined) {
      if (!STATES.includes(String(body.state))) paramError({ state: `value '${String(body.state)}' does not have a value in the enumeration '${STATES.join(", ")}'` });
      out.state = String(body.state);
    }
    for (const k of ["max_restart", "max_relocate"]) if (body[k] !== undefined) out[k] = Number(body[k]);
    if (body.failback !== undefined) out.failback = bool(body.failback) ? 1 : 0;
    if (body.comment !== undefined) out.comment = String(body.comment);
    return out;
  };
  r.get("/cluster/ha/resources", (q) => {
    const type = str(q.body.type);
    return ok(Object.keys(ha().resources).filter((sid) => !type || ha().resources[sid]!.type === type).sort().map(render));
  });
  r.get("/cluster/ha/resources/:sid", (q) => ok(render(parseSid(q.params.sid!).sid)));
  r.post("/cluster/ha/resources", (q) => {
    const { sid, type, name } = parseSid(str(q.body.sid) ?? paramError({ sid: "property is missing and it is not optional" }));
    if (q.body.type !== undefined && String(q.body.type) !== type) fail(500, "types does not match");
    if (type !== "vm" && type !== "ct") fail(500, `unknown section type '${type}'`);
    // PVEVM.pm / PVECT.pm `verify_name` and `exists`.
    if (!/^[1-9][0-9]+$/.test(name)) fail(500, "invalid VMID");
    // Resources/PVEVM.pm and Resources/PVECT.pm `exists`, over the cluster's vmlist (VMs and containers share ids).
    const kind = pve.vms[name] ? "vm" : pve.containers?.[name] ? "ct" : undefined;
    if (kind === undefined) fail(500, `resource '${type}:${name}' does not exist in cluster`);
    if (kind !== type) fail(500, type === "vm" ? `resource 'vm:${name}' - guest with ID ${name} is not a VM` : `resource 'ct:${name}' - guest with ID ${name} is not a container`);
    const opts = options(q.body);
    if (ha().resources[sid]) fail(500, `create resource failed: resource ID '${sid}' already defined`);
    ha().resources[sid] = { type, ...opts };
    store.changed();
    return ok();
  });
  r.put("/cluster/ha/resources/:sid", (q) => {
    const { sid, type } = parseSid(q.params.sid!);
    if (q.body.type !== undefined && String(q.body.type) !== type) fail(500, "types does not match");
    if (q.body.digest !== undefined && String(q.body.digest) !== digest(ha().resources)) fail(500, "update resources config failed: detected modified configuration - file changed by other user? Try again.");
    const res = ha().resources[sid] ?? fail(500, `update resources config failed: no such resource '${sid}'`);
    const opts = options(q.body);
    for (const k of splitList(q.body.delete)) {
      if (!["comment", "failback", "max_restart", "max_relocate", "state", "group"].includes(k)) fail(500, `update resources config failed: no such option '${k}'`);
      delete res[k];
    }
    Object.assign(res, opts);
    store.changed();
    return ok();
  });
  r.delete("/cluster/ha/resources/:sid", (q) => {
    const { sid } = parseSid(q.params.sid!);
    if (!ha().resources[sid]) fail(500, `cannot delete service '${sid}', not HA managed!`);
    // purge defaults to 1.
    deleteHaResource(pve, sid, q.body.purge === undefined || bool(q.body.purge));
    store.changed();
    return ok();
  });

  // --- rules ---
  const RULE_OPTIONS: Record<string, string[]> = {
    "node-affinity": ["resources", "nodes", "strict", "disable", "comment"],
    "resource-affinity": ["resources", "affinity", "disable", "comment"],
  };
  const REQUIRED: Record<string, string[]> = { "node-affinity": ["resources", "nodes"], "resource-affinity": ["resources", "affinity"] };
  /** Rules.pm `set_rule_defaults` (NodeAffinity.pm: strict 0). */
  const renderRule = (id: string, errors?: Record<string, string>): Record<string, unknown> => {
    const rule = ha().rules[id] ?? fail(500, `no such ha rule '${id}'`);
    const out: Record<string, unknown> = { ...rule, rule: id, digest: digest(ha().rules) };
    if (rule.type === "node-affinity" && out.strict === undefined) out.strict = 0;
    if (errors) out.errors = errors;
    return out;
  };
  /** Rules.pm `check_feasibility` over the enabled rules: per rule id, per option, the messages. */
  function feasibility(): Record<string, Record<string, string[]>> {
    const errors: Record<string, Record<string, string[]>> = {};
    const push = (id: string, msg: string): void => {
      ((errors[id] ??= {}).resources ??= []).push(msg);
    };
    const enabled = Object.entries(ha().rules).filter(([, rl]) => rl.disable === undefined);
    // NodeAffinity.pm `check_single_resource_reference`.
    const bySid = new Map<string, string[]>();
    for (const [id, rl] of enabled) if (rl.type === "node-affinity") for (const sid of splitList(rl.resources)) bySid.set(sid, [...(bySid.get(sid) ?? []), id]);
    for (const [sid, ids] of [...bySid].sort()) if (ids.length > 1) for (const id of ids.sort()) push(id, `resource '${sid}' is already used in another node affinity rule`);
    const affinity = enabled.filter(([, rl]) => rl.type === "resource-affinity");
    for (const [id, rl] of affinity) {
      const res = splitList(rl.resources);
      // ResourceAffinity.pm `check_resource_affinity_resources_count` / `check_negative_resource_affinity_resources_count`.
      if (res.length < 2) push(id, "rule is ineffective as there are less than two resources");
      if (rl.affinity === "negative" && res.length > pve.nodes.length) push(id, "rule defines more resources than available nodes");
    }
    // ResourceAffinity.pm `check_inter_resource_affinity_rules_consistency`.
    for (const [pid, p] of affinity.filter(([, rl]) => rl.affinity === "positive")) {
      for (const [nid, n] of affinity.filter(([, rl]) => rl.affinity === "negative")) {
        const shared = splitList(p.resources).filter((s) => splitList(n.resources).includes(s));
        if (shared.length >= 2) {
          push(pid, "rule shares two or more resources with a negative resource affinity rule");
          push(nid, "rule shares two or more resources with a positive resource affinity rule");
        }
      }
    }
    return errors;
  }
  /** Rules.pm `$assert_feasibility`: a 400 "Rule '<id>' is invalid." with the rule's errors. */
  const assertFeasible = (id: string): void => {
    const errs = feasibility()[id];
    if (errs) throw new ApiError(400, `Rule '${id}' is invalid.`, undefined, Object.fromEntries(Object.entries(errs).map(([k, v]) => [k, v.join(", ")])));
  };
  /** Rules.pm `$assert_valid_resources_param` / `$assert_valid_nodes_param`. */
  const checkRefs = (failPrefix: string, opts: Record<string, string | number>): void => {
    if (opts.resources !== undefined) {
      const res = splitList(opts.resources);
      if (res.length === 0) fail(500, `${failPrefix}: no resources were specified`);
      const unmanaged = res.filter((s) => !ha().resources[s]).sort();
      if (unmanaged.length > 0) fail(500, `${failPrefix}: cannot use unmanaged resource(s) ${unmanaged.join(", ")}.`);
    }
    if (opts.nodes !== undefined) {
      const nodes = splitList(opts.nodes).map((n) => n.split(":")[0]!);
      if (nodes.length === 0) fail(500, `${failPrefix}: no nodes were specified`);
      const missing = nodes.filter((n) => !pve.nodes.includes(n)).sort();
      if (missing.length > 0) fail(500, `${failPrefix}: cannot use non-existent node(s) ${missing.join(", ")}.`);
    }
  };
  const ruleOptions = (type: string, body: Record<string, unknown>): Record<string, string | number> => {
    const out: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(body)) {
      if (v === undefined || ["rule", "type", "digest", "delete"].includes(k)) continue;
      if (!RULE_OPTIONS[type]!.includes(k)) fail(500, `unexpected property '${k}'`);
      out[k] = k === "strict" || k === "disable" ? (bool(v) ? 1 : 0) : String(v);
    }
    // create_rule / update_rule: `delete $param->{disable} if !$param->{disable}`.
    if (!out.disable) delete out.disable;
    return out;
  };
  /** A rule's feasibility errors as the API renders them: each field's messages joined by ", ". */
  const joinedErrors = (errors: Record<string, string[]> | undefined) =>
    errors ? Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, v.join(", ")])) : undefined;
  /** Applies one change to the rules, keeps it only when rule `id` stays feasible (else restores the rules and throws). */
  const changeRules = (id: string, change: () => void): void => {
    const previous = structuredClone(ha().rules);
    try {
      change();
      assertFeasible(id);
    } catch (e) {
      pve.ha!.rules = previous;
      throw e;
    }
    store.changed();
  };
  r.get("/cluster/ha/rules", (q) => {
    const errors = feasibility();
    const type = str(q.body.type);
    const resource = str(q.body.resource);
    return ok(
      Object.entries(ha().rules)
        .filter(([, rl]) => (!type || rl.type === type) && (!resource || splitList(rl.resources).includes(resource)))
        .sort(([, a], [, b]) => Number(a.order) - Number(b.order))
        .map(([id]) => renderRule(id, joinedErrors(errors[id]))),
    );
  });
  r.get("/cluster/ha/rules/:rule", (q) => {
    const errors = feasibility()[q.params.rule!];
    return ok(renderRule(q.params.rule!, joinedErrors(errors)));
  });
  r.post("/cluster/ha/rules", (q) => {
    const id = str(q.body.rule) ?? paramError({ rule: "property is missing and it is not optional" });
    const type = str(q.body.type) ?? paramError({ type: "property is missing and it is not optional" });
    if (!RULE_OPTIONS[type]) paramError({ type: `value '${type}' does not have a value in the enumeration 'node-affinity, resource-affinity'` });
    const opts = ruleOptions(type, q.body);
    for (const k of REQUIRED[type]!) if (opts[k] === undefined) fail(500, `missing value for required option '${k}'`);
    if (ha().rules[id]) fail(500, `create ha rule failed: HA rule '${id}' already defined`);
    checkRefs("create ha rule failed", opts);
    // Rules.pm `get_next_ordinal`: one more than the smallest ordinal in use.
    const orders = Object.values(ha().rules).map((rl) => Number(rl.order)).sort((a, b) => a - b);
    changeRules(id, () => {
      ha().rules[id] = { type, ...opts, order: (orders[0] ?? 0) + 1 };
    });
    return ok();
  });
  r.put("/cluster/ha/rules/:rule", (q) => {
    const id = q.params.rule!;
    if (q.body.digest !== undefined && String(q.body.digest) !== digest(ha().rules)) fail(500, "update HA rules failed: detected modified configuration - file changed by other user? Try again.");
    const rule = ha().rules[id] ?? fail(500, `update HA rules failed: HA rule '${id}' does not exist`);
    const type = String(rule.type);
    if (q.body.type !== undefined && String(q.body.type) !== type) fail(500, "update HA rules failed: types does not match");
    // check_config runs inside lock_ha_domain(..., "update HA rules failed").
    let opts: Record<string, string | number> = {};
    try {
      opts = ruleOptions(type, q.body);
    } catch (e) {
      if (e instanceof ApiError && e.status === 500) fail(500, `update HA rules failed: ${e.message}`);
      throw e;
    }
    checkRefs("update HA rules failed", opts);
    changeRules(id, () => {
      for (const k of splitList(q.body.delete)) {
        if (!RULE_OPTIONS[type]!.includes(k)) fail(500, `update HA rules failed: no such option '${k}'`);
        if (REQUIRED[type]!.includes(k)) fail(500, `update HA rules failed: unable to delete required option '${k}'`);
        delete rule[k];
      }
      Object.assign(rule, opts);
    });
    return ok();
  });
  r.delete("/cluster/ha/rules/:rule", (q) => {
    // delete_rule: no existence check.
    delete ha().rules[q.params.rule!];
    store.changed();
    return ok();
  });
}
