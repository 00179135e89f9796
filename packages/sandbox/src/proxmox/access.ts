import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { ApiError, type Router } from "../router.js";
import type { PveState } from "../state.js";
import type { PveContext } from "./context.js";
import { normalize, type PermSubject, requestCaller } from "./permissions.js";
import { bool, str } from "./props.js";

/**
 * Users, roles, ACLs and API tokens: the `user.cfg` of proxmox/pve-access-control, served by
 * its src/PVE/API2/User.pm, Role.pm and ACL.pm, and the privilege computation of
 * src/PVE/AccessControl.pm `roles` and src/PVE/RPCEnvironment.pm `permissions`, which the
 * permission checks of every emulated endpoint use for the users and tokens created here.
 */

export interface PveUser {
  enable: number;
  expire?: number;
  firstname?: string;
  lastname?: string;
  email?: string;
  comment?: string;
  keys?: string;
  tokens: Record<string, PveToken>;
}

export interface PveToken {
  privsep: number;
  expire?: number;
  comment?: string;
  /** SHA-256 of the secret: the sandbox never keeps a token's secret itself. */
  secretSha256: string;
}

/** One ACL entry, as GET /access/acl lists it. */
export interface PveAcl {
  path: string;
  type: "user" | "token";
  ugid: string;
  roleid: string;
  propagate: number;
}

export interface PveAccessState {
  users: Record<string, PveUser>;
  /** Roles created through the API (the built-in roles are computed, like `userconfig_force_defaults`). */
  roles: Record<string, string[]>;
  acl: PveAcl[];
}

/** The access configuration of a sandbox (created on first use, so older state files load). */
export function accessState(pve: PveState): PveAccessState {
  // AccessControl.pm `userconfig_force_defaults`: root@pam always exists.
  return (pve.access ??= { users: { "root@pam": { enable: 1, tokens: {} } }, roles: {}, acl: [] });
}

/**
 * The privilege groups of AccessControl.pm `$privgroups` (by category: root-only, admin, user,
 * audit), from which `create_roles` builds the built-in roles. `Permissions.Modify` is in no group.
 */
const PRIV_GROUPS: Record<string, { root: string[]; admin: string[]; user: string[]; audit: string[] }> = {
  VM: {
    root: [],
    admin: ["VM.Config.Disk", "VM.Config.CPU", "VM.Config.Memory", "VM.Config.Network", "VM.Config.HWType", "VM.Config.Options", "VM.Allocate", "VM.Clone", "VM.GuestAgent.Unrestricted", "VM.Migrate", "VM.Replicate", "VM.Snapshot", "VM.Snapshot.Rollback"],
    user: ["VM.Config.CDROM", "VM.Config.Cloudinit", "VM.Console", "VM.Backup", "VM.GuestAgent.FileRead", "VM.GuestAgent.FileSystemMgmt", "VM.GuestAgent.FileWrite", "VM.PowerMgmt"],
    audit: ["VM.Audit", "VM.GuestAgent.Audit"],
  },
  Sys: { root: ["Sys.PowerMgmt", "Sys.Modify", "Sys.Incoming", "Sys.AccessNetwork"], admin: ["Sys.Console", "Sys.Syslog"], user: [], audit: ["Sys.Audit"] },
  Datastore: { root: [], admin: ["Datastore.Allocate", "Datastore.AllocateTemplate"], user: ["Datastore.AllocateSpace"], audit: ["Datastore.Audit"] },
  SDN: { root: [], admin: ["SDN.Allocate", "SDN.Audit"], user: ["SDN.Use"], audit: ["SDN.Audit"] },
  User: { root: ["Realm.Allocate"], admin: ["User.Modify", "Group.Allocate", "Realm.AllocateUser"], user: [], audit: [] },
  Pool: { root: [], admin: ["Pool.Allocate"], user: ["Pool.Audit"], audit: ["Pool.Audit"] },
  Mapping: { root: [], admin: ["Mapping.Modify"], user: ["Mapping.Use"], audit: ["Mapping.Audit"] },
};

