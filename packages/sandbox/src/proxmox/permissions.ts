import { AsyncLocalStorage } from "node:async_hooks";
import { ApiError, type ApiRequest, type ApiResponse, type Handler, Router } from "../router.js";
import { type CheckLookup, HANDLER_CHECKS } from "./handlerChecks.js";

/** The extra API token (`USER@REALM!TOKENID`) of the request being handled, if any: tasks it starts are its own. */
export const requestToken = new AsyncLocalStorage<string | undefined>();

/**
 * API tokens and their permission checks, as pve-access-control does them:
 * - src/PVE/RPCEnvironment.pm `check_api2_permissions`: `user: 'all'` lets any authenticated
 *   caller in; otherwise the endpoint's `check` runs (`exec_api2_perm_check`: `and`, `or`,
 *   `perm` with `{param}` paths, `any`, `require_param`); an endpoint without `permissions`
 *   is root@pam only. Refusals are 403 `Permission check failed (<path>, <privs>)`
 *   (pve-common Exception.pm `raise_perm_exc`).
 * - src/PVE/AccessControl.pm `roles`: a token without privilege separation has its user's
 *   privileges (the sandbox's users are root@pam: everything); a privsep token has what its
 *   own ACLs grant, where the most specific path with entries for it wins (entries on a parent
 *   path count when they propagate, the default).
 * The required permission of each endpoint is the `permissions` entry of the PVE 9.1 API schema
 * (../shared/specs/pve-api-9.1.3.json), copied for the emulated endpoints into permissions.data.ts.
 */

export interface ProxmoxAclEntry {
  /** ACL path: `/`, `/vms/100`, `/storage/local`, `/sdn/zones/lab`, `/pool/web`... */
  path: string;
  /** Privileges granted on the path (`VM.Audit`, `VM.Config.Disk`, `Datastore.AllocateSpace`...). */
  privs: string[];
  /** Also applies to paths below. @default true */
  propagate?: boolean;
}

export interface ProxmoxApiToken {
  /** `USER@REALM!TOKENID`, e.g. `root@pam!ci`. */
  id: string;
  /** The token secret (a UUID on real Proxmox). */
  secret: string;
  /** Privilege separation: the token only has the privileges its `acl` grants. @default true */
  privsep?: boolean;
  /** The token's ACL entries (only used with privilege separation). @default none: no privileges */
  acl?: ProxmoxAclEntry[];
}

/** A permission test from the schema: `["perm", path, privs, "any", 1, "require_param", "pool"]`, `["and", ...]`, `["or", ...]`. */
export type PermCheck = unknown[];
export interface Permission {
  user?: string;
  check?: PermCheck;
}

/** The privileges a privsep token has on `path` (AccessControl.pm `roles`, most specific entry wins). */
export function privilegesAt(acl: ProxmoxAclEntry[], path: string): Set<string> {
  const parts = path === "/" ? [""] : path.split("/");
  let granted = new Set<string>();
  let current = "";
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    current = p === "" ? (i === 0 ? "/" : current) : current === "/" ? `/${p}` : `${current}/${p}`;
    const final = i === parts.length - 1;
    const here = acl.filter((e) => normalize(e.path) === current && (final || e.propagate !== false));
    if (here.length > 0) granted = new Set(here.flatMap((e) => e.privs));
  }
  return granted;
}

export const normalize = (path: string): string => {
  const p = path.replace(/\/+/g, "/").replace(/(.)\/$/, "$1");
  return p === "" ? "/" : p;
};

/**
 * Who a permission check asks about: an auth id (`user@realm` or `user@realm!token`) and its
 * privileges on a normalised ACL path, each with its propagate flag (RPCEnvironment.pm
 * `permissions`: a hash of privilege -> propagate).
 */
export interface PermSubject {
  id: string;
  privs(path: string): Map<string, number>;
  /** AccessControl.pm `check_user_exist` (for `userid-param` / `userid-group`). */
  userExists?(userid: string): boolean;
}

