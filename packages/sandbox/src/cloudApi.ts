/**
 * Mechanics the two emulated cloud APIs (hcloud, DigitalOcean) share: the same logic, with each
 * API's own words (error class, codes, messages, defaults and header names) passed in by it.
 */
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { RateLimiter } from "./rateLimit.js";
import type { ApiError, ApiRequest, EmulatedApi } from "./router.js";

/**
 * The `faultError` of an API: the error an injected fault of `status` raises, from the API's table
 * of faults (500's entry for a status not in it), made by `make` in the API's own error shape.
 */
export function faultErrorFrom<F>(table: Readonly<Record<number, F>>, make: (status: number, fault: F) => ApiError): (status: number) => ApiError {
  return (status) => make(status, table[status] ?? table[500]!);
}

/** One page of a list, with the numbers an API's pagination answer is made of. */
export interface Page<T> {
  /** The page asked for, from 1. */
  page: number;
  perPage: number;
  /** The last page (1 for an empty list). */
  last: number;
  items: T[];
}

/**
 * Cuts `items` into the page the query asks for: `per_page` (`perPage.default` when absent or not
 * a positive number, at most `perPage.max`) and `page` (1 when absent or below 1).
 */
export function paginate<T>(req: ApiRequest, items: readonly T[], perPage: { default: number; max: number }): Page<T> {
  const size = Math.min(Number(req.query.get("per_page") ?? perPage.default) || perPage.default, perPage.max);
  const page = Math.max(Number(req.query.get("page") ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / size), 1);
  return { page, perPage: size, last, items: items.slice((page - 1) * size, page * size) };
}

/**
 * The MD5 fingerprint (`aa:bb:...`) of an OpenSSH public key (`type base64 [comment]`), as both
 * clouds show it; undefined when the key has no base64 part (each API refuses it in its own words).
 */
export function md5Fingerprint(publicKey: string): string | undefined {
  const blob = publicKey.trim().split(/\s+/)[1];
  if (!blob || !/^[A-Za-z0-9+/=]+$/.test(blob)) return undefined;
  return createHash("md5").update(Buffer.from(blob, "base64")).digest("hex").match(/../g)!.join(":");
}

/**
 * A cloud API's `authorize` and `responseHeaders`: the bearer token must match `token()`, then a
 * request takes one from a bucket of `perHour` refilled over an hour (rateLimit.ts); every answer
 * carries the bucket's headers under the API's `headerNames`.
 */
export function bearerWithRateLimit(options: {
  token: () => string;
  perHour: number;
  headerNames: { limit: string; remaining: string; reset: string };
  unauthorized: () => ApiError;
  limited: () => ApiError;
}): Required<Pick<EmulatedApi, "authorize" | "responseHeaders">> {
  const limiter = new RateLimiter(options.perHour, options.perHour / 3600);
  return {
    authorize(headers: IncomingHttpHeaders) {
      if (headers.authorization !== `Bearer ${options.token()}`) return options.unauthorized();
      if (!limiter.take()) return options.limited();
      return undefined;
    },
    responseHeaders: () => limiter.headers(options.headerNames),
  };
}
