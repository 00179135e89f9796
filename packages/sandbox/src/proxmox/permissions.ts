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

const normalize = (path: string): string => {
  const p = path.replace(/\/+/g, "/").replace(/(.)\/$/, "$1");
  return p === "" ? "/" : p;
};

/** Evaluate a schema `check` for a token; throws the 403 Proxmox gives, or returns false when `noerr`. */
export function evaluateCheck(check: PermCheck, acl: ProxmoxAclEntry[], params: Record<string, unknown>, noerr = false): boolean {
  const refuse = (what?: string): false => {
    if (noerr) return false;
    throw new ApiError(403, `Permission check failed${what ? ` (${what})` : ""}`);
  };
  const [test, ...rest] = check;
  if (test === "and") {
    for (const sub of rest) evaluateCheck(sub as PermCheck, acl, params);
    return true;
  }
  if (test === "or") {
    for (const sub of rest) if (evaluateCheck(sub as PermCheck, acl, params, true)) return true;
    return refuse();
  }
  if (test === "perm") {
    const [template, privs, ...opts] = rest as [string, string[], ...unknown[]];
    const options: Record<string, unknown> = {};
    for (let i = 0; i + 1 < opts.length; i += 2) options[String(opts[i])] = opts[i + 1];
    const required = options.require_param as string | undefined;
    if (required && params[required] === undefined) return refuse();
    // pve-common Tools.pm `template_replace`: `{name}` from the request parameters.
    const path = normalize(template.replace(/\{(\w+)\}/g, (_m, name: string) => String(params[name] ?? "")));
    const have = privilegesAt(acl, path);
    if (options.any) return privs.some((p) => have.has(p)) || refuse(`${path}, ${privs.join("|")}`);
    for (const p of privs) if (!have.has(p)) return refuse(`${path}, ${p}`);
    return true;
  }
  // userid-param, userid-group, perm-modify: access-control endpoints the sandbox does not serve.
  return refuse();
}

/** RPCEnvironment.pm `check_api2_permissions` for a privsep token. */
export function checkPermission(permission: Permission | undefined, acl: ProxmoxAclEntry[], params: Record<string, unknown>): void {
  if (!permission) throw new ApiError(403, "Permission check failed (user != root@pam)");
  if (permission.user === "all" || permission.user === "world") return;
  if (permission.check) {
    evaluateCheck(permission.check, acl, params);
    return;
  }
  throw new ApiError(403, "Permission check failed");
}

/** Parse `PVEAPIToken=USER@REALM!TOKENID=SECRET` (the header the providers send). */
export function parseTokenHeader(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^PVEAPIToken=([^=\s]+@[^=\s!]+![^=\s]+)=(\S+)$/.exec(header ?? "");
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

/**
 * A router that checks every request of a privilege-separated token against the endpoint's
 * schema permission before the handler runs; it also records the emulated routes.
 */
export class PermissionRouter extends Router {
  readonly patterns: { method: string; pattern: string }[] = [];

  constructor(
    private readonly tokenFor: (req: ApiRequest) => ProxmoxApiToken | undefined,
    private readonly permissions: Record<string, Permission>,
  ) {
    super();
  }

  override add(method: string, pattern: string, handler: Handler): this {
    this.patterns.push({ method, pattern });
    const key = `${method} ${schemaPath(pattern)}`;
    return super.add(method, pattern, (req) => {
      const token = this.tokenFor(req);
      if (token && token.privsep !== false) checkPermission(this.permissions[key], token.acl ?? [], { ...req.body, ...req.params });
      return requestToken.run(token?.id, () => handler(req));
    });
  }
}

/** `/nodes/:node/qemu/:vmid` -> `/nodes/{node}/qemu/{vmid}` (the schema's path). */
export const schemaPath = (pattern: string): string => pattern.replace(/:(\w+)/g, "{$1}");
