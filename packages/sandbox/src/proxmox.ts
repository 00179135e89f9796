import type { IncomingHttpHeaders } from "node:http";
import { createAccess, registerAccess } from "./proxmox/access.js";
import { registerAgent } from "./proxmox/agent.js";
import { registerBackup } from "./proxmox/backup.js";
import { registerClone } from "./proxmox/clone.js";
import { registerCluster } from "./proxmox/cluster.js";
import { createContext, type ProxmoxContext } from "./proxmox/context.js";
import { registerFirewall } from "./proxmox/firewall.js";
import type { FlockTable } from "./proxmox/locks.js";
import { registerImages } from "./proxmox/images.js";
import { registerLxc } from "./proxmox/lxc.js";
import { registerNetwork } from "./proxmox/network.js";
import { registerHa } from "./proxmox/ha.js";
import { poolMembers, registerPools } from "./proxmox/pools.js";
import { registerReplication } from "./proxmox/replication.js";
import { registerSdn } from "./proxmox/sdn.js";
import { registerStorage } from "./proxmox/storage.js";
import { registerStorageConfig } from "./proxmox/storageConfig.js";
import { registerTasks } from "./proxmox/tasks.js";
import { registerVms } from "./proxmox/vms.js";
import { aclSubject, type ObservedCall, parseTokenHeader, PermissionRouter, type ProxmoxApiToken, type RequestCaller } from "./proxmox/permissions.js";
import { PERMISSIONS } from "./proxmox/permissions.data.js";
import { ApiError, type ApiResponse, type EmulatedApi } from "./router.js";

/**
 * The emulated Proxmox VE 9.1 API. Each resource area lives in its own module under
 * `proxmox/`, with the Proxmox source it follows cited next to each behaviour.
 */
export type { ProxmoxTiming } from "./proxmox/physics.js";
export type { ProxmoxContext } from "./proxmox/context.js";
export type { SeedTemplate } from "./proxmox/seed.js";
export { seedTemplates } from "./proxmox/seed.js";
export { guestAddress } from "./proxmox/agent.js";
export { formatSize, parseSize } from "./proxmox/props.js";
export { downloadedFileHash, downloadedFileContent } from "./proxmox/images.js";
export type { ChecksumAlgorithm } from "./proxmox/images.js";
export type { PveCt } from "./proxmox/lxcRules.js";

export type { ObservedCall, PermRequirement, ProxmoxApiToken, ProxmoxAclEntry } from "./proxmox/permissions.js";

export function createProxmoxApi(ctx: ProxmoxContext & { tokens?: ProxmoxApiToken[]; observe?: (call: ObservedCall) => void }): EmulatedApi & { locks: FlockTable; router: PermissionRouter } {
  const c = createContext(ctx);
  const { store, locks } = c;
  const tokens = ctx.tokens ?? [];
  const access = createAccess(c.pve, (pool) => poolMembers(c.pve, pool));
  // The tokens given at start: their ACL entries are their privileges.
  const configured = (headers: Record<string, unknown>): ProxmoxApiToken | undefined => {
    const t = parseTokenHeader(typeof headers.authorization === "string" ? headers.authorization : undefined);
    return t ? tokens.find((x) => x.id === t.id && x.secret === t.secret) : undefined;
  };
  // The default token (root@pam, no privilege separation) may do everything; the tokens given at
  // start follow their ACLs; tokens created through /access follow the users, roles and ACLs
  // created there (access.ts).
  const callerFor = (headers: Record<string, unknown>): RequestCaller | undefined => {
    const auth = typeof headers.authorization === "string" ? headers.authorization : undefined;
    if (auth === `PVEAPIToken=${store.data.credentials.proxmoxApiToken}`) return undefined;
    const given = configured(headers);
    if (given) return { id: given.id, ...(given.privsep !== false ? { subject: aclSubject(given.acl ?? [], given.id) } : {}) };
    const t = parseTokenHeader(auth);
    if (!t || access.verifyToken(t.id, t.secret) !== undefined) return undefined;
    return { id: t.id, subject: access.subject(t.id) };
  };
  const r = new PermissionRouter((req) => callerFor(req.headers), PERMISSIONS, ctx.observe, { zoneOf: (vnet) => (c.pve.sdn.vnets[vnet] ? String(c.pve.sdn.vnets[vnet]!.zone) : undefined) });
  registerAccess(r, c, access);
  registerCluster(r, c);
  registerPools(r, c);
  registerTasks(r, c);
  registerVms(r, c);
  registerClone(r, c);
  registerAgent(r, c);
  registerFirewall(r, c);
  registerStorage(r, c);
  registerBackup(r, c);
  registerSdn(r, c);
  registerNetwork(r, c);
  registerLxc(r, c);
  registerImages(r, c);
  registerStorageConfig(r, c);
  registerHa(r, c);
  registerReplication(r, c);

  return {
    name: "proxmox",
    prefix: "/api2/json",
    router: r,
    queryIntoBody: true,
    locks,
    authorize(headers: IncomingHttpHeaders) {
      const auth = headers.authorization;
      if (!auth) return new ApiError(401, "No ticket");
      if (auth === `PVEAPIToken=${store.data.credentials.proxmoxApiToken}` || configured(headers)) return undefined;
      // AccessControl.pm `verify_token` decides; whatever its reason (disabled or expired user,
      // expired or missing token, wrong secret), the answer is 401 "Authentication failed!"
      // (pve-manager PVE/HTTPServer.pm `auth_handler`: the reason only goes to the log).
      const t = parseTokenHeader(auth);
      const error = t && access.isApiToken(t.id) ? access.verifyToken(t.id, t.secret) : "invalid token value!";
      return error ? new ApiError(401, "Authentication failed!") : undefined;
    },
    renderError(err: ApiError): ApiResponse {
      return {
        status: err.status,
        statusText: err.message,
        body: { data: null, message: `${err.message}\n`, ...(err.fields ? { errors: err.fields } : {}) },
      };
    },
  };
}
