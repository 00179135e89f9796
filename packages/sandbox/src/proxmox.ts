import type { IncomingHttpHeaders } from "node:http";
import { registerAgent } from "./proxmox/agent.js";
import { registerBackup } from "./proxmox/backup.js";
import { registerClone } from "./proxmox/clone.js";
import { registerCluster } from "./proxmox/cluster.js";
import { createContext, type ProxmoxContext } from "./proxmox/context.js";
import { registerFirewall } from "./proxmox/firewall.js";
import type { FlockTable } from "./proxmox/locks.js";
import { registerNetwork } from "./proxmox/network.js";
import { registerPools } from "./proxmox/pools.js";
import { registerSdn } from "./proxmox/sdn.js";
import { registerStorage } from "./proxmox/storage.js";
import { registerTasks } from "./proxmox/tasks.js";
import { registerVms } from "./proxmox/vms.js";
import { ApiError, type ApiResponse, type EmulatedApi, Router } from "./router.js";

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

export function createProxmoxApi(ctx: ProxmoxContext): EmulatedApi & { locks: FlockTable } {
  const c = createContext(ctx);
  const { store, locks } = c;
  const r = new Router();
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

  return {
    name: "proxmox",
    prefix: "/api2/json",
    router: r,
    queryIntoBody: true,
    locks,
    authorize(headers: IncomingHttpHeaders) {
      const auth = headers.authorization;
      if (!auth) return new ApiError(401, "No ticket");
      if (auth !== `PVEAPIToken=${store.data.credentials.proxmoxApiToken}`) return new ApiError(401, "invalid token value!");
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
