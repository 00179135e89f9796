import { createHash } from "node:crypto";
import { ApiError } from "../router.js";

/**
 * DigitalOcean's error shape `{ id, message, request_id }` (../shared/specs/digitalocean-openapi.json,
 * the error schema of every documented 4xx/5xx, e.g. `{"id": "too_many_requests", "message": "API
 * Rate limit exceeded."}` in its "Rate Limit" section).
 */
export const fail = (status: number, id: string, message: string): never => {
  throw new ApiError(status, message, id);
};
export const notFound = (): never => fail(404, "not_found", "The resource you were accessing could not be found.");
export const unprocessable = (message: string): never => fail(422, "unprocessable_entity", message);
export const badRequest = (message: string): never => fail(400, "bad_request", message);

/** A request id in DigitalOcean's UUID form, stable for a number. */
export const uuidFrom = (n: number | string): string => {
  const h = createHash("sha1").update(`do-${n}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/**
 * Injected faults, with the ids DigitalOcean uses where its description shows them (429
 * `too_many_requests`, 500 `server_error`). godo (`godo.go`, go-retryablehttp's
 * `DefaultRetryPolicy`) retries 429 and 5xx other than 501 when retries are configured.
 */
const FAULT_IDS: Record<number, { id: string; message: string }> = {
  409: { id: "conflict", message: "injected fault: conflict" },
  423: { id: "locked", message: "injected fault: locked" },
  429: { id: "too_many_requests", message: "API Rate limit exceeded." },
  500: { id: "server_error", message: "injected fault: internal server error" },
  502: { id: "bad_gateway", message: "injected fault: bad gateway" },
  503: { id: "service_unavailable", message: "injected fault: service unavailable" },
  504: { id: "gateway_timeout", message: "injected fault: gateway timeout" },
};
export const faultError = (status: number): ApiError => {
  const f = FAULT_IDS[status] ?? FAULT_IDS[500]!;
  return new ApiError(status, f.message, f.id);
};