/** A subject whose privileges are plain ACL entries (the tokens configured at sandbox start). */
export const aclSubject = (acl: ProxmoxAclEntry[], id = ""): PermSubject => ({
  id,
  privs: (path) => new Map([...privilegesAt(acl, path)].map((p) => [p, 1])),
});

/** Evaluate a schema `check` for a token; throws the 403 Proxmox gives, or returns false when `noerr`. */
export function evaluateCheck(check: PermCheck, who: ProxmoxAclEntry[] | PermSubject, params: Record<string, unknown>, noerr = false): boolean {
  const subject = Array.isArray(who) ? aclSubject(who) : who;
  const refuse = (what?: string): false => {
    if (noerr) return false;
    throw new ApiError(403, `Permission check failed${what ? ` (${what})` : ""}`);
  };
  // RPCEnvironment.pm `check` / `check_any`.
  const checkPrivs = (path: string, privs: string[], any: boolean): boolean => {
    const have = subject.privs(path);
    if (any) return privs.some((p) => have.has(p)) || refuse(`${path}, ${privs.join("|")}`);
    for (const p of privs) if (!have.has(p)) return refuse(`${path}, ${p}`);
    return true;
  };
  const options = (opts: unknown[]): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i + 1 < opts.length; i += 2) out[String(opts[i])] = opts[i + 1];
    return out;
  };
  const [test, ...rest] = check;
  if (test === "and") {
    for (const sub of rest) evaluateCheck(sub as PermCheck, subject, params);
    return true;
  }
  if (test === "or") {
    for (const sub of rest) if (evaluateCheck(sub as PermCheck, subject, params, true)) return true;
    return refuse();
  }
  if (test === "perm") {
    const [template, privs, ...opts] = rest as [string, string[], ...unknown[]];
    const o = options(opts);
    const required = o.require_param as string | undefined;
    if (required && params[required] === undefined) return refuse();
    // pve-common Tools.pm `template_replace`: `{name}` from the request parameters.
    const path = normalize(template.replace(/\{(\w+)\}/g, (_m, name: string) => String(params[name] ?? "")));
    return checkPrivs(path, privs, !!o.any);
  }
  const userid = String(params.userid ?? "");
  const exists = (): boolean => {
    if (subject.userExists?.(userid)) return true;
    if (noerr) return false;
    throw new ApiError(500, `no such user ('${userid}')`);
  };
  if (test === "userid-param") {
    // exec_api2_perm_check `userid-param`: `self` (the caller is that user; a token never is),
    // or Realm.AllocateUser on the user's realm.
    const [sub] = rest as [string];
    if (sub === "self") return exists() && (subject.id === userid || refuse());
    const realm = userid.slice(userid.lastIndexOf("@") + 1);
    return checkPrivs(`/access/realm/${realm}`, ["Realm.AllocateUser"], false);
  }
  if (test === "userid-group") {
    // exec_api2_perm_check `userid-group`: any of the privileges on /access/groups covers every
    // user; otherwise only users of groups the caller holds them on (the sandbox has no groups).
    const [privs, ...opts] = rest as [string[], ...unknown[]];
    const o = options(opts);
    const checkExisting = o.groups_param !== "create";
    if (checkExisting && !exists()) return false;
    const have = subject.privs("/access/groups");
    if (privs.some((p) => have.has(p))) return true;
    return checkExisting ? refuse() : refuse(`/access/groups, ${privs.join("|")}`);
  }
  if (test === "perm-modify") {
    // RPCEnvironment.pm `check_perm_modify`: Permissions.Modify, or the path's own allocate privilege.
    const [template] = rest as [string];
    const path = normalize(template.replace(/\{(\w+)\}/g, (_m, name: string) => String(params[name] ?? "")));
    const privs = ["Permissions.Modify"];
    if (/^\/storage\/.+$/.test(path)) privs.push("Datastore.Allocate");
    else if (/^\/vms\/.+$/.test(path)) privs.push("VM.Allocate");
    else if (/^\/pool\/.+$/.test(path)) privs.push("Pool.Allocate");
    return checkPrivs(path, privs, true);
  }
  return refuse();
}

