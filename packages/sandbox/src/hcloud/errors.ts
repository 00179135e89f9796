import { ApiError } from "../router.js";

/**
 * hcloud's error shape: `{ error: { code, message, details } }`. Codes and their meaning are
 * hcloud-go v2.47.0 `hcloud/error.go` (the `ErrorCode` constants); which operation answers with
 * which code is the operation's "Operation specific errors" table in ../shared/specs/hcloud-openapi.json.
 */
export class HcloudError extends ApiError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(status, message, code);
  }
}

export const fail = (status: number, code: string, message: string, details?: unknown): never => {
  throw new HcloudError(status, code, message, details ?? null);
};

/** 400 `invalid_input` with the field named in `details.fields`, as hcloud-go's `ErrorDetailsInvalidInput` reads it. */
export const invalidInput = (field: string, message: string): never =>
  fail(400, "invalid_input", `invalid input in field '${field}'`, { fields: [{ name: field, messages: [message] }] });

export const notFound = (kind: string, id: unknown): never => fail(404, "not_found", `${kind} with ID '${String(id)}' not found`);

/** 423 `locked`: "Item is locked (Another action is running)" (hcloud-go error.go `ErrorCodeLocked`). */
export const locked = (kind: string, id: unknown): never => fail(423, "locked", `${kind} ${String(id)} is locked: another action is running`);

/**
 * What an injected fault of each status says. hcloud-go v2.47.0 `client_handler_retry.go`
 * `retryPolicy` retries the codes `conflict`, `rate_limit_exceeded`, `bad_gateway` and `timeout`
 * (and bare 502/504 statuses); `locked`, `maintenance` and `server_error` reach the caller, and
 * terraform-provider-hcloud retries `locked` only around some actions (internal/server/common.go).
 */
export const FAULT_CODES: Record<number, { code: string; message: string }> = {
  409: { code: "conflict", message: "injected fault: the resource has changed during the request, please retry" },
  423: { code: "locked", message: "injected fault: item is locked (another action is running)" },
  429: { code: "rate_limit_exceeded", message: "injected fault: rate limit exceeded" },
  500: { code: "server_error", message: "injected fault: internal server error" },
  502: { code: "bad_gateway", message: "injected fault: the request could not be answered by the API backend, please retry" },
  503: { code: "maintenance", message: "injected fault: cannot perform operation due to maintenance" },
  504: { code: "timeout", message: "injected fault: the request could not be answered in time, please retry" },
};

export const faultError = (status: number): ApiError => {
  const f = FAULT_CODES[status] ?? FAULT_CODES[500]!;
  return new HcloudError(status, f.code, f.message);
};