/** Every privilege PVE 9.1 knows (AccessControl.pm `$valid_privs`). */
export const VALID_PRIVS: ReadonlySet<string> = new Set(["Permissions.Modify", ...Object.values(PRIV_GROUPS).flatMap((g) => [...g.root, ...g.admin, ...g.user, ...g.audit])]);

/** The built-in ("special") roles, as AccessControl.pm `create_roles` derives them. */
export const SPECIAL_ROLES: Readonly<Record<string, readonly string[]>> = (() => {
  const roles: Record<string, Set<string>> = { NoAccess: new Set(), Administrator: new Set(VALID_PRIVS) };
  const add = (role: string, privs: string[]): void => {
    const set = (roles[role] ??= new Set());
    for (const p of privs) set.add(p);
  };
  for (const [cat, g] of Object.entries(PRIV_GROUPS)) {
    add(`PVE${cat}Admin`, [...g.admin, ...g.user, ...g.audit]);
    add("PVEAdmin", [...g.admin, ...g.user, ...g.audit]);
    if (g.user.length > 0) add(`PVE${cat}User`, [...g.user, ...g.audit]);
    add("PVEAuditor", g.audit);
  }
  // Mapping.Modify only for Administrator, root@pam and PVEMappingAdmin.
  roles.PVEAdmin!.delete("Mapping.Modify");
  roles.PVETemplateUser = new Set(["VM.Clone", "VM.Audit"]);
  return Object.fromEntries(Object.entries(roles).map(([k, v]) => [k, [...v].sort()]));
})();