/** RPCEnvironment.pm `check_api2_permissions` for a privsep token. */
export function checkPermission(permission: Permission | undefined, who: ProxmoxAclEntry[] | PermSubject, params: Record<string, unknown>): void {
  if (!permission) throw new ApiError(403, "Permission check failed (user != root@pam)");
  if (permission.user === "all" || permission.user === "world") return;
  if (permission.check) {
    evaluateCheck(permission.check, who, params);
    return;
  }
  throw new ApiError(403, "Permission check failed");
}

/** One in-handler check (handlerChecks.ts): one of its alternatives must hold; else the 403 of RPCEnvironment.pm `check`. */
export function checkClause(clause: PermRequirement[], subject: PermSubject): void {
  const holds = (r: PermRequirement): boolean => {
    const have = subject.privs(normalize(r.path));
    return r.any ? r.privs.some((p) => have.has(p)) : r.privs.every((p) => have.has(p));
  };
  if (clause.some(holds)) return;
  const first = clause[0];
  if (!first) throw new ApiError(403, "Permission check failed");
  const have = subject.privs(normalize(first.path));
  throw new ApiError(403, `Permission check failed (${normalize(first.path)}, ${first.any ? first.privs.join("|") : first.privs.find((p) => !have.has(p)) ?? first.privs[0]})`);
}

