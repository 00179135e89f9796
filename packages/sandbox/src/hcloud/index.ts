import type { IncomingHttpHeaders } from "node:http";
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
import { RateLimiter } from "../rateLimit.js";
import { registerServers } from "./servers.js";
import { registerSshKeys } from "./sshKeys.js";

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
  const limit = ctx.rateLimit ?? 3600;
  const limiter = new RateLimiter(limit, limit / 3600);
  const names = { limit: "RateLimit-Limit", remaining: "RateLimit-Remaining", reset: "RateLimit-Reset" };

  return {
    name: "hcloud",
    prefix: "/v1",
    router: kit.r,
    authorize(headers: IncomingHttpHeaders) {
      if (headers.authorization !== `Bearer ${ctx.store.data.credentials.hcloudToken}`) return new HcloudError(401, "unauthorized", "unable to authenticate");
      if (!limiter.take()) return new HcloudError(429, "rate_limit_exceeded", "limit of requests per hour reached");
      return undefined;
    },
    faultError,
    responseHeaders: () => limiter.headers(names),
    renderError(err: ApiError): ApiResponse {
      const details = err instanceof HcloudError ? err.details : null;
      return { status: err.status, body: { error: { code: err.code ?? (err.status === 501 ? "not_implemented" : "service_error"), message: err.message, details } } };
    },
  };
}
