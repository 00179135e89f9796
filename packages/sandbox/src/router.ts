import type { IncomingHttpHeaders } from "node:http";

/** A parsed request as the emulated APIs see it. */
export interface ApiRequest {
  method: string;
  /** Path below the API prefix, e.g. `/nodes/pve1/qemu/100/config`. */
  path: string;
  query: URLSearchParams;
  /** Form or JSON body (form values stay strings); for Proxmox, query parameters are merged in. */
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  /** Path parameters, already URL-decoded. */
  params: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  /** HTTP reason phrase; Proxmox puts its error message here. */
  statusText?: string;
  /** Extra response headers (rate-limit headers of the cloud APIs). */
  headers?: Record<string, string>;
}

export type Handler = (req: ApiRequest) => ApiResponse | Promise<ApiResponse>;

/** An error a handler throws to answer with a given status; each API renders it in its own shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** hcloud error code / DO error id / Proxmox per-parameter errors. */
    readonly code?: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

/** Minimal path router: `/nodes/:node/qemu/:vmid/config`; each segment is matched after URL-decoding. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, segments: pattern.split("/").filter(Boolean), handler });
    return this;
  }
  get(pattern: string, handler: Handler): this {
    return this.add("GET", pattern, handler);
  }
  post(pattern: string, handler: Handler): this {
    return this.add("POST", pattern, handler);
  }
  put(pattern: string, handler: Handler): this {
    return this.add("PUT", pattern, handler);
  }
  patch(pattern: string, handler: Handler): this {
    return this.add("PATCH", pattern, handler);
  }
  delete(pattern: string, handler: Handler): this {
    return this.add("DELETE", pattern, handler);
  }

  match(method: string, rawPath: string): { handler: Handler; params: Record<string, string> } | undefined {
    const parts = rawPath.split("/").filter(Boolean).map(safeDecode);
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = route.segments[i]!;
        const part = parts[i]!;
        if (seg.startsWith(":")) params[seg.slice(1)] = part;
        else ok = seg === part;
      }
      if (ok) return { handler: route.handler, params };
    }
    return undefined;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parse a request body as JSON or `application/x-www-form-urlencoded`. */
export function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if ((contentType ?? "").includes("json") || raw.trimStart().startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      throw new ApiError(400, "request body must be a JSON object", "invalid_input");
    } catch (e) {
      if (e instanceof ApiError) throw e;
      throw new ApiError(400, "request body is not valid JSON", "json_error");
    }
  }
  // Repeated form keys (Proxmox list parameters such as `dhcp-range`) become arrays.
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** One emulated HTTP API, served by `server.ts` on its own listener. */
export interface EmulatedApi {
  name: "proxmox" | "hcloud" | "digitalocean";
  /** Path prefix of the API (`/api2/json`, `/v1`, `/v2`). */
  prefix: string;
  router: Router;
  /** Is this request's credential valid? */
  authorize(headers: IncomingHttpHeaders): ApiError | undefined;
  /** The API's own error shape. */
  renderError(err: ApiError): ApiResponse;
  /** Proxmox takes parameters from the query string on GET/DELETE; merge them into `body`. */
  queryIntoBody?: boolean;
  /** The error an injected fault of this status raises, in the API's own terms. @default a plain error with the status */
  faultError?(status: number): ApiError;
  /** Headers every answer carries (the cloud APIs' rate-limit headers), counted per request. */
  responseHeaders?(status: number): Record<string, string>;
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0) return resolve();
    setTimeout(resolve, ms).unref();
  });

/** ISO-8601 timestamp without milliseconds, as the cloud APIs print them. */
export const isoNow = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