/** Parse `PVEAPIToken=USER@REALM!TOKENID=SECRET` (the header the providers send). */
export function parseTokenHeader(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^PVEAPIToken=([^=\s]+@[^=\s!]+![^=\s]+)=(\S+)$/.exec(header ?? "");
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

/** The caller of a request: its auth id, and (unless it may do everything) whom the checks ask about. */
export interface RequestCaller {
  id: string;
  /** undefined: root@pam or a token without privilege separation of root@pam (no checks). */
  subject?: PermSubject;
}

/**
 * One privilege test a schema `check` asks for, with its `{param}` paths filled in from the
 * request: all of `privs` on `path`, or (`any`) one of them.
 */
export interface PermRequirement {
  path: string;
  privs: string[];
  any: boolean;
}

/**
 * What a schema `check` requires of a request, written out instead of evaluated: a list of
 * alternatives (an `or` gives several), each a list of privilege tests that must all hold
 * (`and` joins them). The user tests of exec_api2_perm_check ask about /access/realm/<realm>
 * (`userid-param`: Realm.AllocateUser) and /access/groups (`userid-group`); `userid-param self`
 * is an alternative without privileges only a user itself (never a token) meets, so it is left
 * out; `perm-modify` asks Permissions.Modify or the path's allocate privilege
 * (RPCEnvironment.pm `check_perm_modify`). An empty list: nobody meets it (root@pam only).
 */
export function requirementsOf(permission: Permission | undefined, params: Record<string, unknown>): PermRequirement[][] {
  if (!permission) return [];
  if (permission.user === "all" || permission.user === "world") return [[]];
  if (!permission.check) return [];
  const fill = (template: string): string => normalize(template.replace(/\{(\w+)\}/g, (_m, name: string) => String(params[name] ?? "")));
  const walk = (check: PermCheck): PermRequirement[][] => {
    const [test, ...rest] = check;
    if (test === "and") {
      let out: PermRequirement[][] = [[]];
      for (const sub of rest) out = out.flatMap((a) => walk(sub as PermCheck).map((b) => [...a, ...b]));
      return out;
    }
    if (test === "or") return rest.flatMap((sub) => walk(sub as PermCheck));
    if (test === "perm") {
      const [template, privs, ...opts] = rest as [string, string[], ...unknown[]];
      const o: Record<string, unknown> = {};
      for (let i = 0; i + 1 < opts.length; i += 2) o[String(opts[i])] = opts[i + 1];
      if (typeof o.require_param === "string" && params[o.require_param] === undefined) return [];
      return [[{ path: fill(template), privs: [...privs], any: !!o.any }]];
    }
    if (test === "userid-param") {
      if (rest[0] === "self") return [];
      const userid = String(params.userid ?? "");
      return [[{ path: `/access/realm/${userid.slice(userid.lastIndexOf("@") + 1)}`, privs: ["Realm.AllocateUser"], any: false }]];
    }
    if (test === "userid-group") return [[{ path: "/access/groups", privs: [...(rest[0] as string[])], any: true }]];
    if (test === "perm-modify") {
      const path = fill(rest[0] as string);
      const alloc = /^\/storage\/.+$/.test(path) ? "Datastore.Allocate" : /^\/vms\/.+$/.test(path) ? "VM.Allocate" : /^\/pool\/.+$/.test(path) ? "Pool.Allocate" : undefined;
      return [[{ path, privs: ["Permissions.Modify", ...(alloc ? [alloc] : [])], any: true }]];
    }
    return [];
  };
  return walk(permission.check);
}

/** A request the emulated API answered, with what its schema permission requires of it (for audits of what a program calls). */
export interface ObservedCall {
  method: string;
  /** The schema path: `/nodes/{node}/qemu/{vmid}/clone`. */
  route: string;
  /** The caller's auth id (`root@pam` for the sandbox's own token). */
  caller: string;
  /** Path and body parameters of the request. */
  params: Record<string, unknown>;
  /** {@link requirementsOf} the route's schema permission for these parameters: one of these alternatives must hold. */
  requires: PermRequirement[][];
  /** The checks the handler makes besides (handlerChecks.ts): each clause must hold, by one of its tests. */
  clauses: PermRequirement[][];
  /** The status the API answered with. */
  status: number;
}

/**
 * A router that checks every request of a restricted caller against the endpoint's schema
 * permission before the handler runs; it also records the emulated routes, and tells
 * `observe` (if given) about every request it answered.
 */
export class PermissionRouter extends Router {
  readonly patterns: { method: string; pattern: string }[] = [];

  constructor(
    private readonly callerFor: (req: ApiRequest) => RequestCaller | undefined,
    private readonly permissions: Record<string, Permission>,
    private readonly observe?: (call: ObservedCall) => void,
    private readonly lookup: CheckLookup = { zoneOf: () => undefined },
  ) {
    super();
  }

  override add(method: string, pattern: string, handler: Handler): this {
    this.patterns.push({ method, pattern });
    const route = schemaPath(pattern);
    const key = `${method} ${route}`;
    return super.add(method, pattern, async (req) => {
      const caller = this.callerFor(req);
      const params = { ...req.body, ...req.params };
      const observed = (status: number): void =>
        this.observe?.({ method, route, caller: caller?.id ?? "root@pam", params, requires: requirementsOf(this.permissions[key], params), clauses: HANDLER_CHECKS[key]?.(params, this.lookup) ?? [], status });
      try {
        const res = await this.run(key, caller, params, req, handler);
        observed(res.status);
        return res;
      } catch (err) {
        observed(err instanceof ApiError ? err.status : 500);
        throw err;
      }
    });
  }

  private async run(key: string, caller: RequestCaller | undefined, params: Record<string, unknown>, req: ApiRequest, handler: Handler): Promise<ApiResponse> {
    if (caller?.subject) {
      checkPermission(this.permissions[key], caller.subject, params);
      for (const clause of HANDLER_CHECKS[key]?.(params, this.lookup) ?? []) checkClause(clause, caller.subject);
    }
    return requestCaller.run(caller, () => requestToken.run(caller?.id, () => handler(req)));
  }
}

/** The caller of the request being handled (handlers that filter by privilege read it). */
export const requestCaller = new AsyncLocalStorage<RequestCaller | undefined>();

/** `/nodes/:node/qemu/:vmid` -> `/nodes/{node}/qemu/{vmid}` (the schema's path). */
export const schemaPath = (pattern: string): string => pattern.replace(/:(\w+)/g, "{$1}");
