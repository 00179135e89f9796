import { createHash } from "node:crypto";
import type { ApiRequest, Router } from "../router.js";
import type { PveContext } from "./context.js";
import { str } from "./props.js";
import { ruleFromBody, setOptions } from "./options.js";

/**
 * VM and cluster firewall (pve-firewall src/PVE/API2/Firewall/*.pm). Texts: Rules.pm
 * (`no rule at position <pos>`, a plain die: 500; `no such security group`), Groups.pm
 * `create_security_group` (400 on `group`: already exists, rename source missing, rename target
 * taken) and `delete_security_group` (`Security group '<group>' is not empty`).
 */
export function registerFirewall(r: Router, c: PveContext): void {
  const { store, pve, fail, ok, vmid, getVm } = c;
  const rulesRoutes = (base: string, rules: (q: ApiRequest) => Record<string, unknown>[], kind: "vm" | "group"): void => {
    const list = (q: ApiRequest): Record<string, unknown>[] => rules(q);
    r.get(base, (q) => ok(list(q).map((rule, pos) => ({ ...rule, pos }))));
    r.post(base, (q) => {
      const all = list(q);
      const rule = ruleFromBody(q.body, kind);
      const pos = q.body.pos === undefined ? 0 : Math.min(Number(q.body.pos), all.length);
      all.splice(pos, 0, rule);
      store.changed();
      return ok();
    });
    r.get(`${base}/:pos`, (q) => {
      const all = list(q);
      const pos = Number(q.params.pos);
      const rule = all[pos] ?? fail(500, `no rule at position ${q.params.pos}`);
      // Proxmox quirk the clients rely on: `pos` is a number in the list but a string here.
      return ok({ ...rule, pos: String(pos) });
    });
    r.put(`${base}/:pos`, (q) => {
      const all = list(q);
      const pos = Number(q.params.pos);
      const rule = all[pos] ?? fail(500, `no rule at position ${q.params.pos}`);
      for (const key of str(q.body.delete)?.split(/[,;\s]+/).filter(Boolean) ?? []) delete rule[key];
      Object.assign(rule, ruleFromBody(q.body, kind, true));
      if (q.body.moveto !== undefined) {
        all.splice(pos, 1);
        all.splice(Math.min(Number(q.body.moveto), all.length), 0, rule);
      }
      store.changed();
      return ok();
    });
    r.delete(`${base}/:pos`, (q) => {
      const all = list(q);
      const pos = Number(q.params.pos);
      if (!all[pos]) fail(500, `no rule at position ${q.params.pos}`);
      all.splice(pos, 1);
      store.changed();
      return ok();
    });
  };
  rulesRoutes("/nodes/:node/qemu/:vmid/firewall/rules", (q) => getVm(q.params.node!, q.params.vmid).firewall.rules, "vm");
  r.get("/nodes/:node/qemu/:vmid/firewall/options", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    return ok({ enable: 0, dhcp: 1, ipfilter: 0, macfilter: 1, ndp: 1, radv: 0, policy_in: "DROP", policy_out: "ACCEPT", log_level_in: "nolog", log_level_out: "nolog", ...vm.firewall.options });
  });
  r.put("/nodes/:node/qemu/:vmid/firewall/options", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    setOptions(vm.firewall.options, q.body);
    store.changed();
    return ok();
  });

  // Cluster firewall options and security groups (pve-firewall src/PVE/API2/Firewall/Cluster.pm, Groups.pm).
  r.get("/cluster/firewall/options", () => ok({ ...pve.clusterFirewallOptions }));
  r.put("/cluster/firewall/options", (q) => {
    setOptions(pve.clusterFirewallOptions, q.body);
    store.changed();
    return ok();
  });
  r.get("/cluster/firewall/groups", () =>
    ok(Object.values(pve.firewallGroups).map((g) => ({ group: g.group, ...(g.comment ? { comment: g.comment } : {}), digest: createHash("sha1").update(JSON.stringify(g)).digest("hex") }))),
  );
  r.post("/cluster/firewall/groups", (q) => {
    const group = str(q.body.group) ?? fail(400, "Parameter verification failed.", { group: "property is missing and it is not optional" });
    if (!/^[A-Za-z][A-Za-z0-9\-_]+$/.test(group)) fail(400, "Parameter verification failed.", { group: `invalid format - security group name '${group}' is not valid` });
    const rename = str(q.body.rename);
    if (rename) {
      const existing = pve.firewallGroups[rename] ?? fail(400, "Parameter verification failed.", { group: `Security group '${rename}' does not exist` });
      if (rename !== group && pve.firewallGroups[group]) fail(400, "Parameter verification failed.", { group: `Security group '${group}' does already exist` });
      delete pve.firewallGroups[rename];
      pve.firewallGroups[group] = { ...existing, group, ...(q.body.comment !== undefined ? { comment: String(q.body.comment) } : {}) };
    } else {
      if (pve.firewallGroups[group]) fail(400, "Parameter verification failed.", { group: `Security group '${group}' already exists` });
      pve.firewallGroups[group] = { group, ...(q.body.comment !== undefined ? { comment: String(q.body.comment) } : {}), rules: [] };
    }
    store.changed();
    return ok();
  });
  const getGroup = (q: ApiRequest) => pve.firewallGroups[q.params.group!] ?? fail(500, `no such security group '${q.params.group}'`);
  rulesRoutes("/cluster/firewall/groups/:group", (q) => getGroup(q).rules, "group");
  r.delete("/cluster/firewall/groups/:group", (q) => {
    const group = getGroup(q);
    if (group.rules.length > 0) fail(500, `Security group '${group.group}' is not empty`);
    delete pve.firewallGroups[group.group];
    store.changed();
    return ok();
  });
}
