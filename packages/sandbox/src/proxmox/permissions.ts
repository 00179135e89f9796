import { AsyncLocalStorage } from "node:async_hooks";
import { ApiError, type ApiRequest, type Handler, Router } from "../router.js";

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
 * A router that checks every request of a restricted caller against the endpoint's schema
 * permission before the handler runs; it also records the emulated routes.
 */
export class PermissionRouter extends Router {
  readonly patterns: { method: string; pattern: string }[] = [];

  constructor(
    private readonly callerFor: (req: ApiRequest) => RequestCaller | undefined,
    private readonly permissions: Record<string, Permission>,
  ) {
    super();
  }

  override add(method: string, pattern: string, handler: Handler): this {
    this.patterns.push({ method, pattern });
    const key = `${method} ${schemaPath(pattern)}`;
    return super.add(method, pattern, (req) => {
      const caller = this.callerFor(req);
      if (caller?.subject) checkPermission(this.permissions[key], caller.subject, { ...req.body, ...req.params });
      return requestCaller.run(caller, () => requestToken.run(caller?.id, () => handler(req)));
    });
  }
}

/** The caller of the request being handled (handlers that filter by privilege read it). */
export const requestCaller = new AsyncLocalStorage<RequestCaller | undefined>();

/** `/nodes/:node/qemu/:vmid` -> `/nodes/{node}/qemu/{vmid}` (the schema's path). */
export const schemaPath = (pattern: string): string => pattern.replace(/:(\w+)/g, "{$1}");
