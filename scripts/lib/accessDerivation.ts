/**
 * Derives the privileges an AccessToken purpose needs from the Proxmox API calls a run made:
 * each call the sandbox answered comes with what the PVE 9.1 API schema's `permissions` entry
 * requires of it (`requirementsOf`, @hearth/sandbox), written out as alternatives of privilege
 * tests on concrete ACL paths (`/vms/2001`, `/storage/local-lvm`). Those paths are mapped to the
 * scopes of an AccessToken (the stack's pool, its storages, SDN zones and nodes, `/` and `/sdn`),
 * and the union per scope is the preset. A path outside the stack's scopes (another pool's
 * guest, /access) makes the derivation fail: the purpose could not be scoped.
 *
 * Used by scripts/derive-access-presets.ts (writes packages/proxmox/src/accessPresets.data.ts)
 * and test/e2e/leastPrivilege.e2e.ts (fails when the committed preset and a derivation differ).
 */
import type { ObservedCall, PermRequirement } from "@hearth/sandbox";

export type Scope = "cluster" | "sdn" | "sdnZones" | "pool" | "guest" | "storage" | "sdnZone" | "node";
const SCOPE_ORDER: readonly Scope[] = ["cluster", "sdn", "sdnZones", "pool", "guest", "storage", "sdnZone", "node"];

/** The ids a stack's token is scoped to. */
export interface StackScope {
  readonly pool: string;
  readonly storages: readonly string[];
  readonly sdnZones: readonly string[];
  readonly nodes: readonly string[];
  /** The guests' ids (each may get an ACL of its own, for what Proxmox checks before a new guest is in the pool). */
  readonly guests: readonly number[];
}

export interface DerivedGrant {
  readonly scope: Scope;
  readonly privileges: string[];
  readonly propagate: boolean;
  /** privilege -> the routes (`POST /cluster/backup`) that need it. */
  readonly neededBy: Record<string, string[]>;
}

export interface Derivation {
  readonly grants: DerivedGrant[];
  /** Calls no grant of the stack's scopes could allow (with why). */
  readonly problems: string[];
  /** How many calls were looked at. */
  readonly calls: number;
}

/**
 * Privileges never chosen where a check accepts any of several (`check_perm_modify` accepts
 * Permissions.Modify or the path's allocate privilege): with them a token could widen its own
 * rights or power nodes off.
 */
const AVOID = new Set(["Permissions.Modify", "Sys.PowerMgmt", "Realm.Allocate", "Realm.AllocateUser", "User.Modify", "Group.Allocate"]);

interface Located {
  scope: Scope;
  /** The path is below the scope's own path (needs propagate). */
  below: boolean;
}
type Located2 = { r: PermRequirement; at: Located | undefined };

/** The guests a run put in the pool: created, cloned or restored with `pool`. */
export function poolGuests(calls: readonly ObservedCall[], pool: string): Set<number> {
  const guests = new Set<number>();
  for (const c of calls) {
    if (c.params.pool !== pool) continue;
    const id = Number(c.params.newid ?? c.params.vmid);
    if (Number.isInteger(id)) guests.add(id);
  }
  return guests;
}

/** The guest a call creates (its id is checked on /vms/<id> before the guest joins the pool). */
const CREATES = new Set(["POST /nodes/{node}/qemu", "POST /nodes/{node}/lxc"]);
const creating = (c: ObservedCall): number | undefined => (CREATES.has(`${c.method} ${c.route}`) ? Number(c.params.vmid) : undefined);

function locate(path: string, s: StackScope, guests: Set<number>, created?: number): Located | undefined {
  if (created !== undefined && path === `/vms/${created}`) return s.guests.includes(created) ? { scope: "guest", below: false } : undefined;
  if (path === "/") return { scope: "cluster", below: false };
  if (path === "/sdn") return { scope: "sdn", below: false };
  if (path === "/sdn/zones") return { scope: "sdnZones", below: false };
  let m = /^\/pool\/(.+)$/.exec(path);
  if (m) return m[1] === s.pool ? { scope: "pool", below: false } : m[1]!.startsWith(`${s.pool}/`) ? { scope: "pool", below: true } : undefined;
  // An ACL on /pool/<pool> reaches the pool's guests (RPCEnvironment.pm `compile_acl_path`).
  m = /^\/vms\/(\d+)$/.exec(path);
  if (m) return guests.has(Number(m[1])) ? { scope: "pool", below: false } : undefined;
  m = /^\/storage\/([^/]+)$/.exec(path);
  if (m) return s.storages.includes(m[1]!) ? { scope: "storage", below: false } : undefined;
  m = /^\/sdn\/zones\/([^/]+)(\/.*)?$/.exec(path);
  if (m) return s.sdnZones.includes(m[1]!) ? { scope: "sdnZone", below: m[2] !== undefined } : undefined;
  m = /^\/nodes\/([^/]+)$/.exec(path);
  if (m) return s.nodes.includes(m[1]!) ? { scope: "node", below: false } : undefined;
  return undefined;
}

const routeOf = (c: ObservedCall): string => `${c.method} ${c.route}`;

/** The calls that count: answered (not refused for authentication, not unknown to the sandbox). */
const counted = (calls: readonly ObservedCall[]): ObservedCall[] => calls.filter((c) => c.status !== 401 && c.status !== 501);