// PVE::Auth::Plugin `$user_regex` / `$realm_regex`; AccessControl.pm `$token_full_regex`.
const USERID_RE = /^([^\s:/]+)@([A-Za-z][A-Za-z0-9.\-_]+)$/;
const TOKENID_RE = /^([^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+)!([A-Za-z][A-Za-z0-9.\-_]+)$/;
export const splitTokenId = (id: string): { userid: string; tokenid: string } | undefined => {
  const m = TOKENID_RE.exec(id);
  return m ? { userid: m[1]!, tokenid: m[2]! } : undefined;
};

const paramError = (fields: Record<string, string>): never => {
  throw new ApiError(400, "Parameter verification failed.", undefined, fields);
};
const splitList = (v: unknown): string[] => (str(v) ?? "").split(/[\0,;\s]+/).filter(Boolean);
const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

/**
 * The access model over the sandbox state: role lookup, effective privileges, token checks.
 * `members(pool)` names the guests and storages of a pool (for the pool-derived roles).
 */
export function createAccess(pve: PveState, members: (pool: string) => { vms: number[]; storage: string[] }) {
  const cfg = (): PveAccessState => accessState(pve);
  const roleprivs = (role: string): readonly string[] | undefined => SPECIAL_ROLES[role] ?? cfg().roles[role];

  /** The ACL entries in force: ones of deleted users, tokens or roles are dropped (AccessControl.pm `parse_user_config`). */
  function liveAcl(): PveAcl[] {
    const c = cfg();
    return c.acl.filter((e) => {
      if (!roleprivs(e.roleid)) return false;
      if (e.type === "user") return !!c.users[e.ugid];
      const t = splitTokenId(e.ugid);
      return !!t && !!c.users[t.userid]?.tokens[t.tokenid];
    });
  }

  /** AccessControl.pm `roles`: walk the path; the deepest entry for the token (else the user) wins; NoAccess trumps. */
  function rolesAt(authid: string, path: string): Map<string, number> {
    const acl = liveAcl();
    const parts = path === "/" ? [""] : path.split("/");
    let roles = new Map<string, number>();
    let current = "";
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      current = i === 0 ? "/" : current === "/" ? `/${p}` : `${current}/${p}`;
      const final = i === parts.length - 1;
      for (const type of ["token", "user"] as const) {
        const here = acl.filter((e) => e.type === type && e.ugid === authid && normalize(e.path) === current && (final || e.propagate));
        if (here.length > 0) {
          roles = new Map(here.map((e) => [e.roleid, e.propagate]));
          break;
        }
      }
    }
    if (roles.has("NoAccess")) return new Map([["NoAccess", roles.get("NoAccess")!]]);
    return roles;
  }

  /** RPCEnvironment.pm `$compile_acl_path`: roles on the path plus those a pool grants its members (never propagated). */
  function ownPrivs(authid: string, path: string): Map<string, number> {
    let roles = rolesAt(authid, path);
    if (!roles.has("NoAccess")) {
      const fromPools = new Map<string, number>();
      for (const pool of Object.keys(pve.pools)) {
        const m = members(pool);
        const covered = m.vms.some((v) => path === `/vms/${v}`) || m.storage.some((s) => path === `/storage/${s}`);
        if (!covered) continue;
        for (const role of rolesAt(authid, `/pool/${pool}`).keys()) fromPools.set(role, 0);
      }
      if (fromPools.has("NoAccess")) roles = new Map([["NoAccess", 0]]);
      else for (const [role] of fromPools) if (!roles.has(role)) roles.set(role, 0);
    }
    const privs = new Map<string, number>();
    for (const [role, propagate] of roles) for (const p of roleprivs(role) ?? []) privs.set(p, (privs.get(p) ?? 0) || propagate);
    return privs;
  }

  /** RPCEnvironment.pm `permissions`: root@pam has all; a privsep token has the intersection of its own and its user's. */
  function permissions(authid: string, path: string): Map<string, number> {
    if (authid === "root@pam") return new Map([...VALID_PRIVS].map((p) => [p, 1]));
    const t = splitTokenId(authid);
    if (!t) return cfg().users[authid] ? ownPrivs(authid, path) : new Map();
    const token = cfg().users[t.userid]?.tokens[t.tokenid];
    if (!token) return new Map();
    const user = permissions(t.userid, path);
    if (!token.privsep) return user;
    const own = ownPrivs(authid, path);
    const out = new Map<string, number>();
    for (const [p, flag] of own) if (user.has(p)) out.set(p, user.get(p)! && flag ? 1 : 0);
    return out;
  }

  const subject = (authid: string): PermSubject => ({ id: authid, privs: (path) => permissions(authid, path), userExists: (u) => !!cfg().users[u] });

  /**
   * AccessControl.pm `verify_token`: the user enabled and not expired, the token existing and not
   * expired, the secret right. Returns the error text, or undefined for a good token.
   */
  function verifyToken(id: string, secret: string, now = Date.now() / 1000): string | undefined {
    const t = splitTokenId(id);
    if (!t) return `'${id}' is not a valid token ID - not able to split into user and token parts`;
    const user = cfg().users[t.userid];
    if (!user) return `no such user ('${t.userid}')`;
    if (!user.enable) return `user '${t.userid}' is disabled`;
    if (user.expire && user.expire < now) return `user '${t.userid}' access expired`;
    const token = user.tokens[t.tokenid];
    if (!token) return `no such token '${t.tokenid}' for user '${t.userid}'`;
    if (token.expire && token.expire < now) return `token '${t.tokenid}' access expired`;
    const a = Buffer.from(sha256(secret), "hex");
    const b = Buffer.from(token.secretSha256, "hex");
    return a.length === b.length && timingSafeEqual(a, b) ? undefined : "invalid token value!";
  }

  /** Is `id` the id of a token whose user is in the access configuration (so `verifyToken` decides about it)? */
  const isApiToken = (id: string): boolean => {
    const t = splitTokenId(id);
    return !!t && !!cfg().users[t.userid];
  };

  return { cfg, roleprivs, rolesAt, permissions, subject, verifyToken, isApiToken, liveAcl };
}

export type PveAccess = ReturnType<typeof createAccess>;

