import { bearerWithRateLimit } from "../cloudApi.js";
import type { Faults } from "../faults.js";
import { ApiError, type ApiResponse, type EmulatedApi } from "../router.js";
import type { Store } from "../state.js";
import { registerActions } from "./actions.js";
import { registerCatalog } from "./catalog.js";
import { createKit, type HcloudTiming } from "./context.js";
import { HcloudError, faultError } from "./errors.js";
import { registerFirewalls } from "./firewalls.js";
import { registerNetworks } from "./networks.js";
import { registerPrimaryIps } from "./primaryIps.js";
import { registerServers } from "./servers.js";
import { registerSnapshots } from "./snapshots.js";
import { registerSshKeys } from "./sshKeys.js";
import { registerVolumes } from "./volumes.js";

export type { HcloudTiming } from "./context.js";
export { matchesLabelSelector, labelProblem } from "./labels.js";

export interface HcloudContext {
  store: Store;
  faults: Faults;
  timing?: HcloudTiming;
  /** Requests per hour the rate limiter allows (one token back every 3600/limit seconds). @default 3600 */
  rateLimit?: number;
}

/** The emulated Hetzner Cloud API, one module per resource area (see docs/sandbox.md, "Fidelity ledger: Hetzner Cloud"). */
export function createHcloudApi(ctx: HcloudContext): EmulatedApi {
  const kit = createKit(ctx.store, ctx.faults, { actionMs: 100, ...ctx.timing });
  registerCatalog(kit);
  registerActions(kit);
  registerSshKeys(kit);
  registerPrimaryIps(kit);
  registerFirewalls(kit);
  registerNetworks(kit);
  registerServers(kit);
  registerVolumes(kit);
  registerSnapshots(kit);

  return {
    name: "hcloud",
    prefix: "/v1",
    router: kit.r,
    ...bearerWithRateLimit({
      token: () => ctx.store.data.credentials.hcloudToken,
      perHour: ctx.rateLimit ?? 3600,
      headerNames: { limit: "RateLimit-Limit", remaining: "RateLimit-Remaining", reset: "RateLimit-Reset" },
      unauthorized: () => new HcloudError(401, "unauthorized", "unable to authenticate"),
      limited: () => new HcloudError(429, "rate_limit_exceeded", "limit of requests per hour reached"),
    }),
    faultError,
    renderError(err: ApiError): ApiResponse {
      // HcloudError, or the conformance check's refusal (an ApiError carrying `details`, server.ts).
      const details = err instanceof HcloudError ? err.details : ((err as ApiError & { details?: unknown }).details ?? null);
      return { status: err.status, body: { error: { code: err.code ?? (err.status === 501 ? "not_implemented" : "service_error"), message: err.message, details } } };
    },
  };
}
