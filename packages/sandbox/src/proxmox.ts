import type { IncomingHttpHeaders } from "node:http";
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
import { registerPools } from "./proxmox/pools.js";
import { registerSdn } from "./proxmox/sdn.js";
import { registerStorage } from "./proxmox/storage.js";
import { registerTasks } from "./proxmox/tasks.js";
import { registerVms } from "./proxmox/vms.js";
import { parseTokenHeader, PermissionRouter, type ProxmoxApiToken } from "./proxmox/permissions.js";
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

export type { ProxmoxApiToken, ProxmoxAclEntry } from "./proxmox/permissions.js";

export function createProxmoxApi(ctx: ProxmoxContext & { tokens?: ProxmoxApiToken[] }): EmulatedApi & { locks: FlockTable; router: PermissionRouter } {
  const c = createContext(ctx);
  const { store, locks } = c;
  const tokens = ctx.tokens ?? [];
  // The default token (root@pam, no privilege separation) may do everything; extra tokens follow their ACLs.
  const tokenFor = (headers: Record<string, unknown>): ProxmoxApiToken | undefined => {
    const t = parseTokenHeader(typeof headers.authorization === "string" ? headers.authorization : undefined);
    return t ? tokens.find((x) => x.id === t.id && x.secret === t.secret) : undefined;
  };
  const r = new PermissionRouter((req) => tokenFor(req.headers), PERMISSIONS);
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

  return {
    name: "proxmox",
    prefix: "/api2/json",
    router: r,
    queryIntoBody: true,
    locks,
    authorize(headers: IncomingHttpHeaders) {
      const auth = headers.authorization;
      if (!auth) return new ApiError(401, "No ticket");
      if (auth !== `PVEAPIToken=${store.data.credentials.proxmoxApiToken}` && !tokenFor(headers)) return new ApiError(401, "invalid token value!");
      return undefined;
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