/** /access/users, /access/roles, /access/acl and the token endpoints. */
export function registerAccess(r: Router, c: PveContext, access: PveAccess): void {
  const { fail, ok, store } = c;
  const cfg = access.cfg;
  /** The caller's auth id (root@pam for the sandbox's own token). */
  const caller = (): string => requestCaller.getStore()?.id ?? "root@pam";
  const privsOf = (path: string) => {
    const who = requestCaller.getStore();
    return who?.subject ? who.subject.privs(path) : new Map([...VALID_PRIVS].map((p) => [p, 1]));
  };
  const userOr500 = (userid: string) => cfg().users[userid] ?? fail(500, `no such user ('${userid}')`);
  const checkUserid = (userid: string): void => {
    if (userid.length < 3) paramError({ userid: `user name '${userid}' is too short` });
    if (userid.length > 64) paramError({ userid: `user name '${userid}' is too long (${userid.length} > 64)` });
    if (!USERID_RE.test(userid)) paramError({ userid: `value '${userid}' does not look like a valid user name` });
  };
  const userData = (u: PveUser): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const k of ["enable", "expire", "firstname", "lastname", "email", "comment", "keys"] as const) if (u[k] !== undefined) out[k] = u[k];
    return out;
  };
  const tokenInfo = (t: PveToken): Record<string, unknown> => ({ privsep: t.privsep, ...(t.expire !== undefined ? { expire: t.expire } : {}), ...(t.comment ? { comment: t.comment } : {}) });

  // --- users (User.pm) ---
  r.get("/access/users", (q) => {
    // index: users the caller may see (User.Modify or Sys.Audit on /access/groups), always itself.
    const seeAll = ["User.Modify", "Sys.Audit"].some((p) => privsOf("/access/groups").has(p));
    const self = caller().split("!")[0];
    const enabledOnly = bool(q.body.enabled);
    const full = bool(q.body.full);
    return ok(
      Object.entries(cfg().users)
        .filter(([id]) => seeAll || id === self)
        .filter(([, u]) => !enabledOnly || u.enable)
        .map(([userid, u]) => ({ userid, ...userData(u), ...(full ? { groups: "", tokens: Object.entries(u.tokens).map(([tokenid, t]) => ({ tokenid, ...tokenInfo(t) })) } : {}) })),
    );
  });
  r.post("/access/users", (q) => {
    const userid = str(q.body.userid) ?? paramError({ userid: "property is missing and it is not optional" });
    checkUserid(userid);
    if (cfg().users[userid]) fail(500, `create user failed: user '${userid}' already exists`);
    // There are no groups in the sandbox: any named group does not exist.
    const group = splitList(q.body.groups)[0];
    if (group) fail(500, `create user failed: no such group '${group}'`);
    const u: PveUser = { enable: q.body.enable === undefined ? 1 : bool(q.body.enable) ? 1 : 0, tokens: {} };
    // create_user keeps expire only when non-zero, and the other fields only when non-empty.
    if (Number(q.body.expire)) u.expire = Number(q.body.expire);
    for (const k of ["firstname", "lastname", "email", "comment", "keys"] as const) if (str(q.body[k])) u[k] = str(q.body[k]);
    // The password goes to the realm (PAM / PVE authentication), never into user.cfg; the sandbox keeps none.
    cfg().users[userid] = u;
    store.changed();
    return ok();
  });
  r.get("/access/users/:userid", (q) => {
    const u = userOr500(q.params.userid!);
    return ok({ ...userData(u), groups: [], tokens: Object.fromEntries(Object.entries(u.tokens).map(([k, t]) => [k, tokenInfo(t)])) });
  });
  r.put("/access/users/:userid", (q) => {
    const u = userOr500(q.params.userid!);
    if (q.body.enable !== undefined) u.enable = bool(q.body.enable) ? 1 : 0;
    if (q.body.expire !== undefined) u.expire = Number(q.body.expire);
    for (const k of ["firstname", "lastname", "email", "comment", "keys"] as const) if (q.body[k] !== undefined) u[k] = String(q.body[k]);
    const group = splitList(q.body.groups)[0];
    if (group) fail(500, `update user failed: no such group '${group}'`);
    store.changed();
    return ok();
  });
  r.delete("/access/users/:userid", (q) => {
    const userid = q.params.userid!;
    if (!cfg().users[userid]) fail(500, `delete user failed: no such user ('${userid}')`);
    // delete_user: the user, its tokens with it, and its ACL entries (delete_user_acl).
    delete cfg().users[userid];
    cfg().acl = cfg().acl.filter((e) => !(e.type === "user" && e.ugid === userid) && !(e.type === "token" && splitTokenId(e.ugid)?.userid === userid));
    store.changed();
    return ok();
  });

  // --- tokens (User.pm token_index / read_token / generate_token / update_token_info / remove_token) ---
  r.get("/access/users/:userid/token", (q) => {
    const u = userOr500(q.params.userid!);
    return ok(Object.entries(u.tokens).map(([tokenid, t]) => ({ tokenid, ...tokenInfo(t) })));
  });
  const tokenOr500 = (userid: string, tokenid: string): PveToken => userOr500(userid).tokens[tokenid] ?? fail(500, `no such token '${tokenid}' for user '${userid}'`);
  r.get("/access/users/:userid/token/:tokenid", (q) => ok(tokenInfo(tokenOr500(q.params.userid!, q.params.tokenid!))));
  r.post("/access/users/:userid/token/:tokenid", (q) => {
    const { userid = "", tokenid = "" } = q.params;
    const u = userOr500(userid);
    if (u.tokens[tokenid]) paramError({ tokenid: "Token already exists." });
    // TokenConfig.pm `generate_token`: the secret is a fresh UUID, returned this once only.
    const value = randomUUID();
    const token: PveToken = { privsep: q.body.privsep === undefined ? 1 : bool(q.body.privsep) ? 1 : 0, secretSha256: sha256(value) };
    if (q.body.expire !== undefined) token.expire = Number(q.body.expire);
    if (str(q.body.comment)) token.comment = str(q.body.comment);
    u.tokens[tokenid] = token;
    store.changed();
    return ok({ info: tokenInfo(token), value, "full-tokenid": `${userid}!${tokenid}` });
  });
  r.put("/access/users/:userid/token/:tokenid", (q) => {
    const { userid = "", tokenid = "" } = q.params;
    const token = tokenOr500(userid, tokenid);
    if (q.body.privsep !== undefined) token.privsep = bool(q.body.privsep) ? 1 : 0;
    if (q.body.expire !== undefined) token.expire = Number(q.body.expire);
    if (q.body.comment !== undefined) token.comment = String(q.body.comment);
    if (!token.comment) delete token.comment;
    for (const k of splitList(q.body.delete)) {
      if (k !== "comment") paramError({ delete: `unknown option '${k}'` });
      delete token.comment;
    }
    let value: string | undefined;
    if (bool(q.body.regenerate)) {
      value = randomUUID();
      token.secretSha256 = sha256(value);
    }
    store.changed();
    return ok({ ...tokenInfo(token), ...(value ? { value, "full-tokenid": `${userid}!${tokenid}` } : {}) });
  });
  r.delete("/access/users/:userid/token/:tokenid", (q) => {
    const { userid = "", tokenid = "" } = q.params;
    tokenOr500(userid, tokenid);
    delete cfg().users[userid]!.tokens[tokenid];
    // The token's ACL entries go with it (parse_user_config drops entries of missing tokens).
    cfg().acl = cfg().acl.filter((e) => !(e.type === "token" && e.ugid === `${userid}!${tokenid}`));
    store.changed();
    return ok();
  });

  // --- roles (Role.pm) ---
  const allRoles = (): [string, readonly string[]][] => [...Object.entries(SPECIAL_ROLES), ...Object.entries(cfg().roles)];
  /** AccessControl.pm `add_role_privs` / `verify_privname`. */
  const checkPrivs = (raw: unknown): string[] => {
    const privs = splitList(raw);
    for (const p of privs) if (!VALID_PRIVS.has(p)) paramError({ privs: `invalid format - invalid privilege '${p}'\n` });
    return privs;
  };
  r.get("/access/roles", () => ok(allRoles().map(([roleid, privs]) => ({ roleid, privs: [...privs].sort().join(","), special: SPECIAL_ROLES[roleid] ? 1 : 0 }))));
  r.post("/access/roles", (q) => {
    const roleid = str(q.body.roleid) ?? paramError({ roleid: "property is missing and it is not optional" });
    if (/^PVE/i.test(roleid)) paramError({ roleid: "cannot use role ID starting with the (case-insensitive) 'PVE' namespace" });
    if (!/^[A-Za-z0-9.\-_]+$/.test(roleid)) paramError({ roleid: `invalid format - role name '${roleid}' contains invalid characters\n` });
    const privs = checkPrivs(q.body.privs);
    if (access.roleprivs(roleid)) fail(500, `create role failed: role '${roleid}' already exists`);
    cfg().roles[roleid] = [...new Set(privs)].sort();
    store.changed();
    return ok();
  });
  r.get("/access/roles/:roleid", (q) => {
    const privs = access.roleprivs(q.params.roleid!) ?? fail(500, `role '${q.params.roleid}' does not exist`);
    // read_role returns the privilege set as an object of privilege -> 1.
    return ok(Object.fromEntries(privs.map((p) => [p, 1])));
  });
  r.put("/access/roles/:roleid", (q) => {
    const roleid = q.params.roleid!;
    if (SPECIAL_ROLES[roleid]) fail(500, `auto-generated role '${roleid}' cannot be modified`);
    const privs = checkPrivs(q.body.privs);
    if (q.body.append !== undefined && q.body.privs === undefined) paramError({ append: "missing property - 'append' requires another property 'privs'" });
    const current = cfg().roles[roleid] ?? fail(500, `update role failed: role '${roleid}' does not exist`);
    cfg().roles[roleid] = [...new Set([...(bool(q.body.append) ? current : []), ...privs])].sort();
    store.changed();
    return ok();
  });
  r.delete("/access/roles/:roleid", (q) => {
    const roleid = q.params.roleid!;
    if (SPECIAL_ROLES[roleid]) fail(500, `auto-generated role '${roleid}' cannot be deleted`);
    if (!cfg().roles[roleid]) fail(500, `delete role failed: role '${roleid}' does not exist`);
    delete cfg().roles[roleid];
    store.changed();
    return ok();
  });

  // --- ACL (ACL.pm) ---
  r.get("/access/acl", () => {
    // read_acl: only paths where the caller may modify permissions, unless it has Sys.Audit on /access.
    const audit = privsOf("/access").has("Sys.Audit");
    const mayModify = (path: string): boolean => {
      const have = privsOf(path);
      const alt = /^\/storage\/.+$/.test(path) ? "Datastore.Allocate" : /^\/vms\/.+$/.test(path) ? "VM.Allocate" : /^\/pool\/.+$/.test(path) ? "Pool.Allocate" : undefined;
      return have.has("Permissions.Modify") || (!!alt && have.has(alt));
    };
    return ok(access.liveAcl().filter((e) => audit || mayModify(e.path)).map((e) => ({ path: e.path, type: e.type, ugid: e.ugid, roleid: e.roleid, propagate: e.propagate })));
  });
  r.put("/access/acl", (q) => {
    const users = splitList(q.body.users);
    const tokens = splitList(q.body.tokens);
    const groups = splitList(q.body.groups);
    if (users.length + tokens.length + groups.length === 0) paramError(Object.fromEntries(["users", "groups", "tokens"].map((k) => [k, "either 'users', 'groups' or 'tokens' is required."])));
    const raw = str(q.body.path) ?? "";
    const path = raw ? normalize(raw) : undefined;
    const del = bool(q.body.delete);
    if (!path || !/^[A-Za-z0-9.\-_/]+$/.test(path) || (!del && !checkPath(path))) paramError({ path: `invalid ACL path '${raw}'` });
    const propagate = q.body.propagate === undefined ? 1 : bool(q.body.propagate) ? 1 : 0;
    const authPrivs = privsOf(path!);
    const failAcl = (msg: string): never => fail(500, `ACL update failed: ${msg}`);
    for (const role of splitList(q.body.roles)) {
      const privs = access.roleprivs(role) ?? failAcl(`role '${role}' does not exist`);
      if (!authPrivs.has("Permissions.Modify")) {
        // Without Permissions.Modify a caller may only hand out (propagated) privileges it holds.
        const verb = del ? "remove" : "add";
        for (const p of privs) {
          if (!authPrivs.has(p)) paramError({ role: `Cannot ${verb} role '${role}' - requires 'Permissions.Modify' or superset of privileges.` });
          if (propagate && authPrivs.get(p) !== propagate && !del) paramError({ role: `Cannot ${verb} role '${role}' with propagation - requires 'Permissions.Modify' or propagated superset of privileges.` });
        }
        if (role === "NoAccess") paramError({ role: `Cannot ${verb} role '${role}' - requires 'Permissions.Modify'` });
      }
      if (groups[0]) failAcl(`group '${groups[0]}' does not exist`);
      const set = (type: PveAcl["type"], ugid: string): void => {
        const acl = cfg().acl.filter((e) => !(e.path === path && e.type === type && e.ugid === ugid && e.roleid === role));
        cfg().acl = del ? acl : [...acl, { path: path!, type, ugid, roleid: role, propagate }];
      };
      for (const userid of users) {
        if (!USERID_RE.test(userid)) failAcl(`value '${userid}' does not look like a valid user name`);
        if (!cfg().users[userid]) failAcl(`user '${userid}' does not exist`);
        set("user", userid);
      }
      for (const tokenid of tokens) {
        const t = splitTokenId(tokenid) ?? failAcl(`'${tokenid}' is not a valid token ID - not able to split into user and token parts`);
        if (!cfg().users[t.userid]) failAcl(`no such user ('${t.userid}')`);
        if (!cfg().users[t.userid]!.tokens[t.tokenid]) failAcl(`no such token '${t.tokenid}' for user '${t.userid}'`);
        set("token", tokenid);
      }
    }
    store.changed();
    return ok();
  });
}

