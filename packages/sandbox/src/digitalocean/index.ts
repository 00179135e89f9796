import { bearerWithRateLimit } from "../cloudApi.js";
import type { Faults } from "../faults.js";
import { ApiError, type ApiResponse, type EmulatedApi } from "../router.js";
import type { Store } from "../state.js";
import { registerActions } from "./actions.js";
import { registerCatalog } from "./catalog.js";
import { createKit, type DigitalOceanTiming } from "./context.js";
import { registerDroplets } from "./droplets.js";
import { faultError, uuidFrom } from "./errors.js";
import { registerFirewalls } from "./firewalls.js";
import { registerReservedIps } from "./reservedIps.js";
import { registerSshKeys } from "./sshKeys.js";
import { registerTags } from "./tags.js";
import { registerVolumes } from "./volumes.js";
import { registerVpcs } from "./vpcs.js";

export type { DigitalOceanTiming } from "./context.js";

export interface DigitalOceanContext {
  store: Store;
  faults: Faults;
  timing?: DigitalOceanTiming;
  /** Requests per hour ("5,000 requests per hour": the description's "Rate Limit" section). @default 5000 */
  rateLimit?: number;
}

/** The emulated DigitalOcean API, one module per resource area (see docs/sandbox.md, "Fidelity ledger: DigitalOcean"). */
export function createDigitalOceanApi(ctx: DigitalOceanContext): EmulatedApi {
  const kit = createKit(ctx.store, ctx.faults, { bootMs: 300, actionMs: 100, ...ctx.timing });
  registerCatalog(kit);
  registerActions(kit);
  registerSshKeys(kit);
  registerTags(kit);
  registerVpcs(kit);
  registerDroplets(kit);
  registerReservedIps(kit);
  registerFirewalls(kit);
  registerVolumes(kit);

  return {
    name: "digitalocean",
    prefix: "/v2",
    router: kit.r,
    ...bearerWithRateLimit({
      token: () => ctx.store.data.credentials.digitaloceanToken,
      perHour: ctx.rateLimit ?? 5000,
      headerNames: { limit: "ratelimit-limit", remaining: "ratelimit-remaining", reset: "ratelimit-reset" },
      unauthorized: () => new ApiError(401, "Unable to authenticate you", "Unauthorized"),
      limited: () => new ApiError(429, "API Rate limit exceeded.", "too_many_requests"),
    }),
    faultError,
    renderError(err: ApiError): ApiResponse {
      return { status: err.status, body: { id: err.code ?? (err.status === 501 ? "not_implemented" : "server_error"), message: err.message, request_id: uuidFrom(Date.now()) } };
    },
  };
}