/** Derive the grants `calls` need within `s`. */
export function deriveGrants(calls: readonly ObservedCall[], s: StackScope): Derivation {
  const used = counted(calls);
  const guests = poolGuests(used, s.pool);
  const privs = new Map<Scope, Map<string, Set<string>>>();
  const propagate = new Set<Scope>();
  const problems: string[] = [];
  const has = (scope: Scope, p: string): boolean => !!privs.get(scope)?.has(p);
  const add = (scope: Scope, p: string, route: string): void => {
    const m = privs.get(scope) ?? new Map<string, Set<string>>();
    privs.set(scope, m);
    (m.get(p) ?? m.set(p, new Set()).get(p)!).add(route);
  };
  const chooseAndAdd = (call: ObservedCall, alternatives: Located2[][], pass: number): void => {
    // Prefer the alternative that needs the fewest privileges not granted yet.
    // A grant on one guest is the last resort: the pool covers its guests once they are in it.
    const cost = (alt: Located2[]): number =>
      alt.reduce((n, { r, at }) => n + (at!.scope === "guest" ? 100 : 0) + (r.any ? (r.privs.some((p) => has(at!.scope, p)) ? 0 : 1) : r.privs.filter((p) => !has(at!.scope, p)).length), 0);
    const chosen = [...alternatives].sort((a, b) => cost(a) - cost(b))[0]!;
    if (pass === 1 && (alternatives.length > 1 || chosen.some((x) => x.r.any))) return;
    for (const { r, at } of chosen) {
      const picked: PermRequirement["privs"] = r.any ? [r.privs.find((p) => has(at!.scope, p)) ?? r.privs.find((p) => !AVOID.has(p))!] : r.privs;
      for (const p of picked) add(at!.scope, p, routeOf(call));
      if (at!.below) propagate.add(at!.scope);
    }
  };
  const describe = (alts: PermRequirement[][]): string => alts.map((alt) => alt.map((r) => `${r.privs.join(r.any ? "|" : ",")} on ${r.path}`).join(" and ")).join(", or ");
  // Two passes: the first settles the privileges every call needs whatever is chosen, so an
  // any-of check then reuses one of those rather than adding another.
  for (const pass of [1, 2]) {
    for (const call of used) {
      // The schema's alternatives, then each of the handler's clauses (one test of each must hold).
      const groups: PermRequirement[][][] = [call.requires, ...(call.clauses ?? []).map((clause) => clause.map((r) => [r]))];
      for (const group of groups) {
        if (group.length === 0) {
          if (pass === 2) problems.push(`${routeOf(call)}: only root@pam may do this (no privilege allows it)`);
          continue;
        }
        if (group.some((alt) => alt.length === 0)) continue;
        const usable = group
          .map((alt) => alt.map((r) => ({ r, at: locate(r.path, s, guests, creating(call)) })))
          .filter((alt) => alt.every((x) => x.at !== undefined && (x.r.any ? x.r.privs.some((p) => !AVOID.has(p)) : x.r.privs.every((p) => !AVOID.has(p)))));
        if (usable.length === 0) {
          if (pass === 2) problems.push(`${routeOf(call)}: needs ${describe(group)}, outside the stack's scopes`);
          continue;
        }
        chooseAndAdd(call, usable, pass);
      }
    }
  }
  const grants = SCOPE_ORDER.filter((scope) => privs.has(scope)).map((scope) => {
    const m = privs.get(scope)!;
    const names = [...m.keys()].sort();
    return { scope, privileges: names, propagate: propagate.has(scope), neededBy: Object.fromEntries(names.map((p) => [p, [...m.get(p)!].sort()])) };
  });
  return { grants, problems, calls: used.length };
}

/**
 * Each privilege of `grants` that some call cannot do without: for every (scope, privilege),
 * the routes refused when only it is dropped (an empty list would mean it is not needed).
 */
export function withoutEach(calls: readonly ObservedCall[], s: StackScope, grants: readonly { scope: Scope; privileges: readonly string[] }[]): Record<string, string[]> {
  const used = counted(calls);
  const guests = poolGuests(used, s.pool);
  const holds = (set: Map<Scope, Set<string>>, r: PermRequirement, created?: number): boolean => {
    const at = locate(r.path, s, guests, created);
    const have = at ? set.get(at.scope) : undefined;
    return !!have && (r.any ? r.privs.some((p) => have.has(p)) : r.privs.every((p) => have.has(p)));
  };
  const allowed = (set: Map<Scope, Set<string>>, call: ObservedCall): boolean =>
    call.requires.some((alt) => alt.every((r) => holds(set, r, creating(call)))) && (call.clauses ?? []).every((clause) => clause.some((r) => holds(set, r, creating(call))));
  const out: Record<string, string[]> = {};
  for (const g of grants) {
    for (const p of g.privileges) {
      const set = new Map(grants.map((x) => [x.scope, new Set(x.privileges)]));
      set.get(g.scope)!.delete(p);
      out[`${g.scope} ${p}`] = [...new Set(used.filter((c) => !allowed(set, c)).map(routeOf))].sort();
    }
  }
  return out;
}

/** The TypeScript source of packages/proxmox/src/accessPresets.data.ts. */
export function presetSource(purpose: string, d: Derivation, how: string): string {
  const grants = d.grants
    .map((g) => {
      const privs = g.privileges.map((p) => `        ${JSON.stringify(p)}, // ${g.neededBy[p]!.join("; ")}`).join("\n");
      return `    {\n      scope: ${JSON.stringify(g.scope)},\n      propagate: ${g.propagate},\n      privileges: [\n${privs}\n      ],\n    },`;
    })
    .join("\n");
  return `// Generated by scripts/derive-access-presets.ts (npm run derive:access): ${how}
// Each privilege is followed by the API calls (schema paths) that need it, per the \`permissions\`
// of the PVE 9.1 API schema (../shared/specs/pve-api-9.1.3.json). Do not edit by hand;
// test/e2e/leastPrivilege.e2e.ts fails when a new derivation differs.
import type { AccessGrant } from "./accessPresets.js";

export const DERIVED_GRANTS: { readonly ${purpose}: readonly AccessGrant[] } = {
  ${purpose}: [
${grants}
  ],
};
`;
}