/** AccessControl.pm `check_path`: the ACL paths PVE 9.1 accepts. */
export function checkPath(path: string): boolean {
  const an = "[A-Za-z0-9.\\-_]+";
  return new RegExp(
    `^(/|/access|/access/groups|/access/groups/${an}|/access/realm|/access/realm/${an}|/nodes|/nodes/${an}|/pool|/pool/[A-Za-z0-9.\\-_]+(?:/[A-Za-z0-9.\\-_]+){0,2}` +
      `|/sdn|/sdn/controllers|/sdn/controllers/[A-Za-z0-9_\\-]+|/sdn/dns|/sdn/dns/[A-Za-z0-9]+|/sdn/fabrics|/sdn/fabrics/[A-Za-z0-9]+|/sdn/ipams|/sdn/ipams/[A-Za-z0-9]+` +
      `|/sdn/prefix-lists|/sdn/prefix-lists/[A-Za-z0-9]+|/sdn/route-maps|/sdn/route-maps/[A-Za-z0-9]+|/sdn/zones|/sdn/zones/${an}|/sdn/zones/${an}/${an}|/sdn/zones/${an}/${an}/[1-9][0-9]{0,3}` +
      `|/storage|/storage/${an}|/vms|/vms/[1-9][0-9]{2,}|/mapping|/mapping/${an}|/mapping/${an}/${an})$`,
  ).test(path);
}
